"""Appointments in the embedded hall: booking, finding them by token or card, checking in.

An object the hall holds (SqliteHall.appointments). A check-in is a ticket reservation, so it
goes through the hall's ticket desk (TicketDesk below: its transactions, numbering, routing and
journal), never around it. How the rules map onto storage:

* A booking is an `appointments` row (status booked) keyed by the booking system's id; only the
  citizen's person_key (a hash) is stored, so a card swiped at the kiosk finds it.
* Check-in reserves a ticket like reserve_ticket() does, with the slot copied onto the ticket
  row, and writes the ticket id and the token's nonce onto the appointment while the status
  stays `booked`. confirm_ticket() turns it `checked_in` (the nonce is now spent); a void (print
  failed, or a kiosk died mid-print) clears both, so the citizen can simply scan again. The
  unique index on token_nonce means one token can never hold two tickets.
* The check-in window is [slot start - check_in_early_min, slot start + check_in_late_min].
  Later than that the appointment is `lapsed`: written when a check-in is refused for it, and
  reported as such on reading even before anyone tried.
* Appointment tickets are not counted against an item's daily cap (that quota is for walk-ins)
  and are not refused outside opening hours: the booking system only offers slots the hall
  keeps, and a citizen arriving 20 minutes early for a 9:00 slot may check in at 8:40.
"""
from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, ContextManager, Protocol

from kiosk.config import HallSettings, ServiceItem
from kiosk.hall.hours import MONTH_NAMES
from kiosk.hall.model import (Appointment, AppointmentRequest, AppointmentStatus, Citizen, HallRefusal,
                              HallUnavailable, RefusalReason, Reservation, Ticket, TicketKind, TicketRequest)
from kiosk.hall.routing import GroupQueue, choose_window_group, is_priority, serving_groups
from kiosk.hall.schema import SCHEMA_VERSION, iso_time, parse_time, write_journal
from kiosk.hall.tokens import KeyRing, TokenRefusal, TokenRefusalReason
from kiosk.wording import NOTHING, Sentence

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")      # what fits in a token
_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: a clerk may read it out


def new_appointment_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


# ---------------------------------------------------------------- shared with SqliteHall
def offered_item(config: HallSettings, code: str, kind) -> ServiceItem:
    """The service item, if the hall offers it with this kind of ticket; HallRefusal otherwise."""
    item = config.items.get(code)
    if item is None:
        raise HallRefusal(RefusalReason.UNKNOWN_ITEM)
    if kind not in {k.value for k in item.kinds}:      # a TicketKind is its value; a stray string is not offered
        raise HallRefusal(RefusalReason.KIND_NOT_OFFERED)
    return item


def slots_ahead_pending(conn, day: str, group: str, now: datetime) -> bool:
    """Does an appointment ticket whose slot has not ended wait in this group?"""
    return conn.execute("SELECT 1 FROM tickets WHERE day=? AND window_group=? AND appointment_id IS NOT NULL "
                        "AND slot_end > ? AND state IN ('reserved', 'waiting') LIMIT 1",
                        (day, group, iso_time(now))).fetchone() is not None


def queued_with_slots(conn, day: str, group: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM tickets WHERE day=? AND window_group=? AND state IN ('reserved', 'waiting')",
                        (day, group)).fetchall()


# ---------------------------------------------------------------- booking (also without the hall object)
def book(conn, config: HallSettings, request: AppointmentRequest, idempotency_key: str, now: datetime) -> sqlite3.Row:
    """Insert the booking (inside the caller's write transaction); the same key returns the same row."""
    item = offered_item(config, request.item_code, request.kind)
    kind = TicketKind(request.kind)
    if not request.person_key:
        raise ValueError("an appointment needs the citizen's person_key")
    if request.slot_end <= request.slot_start:
        raise ValueError(f"slot ends ({request.slot_end}) before it starts ({request.slot_start})")
    if idempotency_key:
        row = conn.execute("SELECT * FROM appointments WHERE idempotency_key=? AND idempotency_key != ''",
                           (idempotency_key,)).fetchone()
        if row:
            return row
    appointment_id = request.appointment_id or new_appointment_id()
    if not _ID.fullmatch(appointment_id):
        raise ValueError(f"appointment id {appointment_id!r}: 1-64 of A-Z a-z 0-9 _ -")
    if _row(conn, appointment_id) is not None:
        raise ValueError(f"appointment {appointment_id} is already booked")
    conn.execute("INSERT INTO appointments (appointment_id, hall_id, person_key, item_code, kind, day, slot_start, "
                 "slot_end, idempotency_key, booked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (appointment_id, config.hall.id, request.person_key, item.code, kind.value,
                  request.slot_start.date().isoformat(), iso_time(request.slot_start), iso_time(request.slot_end),
                  idempotency_key, iso_time(now)))
    write_journal(conn, now, "book", None, None, None, "booking",
                  f"appointment {appointment_id}: {item.code} {kind.value} {_span(request.slot_start, request.slot_end)}")
    return _row(conn, appointment_id)


