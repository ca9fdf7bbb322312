"""`kiosk-diag locker` against a simulated bank on a real pty, as a technician runs it: refused
while another program holds the bus, its openings journalled in the hall database like any other;
and `kiosk-diag --sim --json` naming each locker bus's cells at fault or out of service."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from drivers.locker.bus import LockerBus
from sim.locker.bank import LockerBank
from sim.wire import PtyServer

pytestmark = pytest.mark.wire
TECHNICIAN = "technician (kiosk-diag)"


def diag(*args, config: Path | None = None):
    extra = ["--config", str(config)] if config is not None else []
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "locker", *args, *extra, "--json"],
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)


def edit_kiosk_yaml(config_dir: Path, change) -> None:
    path = config_dir / "kiosk.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def hall(config_dir, tmp_path):
    """A copy of config/ whose hall database exists (the kiosk has run here): (config dir, database)."""
    from kiosk.config import load_config
    from kiosk.hall.sqlite_hall import SqliteHall
    database = tmp_path / "hall.sqlite"
    edit_kiosk_yaml(config_dir, lambda data: data["kiosk"].update(database=str(database)))
    SqliteHall(load_config(config_dir).hall_settings(), database).close()
    return config_dir, database


def audit_rows(database: Path) -> list[tuple[str, str, dict]]:
    conn = sqlite3.connect(database)
    try:
        return [(actor, event, json.loads(detail)) for actor, event, detail in
                conn.execute("SELECT actor, event, detail FROM locker_audit ORDER BY id")]
    finally:
        conn.close()


def audit_verified(config_dir: Path) -> bool:
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "locker", "audit", "--verify", "--json",
                          "--config", str(config_dir)], capture_output=True, text=True, timeout=60)
    return run.returncode == 0 and json.loads(run.stdout)["verified"] is True


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


def test_open_exits_0_only_when_the_door_is_seen_open(kerong_bank, hall):
    bank, port = kerong_bank
    config_dir, _ = hall
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "12",
                        config=config_dir)
    assert code == 0 and result["opened"] is True and result["ms"] > 0 and bank.lock(0, 12).opened_count == 1
    bank.lock(0, 13).jammed = True
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "13",
                        config=config_dir)
    assert code == 1 and result["opened"] is False and "jammed" in result["reason"]


def test_an_opening_is_journalled_under_the_kiosk_yaml_device_on_that_port(kerong_bank, hall):
    bank, port = kerong_bank
    config_dir, database = hall
    edit_kiosk_yaml(config_dir, lambda data: data["devices"]["lockers_right"].update(port=port))
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "12",
                        config=config_dir)
    assert code == 0 and result["journalled"] is True and result["cell"] == "lockers_right/0/12"
    rows = audit_rows(database)
    assert [event for _, event, _ in rows] == ["open_intent", "open_sent", "open_seen_open"]
    assert {actor for actor, _, _ in rows} == {TECHNICIAN}
    assert all(d["cell"] == "lockers_right/0/12" and d["order"] is None for _, _, d in rows)
    assert len({d["key"] for _, _, d in rows}) == 1, "one opening, one idempotency key"
    assert audit_verified(config_dir), "the technician's rows keep the audit chain whole"


def test_a_jammed_door_on_a_port_kiosk_yaml_does_not_name_is_journalled_failed_under_the_port(kerong_bank, hall):
    bank, port = kerong_bank
    config_dir, database = hall
    bank.lock(0, 13).jammed = True
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "13",
                        config=config_dir)
    assert code == 1 and result["opened"] is False and result["journalled"] is True
    rows = audit_rows(database)
    assert [event for _, event, _ in rows] == ["open_intent", "open_sent", "open_failed"]
    assert rows[-1][0] == TECHNICIAN and rows[-1][2]["cell"] == f"{port}/0/13"
    assert "still shut" in rows[-1][2]["detail"]
    assert audit_verified(config_dir)


def test_a_configuration_error_does_not_stop_the_opening(kerong_bank, config_dir):
    bank, port = kerong_bank
    (config_dir / "kiosk.yaml").write_text("kiosk: [this is not a kiosk\n", encoding="utf-8")
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "3",
                        config=config_dir)
    assert code == 0 and result["opened"] is True and bank.lock(0, 3).door_openings == 1
    assert result["journalled"] is False and "kiosk.yaml" in result["journal_error"]


def test_without_a_hall_database_the_door_opens_unjournalled_and_no_database_is_made(kerong_bank, config_dir,
                                                                                        tmp_path):
    bank, port = kerong_bank
    database = tmp_path / "nowhere" / "hall.sqlite"
    edit_kiosk_yaml(config_dir, lambda data: data["kiosk"].update(database=str(database)))
    code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "4",
                        config=config_dir)
    assert code == 0 and result["opened"] is True
    assert result["journalled"] is False and "no hall database" in result["journal_error"]
    assert not database.exists()


def test_while_another_program_holds_the_bus_it_says_so_and_leaves_the_bus_alone(kerong_bank, hall):
    bank, port = kerong_bank
    config_dir, database = hall
    kiosk = LockerBus(port, "kerong")
    kiosk.read_door(0, 1)                   # the kiosk has the port open
    try:
        before = len(bank.received)
        code, result = diag("open", "--port", port, "--protocol", "kerong", "--board", "0", "--lock", "2",
                            config=config_dir)
        assert code == 3 and result["error"] == "port_in_use" and result["journalled"] is False
        assert len(bank.received) == before and bank.lock(0, 2).opened_count == 0
        assert audit_rows(database) == [], "a refused open journals nothing"
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
        hall.pickups.begin_opening("key-1", "lockers_left/1/1", "technician", datetime(2026, 11, 23, 10))

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


def sim_diag(config_dir: Path) -> dict[str, dict]:
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "--sim", "--json", "--config", str(config_dir)],
                         capture_output=True, text=True, timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    return {d["role"]: d for d in json.loads(run.stdout)["devices"]}


def test_sim_json_lists_each_locker_bus_with_its_faulty_and_out_of_service_cells(hall):
    from kiosk.config import load_config
    from kiosk.hall.sqlite_hall import SqliteHall
    config_dir, database = hall
    store = SqliteHall(load_config(config_dir).hall_settings(), database)
    try:
        store.pickups.add_cells({c: "m" for c in ("lockers_left/1/3", "lockers_left/1/4", "lockers_left/2/10",
                                                  "lockers_left/2/9", "lockers_right/0/5")})
    finally:
        store.close()
    conn = sqlite3.connect(database)
    conn.executemany("UPDATE locker_cells SET state=? WHERE cell=?", [
        ("fault", "lockers_left/1/3"), ("fault", "lockers_left/2/10"), ("out_of_service", "lockers_left/2/9"),
        ("fault", "lockers_right/0/5")])
    conn.commit()
    conn.close()
    devices = sim_diag(config_dir)
    left, right = devices["lockers_left"], devices["lockers_right"]
    assert left["state"] == "ok" and left["details"]["boards"] == [1, 2]
    assert left["details"]["faulty_cells"] == [
        {"cell": "lockers_left/1/3", "state": "fault"}, {"cell": "lockers_left/2/9", "state": "out_of_service"},
        {"cell": "lockers_left/2/10", "state": "fault"}], "by board and lock; lockers_left/1/4 is free"
    assert right["details"]["faulty_cells"] == [{"cell": "lockers_right/0/5", "state": "fault"}]


def test_sim_json_without_a_hall_database_lists_no_faulty_cells(config_dir, tmp_path):
    database = tmp_path / "none" / "hall.sqlite"
    edit_kiosk_yaml(config_dir, lambda data: data["kiosk"].update(database=str(database)))
    devices = sim_diag(config_dir)
    buses = [d for d in devices.values() if "silent_boards" in d["details"]]
    assert [d["role"] for d in buses] == ["lockers_left", "lockers_right"]
    assert all(d["details"]["faulty_cells"] == [] and "faulty_cells_error" not in d["details"] for d in buses)
    assert not database.exists(), "kiosk-diag only reads the hall database"
