"""The health timeline: every device state change with its time, and what the citizen was told.

"It didn't work this morning": the technician needs when a device failed, how, and when it came
back ("票据打印机 10:02 缺纸 → 10:06 恢复"). The roles announce every change of state or reason
(kiosk.roles.DeviceRole._publish); the core writes each here, with the home screen's sentence
when it changes, the self-test results and the kiosk's own start and stop.

A small SQLite file beside the kiosk's other state (health.sqlite), capped by age and by count so
a device flapping all day cannot fill the disk. No personal data is ever written: reasons are
device sentences. Read by the technician screen, `kiosk-diag history` and the bundle.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from kiosk.devices import DeviceHealth
from kiosk.hall.schema import read_only_rows
from kiosk.wording import NOTHING, Sentence, say

log = logging.getLogger(__name__)
FILE_NAME = "health.sqlite"
KIOSK = "kiosk"                  # the role name of entries about the kiosk itself (start, stop, home screen)
SELF_TEST, SELF_TEST_FAILED = "selftest", "selftest_failed"   # a self-test's entry (its reason says which level, and why not)
RUN = timedelta(seconds=10)      # a self-test run's entries are this close together (kiosk-diag selftest --sim: 2.7 s)

SCHEMA = """
CREATE TABLE IF NOT EXISTS timeline (
    entry     INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,              -- local ISO time, to the second
    role      TEXT NOT NULL,              -- the device's name in kiosk.yaml, or 'kiosk'
    name      TEXT NOT NULL,              -- what the technician reads (票据打印机 Ticket printer ...)
    state     TEXT NOT NULL,              -- ok | warning | fault | absent, or an event: started, stopped, home
    reason    TEXT NOT NULL DEFAULT ''    -- the Sentence as JSON: said in any language when read
);
CREATE INDEX IF NOT EXISTS timeline_day ON timeline (at);
"""
DAY = "SELECT at, role, name, state, reason FROM timeline WHERE at >= ? AND at < ? ORDER BY entry"


@dataclass(frozen=True)
class Entry:
    at: datetime
    role: str
    name: str
    state: str
    reason: Sentence = NOTHING

    def as_json(self) -> dict:
        return {"at": self.at.isoformat(timespec="seconds"), "role": self.role, "name": self.name, "state": self.state,
                "reason_zh": say(self.reason, "zh_CN"), "reason_en": say(self.reason, "en")}


def _stored(value):
    """A Sentence as JSON-ready data (its fields' sentences too; other values as text)."""
    if isinstance(value, Sentence):
        return {"sentence": value.text, "fields": {k: _stored(v) for k, v in value.fields.items()}}
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)


def _sentence(value):
    if isinstance(value, dict) and "sentence" in value:
        return Sentence(value["sentence"], **{k: _sentence(v) for k, v in value.get("fields", {}).items()})
    return value


def _entry(row) -> Entry:
    reason = _sentence(json.loads(row[4])) if row[4].startswith("{") else Sentence(row[4])
    return Entry(datetime.fromisoformat(row[0]), row[1], row[2], row[3], reason)