def book_into_file(config: HallSettings, path: Path | str, request: AppointmentRequest, idempotency_key: str = "",
                   now: datetime | None = None, busy_timeout_s: float = 10.0) -> Appointment:
    """Book into a hall database another process (a running kiosk) owns.

    The booking system is a separate program from the hall: it only inserts a row into
    `appointments` (no numbers, no queue), in one BEGIN IMMEDIATE transaction, which SQLite
    serialises against the owner's writers; so it does not need the owner's process lock."""
    now = now or datetime.now()
    path = Path(path)
    if not path.exists():
        raise HallUnavailable(f"hall database {path} does not exist")
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise HallUnavailable(f"hall database {path} is at schema version {version}, not {SCHEMA_VERSION}: "
                                  "start the kiosk on it once to upgrade it")
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = book(conn, config, request, idempotency_key, now)
            appointment = to_appointment(conn, row, config, now)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return appointment
    except sqlite3.Error as e:
        raise HallUnavailable(f"hall database {path}: {e}") from e
    finally:
        conn.close()


def to_appointment(conn, row: sqlite3.Row, config: HallSettings, now: datetime) -> Appointment:
    rules = config.appointments
    start, end = parse_time(row["slot_start"]), parse_time(row["slot_end"])
    closes = start + timedelta(minutes=rules.check_in_late_min)
    status = AppointmentStatus(row["status"])
    if status is AppointmentStatus.BOOKED and row["ticket_id"] is None and now > closes:
        status = AppointmentStatus.LAPSED
    number = None
    if row["ticket_id"]:
        ticket = conn.execute("SELECT number FROM tickets WHERE ticket_id=?", (row["ticket_id"],)).fetchone()
        number = ticket["number"] if ticket else None
    item = config.items.get(row["item_code"])
    return Appointment(appointment_id=row["appointment_id"], hall_id=row["hall_id"], person_key=row["person_key"],
                       item_code=row["item_code"], item_name=item.name if item else row["item_code"],
                       kind=TicketKind(row["kind"]), slot_start=start, slot_end=end, status=status,
                       check_in_opens=start - timedelta(minutes=rules.check_in_early_min), check_in_closes=closes,
                       ticket_id=row["ticket_id"], ticket_number=number)


