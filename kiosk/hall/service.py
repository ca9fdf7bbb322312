"""The one interface the kiosk uses to talk to "the hall".

The embedded implementation (`kiosk.hall.sqlite_hall.SqliteHall`) keeps state in SQLite on the
kiosk; a multi-kiosk hall will put the same core behind HTTP. Plain dataclasses in and out,
idempotency keys on every write, no SQL outside the implementation.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from kiosk.hall.model import Reservation, Ticket, TicketKind, TicketRequest, WindowGroupLoad


class HallService(ABC):
    # ------------------------------------------------------------ citizen side (kiosk)
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
    def void_reservation(self, reservation_id: str, reason: str) -> None:
        """Printing failed: give the number back (no visible gap) and journal why."""

    # ------------------------------------------------------------ staff side (windows)
    @abstractmethod
    def call_next(self, window_id: str, now: datetime | None = None) -> Ticket | None:
        """Call the next ticket for this window's group: priority first, then by issue time."""

    @abstractmethod
    def complete(self, ticket_id: str, no_show: bool = False) -> Ticket: ...

    @abstractmethod
    def convert(self, ticket_id: str, kind: TicketKind) -> Ticket:
        """Change a ticket's kind (受理/咨询/取件), keeping its place in the queue."""

    # ------------------------------------------------------------ read side
    @abstractmethod
    def ticket(self, ticket_id: str) -> Ticket: ...

    @abstractmethod
    def group_loads(self) -> list[WindowGroupLoad]: ...

    @abstractmethod
    def tickets_today(self, now: datetime | None = None) -> list[Ticket]: ...

    def close(self) -> None:
        pass
