"""长辈模式: one tap on the home screen, or by itself when a card says the citizen is 70 or older
(the hall's priority age), with a one-tap way back on every screen.

What it changes: the text 1.4× and the touch targets 1.5× (Theme.qml scales by `vm.elder.on`),
more time before the countdown home (kiosk.elder_idle_timeout_s, with a longer warning), and the
voice on: each screen says what it asks as it appears. It lasts for one citizen: the next one
starts in the standard mode.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

log = logging.getLogger(__name__)


HELP_SAID = "请稍候，工作人员马上过来帮您。"


class ElderMode(QObject):
    changed = Signal()
    helpChanged = Signal()
    _answered = Signal(str)           # from the flow thread: queued onto this object's (the Qt) thread

    def __init__(self, idle, standard: tuple[float, float], elder: tuple[float, float],
                 read_aloud: Callable[[], None], say: Callable[[str], None], ask_hall: Callable[[], Future],
                 parent: QObject | None = None):
        """`ask_hall()`: page the window staff (KioskCore.ask_for_help), a future of whether it went."""
        super().__init__(parent)
        self._idle, self._standard, self._elder, self._read_aloud = idle, standard, elder, read_aloud
        self._say, self._ask_hall = say, ask_hall
        self._on = False
        self._help = ""            # "" | "asked" (on its way) | "paged" (the windows were told) | "local"
        self._answered.connect(self._set_help)

    on = Property(bool, lambda self: self._on, notify=changed)
    help = Property(str, lambda self: self._help, notify=helpChanged)

    @Slot()
    def askForHelp(self) -> None:
        """请工作人员帮忙: a big message for the staff to see, said aloud, and the windows paged
        when the kiosk is on a hall server."""
        self._help = "asked"
        self.helpChanged.emit()
        self._say(HELP_SAID)
        self._ask_hall().add_done_callback(lambda f: self._answered.emit(
            "paged" if not f.cancelled() and f.exception() is None and f.result() else "local"))

    @Slot(str)
    def _set_help(self, state: str) -> None:
        if self._help:                    # (not if the citizen already dismissed it)
            self._help = state
            self.helpChanged.emit()

    @Slot()
    def dismissHelp(self) -> None:
        self._help = ""
        self.helpChanged.emit()

    @Slot()
    def toggle(self) -> None:
        self._set(not self._on)

    def card_read(self, identity: dict) -> None:
        """A card of a citizen of the priority age switches the mode on (they can switch it off)."""
        if identity.get("priority") and not self._on:
            self._set(True, why=" (the card's age)")

    def visit_ended(self) -> None:
        if self._help:
            self.dismissHelp()
        if self._on:
            self._set(False)

    def screen_shown(self) -> None:
        if self._on:
            self._read_aloud()

    def _set(self, on: bool, why: str = "") -> None:
        self._on = on
        self._idle.timeout_s, self._idle.warning_s = self._elder if on else self._standard
        self._idle.touch()
        log.info("长辈模式 %s%s", "on" if on else "off", why)
        self.changed.emit()
        if on:
            self._read_aloud()
