"""Where the kiosk's log goes, and how it stays readable over a ten-hour day.

- Under systemd (JOURNAL_STREAM names our stderr) every line goes to the journal with its
  priority in systemd's own `<N>` prefix, and no timestamp: the journal keeps its own.
- Elsewhere to a size-capped rotating file (kiosk.logs in kiosk.yaml), and to stderr when a
  person is watching a terminal.
- A fault that repeats (a reader that is not plugged in fails every poll) is logged when it
  starts, then at most once every `repeat_every_s` with how many were held back: 90,000 lines a
  day buried the one that mattered. Its end is the device's "ok again" line (kiosk.roles).
- Personal data stays masked (privacy.MaskingFilter) on every handler.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path
from typing import Callable

from kiosk.privacy import MaskingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# syslog priorities, as journald reads them from the start of a line (sd-daemon.h)
JOURNAL_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


class RepeatLimiter(logging.Filter):
    """A warning or error logged again within `every_s` is held back and counted; the next one
    after that says how many were held back ("3 more like this in the last 5 min")."""

    def __init__(self, every_s: float = 300.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.every_s, self.clock = every_s, clock
        self._seen: dict[tuple, list] = {}       # (logger, level, message) → [last logged, held back]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        decided = getattr(record, "repeat_decided", None)     # a record passes every handler: decide once
        if decided is not None:
            return decided
        record.repeat_decided = self._decide(record)
        return record.repeat_decided

    def _decide(self, record: logging.LogRecord) -> bool:
        now, key = self.clock(), (record.name, record.levelno, record.getMessage())
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self.every_s:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            minutes = max(1, round((now - seen[0]) / 60))
            record.msg, record.args = f"{key[2]} ({seen[1]} more like this in the last {minutes} min)", None
        self._seen[key] = [now, 0]
        if len(self._seen) > 1000:      # forget faults long over (messages that vary never repeat)
            self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.every_s}
        return True


class JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        priority = JOURNAL_PRIORITY.get(record.levelno, 6)
        return f"<{priority}>{record.name}: {super().format(record)}"


def under_journal(stream=None) -> bool:
    """True when stderr is connected to systemd's journal (systemd.exec(5): JOURNAL_STREAM)."""
    expected = os.environ.get("JOURNAL_STREAM", "")
    if not expected:
        return False
    try:
        st = os.fstat((stream or sys.stderr).fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return expected == f"{st.st_dev}:{st.st_ino}"


def configure_logging(level: int = logging.INFO, log_dir: Path | None = None, max_bytes: int = 1 << 20,
                      files: int = 5, repeat_every_s: float = 300.0, stderr: bool | None = None) -> list[logging.Handler]:
    """The kiosk's handlers: the journal, or `log_dir`/kiosk.log (rotated at max_bytes, `files`
    kept) plus stderr when it is a terminal (stderr=True/False forces it). Without log_dir,
    stderr only (before the configuration is read, and for the command-line tools)."""
    handlers: list[logging.Handler] = []
    unwritable = ""
    if under_journal():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JournalFormatter("%(message)s"))
        handlers.append(handler)
    else:
        if log_dir is not None:
            try:
                Path(log_dir).mkdir(parents=True, exist_ok=True)
                handler = logging.handlers.RotatingFileHandler(Path(log_dir) / "kiosk.log", maxBytes=max_bytes,
                                                               backupCount=max(1, files - 1), encoding="utf-8")
                handler.setFormatter(logging.Formatter(FORMAT))
                handlers.append(handler)
            except OSError as e:        # no log is no reason to leave the citizens without a kiosk
                unwritable = f"the log cannot be written in {log_dir} ({e.strerror or e}): logging to stderr"
        if not handlers or (stderr if stderr is not None else sys.stderr.isatty()):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter(FORMAT))
            handlers.append(handler)
    limiter, masking = RepeatLimiter(repeat_every_s), MaskingFilter()
    for handler in handlers:
        handler.addFilter(masking)
        handler.addFilter(limiter)        # after masking: one key per masked message
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("pikepdf").setLevel(logging.WARNING)     # its bridge says hello at INFO
    if unwritable:
        logging.getLogger(__name__).error(unwritable)
    return handlers


def log_files(log_dir: Path) -> list[Path]:
    """kiosk.log and its rotated copies, newest first."""
    base = Path(log_dir) / "kiosk.log"
    return [p for p in [base, *(Path(f"{base}.{n}") for n in range(1, 100))] if p.exists()]
