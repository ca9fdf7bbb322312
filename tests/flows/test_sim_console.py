"""The `kiosk --sim` console: a person plays the citizen with a card, and the printer."""
import time

from kiosk.app import build_core
from kiosk.config import load_config
from kiosk.events import AppointmentFound
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


def test_console_holds_a_citizens_appointment_code_up_to_the_camera(tmp_path):
    core = build_core(load_config(), sim=True, out_dir=tmp_path)
    said, found = [], []
    core.add_listener(lambda event: found.append(event.appointment) if isinstance(event, AppointmentFound) else None)
    try:
        core.scan_for_appointments(True)
        console(core.simulators, ["scan student_li", "scan young_wang"], said.append)
        deadline = time.monotonic() + 8
        while not found and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found and found[0].item_code == "SM024"
        assert any("appointments today: elder_zhang, young_wang" in s for s in said)   # student_li has none
        console(core.simulators, ["hide"], said.append)
        assert said[-1] == "ok: hide"
    finally:
        core.stop()


def test_console_plays_the_lockers_bad_day(tmp_path):
    core = build_core(load_config(), sim=True, out_dir=tmp_path)
    said = []
    try:
        console(core.simulators, ["codes", "jam 12", "silence lockers_right 0", "close 12", "jam 99"], said.append)
        bank, board, lock = core.simulators.locker_door(12)
        assert bank.lock(board, lock).jammed and (board, lock) == (1, 12)
        assert core.simulators.by_name["lockers_right"].handle.boards[0].silent
        assert any(core.simulators.pickup_codes["elder_chen"] in s for s in said)
        assert any("numbered 1-64" in s for s in said)
        assert core.lockers.numbers["lockers_left/1/12"] == 12, "the console and the screens count doors alike"
    finally:
        core.stop()
