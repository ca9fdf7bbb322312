"""After many simulated swipes, no name, ID number or address is left in logs, database or files.

Every demo citizen's card is read again and again through the real driver and the kiosk core
(with logging at DEBUG, through the kiosk's own log handler), some take numbers, every session
ends. Then the log file, the SQLite files, every file the simulated kiosk wrote and the
technician's bundle (kiosk-diag bundle, unpacked) are searched for each citizen's personal data, in UTF-8, GB18030 and UTF-16 (the ID card's own encoding).

Run with 1,000 swipes:  .venv/bin/python tests/flows/test_no_personal_data_left.py
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.app import build_core  # noqa: E402
from kiosk.bundle import make_bundle  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.hall.model import TicketKind  # noqa: E402
from kiosk.logbook import configure_logging  # noqa: E402
from sim.citizens import load_citizens  # noqa: E402


def secrets_of(citizen) -> list[str]:
    values = [citizen.name, citizen.id_number, citizen.address]
    return [v for v in values if v and len(v) >= 2]


def encodings(text: str) -> list[bytes]:
    found = [text.encode("utf-8"), text.encode("utf-16-le")]
    try:
        found.append(text.encode("gb18030"))
    except UnicodeEncodeError:
        pass
    return found


def swipe_many(work: Path, swipes: int) -> list[str]:
    """Run the swipes; return a list of leaks found (empty: none)."""
    log_file = work / "kiosk.log"
    handlers = configure_logging(logging.DEBUG, work, stderr=False)      # work/kiosk.log
    config = load_config()
    config = config.with_devices(id_card_reader=config.devices["id_card_reader"].model_copy(update={"poll_interval_s": 0.02}))
    core = build_core(config, sim=True, out_dir=work / "sim")
    citizens = [c for c in load_citizens().values()]
    try:
        for n in range(swipes):
            citizen = citizens[n % len(citizens)]
            core.simulators.id_reader.place_card(citizen)
            deadline = time.monotonic() + 5
            while core.session.identity is None and time.monotonic() < deadline:
                time.sleep(0.002)
            assert core.session.identity is not None, f"swipe {n}: card never read"
            if n % 10 == 0:
                core.take_number("SM001", TicketKind.CONSULT).result(timeout=10)
            core.simulators.id_reader.remove_card()
            core.end_session()
    finally:
        core.stop()
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()
    assert log_file.stat().st_size > 0, "nothing was logged: the test would prove nothing"
    # The technician's bundle of this kiosk (its log, timeline, journal, config) goes in the search
    # too, unpacked: a compressed name would not be found as bytes.
    here = config.kiosk.model_copy(update={"database": str(work / "sim" / "hall.sqlite"),
                                           "logs": config.kiosk.logs.model_copy(update={"dir": str(work)})})
    bundled = make_bundle(config.model_copy(update={"kiosk": here}), work / "bundle.zip")
    with zipfile.ZipFile(work / "bundle.zip") as z:
        z.extractall(work / "bundle")
    assert "ID card read" in (work / "bundle" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert bundled["files"]["hall/journal-last-day.json"] > 100, "the journal of the numbers taken is in the bundle"
    leaks = []
    files = [p for p in work.rglob("*") if p.is_file()]
    for citizen in citizens:
        for secret in secrets_of(citizen):
            for blob in encodings(secret):
                leaks += [f"{p.relative_to(work)} holds {citizen.key}'s data" for p in files
                          if blob in p.read_bytes()]
    return sorted(set(leaks))


def test_no_personal_data_after_many_swipes(tmp_path):
    assert swipe_many(tmp_path, swipes=60) == []


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        leaks = swipe_many(Path(tmp), swipes=1000)
        print(f"1000 swipes in {time.perf_counter() - started:.1f} s; leaks: {leaks or 'none'}")
