"""One RS-485 bus of pickup-locker boards as the kiosk sees it: every door watched (read-all of
each board every poll), a door that changes announced (DoorChanged), a silent board a fault
naming it, and `await role.open(board, lock)` that opens one lock and sees the door open.

A hall may have several buses (two banks, or boards of two protocols at two speeds): each is a
role of its own, named in kiosk.yaml.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from typing import Literal

from pydantic import Field

from drivers.locker.bus import BoardSilent, LockerBus, LockerError, Opened
from drivers.locker.frames import Doors, Sense
from kiosk.config import Strict
from kiosk.devices import DeviceHealth
from kiosk.events import DoorChanged, DoorLeftOpen
from kiosk.roles import DeviceRole, Driver, register
from kiosk.wording import NOTHING, Sentence

log = logging.getLogger(__name__)
OPEN_ALL_SETTLE_S = 2.0


class BoardSettings(Strict):
    address: int = Field(ge=0, le=255)
    locks: int = Field(default=24, ge=1, le=24)
    reversed_sense: bool = False         # generic boards that say 11 for open and set bits for open
    size: Literal["s", "m", "l"] = "m"   # the cells' size (what fits), and the odd ones by lock
    sizes: dict[int, Literal["s", "m", "l"]] = Field(default_factory=dict)

    def size_of(self, lock: int) -> str:
        return self.sizes.get(lock, self.size)


class LockerBusDevice(Strict):
    driver: Literal["rs485-locks"] = "rs485-locks"
    port: str
    protocol: Literal["generic", "kerong"]
    boards: list[BoardSettings]
    poll_interval_s: float = Field(default=1.0, gt=0, le=10)
    door_open_alert_s: float = Field(default=120.0, gt=0)     # a door open longer: the technician is told
    timeout_s: float = Field(default=0.3, gt=0, le=5)


def describe(settings: LockerBusDevice) -> str:
    boards = ", ".join(str(b.address) for b in settings.boards)
    return f"取件柜锁控板 Locker boards ({settings.protocol}, {settings.port}, boards {boards})"


class LockerBusRole(DeviceRole):
    kind = "locker_bus"

    def __init__(self, name: str, settings: LockerBusDevice):
        super().__init__(name, settings)
        self._bus: LockerBus | None = None
        self.doors: dict[tuple[int, int], bool] = {}        # (board, lock) → open, as last read
        self.items: dict[tuple[int, int], bool] = {}
        self._silent: dict[int, str] = {}
        self._open_since: dict[tuple[int, int], float] = {}      # doors open now → since when (monotonic)
        self._alerted: set[tuple[int, int]] = set()               # ... and already reported left open
        self._counts = {"openings": 0, "jammed": 0}
        self.health = DeviceHealth(self.name, describe(settings), "absent", Sentence("还没有检查取件柜"))

    # ---------------------------------------------------------------- on the device thread
    def _driver(self) -> LockerBus:
        if self._bus is None:
            senses = {b.address: Sense(0x11, 0x00, bit_set_means_closed=False)
                      for b in self.settings.boards if b.reversed_sense}
            self._bus = LockerBus(self.settings.port, self.settings.protocol, timeout_s=self.settings.timeout_s,
                                  senses=senses)
        return self._bus

    def _check(self) -> DeviceHealth:
        bus = self._driver()
        changed = []
        for board in self.settings.boards:
            try:
                doors = bus.read_board(board.address)
            except BoardSilent as e:
                self._silent[board.address] = str(e)
                continue
            except LockerError as e:            # the adapter: every board is out of reach
                self._close_driver()
                return self._record(f"{type(e).__name__}: {e}")
            self._silent.pop(board.address, None)
            for lock in range(1, board.locks + 1):
                key = (board.address, lock)
                if doors.items:         # before the event: whoever hears a door close reads its item
                    self.items[key] = doors.items[lock]
                was = self.doors.get(key)
                if was is None and doors.open[lock] or was is not None and was != doors.open[lock]:
                    changed.append(DoorChanged(self.name, board.address, lock, doors.open[lock], first=was is None))
                self.doors[key] = doors.open[lock]
                if doors.open[lock]:
                    self._open_since.setdefault(key, time.monotonic())
                else:
                    self._open_since.pop(key, None)
                    self._alerted.discard(key)
        health = self._record("")
        for event in changed:
            self._emit(event)
        return health

    def _record(self, bus_error: str) -> DeviceHealth:
        details = {"boards": [b.address for b in self.settings.boards], "doors_open":
                   [f"{b}-{lock}" for (b, lock), is_open in sorted(self.doors.items()) if is_open],
                   "silent_boards": sorted(self._silent), **self._counts, "last_error": bus_error or
                   "; ".join(self._silent.values())}
        if bus_error:
            return DeviceHealth(self.name, self.health.name, "fault", Sentence("取件柜暂时连不上"), details, time.time())
        if self._silent:
            return DeviceHealth(self.name, self.health.name, "fault",
                                Sentence("取件柜有 {count} 块锁控板没有响应", count=str(len(self._silent))),
                                details, time.time())
        long_open = {key: time.monotonic() - since for key, since in self._open_since.items()
                     if time.monotonic() - since > self.settings.door_open_alert_s}
        for key in long_open.keys() - self._alerted:        # once per time a door is left open
            self._alerted.add(key)
            self._emit(DoorLeftOpen(self.name, key[0], key[1], round(long_open[key])))
        left_open = sorted(f"{b}-{lock}" for (b, lock) in long_open)
        if left_open:
            details["left_open"] = left_open
            return DeviceHealth(self.name, self.health.name, "warning",
                                Sentence("有柜门开着没关：{doors}", doors="、".join(left_open)), details, time.time())
        return DeviceHealth(self.name, self.health.name, "ok", NOTHING, details, time.time())

    def _open(self, board: int, lock: int) -> Opened:
        opened = self._driver().open_door(board, lock)
        self._counts["openings"] += 1
        if not opened.open:
            self._counts["jammed"] += 1
        key = (board, lock)
        was, self.doors[key] = self.doors.get(key), opened.open
        if was is not None and was != opened.open:
            self._emit(DoorChanged(self.name, board, lock, opened.open))
        return opened

    def _open_board(self, board: int) -> Doors:
        doors = self._driver().open_board(board)
        # Boards fire their locks one after another: a door still shut may just not have had its
        # turn yet. Read again for a moment before calling any of them jammed.
        deadline = time.monotonic() + OPEN_ALL_SETTLE_S
        while not all(doors.open.values()) and time.monotonic() < deadline:
            time.sleep(0.25)
            doors = self._driver().read_board(board)
        self._counts["openings"] += 1
        for lock, is_open in doors.open.items():
            key = (board, lock)
            was, self.doors[key] = self.doors.get(key), is_open
            if was is not None and was != is_open:
                self._emit(DoorChanged(self.name, board, lock, is_open))
        return doors

    def _read(self, board: int, lock: int) -> bool:
        return self._driver().read_door(board, lock)

    def _close_driver(self) -> None:
        if self._bus is not None:
            self._bus.close()
            self._bus = None

    # ---------------------------------------------------------------- from any thread
    @property
    def item_sensors(self) -> bool:
        """Kerong boards see whether a document lies in the cell (infrared): a pickup counts once
        the door is closed again on an empty cell."""
        return self.settings.protocol == "kerong"

    def check_now(self) -> Future:
        return self._worker.submit(lambda: self._publish(self._check()))

    async def open(self, board: int, lock: int) -> Opened:
        """Open one lock; `Opened.open` says whether the door was seen open (LockerError: the bus
        or the board did not answer; the caller reads the door before trying again)."""
        return await self._worker.run(self._open, board, lock)

    async def open_board(self, board: int) -> Doors:
        """Every lock of one board with one command; the doors as read after it."""
        return await self._worker.run(self._open_board, board)

    async def read_door(self, board: int, lock: int) -> bool:
        return await self._worker.run(self._read, board, lock)

    def start(self) -> None:
        self.check_now()
        self._start_polling(lambda: self.check_now().result())


register(Driver("rs485-locks", LockerBusRole.kind, LockerBusDevice, LockerBusRole, single=False))
