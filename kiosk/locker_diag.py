"""`kiosk-diag locker`: the technician's direct line to a bank of lock boards.

    kiosk-diag locker status --port /dev/ttyUSB2 --protocol generic --board 1 --json
    kiosk-diag locker open   --port /dev/ttyUSB2 --protocol kerong  --board 0 --lock 5 --json
    kiosk-diag locker audit --verify --json      the hall's locker audit chain, whole or not
`open` exits 0 only when the door sensor confirms the door open. While the kiosk holds the
port, it says so and exits rather than share the bus (two programs would interleave frames).

An `open` is journalled in the hall database of the configuration (`--config`) like any other
opening (kiosk.hall.sqlite_pickups): intent before the command, sent after it, the door seen open
or not, actor "technician (kiosk-diag)", no order. Its cell is "<device>/<board>/<lock>" when
kiosk.yaml has a locker bus on that port, else "<port>/<board>/<lock>". Nothing is journalled
before the port is known free. No database, a configuration error or a database that cannot be
written does not stop the opening: the JSON says `"journalled": false` and the `journal_error`.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from drivers.locker.bus import BusBusy, LockerBus, LockerError
from drivers.locker.frames import GENERIC_LOCKS, KERONG_LOCKS
from kiosk.hall.schema import read_only_rows

TECHNICIAN = "technician (kiosk-diag)"


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
    try:
        rows = read_only_rows(database, "SELECT * FROM locker_audit ORDER BY id")
    except sqlite3.Error as e:
        return 2, {"error": "unreadable", "detail": str(e)}
    anchor = database.with_name(database.name + ".audit-head")
    problems = verify_chain(rows, anchor)
    return (1 if problems else 0), {"rows": len(rows), "newest": rows[-1]["hash"] if rows else "",
                                    "verified": not problems, "problems": problems}


def cell_name(config, port: str, board: int, lock: int) -> str:
    """The cell as the kiosk names it: "<device>/<board>/<lock>" for the kiosk.yaml locker bus
    on this port (the same device file counts: /dev/serial/by-id/... and the ttyUSB it points
    to), else "<port>/<board>/<lock>"."""
    for name, settings in (config.devices.items() if config is not None else ()):
        if getattr(settings, "driver", "") == "rs485-locks" and (
                settings.port == port or os.path.realpath(settings.port) == os.path.realpath(port)):
            return f"{name}/{board}/{lock}"
    return f"{port}/{board}/{lock}"


class _Journal:
    """One technician's opening in the hall's door journal (SqlitePickups), as the kiosk
    journals a citizen's. `error` says why it is not (or not wholly) journalled."""

    def __init__(self, config, config_error: str, cell: str):
        self.hall, self.key, self.error = None, uuid.uuid4().hex, config_error
        if config is None:
            return
        database = config.database_path
        if not database.exists():
            self.error = f"no hall database at {database}"
            return
        from kiosk.hall.sqlite_hall import SqliteHall
        try:
            self.hall = SqliteHall(config.hall_settings(), database)
            self.hall.pickups.begin_opening(self.key, cell, TECHNICIAN, self.hall.clock())
        except Exception as e:          # the hall held by another program, a disk full: open anyway
            self.error = f"{type(e).__name__}: {e}"
            self.close()

    def settle(self, door_open: bool, detail: str) -> None:
        """The command went out; the door was seen open or not."""
        if self.hall is None:
            return
        try:
            self.hall.pickups.opening_sent(self.key, self.hall.clock())
            self.hall.pickups.opening_seen(self.key, door_open, self.hall.clock(), detail)
        except Exception as e:
            self.error = f"journalled only in part: {type(e).__name__}: {e}"
        finally:
            self.close()

    def close(self) -> None:
        if self.hall is not None:
            self.hall.close()
            self.hall = None

    def fields(self) -> dict:
        return {"journalled": not self.error, **({"journal_error": self.error} if self.error else {})}


def open_lock(port: str, protocol: str, board: int, lock: int, config=None, config_error: str = "") -> tuple[int, dict]:
    """Open one lock and see its door open, journalled in `config`'s hall database (None: the
    configuration could not be loaded, `config_error` says why; the lock is opened all the same)."""
    bus = LockerBus(port, protocol)
    journal = None
    try:
        try:
            bus.connect()               # the port first: a refused open journals nothing
        except BusBusy as e:
            return 3, {"error": "port_in_use", "detail": str(e), "journalled": False}
        except LockerError as e:
            return 1, {"board": board, "lock": lock, "opened": False, "reason": type(e).__name__, "detail": str(e),
                       "journalled": False}
        cell = cell_name(config, port, board, lock)
        journal = _Journal(config, config_error, cell)
        try:
            opened = bus.open_door(board, lock)
        except LockerError as e:
            journal.settle(False, f"door not seen: {type(e).__name__}: {e}")
            return 1, {"board": board, "lock": lock, "cell": cell, "opened": False, "reason": type(e).__name__,
                       "detail": str(e), **journal.fields()}
        except BaseException as e:      # interrupted: leave no opening half-way in the journal
            journal.settle(False, f"interrupted before the door was read: {type(e).__name__}")
            raise
        detail = "" if opened.open else f"door still shut after {opened.commands} open commands"
        journal.settle(opened.open, detail)
    finally:
        if journal is not None:
            journal.close()
        bus.close()
    return (0 if opened.open else 1), {
        "board": board, "lock": lock, "cell": cell, "opened": opened.open,
        "reason": "door seen open" if opened.open else f"{detail} (jammed?)",
        "ms": round(opened.ms, 1), **journal.fields()}