def _row(conn, appointment_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM appointments WHERE appointment_id=?", (appointment_id,)).fetchone()


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _on_day(moment: datetime, now: datetime, clock: str) -> Sentence | str:
    """A time (or a span of time), with its date before it when that is not today."""
    if moment.date() == now.date():
        return clock
    return Sentence("{date} {clock}", clock=clock,
                    date=Sentence("{month}{day}日", month=MONTH_NAMES[moment.month - 1], day=moment.day))


# ---------------------------------------------------------------- the hall's appointments
class TicketDesk(Protocol):
    """What the appointments use of SqliteHall: its settings, clock and key ring, and the ticket
    machinery a check-in shares with a walk-in's reservation."""
    settings: HallSettings
    keyring: KeyRing
    clock: Callable[[], datetime]

    def transaction(self, write: bool) -> ContextManager[sqlite3.Connection]: ...
    def void_stale(self, conn, now: datetime) -> None: ...
    def existing_reservation(self, conn, kiosk_id: str, idempotency_key: str) -> Reservation | None: ...
    def insert_ticket(self, conn, request: TicketRequest, department: str, group_id: str, priority: bool,
                      now: datetime, slot: tuple | None = None) -> tuple[str, sqlite3.Row]: ...
    def live_ticket(self, conn, row: sqlite3.Row, now: datetime | None = None) -> Ticket: ...
    def group_queues(self, conn, day: str, group_ids: list[str]) -> list[GroupQueue]: ...


class SqliteAppointments:
    """The booking side (book, find, cancel) and the kiosk's check-in; see kiosk.hall.service."""

    def __init__(self, desk: TicketDesk):
        self.desk = desk
        self.settings = desk.settings

    def book(self, request: AppointmentRequest, idempotency_key: str = "",
                         now: datetime | None = None) -> Appointment:
        now = now or self.desk.clock()
        with self.desk.transaction(write=True) as conn:
            return to_appointment(conn, book(conn, self.settings, request, idempotency_key, now), self.settings, now)

    def get(self, appointment_id: str, now: datetime | None = None) -> Appointment:
        now = now or self.desk.clock()
        with self.desk.transaction(write=False) as conn:
            row = _row(conn, appointment_id)
            if row is None:
                raise KeyError(f"no appointment {appointment_id!r}")
            return to_appointment(conn, row, self.settings, now)

    def on_day(self, now: datetime | None = None) -> list[Appointment]:
        """Today's appointments (not cancelled): what a kiosk keeps to check in offline."""
        now = now or self.desk.clock()
        with self.desk.transaction(write=False) as conn:
            rows = conn.execute("SELECT * FROM appointments WHERE day=? AND status != 'cancelled' "
                                "ORDER BY slot_start, appointment_id", (now.date().isoformat(),)).fetchall()
            return [to_appointment(conn, row, self.settings, now) for row in rows]

    def for_person(self, person_key: str, now: datetime | None = None) -> list[Appointment]:
        now = now or self.desk.clock()
        with self.desk.transaction(write=False) as conn:
            rows = conn.execute("SELECT * FROM appointments WHERE person_key=? AND day=? AND status != 'cancelled' "
                                "ORDER BY slot_start, appointment_id", (person_key, now.date().isoformat())).fetchall()
            return [to_appointment(conn, row, self.settings, now) for row in rows]

    def for_token(self, token: bytes, now: datetime | None = None) -> Appointment:
        now = now or self.desk.clock()
        verified = self.desk.keyring.verify(token, hall_id=self.settings.hall.id, now=now)
        with self.desk.transaction(write=False) as conn:
            if _nonce_spent(conn, verified.nonce):
                raise TokenRefusal(TokenRefusalReason.REPLAYED, f"nonce of appointment {verified.appointment_id}")
            row = _row(conn, verified.appointment_id)
            if row is None:
                raise HallRefusal(RefusalReason.APPOINTMENT_NOT_FOUND)
            return replace(to_appointment(conn, row, self.settings, now), token_nonce=verified.nonce)

    def cancel(self, appointment_id: str, reason: str = "", now: datetime | None = None) -> Appointment:
        now = now or self.desk.clock()
        with self.desk.transaction(write=True) as conn:
            row = _row(conn, appointment_id)
            if row is None:
                raise KeyError(f"no appointment {appointment_id!r}")
            if row["status"] == AppointmentStatus.CHECKED_IN.value or row["ticket_id"]:
                raise ValueError(f"appointment {appointment_id} is checked in: cancel its ticket instead")
            if row["status"] != AppointmentStatus.CANCELLED.value:
                conn.execute("UPDATE appointments SET status='cancelled' WHERE appointment_id=?", (appointment_id,))
                write_journal(conn, now, "cancel", None, None, None, "booking",
                              f"appointment {appointment_id}" + (f": {reason}" if reason else ""))
            return to_appointment(conn, _row(conn, appointment_id), self.settings, now)

    def check_in(self, appointment_id: str, kiosk_id: str, idempotency_key: str, now: datetime | None = None,
                 token_nonce: str | None = None, citizen: Citizen | None = None) -> Reservation:
        now = now or self.desk.clock()
        with self.desk.transaction(write=True) as conn:
            self.desk.void_stale(conn, now)
            existing = self.desk.existing_reservation(conn, kiosk_id, idempotency_key)
            if existing is not None:
                return existing
            row = _row(conn, appointment_id)
            if row is None:
                raise HallRefusal(RefusalReason.APPOINTMENT_NOT_FOUND)
            if token_nonce and _nonce_spent(conn, token_nonce):
                raise TokenRefusal(TokenRefusalReason.REPLAYED, f"nonce of appointment {appointment_id}")
            refusal = self._check_in_refusal(conn, row, now)
            if refusal is None:
                return self._reserve_check_in(conn, row, kiosk_id, idempotency_key, now, token_nonce, citizen)
            if refusal.reason is RefusalReason.APPOINTMENT_LAPSED and row["status"] == "booked":
                # Written down (committed) even though the check-in is refused.
                conn.execute("UPDATE appointments SET status='lapsed' WHERE appointment_id=?", (appointment_id,))
                write_journal(conn, now, "lapse", None, None, None, kiosk_id,
                              f"appointment {appointment_id}: check-in after {row['slot_start'][11:16]} "
                              f"+ {self.settings.appointments.check_in_late_min} min")
        raise refusal

    # ------------------------------------------------------------ helpers
    def _check_in_refusal(self, conn, row: sqlite3.Row, now: datetime) -> HallRefusal | None:
        """Why this appointment cannot check in now (the item is checked by _reserve_check_in)."""
        a = to_appointment(conn, row, self.settings, now)
        if a.status is AppointmentStatus.CANCELLED:
            return HallRefusal(RefusalReason.APPOINTMENT_CANCELLED)
        if a.status is AppointmentStatus.CHECKED_IN or a.ticket_id:
            if a.status is not AppointmentStatus.CHECKED_IN:
                return HallRefusal(RefusalReason.APPOINTMENT_CHECKED_IN, Sentence("，号票正在打印"))
            number = a.ticket_number or ""
            return HallRefusal(RefusalReason.APPOINTMENT_CHECKED_IN,
                               Sentence("，号码是 {number}", number=number) if number else NOTHING)
        start, end, opens, closes = a.slot_start, a.slot_end, a.check_in_opens, a.check_in_closes
        booked = _on_day(start, now, f"{start:%H:%M}–{end:%H:%M}")
        if a.status is AppointmentStatus.LAPSED or now > closes:
            return HallRefusal(RefusalReason.APPOINTMENT_LAPSED,
                               Sentence("您预约的是 {booked}，最晚 {closes} 签到", booked=booked,
                                        closes=f"{closes:%H:%M}"))
        if now < opens:
            return HallRefusal(RefusalReason.APPOINTMENT_TOO_EARLY,
                               Sentence("您预约的是 {booked}，{opens} 开始签到", booked=booked,
                                        opens=_on_day(opens, now, f"{opens:%H:%M}")))
        return None

    def _reserve_check_in(self, conn, row: sqlite3.Row, kiosk_id: str, idempotency_key: str, now: datetime,
                          token_nonce: str | None, citizen: Citizen | None) -> Reservation:
        item = offered_item(self.settings, row["item_code"], row["kind"])
        # Age priority needs a birth date, which only a card of the same person gives.
        priority = (citizen is not None and citizen.person_key == row["person_key"]
                    and is_priority(citizen.birth_date, now.date(), self.settings.hall.priority_age))
        day = now.date().isoformat()
        candidates = serving_groups(item.department, self.settings.window_groups)
        group = choose_window_group(self.desk.group_queues(conn, day, candidates), priority)
        if group is None:
            raise HallRefusal(RefusalReason.NO_WINDOW)
        request = TicketRequest(item.code, TicketKind(row["kind"]), Citizen(row["person_key"]), kiosk_id,
                                idempotency_key)
        start, end = parse_time(row["slot_start"]), parse_time(row["slot_end"])
        reservation_id, ticket = self.desk.insert_ticket(conn, request, item.department, group.group_id, priority, now,
                                                     slot=(row["appointment_id"], start, end))
        conn.execute("UPDATE appointments SET ticket_id=?, token_nonce=? WHERE appointment_id=?",
                     (ticket["ticket_id"], token_nonce, row["appointment_id"]))
        write_journal(conn, now, "reserve", reservation_id, ticket["ticket_id"], ticket["number"], kiosk_id,
                      f"appointment {row['appointment_id']} check-in ({'token' if token_nonce else 'card'}), "
                      f"slot {_span(start, end)} → {group.group_id}" + (" priority" if priority else ""))
        return Reservation(reservation_id, self.desk.live_ticket(conn, ticket, now))

    def printed(self, conn, ticket: sqlite3.Row, now: datetime) -> None:
        """confirm_ticket() of a check-in: the appointment is checked in, its token's nonce spent."""
        conn.execute("UPDATE appointments SET status='checked_in', checked_in_at=? WHERE appointment_id=? "
                     "AND ticket_id=?", (iso_time(now), ticket["appointment_id"], ticket["ticket_id"]))
        write_journal(conn, now, "check_in", None, ticket["ticket_id"], ticket["number"], None,
                      f"appointment {ticket['appointment_id']} checked in")

    @staticmethod
    def not_printed(conn, ticket: sqlite3.Row) -> None:
        """A void of a check-in: back to booked, the nonce free again, so the citizen can retry."""
        conn.execute("UPDATE appointments SET ticket_id=NULL, token_nonce=NULL WHERE appointment_id=? AND ticket_id=?",
                     (ticket["appointment_id"], ticket["ticket_id"]))

    @staticmethod
    def in_slot_ticket(conn, day: str, group: str, now: datetime) -> sqlite3.Row | None:
        """The waiting appointment ticket of this group whose slot is running (70+ first, then
        check-in order). Outside its slot an appointment ticket queues by its position like a
        walk-in: before the slot, an early arrival must not push ahead of people whose turn it
        is; after it, the promise is over and an unbounded lead would starve the walk-ins (its
        early check-in position still keeps it near the front)."""
        moment = iso_time(now)
        return conn.execute("SELECT * FROM tickets WHERE day=? AND window_group=? AND appointment_id IS NOT NULL "
                            "AND slot_end > ? AND slot_start <= ? AND state='waiting' "
                            "ORDER BY priority DESC, position LIMIT 1", (day, group, moment, moment)).fetchone()


def _nonce_spent(conn, nonce: str) -> bool:
    return conn.execute("SELECT 1 FROM appointments WHERE token_nonce=? AND status='checked_in'",
                        (nonce,)).fetchone() is not None
