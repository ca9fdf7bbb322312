"""The embedded hall: the queue core on one SQLite file on the kiosk.

How the rules map onto storage (the choices a reader would otherwise have to reverse-engineer):

* A reservation inserts a `tickets` row in state 'reserved' with the next number of its series;
  confirm turns it into 'waiting' (the ticket now exists). Just before the first byte goes to
  the printer, start_printing() moves the reservation from 'pending' to 'printing'. Only a
  'pending' one can be voided: the row is deleted and the number put into `returned_numbers`,
  from which the next reservation of that series takes the smallest one first, so a print that
  never started leaves no visible gap. Once printing has started, part of the slip may be in a
  citizen's hand: a print that does not finish *spoils* the number (ticket state 'spoiled',
  journalled, never reissued). UNIQUE(day, series, seq) makes a duplicate number impossible
  even if the code above it were wrong.
* A ticket's place in the queue is its `position`, given at reservation time (the paper is
  printed before confirm, so the "people ahead" printed on it is computed then; counting pending
  reservations ahead makes that figure exact or a slight overestimate; only a home window, below,
  can make it low). A reused number gets a new, later position: calling order is by position,
  not by number.
* convert() changes only the kind: ticket_id, number (A012 stays A012 even as an enquiry) and
  position are kept, so the citizen neither queues again nor holds a new slip.
* call_next() takes from the window's own group, priority first then position; if that group
  has nobody waiting, it takes the next ticket (same order) from any group whose department it
  also serves, and moves that ticket to its own group, so no window idles while people wait.
  A window may have home departments (hall.yaml `home`: the staff seconded from them): it calls
  their citizens first, from whichever group queues them, so a department whose windows joined
  a comprehensive group keeps their pace; the ticket says its "people ahead" is an estimate.
* Every write is one BEGIN IMMEDIATE transaction (WAL mode, busy_timeout), so several threads
  and several SqliteHall objects on one file serialise correctly; any SQLite error rolls the
  transaction back and surfaces as HallUnavailable. One *process* owns the file: a flock on
  `<db>.lock`, shared by the SqliteHall objects of this process, refuses a second program; the
  writers of this process also queue on one lock per file (see process_lock.py for why).
* `queue_load` keeps running totals of queued tickets per group, priority and kind, updated in
  the same transaction as every change (and rebuilt at open), so routing and "people ahead" of
  a new ticket cost the same with 10 or 10,000 people waiting.
* Only `person_key` (a hash made by the caller) is stored about a citizen; never a name or ID.
* Appointments (sqlite_appointments.py): a check-in is a reservation like any other, whose
  ticket carries the appointment's slot; call_next() takes a ticket whose slot is running before
  anyone else of its group, and "people ahead" plays the queue forward with those slots
  (routing.ahead_of_each) whenever such tickets are waiting.
"""
from __future__ import annotations

import sqlite3
import threading
import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator

from kiosk.config import HallSettings
from kiosk.hall.hours import opening_status
from kiosk.hall import offline_tickets
from kiosk.hall.model import (Appointment, AppointmentRequest, Citizen, HallRefusal, HallUnavailable, OfflineTicket,
                              RefusalReason, Reservation, Ticket, TicketKind, TicketRequest, TicketState,
                              WindowGroupLoad)
from kiosk.hall.numbering import format_number
from kiosk.hall.routing import (GroupQueue, QueuedTicket, ahead_of_each, choose_window_group, expected_wait_min,
                                group_display_name, is_priority, minutes_per_ticket, serving_groups,
                                windows_per_group)
from kiosk.hall.process_lock import PROCESS_LOCKS as _LOCKS
from kiosk.hall.schema import iso_time as _iso, parse_time as _when, upgrade, write_journal
from kiosk.hall.service import HallService
from kiosk.hall.sqlite_pickups import SqlitePickups
from kiosk.hall.sqlite_appointments import (SqliteAppointments, offered_item, queued_with_slots,
                                            slots_ahead_pending)
from kiosk.hall.tokens import KeyRing

_QUEUED = ("reserved", "waiting")
POSITION_GAP = 1024


@dataclass(frozen=True)
class JournalEntry:
    entry: int
    at: datetime
    action: str
    reservation_id: str | None
    ticket_id: str | None
    number: str | None
    actor: str | None
    reason: str


_NO_LOCK = nullcontext()


