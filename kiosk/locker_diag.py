"""`kiosk-diag locker`: the technician's direct line to a bank of lock boards.

    kiosk-diag locker status --port /dev/ttyUSB2 --protocol generic --board 1 --json
    kiosk-diag locker open   --port /dev/ttyUSB2 --protocol kerong  --board 0 --lock 5 --json
    kiosk-diag locker audit --verify --json      the hall's locker audit chain, whole or not
`open` exits 0 only when the door sensor confirms the door open. While the kiosk holds the
port, it says so and exits rather than share the bus (two programs would interleave frames).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from drivers.locker.bus import BusBusy, LockerBus, LockerError
from drivers.locker.frames import GENERIC_LOCKS, KERONG_LOCKS


def status(port: str, protocol: str, board: int) -> tuple[int, dict]:
    bus = LockerBus(port, protocol)
    try:
        doors = bus.read_board(board)
    except BusBusy as e:
        return 3, {"error": "port_in_use", "detail": str(e)}
    except LockerError as e:
        return 1, {"board": board, "error": type(e).__name__, "detail": str(e)}
    finally:
        bus.close()
    count = GENERIC_LOCKS if protocol == "generic" else KERONG_LOCKS
    return 0, {"board": board, "doors": [{"lock": n, "open": doors.open[n], **(
        {"item": doors.items[n]} if doors.items else {})} for n in range(1, count + 1)]}


def verify_audit(database: Path) -> tuple[int, dict]:
    """The locker audit chain of this hall database, read-only (the kiosk may be running)."""
    from kiosk.hall.sqlite_pickups import verify_chain
    if not database.exists():
        return 2, {"error": "no_database", "detail": str(database)}
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT * FROM locker_audit ORDER BY id").fetchall()
    except sqlite3.Error as e:
        return 2, {"error": "unreadable", "detail": str(e)}
    finally:
        conn.close()
    anchor = database.with_name(database.name + ".audit-head")
    problems = verify_chain(rows, anchor)
    return (1 if problems else 0), {"rows": len(rows), "newest": rows[-1]["hash"] if rows else "",
                                    "verified": not problems, "problems": problems}


def open_lock(port: str, protocol: str, board: int, lock: int) -> tuple[int, dict]:
    bus = LockerBus(port, protocol)
    try:
        opened = bus.open_door(board, lock)
    except BusBusy as e:
        return 3, {"error": "port_in_use", "detail": str(e)}
    except LockerError as e:
        return 1, {"board": board, "lock": lock, "opened": False, "reason": type(e).__name__, "detail": str(e)}
    finally:
        bus.close()
    return (0 if opened.open else 1), {
        "board": board, "lock": lock, "opened": opened.open,
        "reason": "door seen open" if opened.open else f"door still shut after {opened.commands} open commands (jammed?)",
        "ms": round(opened.ms, 1)}
