"""How long a citizen waits for the ID card to be read: find → select → read → decoded, over a
pseudo-terminal paced like a real 115200-baud serial line (10 bits a byte).

The 30 01 answer alone is 1295 bytes = ~112 ms on that line; find and select add ~4 ms. The goal
is ≤ 150 ms, which needs the answer decoded the moment its last byte arrives (frames are read by
their LEN field, never ended by a timeout). The SAM's own work on a real reader (mutual
authentication with the card, several hundred ms on some models) is not simulated.

Run for figures:  .venv/bin/python tests/benchmarks/test_sam_read_speed.py
In the suite each measurement runs once with fewer reads; nothing here fails on timing.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # so the script runs on its own

from drivers.card.sam_reader import SamIdReader  # noqa: E402
from sim.card.sam_device import VirtualSamReader  # noqa: E402
from sim.card.sam_pty import PtySamServer  # noqa: E402
from sim.citizens import load_citizens  # noqa: E402

BAUD = 115200
LINE_MS = 1295 * 10 / BAUD * 1000


def measure_reads(reads: int = 20, baud_pacing: bool = True) -> dict[str, float]:
    citizen = load_citizens()["elder_zhang"]
    reader = VirtualSamReader()
    with PtySamServer(reader, baud_pacing=baud_pacing, baudrate=BAUD) as server:
        driver = SamIdReader.open_serial(server.path, baudrate=BAUD, timeout=1.0)
        try:
            times, frames = [], set()
            for _ in range(reads):
                reader.place_card(citizen)
                started = time.perf_counter()
                card = driver.read_if_present()
                times.append((time.perf_counter() - started) * 1000)
                assert card is not None and card.id_number == citizen.id_number
                frames.add(card.frames)
        finally:
            driver.close()
    return {"reads": reads, "median_ms": statistics.median(times), "min_ms": min(times),
            "max_ms": max(times), "frames": max(frames)}


def test_read_speed_at_115200_baud():
    figures = measure_reads(reads=3)
    print(f"\n[sam read] paced 115200 baud: {figures}")
    assert figures["frames"] == 3
    assert figures["min_ms"] >= LINE_MS           # the pacing is real: the line time cannot be beaten


def main() -> None:
    for pacing in (True, False):
        f = measure_reads(reads=30, baud_pacing=pacing)
        label = f"paced {BAUD} baud" if pacing else "unpaced pty"
        print(f"{label:>18}: median {f['median_ms']:.1f} ms (min {f['min_ms']:.1f}, max {f['max_ms']:.1f}) "
              f"over {f['reads']} reads, {f['frames']} frames per card; 1295-byte answer alone {LINE_MS:.1f} ms")


if __name__ == "__main__":
    main()
