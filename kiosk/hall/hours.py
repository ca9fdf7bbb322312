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
from kiosk.wording import Sentence

# The words of a date, said in the citizen's language (English: Monday..., Jan...).
WEEKDAY_NAMES = (Sentence("周一"), Sentence("周二"), Sentence("周三"), Sentence("周四"), Sentence("周五"),
                 Sentence("周六"), Sentence("周日"))
MONTH_NAMES = (Sentence("1月"), Sentence("2月"), Sentence("3月"), Sentence("4月"), Sentence("5月"), Sentence("6月"),
               Sentence("7月"), Sentence("8月"), Sentence("9月"), Sentence("10月"), Sentence("11月"), Sentence("12月"))
_LOOK_AHEAD_DAYS = 31   # long enough for the Spring Festival closure


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    detail: Sentence    # a clause, no final full stop: fits into the refusal sentence


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
        # Its own field name: the same Chinese as "today's hours" below, other English.
        return OpeningStatus(True, Sentence("今天的办理时间是 {open_hours}", open_hours=hours))

    nxt = next_opening(hall, now)
    if is_holiday(hall, day):
        closed = Sentence("今天是节假日，大厅休息")
    elif not periods:
        closed = Sentence("{weekday}大厅休息", weekday=WEEKDAY_NAMES[day.weekday()])
    elif clock < periods[0][0]:          # early: today's hours say it all
        return OpeningStatus(False, Sentence("今天的办理时间是 {hours}", hours=hours))
    elif nxt and nxt.date() == day:      # lunch break
        return OpeningStatus(False, Sentence("今天的办理时间是 {hours}，{reopen} 继续办理", hours=hours,
                                             reopen=f"{nxt:%H:%M}"))
    else:
        closed = Sentence("今天的办理时间是 {hours}，已经下班了", hours=hours)
    if not nxt:
        return OpeningStatus(False, closed)
    on = Sentence("{month}{day}日 {weekday}", month=MONTH_NAMES[nxt.month - 1], day=nxt.day,
                  weekday=WEEKDAY_NAMES[nxt.weekday()])
    if (nxt.date() - day).days == 1:
        return OpeningStatus(False, Sentence("{closed}；下次办理时间是明天（{date}）{time}", closed=closed, date=on,
                                             time=f"{nxt:%H:%M}"))
    return OpeningStatus(False, Sentence("{closed}；下次办理时间是{date} {time}", closed=closed, date=on,
                                         time=f"{nxt:%H:%M}"))


def hall_open(hall: HallInfo, now: datetime) -> tuple[bool, Sentence]:
    """(open?, sentence) for the home screen. Closed: the same words the kiosk shows when it
    refuses a ticket; open: today's hours."""
    status = opening_status(hall, now)
    if status.is_open:
        return True, status.detail
    return False, HallRefusal(RefusalReason.CLOSED, status.detail).message


def _hours(periods: list[tuple[time, time]]) -> Sentence | str:
    """Today's opening periods: 09:00–12:00、13:30–17:30 (English: a comma between them)."""
    spans = [f"{a:%H:%M}–{b:%H:%M}" for a, b in periods]
    listed = spans[0] if spans else ""
    for span in spans[1:]:
        listed = Sentence("{earlier}、{later}", earlier=listed, later=span)
    return listed
