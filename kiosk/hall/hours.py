"""Is the hall open now, and if not, when does it open: said the way a clerk at the desk would.

Pure functions over `HallInfo`; the caller supplies the time (the hall's local wall clock), so
tests and the simulator can move it freely. An opening period is [open, close): at 17:30 sharp a
hall that closes at 17:30 no longer issues tickets. Several periods may cover one day (a lunch
break is two periods); a date listed in `holidays` is closed whatever its weekday.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.config import WEEKDAYS, HallInfo
from kiosk.hall.model import HallRefusal, RefusalReason

_WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LOOK_AHEAD_DAYS = 31   # long enough for the Spring Festival closure


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    detail_zh: str    # a clause, no final full stop: fits into the refusal sentence
    detail_en: str


def is_holiday(hall: HallInfo, day: date) -> bool:
    # Both spellings, so hall.holidays may become list[date] (unquoted YAML dates) without a change here.
    return day.isoformat() in hall.holidays or day in hall.holidays


def periods_on(hall: HallInfo, day: date) -> list[tuple[time, time]]:
    """Opening periods on this date, earliest first (none on a holiday)."""
    if is_holiday(hall, day):
        return []
    weekday = WEEKDAYS[day.weekday()]
    return sorted((h.open, h.close) for h in hall.opening_hours if weekday in h.days)


def next_opening(hall: HallInfo, now: datetime) -> datetime | None:
    """The first moment after `now` at which the hall opens, or None if not within a month."""
    for offset in range(_LOOK_AHEAD_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        for start, _ in periods_on(hall, day):
            at = datetime.combine(day, start, tzinfo=now.tzinfo)
            if at > now:
                return at
    return None


def opening_status(hall: HallInfo, now: datetime) -> OpeningStatus:
    day, clock = now.date(), now.time().replace(tzinfo=None)
    periods = periods_on(hall, day)
    hours = _hours(periods)
    if any(start <= clock < end for start, end in periods):
        return OpeningStatus(True, f"今天的办理时间是 {hours[0]}", f"The hall is open {hours[1]} today")

    nxt = next_opening(hall, now)
    if is_holiday(hall, day):
        zh, en = "今天是节假日，大厅休息", "Today is a public holiday"
    elif not periods:
        zh = f"{_WEEKDAY_ZH[day.weekday()]}大厅休息"
        en = f"We are closed on {_WEEKDAY_EN[day.weekday()]}s"
    elif clock < periods[0][0]:          # early: today's hours say it all
        return OpeningStatus(False, f"今天的办理时间是 {hours[0]}", f"Today's hours are {hours[1]}")
    elif nxt and nxt.date() == day:      # lunch break
        return OpeningStatus(False, f"今天的办理时间是 {hours[0]}，{nxt:%H:%M} 继续办理",
                             f"Today's hours are {hours[1]}; we reopen at {nxt:%H:%M}")
    else:
        zh, en = f"今天的办理时间是 {hours[0]}，已经下班了", f"Today's hours were {hours[1]}"
    if nxt:
        when_zh, when_en = _when(nxt, day)
        zh += f"；下次办理时间是{when_zh}"
        en += f"; we open again {when_en}"
    return OpeningStatus(False, zh, en)


def hall_open(hall: HallInfo, now: datetime) -> tuple[bool, str, str]:
    """(open?, sentence_zh, sentence_en) for the home screen. Closed: the same words the
    kiosk shows when it refuses a ticket; open: today's hours."""
    status = opening_status(hall, now)
    if status.is_open:
        return True, status.detail_zh, status.detail_en
    refusal = HallRefusal(RefusalReason.CLOSED, status.detail_zh, status.detail_en)
    return False, refusal.message_zh, refusal.message_en


def _hours(periods: list[tuple[time, time]]) -> tuple[str, str]:
    spans = [f"{a:%H:%M}–{b:%H:%M}" for a, b in periods]
    return "、".join(spans), ", ".join(spans)


def _when(at: datetime, today: date) -> tuple[str, str]:
    days = (at.date() - today).days
    zh_day = f"{at.month}月{at.day}日 {_WEEKDAY_ZH[at.weekday()]}"
    en_day = f"{_WEEKDAY_EN[at.weekday()][:3]} {at.day} {_MONTH_EN[at.month - 1]}"
    if days == 1:
        return f"明天（{zh_day}）{at:%H:%M}", f"tomorrow ({en_day}) at {at:%H:%M}"
    return f"{zh_day} {at:%H:%M}", f"on {en_day} at {at:%H:%M}"
