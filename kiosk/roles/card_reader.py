"""What both identity card readers share as roles: counts, health, "a citizen was identified".

Both do their I/O on their own device thread (kiosk.devices.DeviceWorker) and report to
listeners from that thread: CardRead, CardRemoved, CardFailed and HealthChanged (kiosk.events).
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future

from drivers.card.errors import CardError
from kiosk.devices import DeviceHealth, HealthState
from kiosk.events import CardRead
from kiosk.roles import DeviceRole
from kiosk.wording import NOTHING, Sentence

log = logging.getLogger(__name__)


class CardReaderRole(DeviceRole):
    """Counting, health and listeners shared by both readers. A card reader offers the
    technician a test read (`test_read()`: a future giving the card, or None)."""

    title = ""
    test_prompt = Sentence("请放卡…")     # while a technician's test read waits

    def __init__(self, name: str, settings):
        super().__init__(name, settings)
        self.details: dict = {"reads": 0, "failures": 0, "last_error": ""}
        self.health = DeviceHealth(self.name, self.title, "absent", Sentence("还没有检查读卡器"))

    def _set_health(self, state: HealthState, reason: Sentence = NOTHING) -> DeviceHealth:
        return self._publish(DeviceHealth(self.name, self.title, state, reason, dict(self.details), time.time()))

    def _failed(self, error: CardError) -> None:
        """A read went wrong: count it, keep the technical detail (no personal data in it)."""
        self.details["failures"] += 1
        self.details["last_error"] = f"{type(error).__name__}: {error}"
        log.warning("%s read failed: %s", self.name, self.details["last_error"])
        self._set_health(self.health.state, self.health.reason)

    def _identified(self, card) -> None:
        self.details["reads"] += 1
        self.details["last_read_ms"] = round(getattr(card, "ms", 0.0), 1)
        # What was odd on the card just read (a social-security card's unexpected 卡识别码, say):
        # the citizen was identified anyway, but the technician should see it. Only while the
        # last card read has some, so an old card's warnings are never taken for this one's.
        warnings = list(getattr(card, "warnings", ()))
        if warnings:
            self.details["card_warnings"] = warnings
        else:
            self.details.pop("card_warnings", None)
        self._set_health("ok")                 # the counts a technician sees, up to date
        self._emit(CardRead(self.name, self.identity_of(card)))

    def identity_of(self, card):
        raise NotImplementedError

    def test_read(self) -> Future:
        raise NotImplementedError

    async def next_card(self, timeout: float):
        """The identity of the next card read on this reader (`await reader.next_card(30)`);
        TimeoutError if none comes. Personal data: keep it in the session, never log it."""
        return (await self.next_event(CardRead, timeout)).identity
