"""自助取件 for the screens: the pickup lockers' cells, a citizen's code or card, the doors.

Owned by the core (core.lockers); the journeys run on the core's flow loop
(kiosk.flows.pickup) and answer with futures. Wrong codes slow entry down on this kiosk
(after three, each next try waits twice as long), so guessing six digits is hopeless at one
kiosk; one citizen's wrong codes lock only their own orders (kiosk.hall.sqlite_pickups).
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Future
from datetime import datetime
from typing import Callable

from kiosk.flows.pickup import DoorResult, LockerDesk, collect, resume
from kiosk.hall.sqlite_pickups import PickupRefused, SqlitePickups
from kiosk.roles.locker_bus import LockerBusRole
from kiosk.wording import Sentence

log = logging.getLogger(__name__)
FREE_TRIES = 3
REFUSALS = {
    "wrong_code": Sentence("取件码不对，请再核对一下短信里的 6 位数字。"),
    "expired": Sentence("这个取件码已经过期了，请到窗口取件，工作人员会帮您。"),
    "nothing": Sentence("没有查到您要取的件。如果收到过取件短信，请输入短信里的取件码。"),
}
SLOW_DOWN = Sentence("输错的次数有点多，请 {seconds} 秒后再输入。")


class PickupNotPossible(Exception):
    """A calm refusal for the screens (`message`)."""

    def __init__(self, message: Sentence, detail: str = ""):
        self.message = message
        super().__init__(detail or message.text)


class LockerService:
    def __init__(self, pickups: SqlitePickups, buses: list[LockerBusRole], loop: asyncio.AbstractEventLoop,
                 clock: Callable[[], datetime], person_key: Callable[[], str | None], kiosk_id: str):
        self.buses = {b.name: b for b in buses}
        self.desk = LockerDesk(pickups, self.buses, clock)
        self._loop, self._clock, self._person_key, self._kiosk = loop, clock, person_key, kiosk_id
        self._wrong = 0
        self._blocked_until = 0.0
        # Every door of every bus, numbered for the citizen: 1, 2, ... in the order of kiosk.yaml.
        self.cells = [f"{b.name}/{board.address}/{lock}" for b in buses for board in b.settings.boards
                      for lock in range(1, board.locks + 1)]
        self.numbers = {cell: n for n, cell in enumerate(self.cells, start=1)}
        if buses:
            pickups.add_cells({cell: "m" for cell in self.cells})

    def resume(self) -> Future:
        """At start-up: settle openings a killed process left half-way (reading their doors)."""
        return asyncio.run_coroutine_threadsafe(resume(self.desk), self._loop)

    def wait_s(self) -> int:
        """Seconds before this kiosk takes another code (0: now)."""
        return max(0, round(self._blocked_until - time.monotonic()))

    def by_code(self, code: str) -> Future:
        """Open the cell of this code; the future gives [DoorResult] or PickupNotPossible."""
        async def run() -> list[DoorResult]:
            if self.wait_s():
                raise PickupNotPossible(Sentence(SLOW_DOWN.text, seconds=str(self.wait_s())))
            try:
                orders = await asyncio.to_thread(self.desk.pickups.orders_for_code, code, self._clock(),
                                                 self._person_key())
            except PickupRefused as e:
                if e.reason == "wrong_code":
                    self._count_wrong()
                raise PickupNotPossible(REFUSALS.get(e.reason, REFUSALS["wrong_code"]), str(e)) from None
            self._wrong = 0
            return await collect(self.desk, orders, self._kiosk)
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def by_card(self) -> Future:
        """Open every cell loaded for the citizen whose card was read, in turn."""
        async def run() -> list[DoorResult]:
            key = self._person_key()
            orders = await asyncio.to_thread(self.desk.pickups.orders_for_person, key, self._clock()) if key else []
            if not orders:
                raise PickupNotPossible(REFUSALS["nothing"])
            return await collect(self.desk, orders, self._kiosk)
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def _count_wrong(self) -> None:
        self._wrong += 1
        if self._wrong > FREE_TRIES:
            self._blocked_until = time.monotonic() + 2 ** (self._wrong - FREE_TRIES)
        log.info("wrong pickup code on this kiosk (%d in a row)", self._wrong)
