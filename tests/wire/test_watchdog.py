"""A frozen screen is restarted: the kiosk under a supervisor speaking systemd's notify protocol.

The kiosk says READY=1 once its home screen is up and pets WATCHDOG=1 from the Qt thread; the
watchdog drill freezes that thread (the devices' threads run on), the supervisor stops hearing
the pets and sends SIGABRT as systemd does, and starts the kiosk again. The new run says why the
last one ended, with where the screen's thread was stuck.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import datetime, timedelta

import pytest

from kiosk.timeline import Entry
from kiosk.watchdog import back_off_s, unclean_starts
from sim.supervisor import Supervisor

pytestmark = pytest.mark.wire
WATCHDOG_S = 3.0


def test_a_frozen_screen_is_killed_by_the_watchdog_and_the_kiosk_comes_back(config_dir, tmp_path):
    work = config_dir.parent
    env = {k: v for k, v in os.environ.items() if k not in ("JOURNAL_STREAM", "NOTIFY_SOCKET", "WATCHDOG_USEC")}
    env["QT_QPA_PLATFORM"] = "offscreen"

    def command(n: int) -> list[str]:
        drill = ["--drill-freeze-after", "3"] if n == 0 else []     # the first run freezes, the next does not
        return [sys.executable, "-m", "kiosk.app", "--sim", "--config", str(config_dir), *drill]
    supervisor = Supervisor(command, env, cwd=work, watchdog_s=WATCHDOG_S, log_dir=tmp_path)
    supervisor.start()
    try:
        deadline = time.monotonic() + 90
        while supervisor.first("READY", after=supervisor.first("exited") or float("inf")) is None \
                and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        supervisor.stop()
    said = "\n".join(e for _, e in supervisor.events)
    first_ready = supervisor.first("READY")
    killed = supervisor.first("watchdog timeout")
    back = supervisor.first("READY", after=killed or float("inf"))
    assert first_ready and killed and back, f"events:\n{said}\n\n" + (tmp_path / "start0.txt").read_text()
    assert killed - first_ready < 3 + WATCHDOG_S + 2          # froze at 3 s, unheard for WATCHDOG_S
    assert back - killed < 30, f"the kiosk took {back - killed:.1f} s to come back"
    assert supervisor.starts == 2 and "exited -6" in said     # SIGABRT, once; the second run lives on
    # The second run tells the technician why the first ended, and where its screen was stuck.
    from kiosk.config import load_config
    from kiosk.timeline import FILE_NAME, read_since
    config = load_config(config_dir)
    entries = read_since(work / "var" / "sim" / FILE_NAME, datetime.now() - timedelta(days=1))
    crashed = [e for e in entries if e.state == "crashed"]
    assert len(crashed) == 1, [e.as_json() for e in entries]
    text = str(crashed[0].reason)
    assert text.startswith("上次没有正常退出（连续第 1 次）：Fatal Python error: Aborted") and "app.py" in text, text
    assert (config.log_dir / "crash.txt.1").exists()           # the whole record, for the bundle
    log = (config.log_dir / "kiosk.log").read_text(encoding="utf-8")
    assert "the last run ended without a clean stop (1 in a row)" in log


def _starts(*minutes_and_states):
    base = datetime(2026, 11, 26, 9, 0)
    return [Entry(base + timedelta(minutes=m), "kiosk", "自助机", state) for m, state in minutes_and_states]


def test_a_crash_loop_waits_longer_each_time_and_a_clean_stop_resets_it():
    now = datetime(2026, 11, 26, 9, 30)
    assert unclean_starts(_starts((0, "started"), (20, "stopped"), (21, "started")), now) == 1
    looping = _starts((0, "started"), (20, "stopped"), (25, "started"), (26, "started"), (27, "started"), (28, "started"))
    assert unclean_starts(looping, now) == 4
    assert [back_off_s(n) for n in range(7)] == [0, 0, 5, 10, 20, 40, 80] and back_off_s(20) == 300
    # a crash yesterday morning and one now are not a loop
    assert unclean_starts(_starts((0, "started"), (200, "started")), datetime(2026, 11, 26, 12, 21)) == 1
