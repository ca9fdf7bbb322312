"""A screen's QObject belongs to the Qt thread: touched from a device or flow thread it refuses
with WrongThread (tests/conftest.py fails any test where that happened, even if caught)."""
from __future__ import annotations

import screens.qt_thread as qt_rule
from screens.qt_thread import WrongThread


def test_a_screen_model_touched_from_a_device_thread_refuses(start_kiosk, on_another_thread):
    ui, _ = start_kiosk()
    vm = ui.viewmodel
    try:
        error = on_another_thread(lambda: vm._set_screen("categories"))
        assert isinstance(error, WrongThread) and "not the Qt thread" in str(error)
        assert vm.property("screen") == "home"             # nothing changed under the Qt thread's feet
        assert qt_rule.violations
    finally:
        del qt_rule.violations[:]                          # this one was on purpose
