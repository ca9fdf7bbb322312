"""长辈模式 → the elderly home screen on the glass: from the tap on 长辈模式 to the first frame the
window presents with the bigger theme, on the real screens (offscreen) and the real core.

Run for figures:  .venv/bin/python tests/benchmarks/test_elder_switch.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.app import build_core  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from tests.benchmarks.figures import percentile  # noqa: E402


def measure(app, out_dir: Path, rounds: int) -> dict[str, float]:
    from screens import load_ui
    from screens.probe import tap, wait_for, wait_ready, wait_until
    core = build_core(load_config().with_devices(ssc_reader=None), sim=True, out_dir=out_dir)
    ui = load_ui(app, core, fullscreen=False, locked=True, on_quit=lambda: None)
    elder = ui.viewmodel._elder
    marks: dict[str, float] = {}
    ui.window.frameSwapped.connect(lambda: "tapped" in marks and marks.setdefault("frame", time.perf_counter()))
    took = []
    try:
        wait_for(ui.window, "homeScreen")
        wait_ready(ui.window)
        for _ in range(rounds):
            for wanted in (True, False):             # on (measured), then back to the standard mode
                marks.clear()
                marks["tapped"] = time.perf_counter()
                tap(ui.window, "elderButton")
                wait_until(lambda: "frame" in marks and elder.on == wanted, timeout=5, what="the switched home screen")
                if wanted:
                    took.append((marks["frame"] - marks["tapped"]) * 1000)
    finally:
        ui.close()
        core.stop()
    return {"tap → elderly home screen on the glass, median ms": statistics.median(took),
            "tap → elderly home screen on the glass, p95 ms": percentile(took, 0.95)}


def test_the_elderly_home_screen_follows_a_tap(qapp, tmp_path):
    figures = measure(qapp, tmp_path, rounds=2)
    assert all(v > 0 for v in figures.values())


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication
    application = QGuiApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in measure(application, Path(tmp), rounds=20).items():
            print(f"{name:52} {value:8.1f}")
