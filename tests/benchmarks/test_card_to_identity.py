"""Card in → identity in the kiosk's session (what the screen shows next), through the real stack.

Social-security card: the virtual card connects to vpcd; pcscd notices it at its next slot poll
(every 0.4 s for vpcd; a USB CCID reader signals at once); the kiosk's monitor hears of it, the
driver reads it, the core announces the identity. Reported: from insertion, and from the moment
pcscd reported the card (the part the kiosk controls). ID card: laid on the simulated SAM reader
at 115200 baud with line pacing; the kiosk looks for a card every poll_interval_s (0.5 s).

Run for figures:  .venv/bin/python tests/benchmarks/test_card_to_identity.py
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
from kiosk.events import Identified  # noqa: E402


def measure(out_dir: Path, rounds: int) -> dict[str, float]:
    core = build_core(load_config(), sim=True, out_dir=out_dir)
    identified = threading.Event()
    core.add_listener(lambda event: identified.set() if isinstance(event, Identified) else None)
    ssc = next(r for r in core.card_readers if r.name == "ssc_reader")
    from_insert, from_seen, from_placed = [], [], []
    try:
        deadline = time.monotonic() + 10
        while ssc.health.state != "ok" and time.monotonic() < deadline:
            time.sleep(0.05)
        for n in range(rounds):
            identified.clear()
            started = time.perf_counter()
            core.simulators.insert_ssc("young_wang" if n % 2 else "elder_zhang")
            assert identified.wait(5), "social-security card never identified"
            from_insert.append((time.perf_counter() - started) * 1000)
            from_seen.append(ssc.details["seen_to_identity_ms"])
            core.simulators.pull_ssc()
            core.end_session()
            time.sleep(0.5)                      # pcscd sees the card go before the next one
            identified.clear()
            started = time.perf_counter()
            core.simulators.place_id_card("elder_chen" if n % 2 else "student_li")
            assert identified.wait(5), "ID card never identified"
            from_placed.append((time.perf_counter() - started) * 1000)
            core.simulators.take_id_card()
            core.end_session()
    finally:
        core.stop()
    return {"SSC inserted → identity, median ms": statistics.median(from_insert),
            "SSC reported by pcscd → identity, median ms": statistics.median(from_seen),
            "ID card placed → identity, median ms (0.5 s polling)": statistics.median(from_placed)}


def test_both_cards_reach_the_session(tmp_path):
    figures = measure(tmp_path, rounds=2)
    assert all(v > 0 for v in figures.values())


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in measure(Path(tmp), rounds=20).items():
            print(f"{name:55} {value:8.1f}")
