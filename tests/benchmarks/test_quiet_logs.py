"""The kiosk started with no devices attached: how many log lines does it write in a minute?

A kiosk whose ID card reader is unplugged used to log its failure every 0.5 s and the printer's
every 2 s: about 90,000 lines in a ten-hour day. Now each fault is logged when it starts and then
at most every five minutes (kiosk.logbook). Goal: ≤ 20 lines in 60 s, everything the kiosk
writes counted (its log file and its stderr).

Run for the figure:  .venv/bin/python tests/benchmarks/test_quiet_logs.py      (60 s)
In the suite the same start runs for 8 s (16 polls of the ID card reader).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def run_without_devices(seconds: float, work: Path) -> tuple[list[str], list[str]]:
    """(log file lines, stderr lines) of a kiosk on the shipped config, no hardware attached."""
    shutil.copytree(PROJECT / "config", work / "config", ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with open(work / "stderr.txt", "w") as err:
        kiosk = subprocess.Popen([sys.executable, "-m", "kiosk.app", "--config", str(work / "config")],
                                 stdout=err, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=work)
        time.sleep(seconds)
        alive = kiosk.poll() is None
        kiosk.send_signal(signal.SIGTERM)
        kiosk.wait(timeout=30)
    stderr = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    assert alive, "the kiosk ended by itself:\n" + "\n".join(stderr[-30:])
    log = work / "var" / "log" / "kiosk.log"
    assert log.exists(), "no var/log/kiosk.log:\n" + "\n".join(stderr[-30:])
    return log.read_text(encoding="utf-8").splitlines(), stderr


def test_a_kiosk_without_devices_logs_each_fault_once(tmp_path):
    lines, stderr = run_without_devices(8, tmp_path)
    everything = lines + stderr
    assert len(everything) <= 20, "\n".join(everything)
    # each unplugged device is named once, when its fault starts, not at every poll
    assert sum("id_card_reader read failed" in line for line in lines) == 1, "\n".join(lines)
    assert sum("ticket printer not reachable" in line for line in lines) == 1, "\n".join(lines)
    assert any("id_card_reader: fault" in line for line in lines)
    assert not any("Traceback" in line for line in everything), "\n".join(everything)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        lines, stderr = run_without_devices(60, Path(work))
        print("\n".join(lines + stderr))
        print(f"\n{len(lines)} lines in var/log/kiosk.log and {len(stderr)} on stderr in 60 s (goal ≤ 20 in all)")
