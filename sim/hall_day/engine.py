"""One hall's day on the real hall core: SimPy keeps the clock, kiosk.hall.sqlite_hall.SqliteHall
issues, routes and calls every number exactly as it does in a hall (its clock is SimPy's).

Citizens arrive and take a number (or check in an appointment); each window opens (some late),
calls the next number whenever it is free, serves it for the citizen's minutes (a consultation
may become an application at the window), waits a minute for a no-show, and closes for lunch if
its turn; after closing time the windows serve who is still waiting.
"""
from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import simpy

from kiosk.config import HallSettings, Window
from kiosk.hall.model import AppointmentRequest, Citizen as HallCitizen, HallRefusal, TicketKind, TicketRequest
from kiosk.hall.sqlite_hall import SqliteHall
from sim.hall_day.scenario import Citizen, at, clock_min

IDLE_RECHECK_MIN = 30.0         # an idle window looks again this often even if nobody woke it


@dataclass
class Served:
    citizen: Citizen
    ticket_id: str
    group: str
    issued_min: float
    called_min: float | None = None
    window: str = ""

    @property
    def wait_min(self) -> float | None:
        """From taking the number (an early appointment: from its slot) to being called."""
        if self.called_min is None:
            return None
        start = max(self.issued_min, self.citizen.slot_min) if self.citizen.slot_min is not None else self.issued_min
        return max(0.0, self.called_min - start)


@dataclass
class DayResult:
    served: list[Served] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)          # refusal reason → count
    busy: list[tuple[str, float, float]] = field(default_factory=list)      # (group, from, to) serving
    open: list[tuple[str, float, float]] = field(default_factory=list)      # (group, from, to) a window open
    queue: list[tuple[float, int]] = field(default_factory=list)   # (minute, citizens waiting)
    groups: dict[str, list[str]] = field(default_factory=dict)     # window group → its departments
    closing_min: float = 0.0


