"""A kiosk that keeps issuing numbers when its hall server does not answer.

OfflineHall is the kiosk's hall when it is shared (kiosk.yaml `hall_server:`): the server's
(HttpHall) while it answers, and this kiosk's own series while it does not:

* A call that finds the server gone (HallUnavailable: no connection, a timeout) puts the kiosk
  offline at once; the same tap is then served from the kiosk's own series, in a shape the
  server's never takes: `A-07-012` (series, this kiosk's number, its own count for the day), so
  no citizen ever holds a number the hall also gives someone else.
* What the kiosk can check alone it checks (opening hours, the kinds an item offers; an
  appointment code's signature, validity and this kiosk's own use of it, against today's
  appointments as last synced); what it cannot (caps, one ticket per person across kiosks, a
  code used at two kiosks during the outage) the server journals as a conflict for staff when
  the ticket is replayed, never refusing a slip a citizen holds.
* Every offline ticket is kept in a small SQLite outbox (`offline.sqlite` beside the kiosk's
  state) and replayed in issue order, each with its own idempotency key, as soon as the server
  answers again; a confirm the server never got (it went away mid-print) is replayed too, and
  the server accepts it late. Issue times are on the hall's clock: the kiosk's, corrected by the
  offset measured at the last sync.
* An offline slip says so, and sends the citizen to the screens for the queue: the kiosk does
  not know it (kiosk.flows.context leaves "people ahead" out for an offline number).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from kiosk.config import HallSettings
from kiosk.devices import DeviceHealth
from kiosk.hall.hours import opening_status
from kiosk.hall.http_hall import HttpHall
from kiosk.hall.model import (Appointment, AppointmentStatus, Citizen, HallRefusal, HallUnavailable, OfflineTicket,
                              RefusalReason, Reservation, Ticket, TicketKind, TicketRequest)
from kiosk.hall.routing import group_display_name, is_priority, serving_groups
from kiosk.hall.schema import iso_time, parse_time
from kiosk.hall.service import KioskHall
from kiosk.hall.sqlite_appointments import offered_item
from kiosk.hall.tokens import KeyRing, TokenRefusal, TokenRefusalReason
from kiosk.wording import NOTHING, Sentence

log = logging.getLogger(__name__)
OFFLINE = "off-"            # reservation ids of offline tickets start with this
HEALTH_EVERY_S = 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS offline_tickets (
    reservation_id  TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    day             TEXT NOT NULL,
    series          TEXT NOT NULL,                -- A-07
    seq             INTEGER NOT NULL,
    number          TEXT NOT NULL,                -- A-07-012
    kind            TEXT NOT NULL,
    item_code       TEXT NOT NULL,
    person_key      TEXT,
    birth_date      TEXT,
    issued_at       TEXT NOT NULL,                -- the hall's clock
    state           TEXT NOT NULL,                -- pending | printing | printed | voided | spoiled
    replayed        INTEGER NOT NULL DEFAULT 0,
    appointment_id  TEXT,                         -- an appointment checked in offline
    token_nonce     TEXT,
    slot_start      TEXT,
    slot_end        TEXT,
    UNIQUE (day, series, seq)
);
CREATE TABLE IF NOT EXISTS late_confirms (         -- printed whole, the confirm never reached the server
    reservation_id  TEXT PRIMARY KEY,
    queued_at       TEXT NOT NULL
);
"""


