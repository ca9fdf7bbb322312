"""The kiosk's log: repeats held back and counted, the journal's priorities, the rotating file,
personal data masked on every handler."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from kiosk.logbook import RepeatLimiter, configure_logging, log_files


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for h in root.handlers:
        h.close()
    root.handlers[:], root.level = handlers, level


def test_a_repeating_fault_is_logged_at_its_start_then_every_five_minutes_with_a_count(tmp_path, restore_logging):
    handlers = configure_logging(log_dir=tmp_path, stderr=False)
    clock = Clock()
    for h in handlers:
        for f in h.filters:
            if isinstance(f, RepeatLimiter):
                f.clock = clock
    reader = logging.getLogger("kiosk.roles.card_reader")
    for _ in range(600):                      # a poll every 0.5 s for five minutes
        reader.warning("id_card_reader read failed: %s", "port cannot be opened: /dev/ttyUSB1")
        reader.info("an info line is never held back")
        clock.now += 0.5
    reader.warning("id_card_reader read failed: %s", "port cannot be opened: /dev/ttyUSB1")
    reader.warning("a different fault is its own line")
    lines = (tmp_path / "kiosk.log").read_text(encoding="utf-8").splitlines()
    failed = [line for line in lines if "read failed" in line]
    assert len(failed) == 2
    assert failed[1].endswith("/dev/ttyUSB1 (599 more like this in the last 5 min)")
    assert sum("never held back" in line for line in lines) == 600
    assert lines[-1].endswith("a different fault is its own line")


def test_the_log_file_is_capped_and_rotated(tmp_path, restore_logging):
    configure_logging(log_dir=tmp_path, max_bytes=64 * 1024, files=3, stderr=False)
    log = logging.getLogger("kiosk.test")
    for n in range(5000):
        log.info("line %d of a long day, padded to a realistic length ..........................", n)
    files = log_files(tmp_path)
    assert [p.name for p in files] == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    assert all(p.stat().st_size <= 64 * 1024 + 200 for p in files)
    assert "line 4999 " in files[0].read_text(encoding="utf-8")


def test_an_id_number_is_masked_in_the_file(tmp_path, restore_logging):
    configure_logging(log_dir=tmp_path, stderr=False)
    logging.getLogger("kiosk.test").warning("read failed for 440106197803154829")
    text = (tmp_path / "kiosk.log").read_text(encoding="utf-8")
    assert "4401**********4829" in text and "440106197803154829" not in text


def test_under_systemd_each_line_carries_the_journals_priority_and_no_timestamp(tmp_path):
    # JOURNAL_STREAM names stderr's device and inode, as systemd sets it (systemd.exec(5)).
    script = ("import logging, os, sys\n"
              "st = os.fstat(2); os.environ['JOURNAL_STREAM'] = f'{st.st_dev}:{st.st_ino}'\n"
              "from kiosk.logbook import configure_logging\n"
              f"configure_logging(log_dir={str(tmp_path)!r})\n"
              "logging.getLogger('kiosk.roles').warning('ticket printer: fault')\n"
              "logging.getLogger('kiosk.roles').info('ticket printer: ok again after 4 min 2 s')\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert run.stderr.splitlines() == ["<4>kiosk.roles: ticket printer: fault",
                                       "<6>kiosk.roles: ticket printer: ok again after 4 min 2 s"]
    assert not (tmp_path / "kiosk.log").exists()         # the journal, not a file


def test_a_log_folder_that_cannot_be_made_falls_back_to_stderr_and_says_so(tmp_path, restore_logging, capsys):
    blocker = tmp_path / "var"
    blocker.write_text("a file where the log folder should be")
    handlers = configure_logging(log_dir=blocker / "log", stderr=False)
    assert [type(h).__name__ for h in handlers] == ["StreamHandler"]
    assert "the log cannot be written in" in capsys.readouterr().err
