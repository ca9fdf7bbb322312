"""kiosk-diag bundle on a full day: how long, how big? Goal ≤ 5 s and ≤ 5 MB.

The day: the log at its cap (kiosk.logs: five files of 1 MB, a busy day's worth of realistic
lines), a month of health timeline, and a hall journal of 5,000 tickets (reserve, confirm, call,
complete: 20,000 entries).

Run for figures:  .venv/bin/python tests/benchmarks/test_bundle.py
In the suite a fifth of that day is bundled; nothing fails on timing.
"""
from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.bundle import make_bundle  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.devices import DeviceHealth  # noqa: E402
from kiosk.hall.sqlite_hall import SqliteHall  # noqa: E402
from kiosk.timeline import FILE_NAME, HealthTimeline  # noqa: E402
from kiosk.wording import Sentence  # noqa: E402

DAY = datetime(2026, 11, 26, 8, 30)
LINES = ["INFO kiosk.roles: ticket_printer: ok again after 3 min 12 s",
         "INFO drivers.card.sam_reader: ID card read: resident layout, 7 frames, 412 ms",
         "INFO kiosk.flows.take_number: ticket A{n:03d} printed for SM001 (accept), 2 ahead",
         "WARNING kiosk.roles.card_reader: id_card_reader read failed: ReaderUnavailable: find card: timeout "
         "(12 more like this in the last 5 min)",
         "INFO kiosk.evaluation.sender: 3 evaluations uploaded to https://hcp.example.gov.cn/api/evaluations"]


def a_day(work: Path, share: float = 1.0):
    config = load_config()
    kiosk = config.kiosk.model_copy(update={"database": str(work / "hall.sqlite"),
                                            "logs": config.kiosk.logs.model_copy(update={"dir": str(work / "log")})})
    config = config.model_copy(update={"kiosk": kiosk})
    rng = random.Random(1)
    (work / "log").mkdir()
    for n, name in enumerate(["kiosk.log", *(f"kiosk.log.{k}" for k in range(1, 5))]):
        if n >= 5 * share:
            break
        lines, size = [], 0
        while size < (1 << 20) - 200:
            at = DAY + timedelta(seconds=rng.randrange(36000))
            line = f"{at:%Y-%m-%d %H:%M:%S},{rng.randrange(1000):03d} " + rng.choice(LINES).format(n=rng.randrange(999))
            lines.append(line)
            size += len(line.encode()) + 1
        (work / "log" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    timeline = HealthTimeline(work / FILE_NAME, clock=lambda: clock[0])
    clock = [DAY - timedelta(days=30)]
    for n in range(int(3000 * share)):
        timeline.record(DeviceHealth("ticket_printer", "票据打印机", "fault" if n % 2 else "ok",
                                     Sentence("打印纸用完了，请工作人员换纸") if n % 2 else Sentence("")))
        clock[0] += timedelta(minutes=14)
    timeline.close()
    SqliteHall(config.hall_settings(), work / "hall.sqlite").close()        # the schema
    with sqlite3.connect(work / "hall.sqlite") as conn:
        rows = []
        for t in range(int(5000 * share)):
            at = DAY + timedelta(seconds=t * 7)
            for action in ("reserve", "confirm", "call", "complete"):
                rows.append((at.isoformat(), action, f"r{t}", f"t{t}", f"A{t % 1000:03d}", "kiosk-1" if action in
                             ("reserve", "confirm") else "W03", "served" if action == "complete" else ""))
        conn.executemany("INSERT INTO journal (at, action, reservation_id, ticket_id, number, actor, reason) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return config


def test_a_fifth_of_a_busy_day_is_bundled_small(tmp_path):
    config = a_day(tmp_path, share=0.2)
    made = make_bundle(config, tmp_path / "bundle.zip", now=DAY + timedelta(hours=10))
    assert made["files"]["logs/kiosk.log"] > 1_000_000 and made["files"]["hall/journal-last-day.json"] > 100_000
    assert made["bytes"] < 1 << 20          # compressed well under the 5 MB goal's fifth


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        config = a_day(Path(tmp))
        runs = [make_bundle(config, Path(tmp) / f"bundle{n}.zip", now=DAY + timedelta(hours=10)) for n in range(5)]
        raw = sum(runs[0]["files"].values())
        print(f"bundle of a full day: median {statistics.median(r['seconds'] for r in runs):.2f} s over {len(runs)} runs, "
              f"{runs[0]['bytes'] / 1e6:.2f} MB zipped ({raw / 1e6:.1f} MB inside, {len(runs[0]['files'])} files)")
