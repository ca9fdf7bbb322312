"""自助取件 for the screens: the pickup lockers' cells, a citizen's code or card, the doors.

Owned by the core (core.lockers); the journeys run on the core's flow loop
(kiosk.flows.pickup) and answer with futures. Wrong codes slow entry down on this kiosk
(after three, each next try waits twice as long), so guessing six digits is hopeless at one
kiosk; one citizen's wrong codes lock only their own orders (kiosk.hall.sqlite_pickups).
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from kiosk.flows import locker_staff
from kiosk.flows.pickup import DoorResult, LockerDesk, cell_address, collect, open_door, resume
from kiosk.events import DoorChanged, DoorLeftOpen
from kiosk.forms import typed_id_number_ok
from kiosk.hall.sqlite_pickups import PickupRefused, SqlitePickups
from kiosk.hall.sms import LoggingGateway, SmsGateway, deliver
from kiosk.privacy import person_key
from kiosk.roles.locker_bus import LockerBusRole
from kiosk.wording import Sentence

log = logging.getLogger(__name__)
FREE_TRIES = 3
COMMAND_WINDOW_S = 10       # a door opening this soon after a journalled command is that command's
REFUSALS = {
    "wrong_code": Sentence("取件码不对，请再核对一下短信里的 6 位数字。"),
    "expired": Sentence("这个取件码已经过期了，请到窗口取件，工作人员会帮您。"),
    "nothing": Sentence("没有查到您要取的件。如果收到过取件短信，请输入短信里的取件码。"),
}
SLOW_DOWN = Sentence("输错的次数有点多，请 {seconds} 秒后再输入。")
STAFF_REFUSALS = {
    "no_order": Sentence("请输入办件编号。"),
    "phone": Sentence("请输入办事人的 11 位手机号码，取件码会用短信发给他。"),
    "id_number": Sentence("身份证号码不对，请再核对一下。"),
    "no_citizen": Sentence("请输入办事人的身份证号码，或在读卡区刷他的身份证。"),
    "duplicate_order": Sentence("这个办件编号已经存过件了。"),
    "cell_busy": Sentence("这个柜格现在不能存件，请换一个空柜格。"),
    "cell_loaded": Sentence("柜格里还有待取的件，不能停用。"),
    "door_shut": Sentence("柜门没有打开，已标记为故障，请换一个柜格。"),
}
PHONE = re.compile(r"1\d{10}")


@dataclass(frozen=True)
class CellView:
    number: int                 # as the citizens see it on the doors
    cell: str
    size: str
    state: str                  # free | loaded | collected | out_of_service | fault
    order_no: str
    expired: bool
    door_open: bool | None      # None: not read yet (its board silent)
    item: bool | None           # None: the board has no item sensors
    bus: str
    board: int


class PickupNotPossible(Exception):
    """A calm refusal for the screens (`message`)."""

    def __init__(self, message: Sentence, detail: str = ""):
        self.message = message
        super().__init__(detail or message.text)


class LockerService:
    def __init__(self, pickups: SqlitePickups, buses: list[LockerBusRole], loop: asyncio.AbstractEventLoop,
                 clock: Callable[[], datetime], person_key: Callable[[], str | None], kiosk_id: str,
                 hall_id: str = ""):
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
            pickups.add_cells({f"{b.name}/{board.address}/{lock}": board.size_of(lock) for b in buses
                               for board in b.settings.boards for lock in range(1, board.locks + 1)})
        self._hall_id = hall_id
        self._reads = ThreadPoolExecutor(1, thread_name_prefix="locker-bank")   # the staff screen's live view
        self.gateway: SmsGateway = LoggingGateway()     # the hall's operator plugs in its own

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

    # ---------------------------------------------------------------- the doors, watched
    def door_changed(self, event: DoorChanged) -> Future:
        """What a door did, for the audit; a closed door settles the order waiting for its item
        check. The future gives the outcome for the screens (see SqlitePickups.door_closed)."""
        async def run() -> str:
            pickups, cell, now = self.desk.pickups, f"{event.role}/{event.board}/{event.lock}", self._clock()
            if event.open:
                if not await asyncio.to_thread(pickups.opened_recently, cell, now - timedelta(seconds=COMMAND_WINDOW_S)):
                    what = "door_found_open" if event.first else "door_opened_without_command"
                    log.warning("locker door %s: %s", cell, what.replace("_", " "))
                    await asyncio.to_thread(pickups.note_door, cell, what, now)
                return ""
            bus = self.buses.get(event.role)
            item = bus.items.get((event.board, event.lock)) if bus is not None and bus.item_sensors else None
            return await asyncio.to_thread(pickups.door_closed, cell, item, now)
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def door_left_open(self, event: DoorLeftOpen) -> Future:
        cell = f"{event.role}/{event.board}/{event.lock}"
        log.warning("locker door %s left open for %.0f s", cell, event.seconds)
        return asyncio.run_coroutine_threadsafe(asyncio.to_thread(
            self.desk.pickups.note_door, cell, "door_left_open", self._clock(), seconds=event.seconds), self._loop)

    def reopen(self, cell: str) -> Future:
        """Once more for the citizen whose document the item sensor still sees inside."""
        async def run() -> DoorResult:
            order = await asyncio.to_thread(self.desk.pickups.item_left_in, cell)
            if order is None:
                raise PickupNotPossible(REFUSALS["nothing"])
            return await open_door(self.desk, cell, self._kiosk, order)
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    # ---------------------------------------------------------------- hall staff (behind their PIN)
    def bank(self) -> Future:
        """Every cell as staff see it (a list of CellView), read off the Qt thread: its number,
        size and state, the order in it, its door now."""
        return self._reads.submit(self._bank)

    def _bank(self) -> list[CellView]:
        cells = self.desk.pickups.cells(self._clock())
        views = []
        for cell in self.cells:
            bus, board, lock = cell_address(cell)
            role, known = self.buses[bus], cells.get(cell)
            views.append(CellView(self.numbers[cell], cell, known.size if known else "m",
                                  known.state if known else "free", known.order_no if known else "",
                                  bool(known and known.expired), role.doors.get((board, lock)),
                                  role.items.get((board, lock)), bus, board))
        return views

    def deposit(self, cell: str, order_no: str, id_number: str, phone: str, staff: str) -> Future:
        """Open `cell` for staff to put order `order_no` in; the citizen is the ID number typed,
        or (left empty) the card read on this kiosk. The future gives the Deposit, or
        PickupNotPossible with a sentence for staff."""
        async def run():
            key = self._staff_person_key(id_number)
            order = order_no.strip().upper()
            if not order:
                raise PickupNotPossible(STAFF_REFUSALS["no_order"])
            if not PHONE.fullmatch(phone):
                raise PickupNotPossible(STAFF_REFUSALS["phone"])
            try:
                loaded = await locker_staff.deposit(self.desk, cell, order, key, phone, staff)
            except PickupRefused as e:
                raise PickupNotPossible(STAFF_REFUSALS.get(e.reason, STAFF_REFUSALS["door_shut"]), str(e)) from None
            # The code to the citizen's phone now (one the gateway refused waits for the next deposit).
            await asyncio.to_thread(deliver, self.desk.pickups, self.gateway, self._clock())
            return loaded
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def _staff_person_key(self, id_number: str) -> str:
        if id_number.strip():
            if not typed_id_number_ok(id_number):
                raise PickupNotPossible(STAFF_REFUSALS["id_number"])
            return person_key(id_number, self._hall_id)
        key = self._person_key()
        if key is None:
            raise PickupNotPossible(STAFF_REFUSALS["no_citizen"])
        return key

    def open_for_staff(self, cell: str, staff: str) -> Future:
        """Open one door to mend or check it (journalled); the future gives its DoorResult."""
        return asyncio.run_coroutine_threadsafe(open_door(self.desk, cell, staff), self._loop)

    def set_in_service(self, cell: str, in_service: bool, staff: str) -> Future:
        async def run():
            try:
                await asyncio.to_thread(self.desk.pickups.set_in_service, cell, in_service, staff, self._clock())
            except PickupRefused as e:
                raise PickupNotPossible(STAFF_REFUSALS["cell_loaded"], str(e)) from None
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def test_door(self, bus: str, technician: str) -> Future:
        """The lock bus's interactive self-test: open one empty cell in service (never one holding
        a document), journalled as the technician's; the future gives its DoorResult, or
        PickupNotPossible when the bus has no empty cell."""
        async def run() -> DoorResult:
            empty = [v.cell for v in await asyncio.to_thread(self._bank)     # (its item sensor agreeing, if any)
                     if v.bus == bus and v.state in ("free", "collected") and not v.order_no and not v.item]
            if not empty:
                raise PickupNotPossible(Sentence("这组柜子没有空格口可以测试"), f"{bus}: no empty cell in service")
            return await open_door(self.desk, empty[0], f"{technician} (self-test)")
        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    def open_board(self, bus: str, board: int, technician: str) -> Future:
        """Every door of one board (the screen asked the technician PIN again and a confirmation)."""
        return asyncio.run_coroutine_threadsafe(locker_staff.open_board(self.desk, bus, board, technician), self._loop)

    def _count_wrong(self) -> None:
        self._wrong += 1
        if self._wrong > FREE_TRIES:
            self._blocked_until = time.monotonic() + 2 ** (self._wrong - FREE_TRIES)
        log.info("wrong pickup code on this kiosk (%d in a row)", self._wrong)
