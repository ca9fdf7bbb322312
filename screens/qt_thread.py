"""A QObject of the screens is used only from the Qt thread.

The core calls back from device and flow threads; the view-model turns every such call into a
queued signal. A method that touches Qt state checks at its entry that it runs on the Qt
thread: a violation raises WrongThread and is recorded, so the test suite fails on it even
where the exception is caught and logged.
"""
from __future__ import annotations

import functools
import threading

from PySide6.QtCore import QThread

violations: list[str] = []          # read (and cleared) by the test suite after each test


class WrongThread(AssertionError):
    """Qt state touched from a thread other than the Qt thread: a bug in the caller."""


def qt_thread(method):
    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        # The application is created on the main thread (kiosk.app, the tests), so that is Qt's.
        if not QThread.isMainThread():
            what = (f"{type(self).__name__}.{method.__name__} called on thread "
                    f"{threading.current_thread().name!r}, not the Qt thread")
            violations.append(what)
            raise WrongThread(what)
        return method(self, *args, **kwargs)
    return checked
