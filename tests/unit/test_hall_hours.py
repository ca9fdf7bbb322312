"""A citizen arriving outside opening hours is told, in plain words, when to come back."""
from datetime import datetime

import pytest

from kiosk.config import HallInfo
from kiosk.hall.hours import hall_open, next_opening, opening_status
from kiosk.wording import say


def hall(holidays=(), lunch_break=False) -> HallInfo:
    weekdays = ["mon", "tue", "wed", "thu", "fri"]
    hours = ([{"days": weekdays, "open": "09:00", "close": "12:00"},
              {"days": weekdays, "open": "13:30", "close": "17:30"}] if lunch_break
             else [{"days": weekdays, "open": "09:00", "close": "17:30"}])
    hours.append({"days": ["sat"], "open": "09:00", "close": "12:00"})
    return HallInfo(id="h", name="测试大厅", opening_hours=hours, holidays=list(holidays))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("moment, is_open", [
    ("2026-11-23 08:59:59", False),   # Monday, a second before opening
    ("2026-11-23 09:00:00", True),
    ("2026-11-23 17:29:59", True),
    ("2026-11-23 17:30:00", False),   # closing time itself is closed
    ("2026-11-28 11:00:00", True),    # Saturday morning
    ("2026-11-28 12:30:00", False),
    ("2026-11-29 10:00:00", False),   # Sunday
])
def test_open_exactly_within_the_hours(moment, is_open):
    assert opening_status(hall(), at(moment)).is_open is is_open


def test_open_status_states_todays_hours():
    assert say(opening_status(hall(), at("2026-11-23 10:00")).detail, "zh_CN") == "今天的办理时间是 09:00–17:30"
    assert say(opening_status(hall(), at("2026-11-23 10:00")).detail, "en") == "The hall is open 09:00–17:30 today"


def test_early_citizen_is_told_todays_hours():
    is_open, reason = hall_open(hall(), at("2026-11-23 08:30"))
    zh, en = say(reason, "zh_CN"), say(reason, "en")
    assert not is_open
    assert zh == "大厅现在不在办理时间，今天的办理时间是 09:00–17:30。"
    assert en == "The hall is closed now. Today's hours are 09:00–17:30."


def test_after_closing_points_to_tomorrow_morning():
    _, reason = hall_open(hall(), at("2026-11-23 17:45"))
    zh, en = say(reason, "zh_CN"), say(reason, "en")
    assert "已经下班了" in zh and "明天（11月24日 周二）09:00" in zh
    assert "tomorrow (Tue 24 Nov) at 09:00" in en


def test_lunch_break_says_when_the_afternoon_starts():
    status = opening_status(hall(lunch_break=True), at("2026-11-23 12:15"))
    assert not status.is_open
    assert say(status.detail, "zh_CN") == "今天的办理时间是 09:00–12:00、13:30–17:30，13:30 继续办理"
    assert say(status.detail, "en").endswith("we reopen at 13:30")


def test_sunday_names_the_day_and_next_opening():
    status = opening_status(hall(), at("2026-11-29 10:00"))
    assert say(status.detail, "zh_CN") == "周日大厅休息；下次办理时间是明天（11月30日 周一）09:00"
    assert say(status.detail, "en") == "We are closed on Sundays; we open again tomorrow (Mon 30 Nov) at 09:00"


def test_holiday_closes_a_weekday_and_is_skipped_when_looking_ahead():
    h = hall(holidays=["2026-10-01", "2026-10-02"])   # Thursday and Friday
    status = opening_status(h, at("2026-10-01 10:00"))
    assert not status.is_open
    assert say(status.detail, "zh_CN") == "今天是节假日，大厅休息；下次办理时间是10月3日 周六 09:00"
    assert say(status.detail, "en") == "Today is a public holiday; we open again on Sat 3 Oct at 09:00"
    assert next_opening(h, at("2026-09-30 18:00")) == at("2026-10-03 09:00")


def test_hall_without_any_hours_gives_no_next_opening():
    h = HallInfo(id="h", name="x", opening_hours=[])
    status = opening_status(h, at("2026-11-23 10:00"))
    assert not status.is_open and "下次" not in say(status.detail, "zh_CN")
