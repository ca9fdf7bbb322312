"""Hall staff at the pickup lockers: load a cell, open one to mend it, open a whole board.

Every door they open goes through the same journal as a citizen's (kiosk.flows.pickup): intent
before the command, the door seen open or not after it, the staff member as the actor.

    deposit     the order is checked → the cell opens (journalled) → staff put the document in →
                the order is recorded and its code queued for the SMS; a door that stays shut
                records nothing (the cell is marked faulty)
    open_board  every lock of one board with one command (technician only, confirmed twice on
                screen): an intent per cell, one command, one reading of the board
"""
from __future__ import annotations

import asyncio
import logging
import uuid

from drivers.locker.bus import LockerError
from kiosk.flows.pickup import DoorResult, LockerDesk, open_door
from kiosk.hall.sqlite_pickups import Deposit, PickupRefused

log = logging.getLogger(__name__)


async def deposit(desk: LockerDesk, cell: str, order_no: str, person_key: str, phone: str, staff: str) -> Deposit:
    """Load `cell` with order `order_no`; PickupRefused (its reason) when it cannot be."""
    await asyncio.to_thread(desk.pickups.check_deposit, order_no, cell)
    door = await open_door(desk, cell, staff)
    if not door.opened:
        raise PickupRefused("door_shut", f"{cell}: {door.detail}")
    size = (await asyncio.to_thread(desk.pickups.cells, desk.clock()))[cell].size
    loaded = await asyncio.to_thread(desk.pickups.deposit, order_no, person_key, size, staff, desk.clock(),
                                     phone, cell)
    log.info("staff %s loaded cell %s with order %s", staff, cell, order_no)
    return loaded


async def open_board(desk: LockerDesk, bus_name: str, board: int, technician: str) -> list[DoorResult]:
    """Every door of one board, for a technician (a power cut, a bank being emptied)."""
    bus = desk.buses[bus_name]
    settings = next(b for b in bus.settings.boards if b.address == board)
    cells = [f"{bus_name}/{board}/{lock}" for lock in range(1, settings.locks + 1)]
    keys = {cell: uuid.uuid4().hex for cell in cells}
    now = desk.clock()
    for cell in cells:
        await asyncio.to_thread(desk.pickups.begin_opening, keys[cell], cell, technician, now)
    try:
        doors = await bus.open_board(board)
        error = ""
    except LockerError as e:        # the command may have reached the board: the doors will tell
        doors, error = None, f"{type(e).__name__}: {e}"
    results = []
    for lock, cell in enumerate(cells, start=1):
        await asyncio.to_thread(desk.pickups.opening_sent, keys[cell], desk.clock())
        if doors is None:
            results.append(DoorResult("", cell, False, f"unsettled: {error}"))
            continue
        await asyncio.to_thread(desk.pickups.opening_seen, keys[cell], doors.open[lock], desk.clock(),
                                "" if doors.open[lock] else "door still shut after the open-all command")
        results.append(DoorResult("", cell, doors.open[lock], "" if doors.open[lock] else "jammed"))
    log.warning("technician %s opened every door of %s board %d: %d open, %d shut", technician, bus_name, board,
                sum(r.opened for r in results), sum(not r.opened for r in results))
    return results
