"""Who is at the kiosk: the idle countdown and the window's input guard.

A kiosk left half-way through a journey must go back home by itself, and nothing a visitor
types may close it. Both need to see every press before QML does, so they live here in Python
as an event filter on the window rather than as a MouseArea that could steal clicks.
"""
from __future__ import annotations

import math
import time
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Property, Qt, QTimer, Signal

# Keys that would leave or close a desktop application. On the kiosk they do nothing.
_CLOSE_KEYS = {Qt.Key.Key_Escape, Qt.Key.Key_Close, Qt.Key.Key_Back, Qt.Key.Key_F11, Qt.Key.Key_Meta,
               Qt.Key.Key_Super_L, Qt.Key.Key_Super_R}
_PRESSES = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress,
            QEvent.Type.TabletPress, QEvent.Type.Wheel}


class IdleWatcher(QObject):
    """Counts down while nobody touches the screen; shows a warning for the last seconds.

    Only active away from the home screen (set_active), so an empty kiosk does not flash a
    countdown at passers-by. `timedOut` fires once when the time is up.
    """

    changed = Signal()
    timedOut = Signal()

    def __init__(self, timeout_s: float, warning_s: float, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.timeout_s, self.warning_s = float(timeout_s), float(warning_s)
        self._clock = clock
        self._last_touch = clock()
        self._active = False
        self._warning = False
        self._remaining = math.ceil(self.warning_s)
        self._timer = QTimer(self, interval=200)   # 5 checks a second keep the countdown honest
        self._timer.timeout.connect(self._tick)

    def _get_warning(self) -> bool:
        return self._warning

    def _get_remaining(self) -> int:
        return self._remaining

    warning = Property(bool, _get_warning, notify=changed)
    remaining = Property(int, _get_remaining, notify=changed)

    @property
    def active(self) -> bool:
        return self._active

    def set_active(self, active: bool) -> None:
        if active and not self._active:
            self._last_touch = self._clock()
            self._timer.start()
        elif not active:
            self._timer.stop()
        self._active = active
        self._show(False, math.ceil(self.warning_s))

    def touch(self) -> None:
        self._last_touch = self._clock()
        if self._warning:
            self._show(False, math.ceil(self.warning_s))

    def _tick(self) -> None:
        left = self.timeout_s - (self._clock() - self._last_touch)
        if left <= 0:
            self.set_active(False)
            self.timedOut.emit()
        elif left <= self.warning_s:
            self._show(True, math.ceil(left))

    def _show(self, warning: bool, remaining: int) -> None:
        if (warning, remaining) != (self._warning, self._remaining):
            self._warning, self._remaining = warning, remaining
            self.changed.emit()


class KioskInputGuard(QObject):
    """Event filter on the kiosk window: every press counts as "someone is here", and the keys
    that would close or leave the app are swallowed."""

    def __init__(self, on_touch: Callable[[], None], refuse_keys: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self._on_touch = on_touch
        self._refuse_keys = refuse_keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind in _PRESSES:
            self._on_touch()
        if self._refuse_keys and kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride,
                                          QEvent.Type.KeyRelease):
            return self.refused(event)
        return False

    @staticmethod
    def refused(event) -> bool:
        key, mods = event.key(), event.modifiers()
        if key in _CLOSE_KEYS:
            return True
        if key == Qt.Key.Key_F4 and mods & Qt.KeyboardModifier.AltModifier:
            return True
        if key in (Qt.Key.Key_Q, Qt.Key.Key_W) and mods & Qt.KeyboardModifier.ControlModifier:
            return True
        return False
