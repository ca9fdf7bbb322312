"""自助取件: open the cell of each order, exactly once, and count it only when the door was seen open.

    for each order:  journal `intent`  →  open command  →  journal `sent`  →  the door sensor
                     →  journal `seen_open` (the order is collected) or `failed` (the cell is at fault)

An opening that a killed process left at `intent` or `sent` is settled at start-up by reading its
door, never by opening it again: seen open, the order is collected; seen shut, nobody can tell
whether the citizen already took the document and closed the door, so the order is locked for the
window staff instead of opening a second time.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from drivers.locker.bus import LockerError
from kiosk.hall.sqlite_pickups import PickupOrder, SqlitePickups
from kiosk.roles.locker_bus import LockerBusRole

log = logging.getLogger(__name__)


@dataclass
class LockerDesk:
    pickups: SqlitePickups
    buses: dict[str, LockerBusRole]          # role name (the cell's first part) → its bus
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class DoorResult:
    order_no: str
    cell: str
    opened: bool            # the door was seen open: the citizen can take the document
    detail: str = ""


def cell_address(cell: str) -> tuple[str, int, int]:
    """"lockers_left/1/12" → ("lockers_left", 1, 12)."""
    bus, board, lock = cell.rsplit("/", 2)
    return bus, int(board), int(lock)


async def open_cell(desk: LockerDesk, order: PickupOrder, actor: str, opening_key: str | None = None) -> DoorResult:
    return await open_door(desk, order.cell, actor, order.order_no, opening_key)


async def open_door(desk: LockerDesk, cell: str, actor: str, order_no: str | None = None,
                    opening_key: str | None = None) -> DoorResult:
    """One journalled opening: a citizen's order, or staff loading or mending a cell (no order)."""
    key = opening_key or uuid.uuid4().hex
    state = await asyncio.to_thread(desk.pickups.begin_opening, key, cell, actor, desk.clock(), order_no)
    if state != "intent":          # this key already did its work: answer from the journal
        return DoorResult(order_no or "", cell, state == "seen_open", f"already {state}")
    bus_name, board, lock = cell_address(cell)
    bus = desk.buses[bus_name]
    try:
        opened = await bus.open(board, lock)
    except LockerError as e:
        # The command may or may not have reached the board: read the door, do not open again.
        await asyncio.to_thread(desk.pickups.opening_sent, key, desk.clock())
        return await settle(desk, key, order_no, cell, f"{type(e).__name__}: {e}")
    await asyncio.to_thread(desk.pickups.opening_sent, key, desk.clock())
    await asyncio.to_thread(desk.pickups.opening_seen, key, opened.open, desk.clock(),
                            "" if opened.open else f"jammed: door still shut after {opened.commands} commands",
                            bool(order_no) and bus.item_sensors)
    log.info("cell %s (%s): %s", cell, f"order {order_no}" if order_no else actor,
             "open" if opened.open else "stayed shut")
    return DoorResult(order_no or "", cell, opened.open, "" if opened.open else "jammed")


async def collect(desk: LockerDesk, orders: list[PickupOrder], actor: str) -> list[DoorResult]:
    """Every cell loaded for this citizen (a code opens one; a card, all of theirs), in turn."""
    return [await open_cell(desk, order, actor) for order in orders]


async def settle(desk: LockerDesk, key: str, order_no: str | None, cell: str, why: str) -> DoorResult:
    """An opening whose outcome is not known: the door decides, and a shut door sends the order
    to staff rather than opening it again."""
    bus_name, board, lock = cell_address(cell)
    try:
        door_open = await desk.buses[bus_name].read_door(board, lock)
    except LockerError as e:
        log.warning("opening %s of cell %s not settled yet: %s", key, cell, e)
        return DoorResult(order_no or "", cell, False, f"unsettled: {e}")
    if door_open:
        await asyncio.to_thread(desk.pickups.opening_seen, key, True, desk.clock(), why,
                                bool(order_no) and desk.buses[bus_name].item_sensors)
        return DoorResult(order_no or "", cell, True, why)
    await asyncio.to_thread(desk.pickups.opening_uncertain, key, desk.clock(), why)
    return DoorResult(order_no or "", cell, False, f"to staff: {why}")


async def resume(desk: LockerDesk) -> list[DoorResult]:
    """At start-up: settle every opening a killed process left half-way."""
    left = await asyncio.to_thread(desk.pickups.unsettled_openings)
    # Only doors on this kiosk's buses (kiosk-diag journals a port it was pointed at by its name).
    return [await settle(desk, key, order_no, cell, "resumed after a restart") for key, cell, order_no in left
            if cell_address(cell)[0] in desk.buses]
