"""Exactly once, under fire: thousands of pickups through the real flow, the real driver and a
simulated bank, with the process "killed" at random points (the kiosk's memory dropped, the hall
reopened from its file, the half-done openings resumed), jammed locks and silent boards.

Counted at the end: doors that swung open twice for one order, orders marked collected whose
door was never seen open, and whether the audit chain verifies.

The kills are injected between the journal writes and the command (where a real kill hurts);
the driver, the bank and the database are the real ones.

Run for figures:
    .venv/bin/python tests/benchmarks/test_locker_exactly_once.py --pickups 10000          # accelerated
    .venv/bin/python tests/benchmarks/test_locker_exactly_once.py --pickups 300 --paced     # real line speed
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))

from kiosk.flows.pickup import LockerDesk, collect, resume  # noqa: E402
from kiosk.hall.sqlite_hall import SqliteHall  # noqa: E402
from kiosk.hall.sqlite_pickups import PickupRefused, SqlitePickups  # noqa: E402
from kiosk.privacy import person_key  # noqa: E402
from kiosk.roles.locker_bus import BoardSettings, LockerBusDevice, LockerBusRole  # noqa: E402
from sim.locker.bank import LockerBank  # noqa: E402
from sim.wire import PtyServer  # noqa: E402

BUSES = {"left": ("generic", {1: 24, 2: 24}, 9600), "right": ("kerong", {0: 16}, 19200)}


class Killed(Exception):
    """The kiosk process died here (its memory is gone; the database and the boards are not)."""


class Fragile(SqlitePickups):
    """The real pickup desk, with the process dying at random between its steps."""

    def __init__(self, *args, rng: random.Random, odds: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.rng, self.odds = rng, odds

    def begin_opening(self, *args, **kwargs):
        state = super().begin_opening(*args, **kwargs)
        if self.rng.random() < self.odds:
            raise Killed("after intent, before the command")
        return state

    def opening_sent(self, *args, **kwargs):
        if self.rng.random() < self.odds:
            raise Killed("after the command, before sent")
        return super().opening_sent(*args, **kwargs)

    def opening_seen(self, *args, **kwargs):
        if self.rng.random() < self.odds:
            raise Killed("after sent, before the door reading was written")
        return super().opening_seen(*args, **kwargs)


def run(pickups: int, paced: bool, seed: int = 7, kill_odds: float = 0.03, jam_odds: float = 0.02,
        silent_odds: float = 0.01) -> dict:
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="exactly-once-"))
    from test_hall_fixtures import small_config
    settings = small_config(folder / "config")
    now = datetime(2026, 11, 23, 10, 0)
    banks, servers, roles = {}, [], {}
    for name, (protocol, boards, baud) in BUSES.items():
        bank = LockerBank(protocol, boards, close_after_s=0, turnaround_s=(0.02, 0.1) if paced else (0, 0), seed=seed)
        server = PtyServer(bank, name=f"locker-{name}", baud_pacing=paced, baudrate=baud)
        port = server.start()
        banks[name], servers = bank, servers + [server]
        roles[name] = LockerBusRole(name, LockerBusDevice(port=port, protocol=protocol, timeout_s=0.15,
                                                          boards=[BoardSettings(address=a, locks=n)
                                                                  for a, n in boards.items()]))
    cells = {f"{name}/{b}/{lock}": "m" for name, (_, boards, _) in BUSES.items()
             for b, n in boards.items() for lock in range(1, n + 1)}

    def open_desk() -> tuple[SqliteHall, LockerDesk]:
        hall = SqliteHall(settings, folder / "hall.sqlite", clock=lambda: now)
        hall.pickups = Fragile(hall, settings, anchor=folder / "hall.sqlite.audit-head", rng=rng, odds=kill_odds)
        return hall, LockerDesk(hall.pickups, roles, lambda: now)

    hall, desk = open_desk()
    hall.pickups.add_cells(cells)
    counts = {"pickups": 0, "kills": 0, "collected": 0, "jammed": 0, "to_staff": 0, "silent": 0,
              "opened_twice": 0, "collected_unseen": 0}
    started = time.perf_counter()
    try:
        for n in range(pickups):
            citizen = person_key(f"4403051990010{n:05d}", settings.hall.id)
            try:
                deposit = hall.pickups.deposit(f"ORD-{n}", citizen, "m", "staff", now)
            except PickupRefused:           # every cell busy (at fault, waiting for staff): free them
                _staff_clears(hall, banks)
                deposit = hall.pickups.deposit(f"ORD-{n}", citizen, "m", "staff", now)
            bus_name, board, lock = deposit.order.cell.rsplit("/", 2)
            target = banks[bus_name].lock(int(board), int(lock))
            target.jammed = rng.random() < jam_odds
            silent_board = banks[bus_name].boards[int(board)]
            silent_board.silent = rng.random() < silent_odds
            counts["silent"] += silent_board.silent
            before = target.door_openings
            try:
                asyncio.run(collect(desk, hall.pickups.orders_for_code(deposit.code, now), "kiosk-1"))
            except Killed:
                counts["kills"] += 1
                silent_board.silent = False
                while True:                  # the process is gone; a new one starts and resumes
                    hall.close()             # (and may die again while resuming)
                    hall, desk = open_desk()
                    try:
                        asyncio.run(resume(desk))
                        break
                    except Killed:
                        counts["kills"] += 1
            silent_board.silent = False
            banks[bus_name].close_door(int(board), int(lock), item=False)     # the citizen takes it, closes
            hall.pickups.door_closed(deposit.order.cell, False, now)          # (Kerong: counted once empty)
            order = hall.pickups.order(f"ORD-{n}", now)
            swung = target.door_openings - before
            counts["opened_twice"] += swung > 1
            counts["collected_unseen"] += order.state == "collected" and swung != 1
            counts["collected"] += order.state == "collected"
            counts["to_staff"] += order.state == "locked"
            counts["jammed"] += target.jammed
            counts["pickups"] += 1
    finally:
        seconds = time.perf_counter() - started
        problems = hall.pickups.verify_audit()
        hall.close()
        for role in roles.values():
            role.stop()
        for server in servers:
            server.stop()
    return {**counts, "audit_problems": len(problems), "seconds": round(seconds, 1)}


def _staff_clears(hall: SqliteHall, banks: dict) -> None:
    """The window staff empty the cells left at fault and take those orders over."""
    with hall.transaction(write=True) as conn:
        conn.execute("UPDATE pickup_orders SET state='voided' WHERE state IN ('open', 'opened', 'item_left', 'locked')")
    for cell, state in hall.pickups.cell_states().items():
        if state in ("fault", "loaded"):
            bus_name, board, lock = cell.rsplit("/", 2)
            banks[bus_name].lock(int(board), int(lock)).jammed = False
            hall.pickups.set_in_service(cell, True, "staff", datetime(2026, 11, 23, 10, 0))


def test_no_door_opens_twice_and_nothing_is_collected_unseen():
    result = run(pickups=150, paced=False, kill_odds=0.05, jam_odds=0.05)
    assert result["opened_twice"] == 0 and result["collected_unseen"] == 0 and result["audit_problems"] == 0
    assert result["kills"] > 0 and result["collected"] > 100, result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pickups", type=int, default=10000)
    parser.add_argument("--paced", action="store_true", help="the line at its real baud rate, boards' turnaround")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for key, value in run(args.pickups, args.paced, args.seed).items():
        print(f"{key:18} {value}")
