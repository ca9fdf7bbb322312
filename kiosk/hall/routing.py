"""Where a ticket goes and how long it will wait: pure arithmetic over the queue, no storage.

A ticket is routed, among the window groups that serve its item's department, to the group where
this citizen would wait least. The expected wait in a group is the work queued ahead of the
citizen (minutes per ticket, by kind) shared by the windows of that group. Priority citizens
(70+) are called before everyone else in their group, so for them only the priority work ahead
counts. Ties go to the group listed first in hall.yaml, so routing is repeatable.

Appointment tickets jump the queue only while their slot runs; routing a new walk-in ignores them
(they are few and their slots come and go), but the people-ahead figure printed on a ticket
counts those that will step in front of it (ahead_of_each).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from kiosk.config import HallInfo, Window, WindowGroup
from kiosk.hall.model import TicketKind

# Used when hall.yaml lists minutes for only some kinds.
DEFAULT_MINUTES_PER_TICKET = {TicketKind.ACCEPT: 12.0, TicketKind.CONSULT: 5.0, TicketKind.PICKUP: 3.0}


def minutes_per_ticket(hall: HallInfo, kind: TicketKind) -> float:
    return float(hall.minutes_per_ticket.get(kind, DEFAULT_MINUTES_PER_TICKET[kind]))


def expected_wait_min(work_min: float, windows: int) -> int:
    """Whole minutes, rounded up: a citizen told "3 minutes" should not wait 4."""
    if windows <= 0 or work_min <= 0:
        return 0
    return math.ceil(work_min / windows - 1e-9)


def is_priority(birth_date: date | None, on: date, priority_age: int) -> bool:
    """Aged `priority_age` or more on the ticket's date (born 29 Feb: a year older on 1 Mar)."""
    if birth_date is None:
        return False
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return age >= priority_age


@dataclass(frozen=True)
class GroupQueue:
    """What is queued in one window group right now (waiting tickets and pending reservations)."""

    group_id: str
    windows: int
    work_min: float = 0.0             # all queued tickets
    priority_work_min: float = 0.0    # the part held by priority tickets
    queued: int = 0
    priority_queued: int = 0

    def ahead_of_newcomer(self, priority: bool) -> tuple[int, float]:
        """(people, minutes of work) that a ticket issued now would have ahead of it."""
        return (self.priority_queued, self.priority_work_min) if priority else (self.queued, self.work_min)


def serving_groups(department: str, groups: Mapping[str, WindowGroup]) -> list[str]:
    """Groups serving this department, in hall.yaml order."""
    return [g.id for g in groups.values() if department in g.departments]


def windows_per_group(windows: Iterable[Window]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in windows:
        counts[w.group] = counts.get(w.group, 0) + 1
    return counts


def choose_window_group(candidates: Sequence[GroupQueue], priority: bool) -> GroupQueue | None:
    """The group with the shortest expected wait for this citizen; None if no group has a window."""
    best, best_key = None, None
    for index, g in enumerate(candidates):
        if g.windows <= 0:
            continue
        _, work_ahead = g.ahead_of_newcomer(priority)
        key = (work_ahead / g.windows, g.work_min / g.windows, index)
        if best_key is None or key < best_key:
            best, best_key = g, key
    return best


@dataclass(frozen=True)
class QueuedTicket:
    ticket_id: str
    priority: bool
    position: int       # issue order: smaller is earlier
    minutes: float      # expected service time of this ticket
    slot_start: datetime | None = None    # appointment tickets only
    slot_end: datetime | None = None

    def in_slot(self, at: datetime) -> bool:
        return self.slot_start is not None and self.slot_start <= at < self.slot_end


def call_order(queue: Iterable[QueuedTicket]) -> list[QueuedTicket]:
    """The order a group's windows will call these tickets, slots aside: priority first, then
    issue order."""
    return sorted(queue, key=lambda t: (not t.priority, t.position))


def ahead_of_each(queue: Iterable[QueuedTicket], now: datetime | None = None,
                  windows: int = 1) -> dict[str, tuple[int, float]]:
    """ticket_id → (people ahead, minutes of work ahead), as the queue stands at `now`.

    Without appointment slots still to come this is call_order. With them the queue is played
    forward the way call_next() will take it: the group's windows share the work (the same model
    as expected_wait_min), so the n-th call happens at now + work before it / windows, and at
    each call an appointment whose slot contains that moment goes first. Cost O(tickets ×
    appointments), paid only while appointments wait.
    """
    ordered = call_order(queue)
    pending = [t for t in ordered if now is not None and t.slot_end is not None and t.slot_end > now]
    result, people, work = {}, 0, 0.0
    if not pending:
        for t in ordered:
            result[t.ticket_id] = (people, work)
            people, work = people + 1, work + t.minutes
        return result
    walk = iter(ordered)
    while len(result) < len(ordered):
        at = now + timedelta(minutes=work / windows) if windows > 0 else now
        pick = next((t for t in pending if t.in_slot(at)), None)
        if pick is not None:
            pending.remove(pick)
        else:
            pick = next(t for t in walk if t.ticket_id not in result)
            if pick in pending:
                pending.remove(pick)
        result[pick.ticket_id] = (people, work)
        people, work = people + 1, work + pick.minutes
    return result


def group_display_name(group: WindowGroup, windows: Iterable[Window]) -> str:
    """'社会民生综合窗口 (1-4号窗口)': the sign a citizen looks for in the hall."""
    names = [w.name for w in windows if w.group == group.id]
    if not names:
        return group.name
    numbers = [n[: -len("号窗口")] for n in names if n.endswith("号窗口")]
    if len(numbers) == len(names) and all(n.isdigit() for n in numbers):
        values = sorted(int(n) for n in numbers)
        if values == list(range(values[0], values[-1] + 1)):
            span = f"{values[0]}号窗口" if len(values) == 1 else f"{values[0]}-{values[-1]}号窗口"
            return f"{group.name} ({span})"
    return f"{group.name} ({'、'.join(names)})"
