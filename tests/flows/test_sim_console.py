"""The `kiosk --sim` console: a person plays the citizen with a card, and the printer."""
import time

from kiosk.app import build_core
from kiosk.config import load_config
from sim.kiosk_sim import console


def test_console_commands_reach_the_simulators(tmp_path):
    core = build_core(load_config(), sim=True, out_dir=tmp_path)
    said = []
    try:
        console(core.simulators, ["citizens", "id elder_zhang", "paper_out", "id nobody", "fly"], said.append)
        deadline = time.monotonic() + 5
        while core.identity() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert core.identity()["name"] == "张*国"
        assert core.simulators.printer.state == "paper_out"
        assert any("elder_zhang" in s for s in said) and any("no such citizen" in s for s in said)
        assert "张建国" not in " ".join(said)            # the list shows masked names only
    finally:
        core.stop()
