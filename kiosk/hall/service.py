"""The hall as its callers see it, one interface per caller.

KioskHall is what a kiosk may do (take and print numbers, find and check in appointments);
StaffHall what a staff window does (call, complete, convert, read the queue); BookingHall what
the booking system does (book, look up, cancel). The embedded implementation
(`kiosk.hall.sqlite_hall.SqliteHall`) is all three on one SQLite file; a hall server puts the
same core behind HTTP, and a kiosk talking to it needs only a KioskHall. Plain dataclasses in and
out, idempotency keys on every write, no SQL outside the implementation.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from kiosk.hall.model import (Appointment, AppointmentRequest, Citizen, OfflineTicket, Reservation, Ticket,
                              TicketKind, TicketRequest, WindowGroupLoad)


class KioskHall(ABC):
    # ------------------------------------------------------------ numbers
    @abstractmethod
    def reserve_ticket(self, request: TicketRequest, now: datetime | None = None) -> Reservation:
        """Hold the next number for this request, routed to a window group.

        Raises HallRefusal (closed, daily cap, kind not offered, ...) or HallUnavailable.
        If the citizen already holds an open ticket for this item, the reservation carries that
        ticket with `reprint=True` (补打) and no new number is used. The same idempotency key
        returns the same reservation.
        """

    @abstractmethod
    def confirm_ticket(self, reservation_id: str) -> Ticket:
        """The printer accepted the whole ticket: it now exists and joins the queue."""

    @abstractmethod
    def start_printing(self, reservation_id: str) -> None:
        """The first byte of this ticket is about to go to the printer: from now on its number
        is never given back, only printed whole (confirm) or spoiled. HallRefusal
        (RESERVATION_VOIDED) if the reservation was swept meanwhile: then do not print it."""

    @abstractmethod
    def void_reservation(self, reservation_id: str, reason: str) -> None:
        """Printing never started: give the number back (no visible gap) and journal why. Once
        printing has started this spoils the number instead (see spoil_reservation)."""

    @abstractmethod
    def spoil_reservation(self, reservation_id: str, reason: str) -> None:
        """Printing started but will not finish (paper out, cover opened, cutter jammed, the
        citizen gone): the number is used up and journalled as spoiled, never reissued, because
        part of its slip may be in someone's hand. An appointment goes back to booked."""

    @abstractmethod
    def spoiled_today(self, now: datetime | None = None) -> list:
        """Today's spoiled numbers, oldest first (journal entries: number, time, kiosk, reason)."""

    def accept_offline(self, kiosk_id: str, ticket: OfflineTicket) -> Ticket:
        """A ticket this kiosk printed from its own series while it could not reach the hall:
        it joins the queue by the time it was printed, never refused (the citizen holds it);
        what could not be checked is journalled for staff. Same key → the same ticket."""
        raise NotImplementedError(f"{type(self).__name__} takes no offline tickets")

    # ------------------------------------------------------------ appointments
    @abstractmethod
    def appointment_for_token(self, token: bytes, now: datetime | None = None) -> Appointment:
        """The appointment a scanned QR code stands for (bytes exactly as the decoder gave them).

        Raises kiosk.hall.tokens.TokenRefusal (not ours, malformed, unknown or retired key,
        forged, not yet valid, expired, other hall, or REPLAYED: this token already checked in),
        or HallRefusal(APPOINTMENT_NOT_FOUND). The result carries `token_nonce`, for check_in().
        """

    @abstractmethod
    def appointments_for(self, person_key: str, now: datetime | None = None) -> list[Appointment]:
        """Today's appointments of the person whose card was read (not cancelled), by slot.
        `status` is as of now: one past its check-in time reads LAPSED."""

    @abstractmethod
    def check_in(self, appointment_id: str, kiosk_id: str, idempotency_key: str, now: datetime | None = None,
                 token_nonce: str | None = None, citizen: Citizen | None = None) -> Reservation:
        """Hold an appointment ticket (carrying the slot) for printing; then confirm_ticket() or
        void_reservation() exactly as for reserve_ticket(). Confirm checks the appointment in and
        spends the token's nonce; a void puts it back to booked so the citizen can retry.

        Check-in is open from check_in_early_min before the slot to check_in_late_min after its
        start. Raises HallRefusal: APPOINTMENT_TOO_EARLY (says when it opens), APPOINTMENT_LAPSED
        (says a walk-in ticket is possible, and why; the appointment is marked lapsed),
        APPOINTMENT_CHECKED_IN, APPOINTMENT_CANCELLED, APPOINTMENT_NOT_FOUND, NO_WINDOW; or
        TokenRefusal(REPLAYED) if token_nonce was already spent. `citizen` (from a card of the
        same person) only lends the ticket 70+ priority. Same idempotency key → same reservation.
        """

    def close(self) -> None:
        pass


class BookingHall(ABC):
    """The booking system's side (WeChat; the simulator and tests here)."""

    @abstractmethod
    def book_appointment(self, request: AppointmentRequest, idempotency_key: str = "",
                         now: datetime | None = None) -> Appointment:
        """Same idempotency key → the same appointment."""

    @abstractmethod
    def appointment(self, appointment_id: str, now: datetime | None = None) -> Appointment: ...

    @abstractmethod
    def cancel_appointment(self, appointment_id: str, reason: str = "", now: datetime | None = None) -> Appointment:
        """The citizen cancelled. A checked-in appointment cannot be."""


class StaffHall(ABC):
    """A staff window's side."""

    @abstractmethod
    def call_next(self, window_id: str, now: datetime | None = None) -> Ticket | None:
        """Call the next ticket for this window's group: an appointment whose slot is running
        first, then priority (70+), then by issue time."""

    @abstractmethod
    def complete(self, ticket_id: str, no_show: bool = False) -> Ticket: ...

    @abstractmethod
    def convert(self, ticket_id: str, kind: TicketKind) -> Ticket:
        """Change a ticket's kind (受理/咨询/取件), keeping its place in the queue."""

    @abstractmethod
    def transfer(self, ticket_id: str, group_id: str, window_id: str = "") -> Ticket:
        """Send a ticket to another window group, keeping its number and its place."""

    # ------------------------------------------------------------ read side
    @abstractmethod
    def ticket(self, ticket_id: str) -> Ticket: ...

    @abstractmethod
    def group_loads(self) -> list[WindowGroupLoad]: ...

    @abstractmethod
    def tickets_today(self, now: datetime | None = None) -> list[Ticket]: ...


class HallService(KioskHall, StaffHall, BookingHall):
    """Every side at once: what one hall core offers (the embedded hall, the hall server)."""
