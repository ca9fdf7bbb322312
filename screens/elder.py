"""长辈模式: one tap on the home screen, or by itself when a card says the citizen is 70 or older
(the hall's priority age), with a one-tap way back on every screen.

What it changes: the text 1.4× and the touch targets 1.5× (Theme.qml scales by `vm.elder.on`),
more time before the countdown home (kiosk.elder_idle_timeout_s, with a longer warning), and the
voice on: each screen says what it asks as it appears. It lasts for one citizen: the next one
starts in the standard mode.
"""
from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

log = logging.getLogger(__name__)


class ElderMode(QObject):
    changed = Signal()

    def __init__(self, idle, standard: tuple[float, float], elder: tuple[float, float],
                 read_aloud: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self._idle, self._standard, self._elder, self._read_aloud = idle, standard, elder, read_aloud
        self._on = False
        self._by_card = False

    def _get_on(self) -> bool:
        return self._on

    on = Property(bool, _get_on, notify=changed)
    byCard = Property(bool, lambda self: self._by_card, notify=changed)

    @Slot()
    def toggle(self) -> None:
        self._set(not self._on, by_card=False)

    def card_read(self, identity: dict) -> None:
        """A card of a citizen of the priority age switches the mode on (they can switch it off)."""
        if identity.get("priority") and not self._on:
            self._set(True, by_card=True)

    def visit_ended(self) -> None:
        if self._on:
            self._set(False, by_card=False)

    def screen_shown(self) -> None:
        if self._on:
            self._read_aloud()

    def _set(self, on: bool, by_card: bool) -> None:
        self._on, self._by_card = on, by_card
        self._idle.timeout_s, self._idle.warning_s = self._elder if on else self._standard
        self._idle.touch()
        log.info("长辈模式 %s%s", "on" if on else "off", " (the card's age)" if by_card else "")
        self.changed.emit()
        if on:
            self._read_aloud()
