"""The evaluation outbox: every submitted evaluation, kept on the kiosk until the province has it.

One SQLite file beside the kiosk's other state (evaluations.sqlite). An evaluation is written
whole in one statement when the citizen taps 提交 (never half), then uploaded by
kiosk.evaluation.upload.Sender; the row stays, marked uploaded, so the technician's counts of
the day come from here whether or not the province was reachable. No ID number, name or text
of a card is in it: a real-name evaluation keeps only a keyed hash.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

from kiosk.evaluation.model import Evaluation

SCHEMA = """
CREATE TABLE IF NOT EXISTS evaluations (
    evaluation_id TEXT PRIMARY KEY,
    made_at       TEXT NOT NULL,          -- hall time, ISO
    level         INTEGER NOT NULL,
    tags          TEXT NOT NULL,          -- JSON list of tag codes
    payload       TEXT NOT NULL,          -- what the province receives, JSON
    uploaded_at   REAL,                   -- NULL: still to upload
    rejected      TEXT NOT NULL DEFAULT '',   -- the province refused it for good: why
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_try      REAL NOT NULL DEFAULT 0,    -- time.time() before which it is not retried
    last_error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS evaluations_waiting ON evaluations (next_try) WHERE uploaded_at IS NULL AND rejected = '';
CREATE INDEX IF NOT EXISTS evaluations_day ON evaluations (made_at);
"""


class Outbox:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()       # the Qt thread adds, the sender uploads

    def add(self, evaluation: Evaluation) -> None:
        with self._lock:
            self._db.execute("INSERT INTO evaluations (evaluation_id, made_at, level, tags, payload) "
                             "VALUES (?, ?, ?, ?, ?)",
                             (evaluation.evaluation_id, evaluation.made_at.isoformat(timespec="seconds"),
                              int(evaluation.level), json.dumps(list(evaluation.tags)),
                              json.dumps(evaluation.payload(), ensure_ascii=False)))

    def due(self, limit: int = 50, now: float | None = None) -> list[dict]:
        """Evaluations to upload now, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT payload FROM evaluations WHERE uploaded_at IS NULL AND rejected = '' "
                                    "AND next_try <= ? ORDER BY made_at, rowid LIMIT ?",
                                    (time.time() if now is None else now, limit)).fetchall()
        return [json.loads(payload) for (payload,) in rows]

    def next_due(self) -> float | None:
        """When the next waiting evaluation may be tried (None: nothing waits)."""
        with self._lock:
            (when,) = self._db.execute("SELECT MIN(next_try) FROM evaluations "
                                       "WHERE uploaded_at IS NULL AND rejected = ''").fetchone()
        return when

    def uploaded(self, evaluation_id: str) -> None:
        with self._lock:
            self._db.execute("UPDATE evaluations SET uploaded_at = ?, last_error = '' WHERE evaluation_id = ?",
                             (time.time(), evaluation_id))

    def failed(self, evaluation_id: str, error: str, retry_at: float) -> None:
        with self._lock:
            self._db.execute("UPDATE evaluations SET attempts = attempts + 1, next_try = ?, last_error = ? "
                             "WHERE evaluation_id = ?", (retry_at, error[:300], evaluation_id))

    def retry_now(self) -> None:
        with self._lock:
            self._db.execute("UPDATE evaluations SET next_try = 0 WHERE uploaded_at IS NULL AND rejected = ''")

    def rejected(self, evaluation_id: str, reason: str) -> None:
        with self._lock:
            self._db.execute("UPDATE evaluations SET rejected = ?, attempts = attempts + 1 WHERE evaluation_id = ?",
                             (reason[:300] or "refused", evaluation_id))

    # ---------------------------------------------------------------- for the technician
    def day(self, day: date) -> dict:
        """The day's evaluations: count per level (5 … 1), the bad ratings' reasons (tag code →
        count), and how many still wait for the province (and why, as last heard)."""
        start, end = day.isoformat(), f"{day.isoformat()}T99"
        with self._lock:
            levels = dict(self._db.execute("SELECT level, COUNT(*) FROM evaluations WHERE made_at >= ? "
                                           "AND made_at < ? GROUP BY level", (start, end)).fetchall())
            bad = [json.loads(tags) for (tags,) in self._db.execute(
                "SELECT tags FROM evaluations WHERE made_at >= ? AND made_at < ? AND level <= 2", (start, end))]
            waiting, rejected = self._db.execute(
                "SELECT COALESCE(SUM(uploaded_at IS NULL AND rejected = ''), 0), "
                "COALESCE(SUM(rejected != ''), 0) FROM evaluations").fetchone()
            last = self._db.execute("SELECT last_error FROM evaluations WHERE uploaded_at IS NULL AND rejected = '' "
                                    "AND last_error != '' ORDER BY next_try DESC LIMIT 1").fetchone()
        return {"levels": {level: levels.get(level, 0) for level in (5, 4, 3, 2, 1)},
                "bad_reasons": dict(Counter(code for tags in bad for code in tags).most_common()),
                "waiting": waiting, "rejected": rejected, "last_error": last[0] if last else ""}

    def close(self) -> None:
        with self._lock:
            self._db.close()
