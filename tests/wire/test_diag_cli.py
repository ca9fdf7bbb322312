"""kiosk-diag as a technician runs it: one JSON object, printer first, exit code says healthy or not."""
import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.wire


def diag(*args):
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", *args], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def test_sim_json_lists_the_printer_online_with_paper():
    run = diag("--sim", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    printer = report["devices"][0]
    assert printer["role"] == "ticket_printer" and printer["state"] == "ok"
    assert printer["details"]["online"] is True and printer["details"]["paper"] == "ok"
    assert printer["details"]["cover_open"] is False


def test_paper_out_is_a_fault_with_plain_reason(tmp_path):
    scenario = tmp_path / "paper_out.yaml"
    scenario.write_text("printer:\n  state: paper_out\n", encoding="utf-8")
    run = diag("--sim", "--json", "--scenario", str(scenario))
    assert run.returncode == 1
    printer = json.loads(run.stdout)["devices"][0]
    assert printer["state"] == "fault" and "纸" in printer["reason_zh"]
    assert printer["details"]["paper"] == "out"


def test_missing_printer_port_is_reported_not_crashed(config_dir):
    kiosk_yaml = config_dir / "kiosk.yaml"
    kiosk_yaml.write_text(kiosk_yaml.read_text(encoding="utf-8").replace("/dev/ttyUSB0", "/dev/ttyNOPE9"),
                          encoding="utf-8")
    run = diag("--json", "--config", str(config_dir))
    assert run.returncode == 1
    printer = json.loads(run.stdout)["devices"][0]
    assert printer["state"] == "fault" and "ttyNOPE9" in printer["details"]["last_error"]
    assert printer["reason_zh"]


def test_human_table_says_the_state_in_words():
    run = diag("--sim")
    assert run.returncode == 0 and "正常 OK" in run.stdout and "ticket_printer" in run.stdout


def test_sim_json_shows_the_camera_open_with_its_resolution_and_frame_rate():
    report = json.loads(diag("--sim", "--json").stdout)
    camera = next(d for d in report["devices"] if d["role"] == "camera")
    assert camera["state"] == "ok" and camera["details"]["opened"] is True
    assert camera["details"]["resolution"] == "1280x720" and camera["details"]["fps"] > 5
    assert camera["details"]["frames_decoded"] > 0 and camera["details"]["last_error"] == ""


def test_a_camera_that_cannot_be_opened_is_a_fault_with_a_reason(tmp_path):
    scenario = tmp_path / "camera_gone.yaml"
    scenario.write_text("camera:\n  script: [{gone: true}]\n", encoding="utf-8")
    run = diag("--sim", "--json", "--scenario", str(scenario))
    assert run.returncode == 1
    camera = next(d for d in json.loads(run.stdout)["devices"] if d["role"] == "camera")
    assert camera["state"] == "fault" and camera["reason_zh"] and camera["details"]["opened"] is False


def test_the_form_printer_is_listed_with_its_ipp_state_reasons_and_supplies(tmp_path):
    scenario = tmp_path / "ipp.yaml"
    scenario.write_text("laser:\n  printer: ipp\n", encoding="utf-8")
    run = diag("--sim", "--json", "--scenario", str(scenario))
    assert run.returncode == 0, run.stdout
    laser = next(d for d in json.loads(run.stdout)["devices"] if d["role"] == "form_printer")
    assert laser["state"] == "ok" and laser["name"].startswith("表格打印机 Form printer (CUPS hall-forms via ipp://")
    assert laser["details"]["state"] == "idle" and laser["details"]["reasons"] == []
    assert "Black Toner 75%" in laser["details"]["supplies"], "ippeveprinter starts with its toner at 75 %"


def test_history_prints_the_days_device_changes_as_json(config_dir):
    from datetime import datetime
    from kiosk.config import load_config
    from kiosk.devices import DeviceHealth
    from kiosk.timeline import FILE_NAME, HealthTimeline
    from kiosk.wording import Sentence
    config = load_config(config_dir)
    kept = HealthTimeline(config.database_path.parent / FILE_NAME, clock=lambda: datetime(2026, 11, 26, 10, 2))
    kept.record(DeviceHealth("ticket_printer", "票据打印机", "fault", Sentence("打印纸用完了，请工作人员换纸")))
    kept.close()
    run = diag("history", "--json", "--day", "2026-11-26", "--config", str(config_dir))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["day"] == "2026-11-26" and report["entries"] == [
        {"at": "2026-11-26T10:02:00", "role": "ticket_printer", "name": "票据打印机", "state": "fault",
         "reason_zh": "打印纸用完了，请工作人员换纸", "reason_en": "The printer has run out of paper. A member of staff will put in a new roll."}]
    table = diag("history", "--day", "2026-11-26", "--config", str(config_dir)).stdout
    assert "10:02 故障：打印纸用完了，请工作人员换纸" in table and "Fault: The printer has run out of paper" in table
    assert "No health entries" in diag("history", "--day", "2026-11-25", "--config", str(config_dir)).stdout


def test_selftest_passes_every_simulated_device_at_both_levels():
    run = diag("selftest", "--sim", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["passed"] is True
    levels = {(r["role"], r["level"]) for r in report["results"]}
    assert {("ticket_printer", "internal"), ("ticket_printer", "external"), ("id_card_reader", "external"),
            ("camera", "external"), ("form_printer", "internal"), ("lockers_left", "external")} <= levels
    by = {(r["role"], r["level"]): r for r in report["results"]}
    assert "paper=ok" in by["ticket_printer", "external"]["detail"]          # the status bytes
    assert "sam_id=" in by["id_card_reader", "external"]["detail"]           # the SAM's own id
    assert "frames_decoded=" in by["camera", "external"]["detail"]           # frames came
    assert by["form_printer", "internal"]["detail"].startswith("cups ")     # the CUPS server answers


def test_selftest_names_the_missing_port_and_the_empty_printer_and_exits_1(config_dir, tmp_path):
    kiosk_yaml = config_dir / "kiosk.yaml"
    kiosk_yaml.write_text(kiosk_yaml.read_text(encoding="utf-8").replace("/dev/ttyUSB1", "/dev/ttyNOPE7"),
                          encoding="utf-8")
    run = diag("selftest", "--json", "--config", str(config_dir))
    assert run.returncode == 1
    by = {(r["role"], r["level"]): r for r in json.loads(run.stdout)["results"]}
    reader = by["id_card_reader", "internal"]
    assert not reader["passed"] and reader["message_zh"] == "找不到设备接口：/dev/ttyNOPE7"
    assert reader["message_en"] == "Device port not found: /dev/ttyNOPE7"
    scenario = tmp_path / "paper_out.yaml"
    scenario.write_text("printer:\n  state: paper_out\n", encoding="utf-8")
    run = diag("selftest", "--sim", "--json", "--scenario", str(scenario))
    assert run.returncode == 1
    by = {(r["role"], r["level"]): r for r in json.loads(run.stdout)["results"]}
    assert by["ticket_printer", "internal"]["passed"] and not by["ticket_printer", "external"]["passed"]
    assert "纸" in by["ticket_printer", "external"]["message_zh"] and "paper=out" in by["ticket_printer", "external"]["detail"]


def test_bundle_holds_the_evidence_and_no_secret(config_dir, tmp_path):
    import re
    import zipfile
    import yaml
    kiosk_yaml = yaml.safe_load((config_dir / "kiosk.yaml").read_text(encoding="utf-8"))
    hall_yaml = yaml.safe_load((config_dir / "hall.yaml").read_text(encoding="utf-8"))
    secrets = [kiosk_yaml["kiosk"]["technician_pin"], *kiosk_yaml["kiosk"]["staff_pins"].values(),
               kiosk_yaml["kiosk"]["evaluation"]["person_key"], *(k["key"] for k in hall_yaml["appointments"]["keys"])]
    (config_dir.parent / "var" / "log").mkdir(parents=True)
    (config_dir.parent / "var" / "log" / "kiosk.log").write_text("2026-11-26 10:02:00,001 WARNING x: paper out\n")
    run = diag("bundle", str(tmp_path / "kiosk-1.zip"), "--json", "--config", str(config_dir))
    assert run.returncode == 0, run.stderr
    made = json.loads(run.stdout)
    with zipfile.ZipFile(tmp_path / "kiosk-1.zip") as z:
        names = set(z.namelist())
        everything = b"".join(z.read(n) for n in names)
        kiosk = yaml.safe_load(z.read("config/kiosk.yaml"))
        versions = json.loads(z.read("versions.json"))
        machine = json.loads(z.read("machine.json"))
    assert {"logs/kiosk.log", "health/timeline.json", "health/selftest.json", "config/kiosk.yaml", "config/hall.yaml",
            "versions.json", "machine.json", "hall/journal-last-day.json"} <= names
    assert not [s for s in secrets if s.encode() in everything], "a secret went into the bundle"
    assert kiosk["kiosk"]["technician_pin"] == "<removed>" and kiosk["kiosk"]["staff_pins"] == {"S001": "<removed>"}
    assert kiosk["devices"]["ticket_printer"]["port"] == "/dev/ttyUSB0"          # the rest is all there
    assert re.match(r"\d+\.\d+", versions["qt"]) and "PySide6" in versions["packages"] and versions["python"]
    assert machine["cpus"] >= 1 and machine["uname"]["system"] == "Linux"
    assert made["bytes"] < 5 << 20