class OfflineHall(KioskHall):
    def __init__(self, server: HttpHall, settings: HallSettings, outbox: Path, kiosk_id: str, kiosk_no: int,
                 clock: Callable[[], datetime] = datetime.now, retry_s: float = 2.0):
        self.server, self.settings, self.kiosk_id, self.kiosk_no = server, settings, kiosk_id, kiosk_no
        self._clock, self._retry_s = clock, retry_s
        outbox.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(outbox), isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")      # a printed number survives a power cut
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._offset = timedelta(0)          # the hall's clock minus this kiosk's, at the last sync
        self._offline_since: float | None = None
        self._tickets: dict[str, Ticket] = {}              # online reservations printing now (late confirm)
        self._health: list | None = None                   # the devices, as last reported (report_health)
        self._appointments: dict[str, Appointment] = {}    # today's, as last synced (offline check-in)
        self._keyring = KeyRing.from_config(settings)
        self._health_sent = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._replay_loop, name="offline-replay", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- state
    @property
    def offline(self) -> bool:
        return self._offline_since is not None

    def _hall_now(self) -> datetime:
        return self._clock() + self._offset

    def _went_away(self, error: Exception) -> None:
        if self._offline_since is None:
            self._offline_since = time.monotonic()
            log.warning("hall server not answering (%s): issuing from this kiosk's own series", error)

    def waiting_to_replay(self) -> int:
        with self._lock:
            return self._db.execute("SELECT (SELECT COUNT(*) FROM offline_tickets WHERE state='printed' AND replayed=0)"
                                    " + (SELECT COUNT(*) FROM late_confirms)").fetchone()[0]

    def health(self) -> DeviceHealth:
        """The hall connection as the technician screen shows it."""
        left = self.waiting_to_replay()
        name = "取号服务器 Hall server"
        if self.offline:
            return DeviceHealth("hall_server", name, "warning",
                                Sentence("连不上取号服务器，正在离线出号：{count} 张号等待上传", count=str(left)),
                                {"url": self.server.url, "offline": True, "to_replay": left}, time.time())
        return DeviceHealth("hall_server", name, "ok", NOTHING, {"url": self.server.url, "to_replay": left,
                                                                 "clock_offset_s": round(self._offset.total_seconds(), 1)},
                            time.time())

    # ---------------------------------------------------------------- numbers
    def reserve_ticket(self, request: TicketRequest, now: datetime | None = None) -> Reservation:
        if not self.offline:
            try:
                reservation = self.server.reserve_ticket(request)
                self._tickets[reservation.reservation_id] = reservation.ticket
                return reservation
            except HallUnavailable as e:
                self._went_away(e)
        return self._reserve_offline(request)

    def start_printing(self, reservation_id: str) -> None:
        if reservation_id.startswith(OFFLINE):
            self._set_state(reservation_id, "printing", ("pending",))
            return
        self.server.start_printing(reservation_id)

    def confirm_ticket(self, reservation_id: str) -> Ticket:
        if reservation_id.startswith(OFFLINE):
            self._set_state(reservation_id, "printed", ("pending", "printing"))
            return self._offline_ticket(reservation_id)
        try:
            ticket = self.server.confirm_ticket(reservation_id)
        except HallUnavailable as e:        # printed whole, and the server went away: confirm it later
            self._went_away(e)
            with self._lock:
                self._db.execute("INSERT OR IGNORE INTO late_confirms VALUES (?, ?)",
                                 (reservation_id, iso_time(self._clock())))
            ticket = self._tickets.get(reservation_id)
            if ticket is None:
                raise
        self._tickets.pop(reservation_id, None)
        return ticket

    def void_reservation(self, reservation_id: str, reason: str) -> None:
        self._end(reservation_id, reason, "voided", self.server.void_reservation)

    def spoil_reservation(self, reservation_id: str, reason: str) -> None:
        self._end(reservation_id, reason, "spoiled", self.server.spoil_reservation)

    def _end(self, reservation_id: str, reason: str, state: str, on_server) -> None:
        self._tickets.pop(reservation_id, None)
        if reservation_id.startswith(OFFLINE):
            # A voided offline number is not given back: it may already be on a slip's stub.
            self._set_state(reservation_id, state, ("pending", "printing"))
            return
        try:
            on_server(reservation_id, reason)
        except HallUnavailable as e:         # the server's sweep ends it in two minutes anyway
            self._went_away(e)
            log.info("reservation %s not %s on the server (unreachable): its sweep will", reservation_id, state)

    def spoiled_today(self, now: datetime | None = None) -> list:
        try:
            return self.server.spoiled_today()
        except HallUnavailable:
            return []

    # ---------------------------------------------------------------- appointments
    def appointment_for_token(self, token: bytes, now: datetime | None = None) -> Appointment:
        if not self.offline:
            try:
                return self.server.appointment_for_token(token)
            except HallUnavailable as e:
                self._went_away(e)
        # Offline: the code's signature and validity checked here (the hall's keys are in the
        # kiosk's configuration), the appointment found among today's as last synced.
        verified = self._keyring.verify(token, hall_id=self.settings.hall.id, now=self._hall_now())
        if self._nonce_used_here(verified.nonce):
            raise TokenRefusal(TokenRefusalReason.REPLAYED, f"nonce of appointment {verified.appointment_id}")
        appointment = self._appointments.get(verified.appointment_id)
        if appointment is None:
            raise HallRefusal(RefusalReason.APPOINTMENT_NOT_FOUND)
        return replace(appointment, token_nonce=verified.nonce)

    def appointments_for(self, person_key: str, now: datetime | None = None) -> list[Appointment]:
        if not self.offline:
            try:
                return self.server.appointments_for(person_key)
            except HallUnavailable as e:
                self._went_away(e)
        return [a for a in self._appointments.values() if a.person_key == person_key]

    def check_in(self, appointment_id: str, kiosk_id: str, idempotency_key: str, now: datetime | None = None,
                 token_nonce: str | None = None, citizen: Citizen | None = None) -> Reservation:
        if not self.offline:
            try:
                reservation = self.server.check_in(appointment_id, kiosk_id, idempotency_key,
                                                   token_nonce=token_nonce, citizen=citizen)
                self._tickets[reservation.reservation_id] = reservation.ticket
                return reservation
            except HallUnavailable as e:
                self._went_away(e)
        return self._check_in_offline(appointment_id, idempotency_key, token_nonce, citizen)

    def _check_in_offline(self, appointment_id: str, idempotency_key: str, token_nonce: str | None,
                          citizen: Citizen | None) -> Reservation:
        appointment = self._appointments.get(appointment_id)
        if appointment is None:
            raise HallRefusal(RefusalReason.APPOINTMENT_NOT_FOUND)
        now = self._hall_now()
        if appointment.status is AppointmentStatus.CHECKED_IN or self._checked_in_here(appointment_id):
            raise HallRefusal(RefusalReason.APPOINTMENT_CHECKED_IN)
        if now > appointment.check_in_closes:
            raise HallRefusal(RefusalReason.APPOINTMENT_LAPSED, Sentence(
                "您预约的是 {booked}，最晚 {closes} 签到", closes=f"{appointment.check_in_closes:%H:%M}",
                booked=f"{appointment.slot_start:%H:%M}–{appointment.slot_end:%H:%M}"))
        if now < appointment.check_in_opens:
            raise HallRefusal(RefusalReason.APPOINTMENT_TOO_EARLY, Sentence(
                "您预约的是 {booked}，{opens} 开始签到", opens=f"{appointment.check_in_opens:%H:%M}",
                booked=f"{appointment.slot_start:%H:%M}–{appointment.slot_end:%H:%M}"))
        same_person = citizen is not None and citizen.person_key == appointment.person_key    # (70+ priority)
        request = TicketRequest(appointment.item_code, appointment.kind,
                                Citizen(appointment.person_key, citizen.birth_date if same_person else None),
                                self.kiosk_id, idempotency_key)
        return self._reserve_offline(request, appointment, token_nonce)

    def _nonce_used_here(self, nonce: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM offline_tickets WHERE token_nonce=? AND state != 'voided'",
                                    (nonce,)).fetchone() is not None

    def _checked_in_here(self, appointment_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM offline_tickets WHERE appointment_id=? AND state != 'voided'",
                                    (appointment_id,)).fetchone() is not None

    # ---------------------------------------------------------------- this kiosk's own series
    def _reserve_offline(self, request: TicketRequest, appointment: Appointment | None = None,
                         token_nonce: str | None = None) -> Reservation:
        now = self._hall_now()
        item = offered_item(self.settings, request.item_code, request.kind)
        status = opening_status(self.settings.hall, now)
        if not status.is_open and appointment is None:
            raise HallRefusal(RefusalReason.CLOSED, status.detail)
        series, day = f"{request.kind.prefix}-{self.kiosk_no:02d}", now.date().isoformat()
        with self._lock:
            if request.idempotency_key:
                row = self._db.execute("SELECT reservation_id FROM offline_tickets WHERE idempotency_key=? "
                                       "AND state != 'voided'", (request.idempotency_key,)).fetchone()
                if row is not None:
                    return Reservation(row["reservation_id"], self._offline_ticket(row["reservation_id"]))
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM offline_tickets WHERE day=? AND series=?",
                                   (day, series)).fetchone()[0]
            reservation_id = OFFLINE + uuid.uuid4().hex
            self._db.execute("INSERT INTO offline_tickets (reservation_id, idempotency_key, day, series, seq, number, "
                             "kind, item_code, person_key, birth_date, issued_at, state, appointment_id, token_nonce, "
                             "slot_start, slot_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
                             (reservation_id, request.idempotency_key or uuid.uuid4().hex, day, series, seq,
                              f"{series}-{seq:03d}", request.kind.value, item.code, request.citizen.person_key,
                              request.citizen.birth_date and request.citizen.birth_date.isoformat(), iso_time(now),
                              appointment and appointment.appointment_id, token_nonce,
                              appointment and iso_time(appointment.slot_start),
                              appointment and iso_time(appointment.slot_end)))
        log.info("offline number %s-%03d issued for %s", series, seq, item.code)
        return Reservation(reservation_id, self._offline_ticket(reservation_id))

    def _offline_ticket(self, reservation_id: str) -> Ticket:
        with self._lock:
            row = self._db.execute("SELECT * FROM offline_tickets WHERE reservation_id=?", (reservation_id,)).fetchone()
        if row is None:
            raise KeyError(f"no offline reservation {reservation_id!r}")
        item = self.settings.items[row["item_code"]]
        group_id = self._slip_group(item.code)
        group = self.settings.window_groups.get(group_id)
        birth = date.fromisoformat(row["birth_date"]) if row["birth_date"] else None
        return Ticket(row["reservation_id"][len(OFFLINE):], row["number"], TicketKind(row["kind"]), item.code,
                      item.name, item.department, group_id,
                      group_display_name(group, self.settings.windows) if group else "",
                      0, 0, parse_time(row["issued_at"]),
                      priority=is_priority(birth, parse_time(row["issued_at"]).date(), self.settings.hall.priority_age),
                      appointment_id=row["appointment_id"], slot_start=parse_time(row["slot_start"]),
                      slot_end=parse_time(row["slot_end"]))

    def _slip_group(self, item_code: str) -> str:
        """The window group an offline slip sends the citizen to (the first serving the item):
        the hall queues the ticket there when it is replayed."""
        department = self.settings.items[item_code].department
        return next(iter(serving_groups(department, self.settings.window_groups)), "")

    def _set_state(self, reservation_id: str, state: str, allowed: tuple[str, ...]) -> None:
        with self._lock:
            marks = ",".join("?" * len(allowed))
            self._db.execute(f"UPDATE offline_tickets SET state=? WHERE reservation_id=? AND state IN ({marks})",
                             (state, reservation_id, *allowed))

    # ---------------------------------------------------------------- the kiosk's health, for /admin
    def ask_for_help(self) -> bool:
        """Page the staff through the hall server; False when it cannot be reached."""
        try:
            self.server.ask_for_help(self.kiosk_id)
            return True
        except Exception as e:       # best effort: the kiosk's own big message stands anyway
            log.warning("could not page the staff: %s: %s", type(e).__name__, e)
            return False

    def apply_settings(self, settings: HallSettings) -> None:
        """The hall server's catalogue and windows, from now on, for numbers issued offline too
        (the appointment keys stay the kiosk's own)."""
        self.settings = settings

    def report_health(self, devices: list) -> None:
        """The kiosk's devices now (any thread): sent with the next sync, and again every
        HEALTH_EVERY_S so /admin sees the kiosk is alive."""
        self._health, self._health_sent = [d for d in devices if d.role != "hall_server"], 0.0

    def _send_health(self) -> None:
        if self._health is not None and time.monotonic() - self._health_sent > HEALTH_EVERY_S:
            self.server.report_health(self.kiosk_id, self._health)
            self._health_sent = time.monotonic()

    # ---------------------------------------------------------------- back online
    def _replay_loop(self) -> None:
        while True:                      # at once (the clock offset), then every retry_s
            try:
                self.sync()
            except Exception:            # never let the replayer die: the next round tries again
                log.exception("offline replay round failed")
            if self._stop.wait(self._retry_s):
                return

    def sync(self) -> int:
        """Measure the clock offset, then replay what waits, in order; how many went. Stops at the
        first failure (the server gone again): the rest waits for the next round."""
        try:
            before = self._clock()
            server_now = self.server.server_time()
            self._offset = server_now - before - (self._clock() - before) / 2
            self._appointments = {a.appointment_id: a for a in self.server.appointments_today()}
            self._send_health()
        except HallUnavailable:
            return 0
        sent = 0
        with self._lock:
            late = [r["reservation_id"] for r in self._db.execute("SELECT reservation_id FROM late_confirms "
                                                                  "ORDER BY queued_at")]
            waiting = self._db.execute("SELECT * FROM offline_tickets WHERE state='printed' AND replayed=0 "
                                       "ORDER BY issued_at, seq").fetchall()
        try:
            for reservation_id in late:
                try:
                    self.server.confirm_ticket(reservation_id)
                except HallRefusal as e:      # voided meanwhile: staff see it in the server's journal
                    log.warning("late confirm of %s refused: %s", reservation_id, e)
                with self._lock:
                    self._db.execute("DELETE FROM late_confirms WHERE reservation_id=?", (reservation_id,))
                sent += 1
            for row in waiting:
                self.server.accept_offline(self.kiosk_id, OfflineTicket(
                    row["idempotency_key"], row["number"], row["series"], row["seq"], TicketKind(row["kind"]),
                    row["item_code"], parse_time(row["issued_at"]),
                    Citizen(row["person_key"], date.fromisoformat(row["birth_date"]) if row["birth_date"] else None),
                    ticket_id=row["reservation_id"][len(OFFLINE):],
                    window_group=self._slip_group(row["item_code"]),
                    appointment_id=row["appointment_id"] or "", token_nonce=row["token_nonce"] or ""))
                with self._lock:
                    self._db.execute("UPDATE offline_tickets SET replayed=1 WHERE reservation_id=?",
                                     (row["reservation_id"],))
                sent += 1
        except HallUnavailable as e:
            self._went_away(e)
            return sent
        if self._offline_since is not None and not self.waiting_to_replay():
            log.info("hall server back after %.0f s: %d offline tickets replayed",
                     time.monotonic() - self._offline_since, sent)
            self._offline_since = None
        return sent

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.server.close()
        with self._lock:
            self._db.close()
