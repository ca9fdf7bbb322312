"""At start-up the kiosk self-tests every device (internal and external) and keeps the results
in its health timeline; a device that fails is named in the log and on the technician screen."""
from __future__ import annotations

import logging
import time

import kiosk.core
from kiosk.app import build_core
from kiosk.config import load_config
from kiosk.timeline import SELF_TEST


def started_kiosk(tmp_path, monkeypatch, scenario=None):
    monkeypatch.setattr(kiosk.core, "SELF_TEST_DELAY_S", 0.2)      # 12 s in a hall, after the camera opens
    config = load_config().with_devices(ssc_reader=None, camera=None)
    core = build_core(config, sim=True, out_dir=tmp_path, scenario=scenario)
    deadline = time.monotonic() + 15
    while core.self_tests.latest is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return core


def test_every_device_is_self_tested_at_start_up_and_the_day_says_so(tmp_path, monkeypatch):
    core = started_kiosk(tmp_path, monkeypatch)
    try:
        assert core.self_tests.latest is not None, "no self-test ran after start-up"
        at, results = core.self_tests.latest
        assert all(r.passed for r in results), [r for r in results if not r.passed]
        assert {(r.role, r.level) for r in results} >= {("ticket_printer", "internal"), ("ticket_printer", "external"),
                                                         ("form_printer", "external"), ("lockers_left", "external")}
        tested = [e for e in core.timeline.day() if e.state == SELF_TEST and e.role == "ticket_printer"]
        assert [str(e.reason) for e in tested] == ["内部自检通过", "外部自检通过"]
        from kiosk.timeline import device_lines
        assert device_lines(core.timeline.day(), "ticket_printer", "zh_CN")[-1].endswith(" 内部自检通过，外部自检通过")
    finally:
        core.stop()


def test_a_printer_without_paper_fails_its_external_self_test_in_the_log(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="kiosk.core")
    scenario = tmp_path / "paper_out.yaml"
    scenario.write_text("printer:\n  state: paper_out\n", encoding="utf-8")
    core = started_kiosk(tmp_path, monkeypatch, scenario)
    try:
        _, results = core.self_tests.latest
        failed = [(r.role, r.level) for r in results if not r.passed]
        assert failed == [("ticket_printer", "external")]
        line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("self-test:"))
        assert "failed: ticket_printer external" in line and "paper=out" in line
    finally:
        core.stop()