class HealthTimeline:
    """Thread-safe: roles announce from their own threads."""

    def __init__(self, path: Path, keep_days: int = 31, max_entries: int = 20000,
                 clock: Callable[[], datetime] = datetime.now):
        self.path, self.keep_days, self.max_entries, self.clock = Path(path), keep_days, max_entries, clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as e:
            # A damaged file must not keep the kiosk from starting: set it aside for the bundle.
            log.error("%s cannot be read (%s): kept as %s.broken, a new timeline begins", self.path, e, self.path.name)
            self.path.replace(self.path.with_name(self.path.name + ".broken"))
            self._conn = self._open()
        self._writes = 0
        self._last: dict[str, tuple[str, Sentence]] = {}   # role → (state, reason) last recorded
        self._today: tuple[date, list[Entry]] | None = None   # today's entries, once asked for

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        return conn

    def record(self, health: DeviceHealth) -> None:
        """A device's new state (kept once: a repeated announcement of the same is skipped)."""
        with self._lock:
            if self._last.get(health.role) == (health.state, health.reason):
                return
            self._last[health.role] = (health.state, health.reason)
        self.note(health.role, health.name, health.state, health.reason)

    def note(self, role: str, name: str, state: str, reason: Sentence | str = NOTHING) -> None:
        """Anything else worth its line: the kiosk started, the home screen's sentence, a self-test
        (a plain string is a technical detail, the same in every language: a version, an error)."""
        stored = json.dumps(_stored(reason), ensure_ascii=False) if isinstance(reason, Sentence) and reason else str(reason)
        at = self.clock().replace(microsecond=0)
        with self._lock:
            if self._conn is None:
                return                  # closed: a device's last word after the kiosk stopped
            try:
                self._conn.execute("INSERT INTO timeline (at, role, name, state, reason) VALUES (?, ?, ?, ?, ?)",
                                   (at.isoformat(), role, name, state, stored))
                if self._today is not None and self._today[0] == at.date():
                    self._today[1].append(Entry(at, role, name, state, reason if isinstance(reason, Sentence)
                                                else Sentence(reason)))
                self._writes += 1
                if self._writes % 100 == 1:
                    self._trim()
            except sqlite3.Error as e:      # a full disk: the kiosk serves on, the log says what was lost
                log.warning("health timeline not written (%s): %s %s", e, role, state)

    def _trim(self) -> None:
        oldest = (self.clock() - timedelta(days=self.keep_days)).isoformat(timespec="seconds")
        self._conn.execute("DELETE FROM timeline WHERE at < ? OR entry <= (SELECT MAX(entry) FROM timeline) - ?",
                           (oldest, self.max_entries))

    def day(self, day: date | None = None) -> list[Entry]:
        """That day's entries (default today), oldest first. Today's are kept in memory once read:
        the technician screen asks every 2 s, on the Qt thread."""
        today = self.clock().date()
        day = day or today
        with self._lock:
            if self._conn is None:
                return []
            if day == today and self._today is not None and self._today[0] == today:
                return list(self._today[1])
            rows = self._conn.execute(DAY, (day.isoformat(), (day + timedelta(days=1)).isoformat())).fetchall()
            entries = [_entry(r) for r in rows]
            if day == today:
                self._today = (today, entries)
        return list(entries)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def read_day(path: Path, day: date) -> list[Entry]:
    """A day of a timeline file another process may be writing (kiosk-diag, the bundle): read-only."""
    return _read(path, day.isoformat(), (day + timedelta(days=1)).isoformat())


def read_since(path: Path, since: datetime) -> list[Entry]:
    return _read(path, since.isoformat(timespec="seconds"), "9999")


def _read(path: Path, start: str, end: str) -> list[Entry]:
    try:
        return [_entry(r) for r in read_only_rows(path, DAY, (start, end))]
    except sqlite3.Error:
        return []


STATE_WORDS = {"ok": Sentence("正常"), "warning": Sentence("注意"), "fault": Sentence("故障"), "absent": Sentence("未连接"),
               "started": Sentence("自助机启动"), "stopped": Sentence("自助机关闭"), "home": Sentence("首页提示"),
               "crashed": Sentence("自助机异常退出后重启"), "asked": Sentence("远程操作")}


def entry_text(entry: Entry, previous: Entry | None, language: str) -> str:
    """"10:02 故障：打印纸用完了，请工作人员换纸", "10:06 恢复正常", "10:07 外部自检通过"."""
    if entry.state in (SELF_TEST, SELF_TEST_FAILED):
        return f"{entry.at:%H:%M} {say(entry.reason, language)}"
    came_back = entry.state == "ok" and previous is not None and previous.state in ("fault", "warning", "absent")
    word = say(Sentence("恢复正常") if came_back else STATE_WORDS.get(entry.state, Sentence(entry.state)), language)
    reason = say(entry.reason, language)
    colon = "：" if language.startswith("zh") else ": "
    return f"{entry.at:%H:%M} {word}" + (f"{colon}{reason}" if reason and not came_back else "")


def device_lines(entries: list[Entry], role: str, language: str, last: int = 5) -> list[str]:
    """One device's day, its last few changes (the earlier ones counted). A passed self-test says
    nothing new once another follows it: only failures and the latest run are shown, a run's
    levels on one line."""
    mine = [e for e in entries if e.role == role]
    latest = max((e.at for e in mine if e.state == SELF_TEST), default=None)
    lines, previous, previous_line_is_self_test = [], None, False
    for e in mine:
        if e.state == SELF_TEST and e.at < latest - RUN:          # not of the latest run
            continue
        text = entry_text(e, previous, language)
        same_run = e.state in (SELF_TEST, SELF_TEST_FAILED) and previous_line_is_self_test and lines \
            and lines[-1].startswith(f"{e.at:%H:%M} ")
        if same_run:
            lines[-1] += ("，" if language.startswith("zh") else ", ") + text[6:]
        else:
            lines.append(text)
        previous_line_is_self_test = e.state in (SELF_TEST, SELF_TEST_FAILED)
        previous = e if not previous_line_is_self_test else previous      # "came back" looks past self-tests
    if len(lines) > last:
        earlier = len(lines) - last
        lines = [say(Sentence("（更早还有 {count} 条）", count=earlier), language)] + lines[-last:]
    return lines