def run_day(settings: HallSettings, people: list[Citizen], scenario: dict, seed: int) -> DayResult:
    folder = Path(tempfile.mkdtemp(prefix="hall-day-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    env = simpy.Environment(initial_time=0)
    hall = SqliteHall(settings, folder / "hall.sqlite", clock=lambda: at(scenario, env.now))
    try:
        return _Day(env, hall, settings, people, scenario, seed).run()
    finally:
        hall.close()
        shutil.rmtree(folder, ignore_errors=True)


def away(windows: list[Window], share: float) -> set[str]:
    """The windows whose staff are away (opening late, at lunch), the same in both layouts (the
    same staff take the same lunches): round(share × windows), spread over the departments in
    proportion to their windows (largest remainders), each keeping one window open. A window's
    department is its home's, else its group's (a department hall's group is one department)."""
    mine: dict[str, list[str]] = {}
    for w in windows:
        mine.setdefault(w.home[0] if w.home else w.group, []).append(w.id)
    exact = {d: len(ids) * share for d, ids in mine.items()}
    counts = {d: min(int(exact[d]), len(mine[d]) - 1) for d in mine}
    for d in sorted(mine, key=lambda d: (int(exact[d]) - exact[d], d)):      # the same ties in both halls
        if sum(counts.values()) >= round(len(windows) * share):
            break
        counts[d] += counts[d] < len(mine[d]) - 1
    return {w for d, ids in mine.items() for w in ids[:counts[d]]}


class _Day:
    def __init__(self, env, hall, settings, people, scenario, seed):
        self.env, self.hall, self.settings, self.people, self.s = env, hall, settings, people, scenario
        self.rng = random.Random(seed + 1)
        self.result = DayResult(groups={g.id: list(g.departments) for g in settings.window_groups.values()})
        self.by_ticket: dict[str, Served] = {}
        # Idle windows, longest idle first, each waiting on its own event: a new number wakes one
        # window that can call it (all 80 waking for every number took 90 % of the run).
        self.idle: dict[str, tuple[str, simpy.Event]] = {}      # window id → (its group, its event)
        self.serves = {g.id: set(g.departments) for g in settings.window_groups.values()}
        self.home = {w.id: set(w.home) for w in settings.windows}
        self.waiting = 0
        hours = next(h for h in settings.hall.opening_hours
                     if ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[at(scenario, 0).weekday()] in h.days)
        self.open_min = hours.open.hour * 60 + hours.open.minute
        self.result.closing_min = self.close_min = hours.close.hour * 60 + hours.close.minute
        self.birth_elder = date(1945, 1, 1)

    def run(self) -> DayResult:
        env = self.env
        env.run(until=self.open_min - 60)              # book the appointments the day before opening
        self.appointments = {}
        for c in self.people:
            if c.slot_min is not None:
                booked = self.hall.book_appointment(AppointmentRequest(
                    person_key=f"p{c.n}", item_code=c.item_code, slot_start=at(self.s, c.slot_min),
                    slot_end=at(self.s, c.slot_min + self.s["appointments"]["slot_min"])), f"a{c.n}")
                self.appointments[c.n] = booked.appointment_id
        env.process(self.arrivals())
        late = away(self.settings.windows, self.s["windows_late"]["share"])
        lunch = away(self.settings.windows, self.s["lunch"]["share"])
        for w in self.settings.windows:
            env.process(self.window(w, w.id in late, w.id in lunch))
        env.process(self.watch_queue())
        env.run()
        return self.result

    def arrivals(self):
        for c in self.people:
            yield self.env.timeout(max(0.0, c.arrives_min - self.env.now))
            self.take_number(c)

    def take_number(self, c: Citizen) -> None:
        citizen = HallCitizen(person_key=f"p{c.n}", birth_date=self.birth_elder if c.elder else None)
        try:
            if c.n in self.appointments:
                reservation = self.hall.check_in(self.appointments[c.n], "kiosk-sim", f"k{c.n}", citizen=citizen)
            else:
                reservation = self.hall.reserve_ticket(TicketRequest(c.item_code, TicketKind(c.kind), citizen,
                                                                     "kiosk-sim", f"k{c.n}"))
            ticket = self.hall.confirm_ticket(reservation.reservation_id)
        except HallRefusal as e:
            self.result.refused[e.reason.value] = self.result.refused.get(e.reason.value, 0) + 1
            return
        served = Served(c, ticket.ticket_id, ticket.window_group, self.env.now)
        self.by_ticket[ticket.ticket_id] = served
        self.result.served.append(served)
        self.waiting += 1
        woken = next((w for w in self.idle if c.department in self.home[w]), None) \
            or next((w for w, (g, _) in self.idle.items() if g == ticket.window_group), None) \
            or next((w for w, (g, _) in self.idle.items() if c.department in self.serves[g]), None)
        if woken is not None:
            self.idle.pop(woken)[1].succeed()

    def window(self, w, late: bool, lunch: bool):
        env, s = self.env, self.s
        opens = self.open_min + (s["windows_late"]["minutes"] if late else 0)
        lunch_from, lunch_to = clock_min(s["lunch"]["from"]), clock_min(s["lunch"]["to"])
        yield env.timeout(max(0.0, opens - env.now))
        opened_at = env.now
        while True:
            if lunch and lunch_from <= env.now < lunch_to:
                self.result.open.append((w.group, opened_at, env.now))
                yield env.timeout(lunch_to - env.now)
                opened_at = env.now
            ticket = self.hall.call_next(w.id)
            if ticket is None:
                if env.now >= self.close_min and self.waiting == 0 and env.now >= self.people[-1].arrives_min:
                    break                               # closed, nobody left: the window goes home
                until = lunch_from if lunch and env.now < lunch_from else None
                wait = IDLE_RECHECK_MIN if until is None else min(IDLE_RECHECK_MIN, until - env.now)
                wake = env.event()
                self.idle[w.id] = (w.group, wake)
                yield env.any_of([wake, env.timeout(max(0.05, wait))])
                self.idle.pop(w.id, None)
                continue
            served = self.by_ticket[ticket.ticket_id]
            served.called_min, served.window = env.now, w.id
            self.waiting -= 1
            c = served.citizen
            started = env.now
            if c.no_show:
                yield env.timeout(s["no_show_wait_min"])
                self.hall.complete(ticket.ticket_id, no_show=True)
            else:
                if c.converts:
                    self.hall.convert(ticket.ticket_id, TicketKind.ACCEPT)
                yield env.timeout(c.minutes)
                self.hall.complete(ticket.ticket_id)
            self.result.busy.append((w.group, started, env.now))
        self.result.open.append((w.group, opened_at, env.now))

    def watch_queue(self):
        while self.env.now < self.close_min or self.waiting:
            self.result.queue.append((self.env.now, self.waiting))
            yield self.env.timeout(5)
