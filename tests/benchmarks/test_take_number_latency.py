"""Tap on the last choice → last ticket byte accepted by the simulated printer.

The kiosk core runs the real take-number flow (reserve in SQLite → compose → real driver over a
pty → confirm). The clock starts at `take_number()` — what the kind button's tap calls — and stops
when the virtual printer has consumed the cut, the ticket's last command (its on_ticket hook fires
right after it draws the PNG, so the figure slightly overstates the wire time).

Run for figures:  .venv/bin/python tests/benchmarks/test_take_number_latency.py
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.app import build_core  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.hall.model import TicketKind  # noqa: E402


def measure(out_dir: Path, rounds: int) -> dict[str, float]:
    core = build_core(load_config(), sim=True, out_dir=out_dir)
    printed = threading.Event()
    stamps: list[float] = []
    core.simulators.printer.on_ticket = lambda ticket: (stamps.append(time.perf_counter()), printed.set())
    to_last_byte, to_confirmed = [], []
    items = [item.code for item in core.catalogue.items if TicketKind.CONSULT in item.kinds]
    try:
        for n in range(rounds + 3):
            printed.clear()
            tap = time.perf_counter()
            core.take_number(items[n % len(items)], TicketKind.CONSULT).result(timeout=10)
            done = time.perf_counter()
            assert printed.wait(5), "the printer never saw the ticket"
            if n >= 3:                      # the first rounds warm caches (fonts, SQLite pages)
                to_last_byte.append((stamps[-1] - tap) * 1000)
                to_confirmed.append((done - tap) * 1000)
    finally:
        core.stop()
    return {"tap → last byte at printer, median ms": statistics.median(to_last_byte),
            "tap → ticket confirmed, median ms": statistics.median(to_confirmed),
            "tap → last byte, p95 ms": sorted(to_last_byte)[int(len(to_last_byte) * 0.95) - 1]}


def test_every_tap_prints_one_ticket(tmp_path):
    figures = measure(tmp_path, rounds=5)
    assert all(v > 0 for v in figures.values())


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in measure(Path(tmp), rounds=50).items():
            print(f"{name:40} {value:8.1f}")
