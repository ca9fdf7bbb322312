"""Social-security card: how long from a card in the reader to the holder's identity decoded.

Through the real pcscd and vpcd, with the virtual card (sim/card/). Figures:
- read(): the kiosk calls SocialSecurityCardReader.read() on a card already in the reader
  (PC/SC context → connect → SELECT + READ RECORDs → reset → decoded), median of ≥ 30 reads;
  the goal is ≤ 50 ms.
- insert → decoded: the card connects to vpcd, PcscMonitor reports it, read() runs in the
  callback. Dominated by pcscd polling vpcd every 0.4 s (a USB CCID reader interrupts instead).
- the latency trap: the same read() with the virtual card's TCP_NODELAY/TCP_QUICKACK left out.

Run for figures:  .venv/bin/python tests/benchmarks/test_ssc_read_speed.py
"""
from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from drivers.card.pcsc_monitor import PcscMonitor  # noqa: E402
from drivers.card.ssc_reader import SocialSecurityCardReader  # noqa: E402
from sim.card.ssc_card import VirtualSocialSecurityCard  # noqa: E402
from sim.card.ssc_pcscd import VIRTUAL_READER, ensure_pcscd, insert_and_wait, remove_and_wait  # noqa: E402
from sim.citizens import load_citizens  # noqa: E402


def measure_reads(rounds: int, *, low_latency: bool = True) -> dict[str, float]:
    citizen = load_citizens()["elder_zhang"]
    card = VirtualSocialSecurityCard(citizen, low_latency=low_latency)
    insert_and_wait(card)
    reader = SocialSecurityCardReader(VIRTUAL_READER)
    try:
        reader.read()                                   # warm-up: imports, first power-up
        results = [reader.read() for _ in range(rounds)]
    finally:
        remove_and_wait(card)
    assert all(r.name == citizen.name for r in results)
    ms = sorted(r.ms for r in results)
    label = "" if low_latency else " (no NODELAY/QUICKACK)"
    return {f"read() median ms{label}": statistics.median(ms),
            f"read() p95 ms{label}": ms[max(0, int(len(ms) * 0.95) - 1)],
            f"APDUs per read{label}": results[0].apdu_count}


def measure_insert_to_decoded(rounds: int) -> dict[str, float]:
    citizen = load_citizens()["young_wang"]
    decoded = threading.Event()
    results, inserted_at = [], [0.0]

    def on_inserted(reader_name: str, atr: bytes) -> None:
        card = SocialSecurityCardReader(reader_name).read()
        results.append(((time.perf_counter() - inserted_at[0]) * 1000, card))
        decoded.set()

    with PcscMonitor(on_card_inserted=on_inserted):
        for _ in range(rounds):
            card = VirtualSocialSecurityCard(citizen)
            decoded.clear()
            inserted_at[0] = time.perf_counter()
            card.insert()
            assert decoded.wait(5), "the monitor never reported the card"
            remove_and_wait(card)
    assert all(card.name == citizen.name for _, card in results)
    return {"insert → decoded median ms (pcscd polls every 400 ms)": statistics.median(ms for ms, _ in results)}


def test_reads_decode_the_card_with_few_apdus():
    ensure_pcscd()
    figures = measure_reads(rounds=5)
    assert figures["APDUs per read"] == 14
    assert figures["read() median ms"] > 0
    assert list(measure_insert_to_decoded(rounds=1).values())[0] > 0


if __name__ == "__main__":
    ensure_pcscd()
    figures = {**measure_reads(rounds=50), **measure_reads(rounds=5, low_latency=False),
               **measure_insert_to_decoded(rounds=10)}
    for name, value in figures.items():
        print(f"{name:58} {value:8.1f}")
