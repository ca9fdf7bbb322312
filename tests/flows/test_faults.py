"""Faults the kiosk must survive: a missing printer, a second kiosk on the same database."""
import subprocess
import sys

import yaml

from kiosk.app import build_core
from kiosk.config import load_config
from kiosk.hall.model import TicketKind
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.wording import say
from sim.kiosk_sim import demo_clock


def test_kiosk_without_its_printer_still_serves_the_catalogue(config_dir, tmp_path):
    text = (config_dir / "kiosk.yaml").read_text(encoding="utf-8")
    (config_dir / "kiosk.yaml").write_text(
        text.replace("/dev/ttyUSB0", "/dev/ttyNOPE9").replace("var/hall.sqlite", str(tmp_path / "h.sqlite")),
        encoding="utf-8")
    config = load_config(config_dir)
    core = build_core(config, clock=demo_clock(config))     # the hall open, whenever the test runs
    try:
        availability = core.ticket_service()
        assert not availability.available
        reason = say(availability.reason, "zh_CN")
        assert reason.startswith("取号机暂时不能出票") and "咨询台" in reason
        assert core.catalogue.search("sbk")                      # the rest of the kiosk works
        assert core.health()[0].state == "fault"
        failure = core.take_number("SM001", TicketKind.ACCEPT).exception(timeout=10)
        assert failure is not None and say(failure.message, "zh_CN")
        assert core.hall.tickets_today() == []
    finally:
        core.stop()


def test_second_kiosk_process_on_the_same_database_is_refused(config_dir, tmp_path):
    db = tmp_path / "hall.sqlite"
    data = yaml.safe_load((config_dir / "kiosk.yaml").read_text(encoding="utf-8"))
    data["kiosk"]["database"] = str(db)
    (config_dir / "kiosk.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    first = SqliteHall(load_config(config_dir), db)
    try:
        run = subprocess.run([sys.executable, "-m", "kiosk.app", "--config", str(config_dir)],
                             capture_output=True, text=True, timeout=60, env={"QT_QPA_PLATFORM": "offscreen",
                                                                              "PATH": "/usr/bin:/bin"})
    finally:
        first.close()
    assert run.returncode == 3
    assert str(db) in run.stderr and "Traceback" not in run.stderr
