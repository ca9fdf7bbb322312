"""`kiosk-diag locker` against a simulated bank on a real pty, as a technician runs it, and
refused while another program holds the bus."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from drivers.locker.bus import LockerBus
from sim.locker.bank import LockerBank
from sim.wire import PtyServer

pytestmark = pytest.mark.wire


def diag(*args):
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "locker", *args, "--json"], capture_output=True,
                         text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)


@pytest.fixture
def kerong_bank():
    bank = LockerBank("kerong", {0: 16}, close_after_s=None, turnaround_s=(0.02, 0.05))
    with PtyServer(bank, name="locker", baud_pacing=True, baudrate=19200) as server:
        yield bank, server.path


def test_status_lists_every_door_of_the_board(kerong_bank):
    bank, port = kerong_bank
    bank.open_by_hand(0, 4)
    bank.lock(0, 9).item = True
    code, result = diag("status", "--port", port, "--protocol", "kerong", "--board", "0")
    assert code == 0 and result["board"] == 0 and len(result["doors"]) == 16
    assert result["doors"][3] == {"lock": 4, "open": True, "item": False}
    assert result["doors"][8] == {"lock": 9, "open": False, "item": True}


def test_open_exits_0_only_when_the_door_is_seen_open(kerong_bank):
    bank, port = kerong_bank
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "12")
    assert code == 0 and result["opened"] is True and result["ms"] > 0 and bank.lock(0, 12).opened_count == 1
    bank.lock(0, 13).jammed = True
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "13")
    assert code == 1 and result["opened"] is False and "jammed" in result["reason"]


def test_while_another_program_holds_the_bus_it_says_so_and_leaves_the_bus_alone(kerong_bank):
    bank, port = kerong_bank
    kiosk = LockerBus(port, "kerong")
    kiosk.read_door(0, 1)                   # the kiosk has the port open
    try:
        before = len(bank.received)
        code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "2")
        assert code == 3 and result["error"] == "port_in_use"
        assert len(bank.received) == before and bank.lock(0, 2).opened_count == 0
    finally:
        kiosk.close()


def test_audit_verify_finds_an_edited_row_while_the_hall_is_open(config_dir, tmp_path):
    import sqlite3
    import yaml
    from datetime import datetime
    from kiosk.config import load_config
    from kiosk.hall.sqlite_hall import SqliteHall
    data = yaml.safe_load((config_dir / "kiosk.yaml").read_text(encoding="utf-8"))
    data["kiosk"]["database"] = str(tmp_path / "hall.sqlite")
    (config_dir / "kiosk.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    config = load_config(config_dir)
    hall = SqliteHall(config.hall_settings(), config.database_path)
    try:
        hall.pickups.add_cells({"lockers_left/1/1": "m"})
        hall.pickups.deposit("ORD-1", "a" * 32, "m", "staff", datetime(2026, 11, 23, 10))
        hall.pickups.set_cell_state("lockers_left/1/1", "out_of_service", "technician", datetime(2026, 11, 23, 10))

        def audit():
            run = subprocess.run([sys.executable, "-m", "kiosk.diag", "locker", "audit", "--verify", "--json",
                                  "--config", str(config_dir)], capture_output=True, text=True, timeout=60)
            return run.returncode, json.loads(run.stdout)
        code, result = audit()
        assert code == 0 and result["verified"] and result["rows"] == 2
        raw = sqlite3.connect(config.database_path)
        raw.execute("UPDATE locker_audit SET actor='nobody' WHERE id=1")
        raw.commit()
        raw.close()
        code, result = audit()
        assert code == 1 and any("row 1: edited" in p for p in result["problems"])
    finally:
        hall.close()
