"""Lock boards, timed over a real pty paced at the line's baud rate, with a 50 ms board turnaround:

* open command → door seen open (one lock, the driver's whole open: command, answer, sensor);
* every door of a 3-board bank read (three read-all exchanges).

Run for figures:  .venv/bin/python tests/benchmarks/test_locker_speed.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from drivers.locker.bus import LockerBus  # noqa: E402
from sim.locker.bank import LockerBank  # noqa: E402
from sim.wire import PtyServer  # noqa: E402
from tests.benchmarks.figures import percentile  # noqa: E402

SETUPS = {"generic": ({1: 24, 2: 24, 3: 24}, 9600), "kerong": ({0: 16, 1: 16, 2: 16}, 19200)}


def measure(protocol: str, rounds: int) -> dict[str, float]:
    boards, baud = SETUPS[protocol]
    bank = LockerBank(protocol, boards, close_after_s=None, turnaround_s=(0.05, 0.05))
    opened, bank_read = [], []
    with PtyServer(bank, name="locker", baud_pacing=True, baudrate=baud) as server:
        bus = LockerBus(server.path, protocol)
        try:
            for n in range(rounds):
                board = list(boards)[n % 3]
                lock = n % 16 + 1
                result = bus.open_door(board, lock)
                assert result.open
                opened.append(result.ms)
                bank.close_door(board, lock)
                started = time.perf_counter()
                for b in boards:
                    bus.read_board(b)
                bank_read.append((time.perf_counter() - started) * 1000)
        finally:
            bus.close()
    return {f"{protocol} ({baud} baud): open → door seen open, median ms": statistics.median(opened),
            f"{protocol}: open → door seen open, p95 ms": percentile(opened, 0.95),
            f"{protocol}: every door of 3 boards read, median ms": statistics.median(bank_read)}


def test_doors_open_and_the_bank_is_read_in_good_time():
    for protocol in SETUPS:
        assert all(v > 0 for v in measure(protocol, rounds=3).values())


if __name__ == "__main__":
    for protocol in SETUPS:
        for name, value in measure(protocol, rounds=40).items():
            print(f"{name:56} {value:8.1f}")
