"""The health timeline: each change once, in order, said in the technician's language, capped."""
from __future__ import annotations

from datetime import datetime, timedelta

from drivers.printer.status import PrinterStatus
from kiosk.devices import DeviceHealth
from kiosk.timeline import HealthTimeline, device_lines, read_day
from kiosk.wording import NOTHING, Sentence


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 26, 10, 2, 5)

    def __call__(self):
        return self.now


def printer(state, reason=NOTHING):
    return DeviceHealth("ticket_printer", "票据打印机 Ticket printer", state, reason)


def test_a_paper_out_and_its_end_read_as_the_technician_says_them(tmp_path):
    clock = Clock()
    timeline = HealthTimeline(tmp_path / "health.sqlite", clock=clock)
    timeline.record(printer("ok"))
    paper_out = PrinterStatus(online=True, paper="out").reason
    timeline.record(printer("fault", paper_out))
    timeline.record(printer("fault", paper_out))          # announced again: kept once
    clock.now += timedelta(minutes=4)
    timeline.record(printer("ok"))
    day = timeline.day()
    assert [e.state for e in day] == ["ok", "fault", "ok"]
    assert device_lines(day, "ticket_printer", "zh_CN") == ["10:02 正常", "10:02 故障：打印纸用完了，请工作人员换纸",
                                                             "10:06 恢复正常"]
    assert device_lines(day, "ticket_printer", "en")[1:] == [
        "10:02 Fault: The printer has run out of paper. A member of staff will put in a new roll.", "10:06 Working again"]
    timeline.close()
    timeline.record(printer("fault", paper_out))          # a device's last word after the kiosk stopped
    assert len(read_day(tmp_path / "health.sqlite", clock.now.date())) == 3


def test_a_device_flapping_all_month_keeps_the_file_small(tmp_path):
    clock = Clock()
    timeline = HealthTimeline(tmp_path / "health.sqlite", keep_days=3, max_entries=500, clock=clock)
    for n in range(3000):
        timeline.record(printer("fault" if n % 2 else "ok", Sentence("打印机暂时出了点问题，请稍等或请工作人员处理")))
        clock.now += timedelta(minutes=20)                  # 3000 changes over six weeks
    timeline.record(printer("ok"))
    kept = read_day(tmp_path / "health.sqlite", clock.now.date())
    assert kept and (tmp_path / "health.sqlite").stat().st_size < 1 << 20
    count = timeline._conn.execute("SELECT COUNT(*), MIN(at) FROM timeline").fetchone()
    assert count[0] <= 600 and count[1] >= (clock.now - timedelta(days=3, minutes=1)).isoformat()


def test_a_long_day_shows_the_last_changes_and_counts_the_earlier(tmp_path):
    clock = Clock()
    timeline = HealthTimeline(tmp_path / "health.sqlite", clock=clock)
    for n in range(9):
        timeline.record(printer("fault" if n % 2 else "ok"))
        clock.now += timedelta(minutes=1)
    lines = device_lines(timeline.day(), "ticket_printer", "zh_CN", last=5)
    assert lines[0] == "（更早还有 4 条）" and len(lines) == 6 and lines[-1] == "10:10 恢复正常"


def test_only_the_latest_self_test_and_the_failures_are_shown_a_run_on_one_line(tmp_path):
    from kiosk.timeline import SELF_TEST, SELF_TEST_FAILED
    clock = Clock()
    timeline = HealthTimeline(tmp_path / "health.sqlite", clock=clock)
    passed = lambda level: Sentence("{level}通过", level=Sentence(level))  # noqa: E731
    timeline.note("ticket_printer", "票据打印机", SELF_TEST, passed("内部自检"))
    timeline.note("ticket_printer", "票据打印机", SELF_TEST_FAILED,
                  Sentence("{level}未通过：{why}", level=Sentence("外部自检"), why=Sentence("打印纸用完了，请工作人员换纸")))
    clock.now += timedelta(minutes=30)
    timeline.record(printer("ok"))
    timeline.note("ticket_printer", "票据打印机", SELF_TEST, passed("内部自检"))
    timeline.note("ticket_printer", "票据打印机", SELF_TEST, passed("外部自检"))
    assert device_lines(timeline.day(), "ticket_printer", "zh_CN") == [
        "10:02 外部自检未通过：打印纸用完了，请工作人员换纸", "10:32 正常", "10:32 内部自检通过，外部自检通过"]
    assert device_lines(timeline.day(), "ticket_printer", "en")[-1] == \
        "10:32 Internal self-test passed, External self-test passed"


def test_a_damaged_timeline_file_is_set_aside_and_the_kiosk_goes_on(tmp_path):
    (tmp_path / "health.sqlite").write_bytes(b"this is not a database, a power cut left it so" * 100)
    timeline = HealthTimeline(tmp_path / "health.sqlite", clock=Clock())
    timeline.record(printer("ok"))
    assert [e.state for e in timeline.day()] == ["ok"]
    assert (tmp_path / "health.sqlite.broken").read_bytes().startswith(b"this is not a database")
