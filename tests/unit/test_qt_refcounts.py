"""PySide6 must not lose references to None, True and False: the kiosk runs all day.

PySide6 6.12.0 on Python 3.11 takes one reference away from True on every emit() of a signal
without arguments and one from None on every processEvents(). The check-in screen's preview
emits one per camera frame, so the kiosk aborted with `Fatal Python error: bool_dealloc` in well
under an hour of that screen. setup.cfg keeps that release out; this test catches the bug in
any release we move to. It runs in a child process, because the failure it looks for is a crash.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROUNDS = 50_000

CHILD = r"""
import json, sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Preview(QObject):
    changed = Signal()          # like the scan screen's preview: a signal with no arguments

app = QCoreApplication([])
preview = Preview()
heard = []
preview.changed.connect(lambda: heard.append(1) if len(heard) < 1 else None)

def counts():
    return {"None": sys.getrefcount(None), "True": sys.getrefcount(True), "False": sys.getrefcount(False)}

before = counts()
for _ in range(ROUNDS):
    preview.changed.emit()
for _ in range(ROUNDS):
    app.processEvents()
for n in range(ROUNDS):
    preview.setProperty("dynamic", n % 2 == 0)    # a dynamic property holding a bool
preview.setProperty("dynamic", None)
after = counts()
print(json.dumps({"before": before, "after": after, "heard": len(heard)}), flush=True)
""".replace("ROUNDS", str(ROUNDS))


def test_signals_events_and_properties_keep_refcounts_of_none_true_false():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, (
        f"the Qt process died (exit {run.returncode}); PySide6 loses references to None/True/False. "
        f"stderr: {run.stderr[-600:]}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["heard"] == 1, "the signal was never delivered: the test exercised nothing"
    for name in ("None", "True", "False"):
        before, after = result["before"][name], result["after"][name]
        # A few references may come and go with ordinary allocation; 50,000 calls leaking one
        # each would take tens of thousands away (or crash before we got here).
        assert after >= before - 50, f"refcount of {name} fell from {before} to {after} over {ROUNDS:,} calls"