# ---------------------------------------------------------------- the hall
class SqliteHall(HallService):
    """Every side of the hall (kiosk, staff window, booking) on one SQLite file. The methods
    without an underscore beyond the interface (transaction, void_stale, existing_reservation,
    insert_ticket, live_ticket, group_queues) are its ticket desk, which the appointments use."""

    def __init__(self, settings: HallSettings, path: Path | str, clock: Callable[[], datetime] = datetime.now,
                 reservation_timeout: timedelta = timedelta(minutes=2), busy_timeout_s: float = 10.0,
                 keyring: KeyRing | None = None):
        self.path = Path(path).resolve()
        # The locker audit's newest hash, kept outside the database (kiosk/hall/sqlite_pickups.py).
        self._setup(settings, clock, reservation_timeout, keyring, self.path.with_name(self.path.name + ".audit-head"))
        self._mutex = threading.RLock()     # one connection, used by one thread at a time
        self._conn: sqlite3.Connection | None = None
        self._write_lock = _LOCKS.acquire(self.path)
        try:
            self._conn = self._open(busy_timeout_s)
        except BaseException:
            _LOCKS.release(self.path)
            raise

    def _setup(self, settings: HallSettings, clock: Callable[[], datetime], reservation_timeout: timedelta,
               keyring: KeyRing | None, audit_anchor: Path) -> None:
        """What the hall's rules need, whatever stores it (this file, or PostgreSQL: pg_hall.py)."""
        self.clock = clock
        self.reservation_timeout = reservation_timeout
        self._last_sweep: datetime | None = None
        self.apply_settings(settings, keyring)
        self.appointments = SqliteAppointments(self)
        self.pickups = SqlitePickups(self, settings, anchor=audit_anchor)

    def apply_settings(self, settings: HallSettings, keyring: KeyRing | None = None) -> None:
        """The hall's rules from now on (at open, and when a hall server reloads its files).
        Tickets already issued keep their group; the next call and reservation use the new rules."""
        self._windows = {w.id: w for w in settings.windows}
        self._window_count = windows_per_group(settings.windows)
        self._group_names = {g.id: group_display_name(g, settings.windows) for g in settings.window_groups.values()}
        self.keyring = keyring if keyring is not None else KeyRing.from_config(settings)
        self.settings = settings

    def _open(self, busy_timeout_s: float) -> sqlite3.Connection:
        conn = None
        try:
            conn = sqlite3.connect(str(self.path), timeout=busy_timeout_s, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a ticket confirmed (and handed to a citizen) survives a power cut.
            conn.execute("PRAGMA synchronous=FULL")
            # Deleted and overwritten content is zeroed, not left in free pages (pickup codes,
            # phone numbers: see scrub()).
            conn.execute("PRAGMA secure_delete=ON")
            with self._write_lock:
                conn.execute("BEGIN IMMEDIATE")
                upgrade(conn)
                self._rebuild_load(conn, self.clock().date().isoformat())
                conn.execute("COMMIT")
            return conn
        except sqlite3.Error as e:
            if conn is not None:
                conn.close()
            raise self._unavailable(e) from e

    def close(self) -> None:
        with self._mutex:
            if self._conn is None:
                return
            try:
                self._conn.close()
            finally:
                self._conn = None
                _LOCKS.release(self.path)

    def scrub(self) -> None:
        """Secrets just overwritten (a pickup code handed to the SMS gateway) also leave the disk:
        the WAL still holds the pages as they were until a checkpoint empties it."""
        with self._mutex, self._write_lock:
            if self._conn is not None:
                try:
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error as e:
                    raise self._unavailable(e) from e

    # ------------------------------------------------------------ appointments (sqlite_appointments.py)
    def book_appointment(self, request: AppointmentRequest, idempotency_key: str = "",
                         now: datetime | None = None) -> Appointment:
        return self.appointments.book(request, idempotency_key, now)

    def appointment(self, appointment_id: str, now: datetime | None = None) -> Appointment:
        return self.appointments.get(appointment_id, now)

    def cancel_appointment(self, appointment_id: str, reason: str = "", now: datetime | None = None) -> Appointment:
        return self.appointments.cancel(appointment_id, reason, now)

    def appointments_today(self, now: datetime | None = None) -> list[Appointment]:
        return self.appointments.on_day(now)

    def appointments_for(self, person_key: str, now: datetime | None = None) -> list[Appointment]:
        return self.appointments.for_person(person_key, now)

    def appointment_for_token(self, token: bytes, now: datetime | None = None) -> Appointment:
        return self.appointments.for_token(token, now)

    def check_in(self, appointment_id: str, kiosk_id: str, idempotency_key: str, now: datetime | None = None,
                 token_nonce: str | None = None, citizen: Citizen | None = None) -> Reservation:
        return self.appointments.check_in(appointment_id, kiosk_id, idempotency_key, now, token_nonce, citizen)

    # ------------------------------------------------------------ transactions
    def _unavailable(self, e: sqlite3.Error) -> HallUnavailable:
        code = getattr(e, "sqlite_errorname", "")
        return HallUnavailable(f"hall database {self.path}: {e}" + (f" ({code})" if code else ""))

    @contextmanager
    def transaction(self, write: bool, whole_hall: bool = True) -> Iterator[sqlite3.Connection]:
        """All or nothing: a refusal or an SQLite error rolls everything back. (`whole_hall`
        matters to PgHall; here every write holds the whole file.)"""
        with self._mutex, (self._write_lock if write else _NO_LOCK):
            conn = self._conn
            if conn is None:
                raise HallUnavailable(f"hall database {self.path} is closed")
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as e:
                raise self._unavailable(e) from e
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as e:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass        # SQLite already rolled back (e.g. after SQLITE_FULL)
                if isinstance(e, sqlite3.Error):
                    raise self._unavailable(e) from e
                raise

    # ------------------------------------------------------------ citizen side
    def reserve_ticket(self, request: TicketRequest, now: datetime | None = None) -> Reservation:
        now = now or self.clock()
        item = offered_item(self.settings, request.item_code, request.kind)
        day = now.date().isoformat()
        # Worked out before the write lock is taken, which every other kiosk is waiting for.
        status = opening_status(self.settings.hall, now)
        priority = is_priority(request.citizen.birth_date, now.date(), self.settings.hall.priority_age)
        candidates = serving_groups(item.department, self.settings.window_groups)
        with self.transaction(write=True) as conn:
            self.void_stale(conn, now)
            existing = self.existing_reservation(conn, request.kiosk_id, request.idempotency_key)
            if existing is not None:
                return existing
            person = request.citizen.person_key
            if person:
                held = conn.execute("SELECT * FROM tickets WHERE person_key=? AND day=? AND item_code=? "
                                    "AND state IN ('waiting', 'called') ORDER BY position LIMIT 1",
                                    (person, day, item.code)).fetchone()
                if held:
                    return self._reserve_reprint(conn, request, held, now)

            if not status.is_open:
                raise HallRefusal(RefusalReason.CLOSED, status.detail)
            if request.kind is TicketKind.ACCEPT and item.daily_cap is not None:
                # Appointments have their own quota, held by the booking system: they never use up
                # the numbers left for people who walk in.
                issued = conn.execute("SELECT COUNT(*) FROM tickets WHERE day=? AND item_code=? AND kind=? "
                                      "AND appointment_id IS NULL AND state != 'spoiled'",
                                      (day, item.code, TicketKind.ACCEPT.value)).fetchone()[0]
                if issued >= item.daily_cap:
                    raise HallRefusal(RefusalReason.DAILY_CAP)

            group = choose_window_group(self.group_queues(conn, day, candidates), priority)
            if group is None:
                raise HallRefusal(RefusalReason.NO_WINDOW)

            reservation_id, row = self.insert_ticket(conn, request, item.department, group.group_id, priority, now)
            self._journal(conn, now, "reserve", reservation_id, row["ticket_id"], row["number"], request.kiosk_id,
                          f"{item.code} {request.kind.value} → {group.group_id}" + (" priority" if priority else ""))
            ahead = self._slot_ahead(conn, row, now)
            if ahead is None:
                ahead = group.ahead_of_newcomer(priority)
            return Reservation(reservation_id, self._ticket(row, *ahead))

    def existing_reservation(self, conn, kiosk_id: str, idempotency_key: str) -> Reservation | None:
        """The live reservation this kiosk already made with this key (a retried tap), if any."""
        if not idempotency_key:
            return None
        # The repeated `idempotency_key != ''` lets SQLite use the partial unique index.
        res = conn.execute("SELECT * FROM reservations WHERE kiosk_id=? AND idempotency_key=? "
                           "AND idempotency_key != '' AND state != 'voided'", (kiosk_id, idempotency_key)).fetchone()
        return Reservation(res["reservation_id"], self._reservation_ticket(conn, res)) if res else None

    def insert_ticket(self, conn, request: TicketRequest, department: str, group_id: str, priority: bool,
                       now: datetime, slot: tuple[str, datetime, datetime] | None = None) -> tuple[str, sqlite3.Row]:
        """A 'reserved' ticket with the next number and its pending reservation (no journal)."""
        day = now.date().isoformat()
        seq = self._take_number(conn, day, request.kind.prefix)
        ticket_id, reservation_id = uuid.uuid4().hex, uuid.uuid4().hex
        appointment_id, start, end = slot or (None, None, None)
        # The place, the row and what it holds in one statement: on the hall server each is a
        # round trip made while every other kiosk waits for the hall's write lock.
        row = conn.execute(f"INSERT INTO tickets (position, ticket_id, day, series, seq, number, kind, item_code, "
                           f"department, window_group, person_key, priority, state, issued_at, appointment_id, "
                           f"slot_start, slot_end) VALUES (({self._NEXT_POSITION}), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           f"'reserved', ?, ?, ?, ?) RETURNING *",
                           (ticket_id, day, request.kind.prefix, seq, format_number(request.kind, seq),
                            request.kind.value, request.item_code, department, group_id, request.citizen.person_key,
                            int(priority), _iso(now), appointment_id, start and _iso(start),
                            end and _iso(end))).fetchone()
        self._count(conn, day, group_id, priority, request.kind.value, +1)
        conn.execute("INSERT INTO reservations VALUES (?, ?, ?, ?, 0, 'pending', ?)",
                     (reservation_id, ticket_id, request.kiosk_id, request.idempotency_key, _iso(now)))
        return reservation_id, row

    # Places in the queue are POSITION_GAP apart, so a ticket a kiosk printed while it could not
    # reach the hall (accept_offline) can later be placed between two by its issue time.
    _NEXT_POSITION = f"SELECT COALESCE(MAX(position), 0) + {POSITION_GAP} FROM tickets"

    @classmethod
    def _next_position(cls, conn) -> int:
        return conn.execute(cls._NEXT_POSITION).fetchone()[0]

    def _reserve_reprint(self, conn, request: TicketRequest, held: sqlite3.Row, now: datetime) -> Reservation:
        reservation_id = uuid.uuid4().hex
        conn.execute("INSERT INTO reservations VALUES (?, ?, ?, ?, 1, 'pending', ?)",
                     (reservation_id, held["ticket_id"], request.kiosk_id, request.idempotency_key, _iso(now)))
        self._journal(conn, now, "reserve", reservation_id, held["ticket_id"], held["number"], request.kiosk_id,
                      "reprint (补打): this person already holds an open ticket for the item")
        return Reservation(reservation_id, replace(self.live_ticket(conn, held), reprint=True))

    def confirm_ticket(self, reservation_id: str) -> Ticket:
        """A confirm changes only its own rows (the ticket's place and count were settled at
        reserve), so it locks just its reservation, not the whole hall: on the hall server it
        then runs beside other kiosks' reservations instead of queueing behind them."""
        now = self.clock()
        with self.transaction(write=True, whole_hall=False) as conn:
            res = self._reservation(conn, reservation_id)
            if res["state"] == "spoiled" and not res["reprint"] and self._swept(conn, reservation_id):
                self.lock_hall(conn)                   # a late confirm counts the ticket back in
                self._confirm_late(conn, res, now)     # printed whole after all (the kiosk was cut off)
            elif res["state"] in ("voided", "spoiled"):
                raise HallRefusal(RefusalReason.RESERVATION_VOIDED)
            row = None
            if res["state"] in ("pending", "printing"):
                if not res["reprint"]:
                    row = conn.execute("UPDATE tickets SET state='waiting' WHERE ticket_id=? AND state='reserved' "
                                       "RETURNING *", (res["ticket_id"],)).fetchone()
                conn.execute("UPDATE reservations SET state='confirmed' WHERE reservation_id=?", (reservation_id,))
                row = row or self._ticket_row(conn, res["ticket_id"])
                self._journal(conn, now, "confirm", reservation_id, row["ticket_id"], row["number"], res["kiosk_id"],
                              "reprint printed" if res["reprint"] else "printed")
                if row["appointment_id"] and not res["reprint"]:
                    self.appointments.printed(conn, row, now)
            return self._reservation_ticket(conn, res, row)

    def start_printing(self, reservation_id: str) -> None:
        with self.transaction(write=True) as conn:
            res = self._reservation(conn, reservation_id)
            if res["state"] in ("voided", "spoiled"):
                raise HallRefusal(RefusalReason.RESERVATION_VOIDED)     # swept meanwhile: do not print it
            if res["state"] == "pending":
                conn.execute("UPDATE reservations SET state='printing' WHERE reservation_id=?", (reservation_id,))

    def void_reservation(self, reservation_id: str, reason: str) -> None:
        self._end_unconfirmed(reservation_id, reason, spoil=False)

    def spoil_reservation(self, reservation_id: str, reason: str) -> None:
        self._end_unconfirmed(reservation_id, reason, spoil=True)

    def _end_unconfirmed(self, reservation_id: str, reason: str, spoil: bool) -> None:
        """Void or spoil a reservation not yet confirmed; a second call is harmless. Once its
        printing started, bytes may be on paper: a void spoils the number instead."""
        now = self.clock()
        with self.transaction(write=True) as conn:
            res = self._reservation(conn, reservation_id)
            if res["state"] in ("voided", "spoiled"):
                return
            if res["state"] == "confirmed":
                raise ValueError(f"reservation {reservation_id} is already confirmed: "
                                 f"a printed ticket cannot be {'spoiled' if spoil else 'voided'}")
            if spoil or res["state"] == "printing":
                self._spoil(conn, res, reason or "spoiled", now)
            else:
                self._void(conn, res, reason or "voided", now)

    def _spoil(self, conn, res: sqlite3.Row, reason: str, now: datetime) -> None:
        """The number stays used up (its half-printed slip may be in someone's hand). A 补打
        reservation spoils nothing: its ticket was printed whole before and stays valid."""
        row = self._ticket_row(conn, res["ticket_id"])
        if not res["reprint"]:
            conn.execute("UPDATE tickets SET state='spoiled', finished_at=? WHERE ticket_id=?",
                         (_iso(now), row["ticket_id"]))
            if row["appointment_id"]:
                self.appointments.not_printed(conn, row)     # the citizen may check in again
            self._count(conn, row["day"], row["window_group"], row["priority"], row["kind"], -1)
        conn.execute("UPDATE reservations SET state='spoiled' WHERE reservation_id=?", (res["reservation_id"],))
        self._journal(conn, now, "spoil", res["reservation_id"], res["ticket_id"], row["number"], res["kiosk_id"],
                      ("reprint not finished: " if res["reprint"] else "") + reason)

    @staticmethod
    def _swept(conn, reservation_id: str) -> bool:
        """Spoiled by the stale sweep (the kiosk went quiet), not by the kiosk itself (paper out)."""
        row = conn.execute("SELECT reason FROM journal WHERE reservation_id=? AND action='spoil' "
                           "ORDER BY entry DESC LIMIT 1", (reservation_id,)).fetchone()
        return row is not None and row["reason"].startswith("stale")

    def _confirm_late(self, conn, res, now: datetime) -> None:
        """A confirm for a reservation the sweep spoiled: the kiosk printed the ticket whole while
        it could not reach the hall (a spoiled number is never issued again, so nothing doubles).
        The ticket joins the queue at the place it was given."""
        row = self._ticket_row(conn, res["ticket_id"])
        conn.execute("UPDATE tickets SET state='waiting', finished_at=NULL WHERE ticket_id=?", (row["ticket_id"],))
        self._count(conn, row["day"], row["window_group"], row["priority"], row["kind"], +1)
        conn.execute("UPDATE reservations SET state='confirmed' WHERE reservation_id=?", (res["reservation_id"],))
        self._journal(conn, now, "confirm", res["reservation_id"], row["ticket_id"], row["number"], res["kiosk_id"],
                      "late confirm: printed whole while the kiosk could not reach the hall")
        if row["appointment_id"]:
            self.appointments.printed(conn, row, now)

    def spoiled_today(self, now: datetime | None = None) -> list[JournalEntry]:
        day = (now or self.clock()).date().isoformat()
        with self.transaction(write=False) as conn:
            rows = conn.execute("SELECT * FROM journal WHERE action='spoil' AND substr(at, 1, 10)=? ORDER BY entry",
                                (day,)).fetchall()
        return [self._journal_entry(r) for r in rows]

    def _void(self, conn, res: sqlite3.Row, reason: str, now: datetime) -> None:
        number = None
        if not res["reprint"]:
            row = self._ticket_row(conn, res["ticket_id"])
            number = row["number"]
            conn.execute("DELETE FROM tickets WHERE ticket_id=?", (row["ticket_id"],))
            if row["appointment_id"]:
                self.appointments.not_printed(conn, row)
            self._count(conn, row["day"], row["window_group"], row["priority"], row["kind"], -1)
            conn.execute("INSERT INTO returned_numbers VALUES (?, ?, ?)", (row["day"], row["series"], row["seq"]))
        conn.execute("UPDATE reservations SET state='voided' WHERE reservation_id=?", (res["reservation_id"],))
        self._journal(conn, now, "void", res["reservation_id"], res["ticket_id"], number, res["kiosk_id"], reason)

    def void_stale(self, conn, now: datetime) -> None:
        """A kiosk that crashed (or lost power) before confirming never confirms nor voids. A
        number it never started printing goes back; one it had started printing is spoiled,
        because its slip may already be in a citizen's hand.

        At most once a second (of the hall's clock): timeouts are minutes long, and under a rush
        the sweep's query was one more round trip inside every reservation's write lock."""
        last = self._last_sweep
        if last is not None and last <= now < last + timedelta(seconds=1):
            return
        self._last_sweep = now
        cutoff = _iso(now - self.reservation_timeout)
        # (one being confirmed right now is skipped: it is not stale)
        stale = conn.execute("SELECT * FROM reservations WHERE state IN ('pending', 'printing') AND created_at < ?"
                             + self._LOCK_ROWS_SKIPPING, (cutoff,)).fetchall()
        reason = f"stale: not confirmed within {self.reservation_timeout.total_seconds():.0f} s"
        for res in stale:
            if res["state"] == "printing":
                self._spoil(conn, res, reason + " after printing started", now)
            else:
                self._void(conn, res, reason, now)

    def _take_number(self, conn, day: str, series: str) -> int:
        """The smallest number given back today, else the next new one."""
        returned = conn.execute("SELECT MIN(seq) FROM returned_numbers WHERE day=? AND series=?",
                                (day, series)).fetchone()[0]
        if returned is not None:
            conn.execute("DELETE FROM returned_numbers WHERE day=? AND series=? AND seq=?", (day, series, returned))
            return returned
        return conn.execute("INSERT INTO number_series VALUES (?, ?, 1) ON CONFLICT (day, series) "
                            "DO UPDATE SET last_seq = number_series.last_seq + 1 RETURNING last_seq", (day, series)).fetchone()[0]

    def accept_offline(self, kiosk_id: str, ticket: OfflineTicket) -> Ticket:
        """A ticket the kiosk printed while it could not reach the hall (offline_tickets.py)."""
        now = self.clock()
        with self.transaction(write=True) as conn:
            return offline_tickets.accept(self, conn, kiosk_id, ticket, now)

    def conflicts_today(self, now: datetime | None = None) -> list[JournalEntry]:
        """What offline tickets brought that the kiosk could not check, for the staff."""
        day = (now or self.clock()).date().isoformat()
        with self.transaction(write=False) as conn:
            rows = conn.execute("SELECT * FROM journal WHERE action='conflict' AND substr(at, 1, 10)=? ORDER BY entry",
                                (day,)).fetchall()
        return [self._journal_entry(r) for r in rows]

    # ------------------------------------------------------------ staff side
    def call_next(self, window_id: str, now: datetime | None = None) -> Ticket | None:
        now = now or self.clock()
        window = self._windows.get(window_id)
        if window is None:
            raise KeyError(f"unknown window {window_id!r} (not in hall.yaml)")
        group = self.settings.window_groups[window.group]
        day = now.date().isoformat()
        with self.transaction(write=True) as conn:
            # The call order: an appointment whose slot is running (the hall's promise for that
            # slot); a walk-in who has waited past the bound (priority must not starve anyone);
            # the citizens of the window's home departments, wherever they queue; then the
            # group's 70+ citizens; then issue order.
            row = self.appointments.in_slot_ticket(conn, day, group.id, now) or self._overdue_walk_in(
                conn, day, group.id, now) or self._home_ticket(conn, day, window.home)
            for priority in (1, 0):     # one class at a time: each is an index range in position order
                row = row or conn.execute("SELECT * FROM tickets WHERE day=? AND window_group=? AND state='waiting' "
                                          "AND priority=? ORDER BY position LIMIT 1",
                                          (day, group.id, priority)).fetchone()
            reason = f"window {window_id}"
            if row is None and group.departments:
                marks = ",".join("?" * len(group.departments))
                row = conn.execute(f"SELECT * FROM tickets WHERE day=? AND state='waiting' AND department IN ({marks}) "
                                   "ORDER BY (slot_start <= ? AND slot_end > ?) IS TRUE DESC, priority DESC, position "
                                   "LIMIT 1", (day, *group.departments, _iso(now), _iso(now))).fetchone()
                if row is not None:
                    reason += f", taken over from group {row['window_group']} (own queue empty)"
            if row is None:
                return None
            if row["window_group"] != group.id and row["department"] in window.home:
                reason += f", home department {row['department']} taken from group {row['window_group']}"
            conn.execute("UPDATE tickets SET state='called', window=?, window_group=?, called_at=? WHERE ticket_id=?",
                         (window_id, group.id, _iso(now), row["ticket_id"]))
            self._count(conn, day, row["window_group"], row["priority"], row["kind"], -1)
            self._journal(conn, now, "call", None, row["ticket_id"], row["number"], window_id, reason)
            return self.live_ticket(conn, self._ticket_row(conn, row["ticket_id"]))

    @staticmethod
    def _home_ticket(conn, day: str, home: list[str]):
        """The next of the home departments' citizens (70+ first, then issue order), in any group."""
        if not home:
            return None
        marks = ",".join("?" * len(home))
        return conn.execute(f"SELECT * FROM tickets WHERE day=? AND department IN ({marks}) AND state='waiting' "
                            "ORDER BY priority DESC, position LIMIT 1", (day, *home)).fetchone()

    def _overdue_walk_in(self, conn, day: str, group_id: str, now: datetime):
        """The group's longest-waiting walk-in, if it has waited past the bound (else None)."""
        bound = self.settings.hall.walk_in_wait_bound_min
        if not bound:
            return None
        oldest = conn.execute("SELECT * FROM tickets WHERE day=? AND window_group=? AND state='waiting' "
                              "AND priority=0 ORDER BY position LIMIT 1", (day, group_id)).fetchone()
        overdue = oldest is not None and oldest["appointment_id"] is None \
            and oldest["issued_at"] <= _iso(now - timedelta(minutes=bound))
        return oldest if overdue else None

    def complete(self, ticket_id: str, no_show: bool = False) -> Ticket:
        now = self.clock()
        target = TicketState.NO_SHOW if no_show else TicketState.DONE
        with self.transaction(write=True) as conn:
            row = self._ticket_row(conn, ticket_id)
            if row["state"] != target.value:
                if row["state"] != TicketState.CALLED.value:
                    raise ValueError(f"ticket {row['number']} is {row['state']}; only a called ticket can be completed")
                conn.execute("UPDATE tickets SET state=?, finished_at=? WHERE ticket_id=?",
                             (target.value, _iso(now), ticket_id))
                self._journal(conn, now, "complete", None, ticket_id, row["number"], row["window"],
                              "no show" if no_show else "served")
            return self.live_ticket(conn, self._ticket_row(conn, ticket_id))

    def convert(self, ticket_id: str, kind: TicketKind) -> Ticket:
        now = self.clock()
        kind = TicketKind(kind)
        with self.transaction(write=True) as conn:
            row = self._ticket_row(conn, ticket_id)
            if row["state"] not in (TicketState.WAITING.value, TicketState.CALLED.value):
                raise ValueError(f"ticket {row['number']} is {row['state']}; only an open ticket can be converted")
            item = self.settings.items.get(row["item_code"])
            if item is not None and kind not in item.kinds:
                raise HallRefusal(RefusalReason.KIND_NOT_OFFERED)
            if row["kind"] != kind.value:
                conn.execute("UPDATE tickets SET kind=? WHERE ticket_id=?", (kind.value, ticket_id))
                if row["state"] == TicketState.WAITING.value:
                    self._count(conn, row["day"], row["window_group"], row["priority"], row["kind"], -1)
                    self._count(conn, row["day"], row["window_group"], row["priority"], kind.value, +1)
                self._journal(conn, now, "convert", None, ticket_id, row["number"], row["window"],
                              f"{row['kind']} → {kind.value}, number and place kept")
            return self.live_ticket(conn, self._ticket_row(conn, ticket_id))

    def transfer(self, ticket_id: str, group_id: str, window_id: str = "") -> Ticket:
        """Send a called (or waiting) ticket to another window group: it waits there with its
        number and its place (its position, from when it was issued), so the citizen is called
        again soon rather than from the back of the new queue."""
        now = self.clock()
        if group_id not in self.settings.window_groups:
            raise KeyError(f"unknown window group {group_id!r} (not in hall.yaml)")
        with self.transaction(write=True) as conn:
            row = self._ticket_row(conn, ticket_id)
            if row["state"] not in (TicketState.WAITING.value, TicketState.CALLED.value):
                raise ValueError(f"ticket {row['number']} is {row['state']}; only an open ticket can be transferred")
            if row["state"] == TicketState.WAITING.value:
                self._count(conn, row["day"], row["window_group"], row["priority"], row["kind"], -1)
            conn.execute("UPDATE tickets SET state='waiting', window=NULL, called_at=NULL, window_group=? "
                         "WHERE ticket_id=?", (group_id, ticket_id))
            self._count(conn, row["day"], group_id, row["priority"], row["kind"], +1)
            self._journal(conn, now, "transfer", None, ticket_id, row["number"], window_id or row["window"],
                          f"{row['window_group']} → {group_id}, number and place kept")
            return self.live_ticket(conn, self._ticket_row(conn, ticket_id))

    # ------------------------------------------------------------ read side
    def ticket(self, ticket_id: str) -> Ticket:
        with self.transaction(write=False) as conn:
            row = self._ticket_row(conn, ticket_id)
            if row["state"] == "reserved":     # still being printed: not a ticket yet
                raise KeyError(f"ticket {ticket_id!r} is not confirmed yet")
            if row["state"] == "spoiled":
                raise KeyError(f"ticket {ticket_id!r} was spoiled (its print did not finish)")
            return self.live_ticket(conn, row)

    def tickets_today(self, now: datetime | None = None) -> list[Ticket]:
        now = now or self.clock()
        day = now.date().isoformat()
        with self.transaction(write=False) as conn:
            rows = conn.execute("SELECT * FROM tickets WHERE day=? ORDER BY position", (day,)).fetchall()
        by_group: dict[str, list[QueuedTicket]] = {}
        for r in rows:
            if r["state"] in _QUEUED:
                by_group.setdefault(r["window_group"], []).append(self._queued(r))
        ahead = {tid: a for group, queue in by_group.items()
                 for tid, a in ahead_of_each(queue, now, self._window_count.get(group, 0)).items()}
        return [self._ticket(r, *ahead.get(r["ticket_id"], (0, 0.0))) for r in rows
                if r["state"] not in ("reserved", "spoiled")]

    def group_loads(self) -> list[WindowGroupLoad]:
        day = self.clock().date().isoformat()
        with self.transaction(write=False) as conn:
            queues = {q.group_id: q for q in self.group_queues(conn, day, list(self.settings.window_groups))}
            waiting = dict(conn.execute("SELECT window_group, COUNT(*) FROM tickets WHERE day=? AND state='waiting' "
                                        "GROUP BY window_group", (day,)).fetchall())
        return [WindowGroupLoad(group_id=g.id, name=g.name, waiting=waiting.get(g.id, 0),
                                open_windows=queues[g.id].windows,
                                estimated_wait_min=expected_wait_min(queues[g.id].work_min, queues[g.id].windows))
                for g in self.settings.window_groups.values()]

    def journal(self, ticket_id: str | None = None) -> list[JournalEntry]:
        """The audit trail, oldest first (for kiosk-diag and tests)."""
        with self.transaction(write=False) as conn:
            if ticket_id:
                rows = conn.execute("SELECT * FROM journal WHERE ticket_id=? ORDER BY entry", (ticket_id,)).fetchall()
            else:
                rows = conn.execute("SELECT * FROM journal ORDER BY entry").fetchall()
        return [self._journal_entry(r) for r in rows]

    @staticmethod
    def _journal_entry(r: sqlite3.Row) -> JournalEntry:
        return JournalEntry(r["entry"], datetime.fromisoformat(r["at"]), r["action"], r["reservation_id"],
                            r["ticket_id"], r["number"], r["actor"], r["reason"])

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _count(conn, day: str, group: str, priority, kind: str, delta: int) -> None:
        """Keep queue_load in step with tickets, in the same transaction as the change itself."""
        conn.execute("INSERT INTO queue_load VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, window_group, priority, kind) "
                     "DO UPDATE SET queued = queue_load.queued + excluded.queued", (day, group, int(priority), kind, delta))

    @staticmethod
    def _rebuild_load(conn, day: str) -> None:
        conn.execute("DELETE FROM queue_load WHERE day=?", (day,))
        conn.execute("INSERT INTO queue_load SELECT day, window_group, priority, kind, COUNT(*) FROM tickets "
                     "WHERE day=? AND state IN ('reserved', 'waiting') GROUP BY day, window_group, priority, kind", (day,))

    def group_queues(self, conn, day: str, group_ids: list[str]) -> list[GroupQueue]:
        """Queued work per group (waiting tickets and pending reservations), in the given order."""
        totals = {g: [0, 0.0, 0, 0.0] for g in group_ids}     # queued, work, priority queued, priority work
        rows = conn.execute("SELECT window_group, priority, kind, queued FROM queue_load WHERE day=? AND queued > 0",
                            (day,)).fetchall()
        for group_id, priority, kind, count in rows:
            if group_id not in totals:
                continue
            work = count * minutes_per_ticket(self.settings.hall, TicketKind(kind))
            t = totals[group_id]
            t[0] += count
            t[1] += work
            if priority:
                t[2] += count
                t[3] += work
        return [GroupQueue(g, self._window_count.get(g, 0), work_min=t[1], priority_work_min=t[3],
                           queued=t[0], priority_queued=t[2]) for g, t in totals.items()]

    def _queued(self, row: sqlite3.Row) -> QueuedTicket:
        return QueuedTicket(row["ticket_id"], bool(row["priority"]), row["position"],
                            minutes_per_ticket(self.settings.hall, TicketKind(row["kind"])),
                            _when(row["slot_start"]), _when(row["slot_end"]))

    def live_ticket(self, conn, row: sqlite3.Row, now: datetime | None = None) -> Ticket:
        """The ticket with people ahead and wait as the queue stands now (zero once called).

        Ahead of a ticket (routing.call_order): the earlier tickets of its own class and, for a
        ticket without priority, every priority ticket. Counted as "class totals from queue_load
        minus the later tickets of its class", because for a new ticket the later ones are few.
        While appointment tickets with a slot still to come wait in the group, they can step in
        front, so the group's queue is played forward instead (routing.ahead_of_each).
        """
        if row["state"] not in _QUEUED:
            return self._ticket(row, 0, 0.0)
        ahead = self._slot_ahead(conn, row, now or self.clock())
        if ahead is not None:
            return self._ticket(row, *ahead)
        day, group, priority = row["day"], row["window_group"], row["priority"]
        by_kind = dict(conn.execute(
            "SELECT kind, CAST(SUM(n) AS INTEGER) FROM ("
            "  SELECT kind, queued AS n FROM queue_load WHERE day=? AND window_group=? AND (priority != 0 OR ? = 0)"
            "  UNION ALL"       # minus the later ones (and the ticket itself):
            "  SELECT kind, -COUNT(*) FROM tickets WHERE day=? AND window_group=? AND state IN ('reserved', 'waiting')"
            "    AND priority=? AND position >= ? GROUP BY kind"
            ") AS counted GROUP BY kind", (day, group, priority, day, group, priority, row["position"])).fetchall())
        ahead = sum(by_kind.values())
        work = sum(n * minutes_per_ticket(self.settings.hall, TicketKind(k)) for k, n in by_kind.items())
        return self._ticket(row, ahead, work)

    def _slot_ahead(self, conn, row: sqlite3.Row, now: datetime) -> tuple[int, float] | None:
        """(people ahead, work ahead) of a queued ticket with the group's queue played forward, if
        appointment tickets with a slot still to come wait in its group; None if none do."""
        day, group = row["day"], row["window_group"]
        if not slots_ahead_pending(conn, day, group, now):
            return None
        queue = [self._queued(r) for r in queued_with_slots(conn, day, group)]
        return ahead_of_each(queue, now, self._window_count.get(group, 0))[row["ticket_id"]]

    def _reservation_ticket(self, conn, res: sqlite3.Row, row: sqlite3.Row | None = None) -> Ticket:
        ticket = self.live_ticket(conn, row or self._ticket_row(conn, res["ticket_id"]))
        return replace(ticket, reprint=bool(res["reprint"]))

    def _ticket(self, row: sqlite3.Row, ahead: int, work_min: float) -> Ticket:
        item = self.settings.items.get(row["item_code"])
        state = TicketState.WAITING if row["state"] == "reserved" else TicketState(row["state"])
        return Ticket(ticket_id=row["ticket_id"], number=row["number"], kind=TicketKind(row["kind"]),
                      item_code=row["item_code"], item_name=item.name if item else row["item_code"],
                      department=row["department"], window_group=row["window_group"],
                      window_group_name=self._group_names.get(row["window_group"], row["window_group"]),
                      people_ahead=ahead,
                      estimated_wait_min=expected_wait_min(work_min, self._window_count.get(row["window_group"], 0)),
                      issued_at=datetime.fromisoformat(row["issued_at"]), priority=bool(row["priority"]),
                      state=state, window=row["window"], appointment_id=row["appointment_id"],
                      slot_start=_when(row["slot_start"]), slot_end=_when(row["slot_end"]))

    @staticmethod
    def _ticket_row(conn, ticket_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM tickets WHERE ticket_id=?", (ticket_id,)).fetchone()
        if row is None:
            raise KeyError(f"no ticket {ticket_id!r}")
        return row

    # Row locks, for a store where writers do not all queue on one lock (PgHall); the embedded
    # hall's BEGIN IMMEDIATE already makes every write transaction wait for the one before.
    _LOCK_ROW = _LOCK_ROWS_SKIPPING = ""

    def lock_hall(self, conn) -> None:
        """The whole hall's write lock, for a transaction begun with whole_hall=False."""

    def _reservation(self, conn, reservation_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM reservations WHERE reservation_id=?" + self._LOCK_ROW,
                           (reservation_id,)).fetchone()
        if row is None:
            raise KeyError(f"no reservation {reservation_id!r}")
        return row

    _journal = staticmethod(write_journal)
