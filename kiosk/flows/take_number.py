"""Take a queue number: reserve → print → confirm.

A ticket exists only once the printer has accepted its last byte. If printing fails the number
is given back (void) so nobody sees a gap, and the error travels up with a calm sentence for the
screen. Printing and confirming are shielded from cancellation: once paper is coming out, an
idle timeout must not turn it into a ticket the hall does not know about.
"""
from __future__ import annotations

import asyncio
import logging
import uuid

from kiosk.hall.model import Citizen, HallUnavailable, Reservation, Ticket, TicketKind, TicketRequest
from kiosk.flows.context import FlowContext, ticket_fields

log = logging.getLogger(__name__)
CONFIRM_RETRIES_S = (0.2, 0.5, 1.0, 2.0)


async def confirm_printed(kiosk: FlowContext, reservation_id: str) -> Ticket:
    """The paper is out: the hall must learn of it, so a passing database fault is retried
    (a reservation left unconfirmed would be voided later and its number issued twice)."""
    for pause in (*CONFIRM_RETRIES_S, None):
        try:
            return await asyncio.to_thread(kiosk.hall.confirm_ticket, reservation_id)
        except HallUnavailable as e:
            if pause is None:
                log.error("printed ticket of reservation %s could not be confirmed: %s", reservation_id, e)
                raise
            await asyncio.sleep(pause)


async def print_reserved(kiosk: FlowContext, reservation: Reservation) -> Ticket:
    """Print a held number, then confirm it; a failed print gives the number back. Shielded
    from cancellation: once paper is coming out, an idle timeout must not turn it into a ticket
    the hall does not know about."""
    data = kiosk.compose(ticket_fields(reservation.ticket, kiosk.config))

    async def print_then_confirm() -> Ticket:
        try:
            await kiosk.printer.print(data)
        except Exception as e:
            if not reservation.ticket.reprint:
                await asyncio.to_thread(kiosk.hall.void_reservation, reservation.reservation_id,
                                        f"print failed: {type(e).__name__}: {e}")
            log.warning("ticket %s not printed: %s", reservation.ticket.number, e)
            raise
        return await confirm_printed(kiosk, reservation.reservation_id)

    return await asyncio.shield(print_then_confirm())


async def take_number(kiosk: FlowContext, item_code: str, kind: TicketKind,
                      citizen: Citizen | None = None) -> Ticket:
    """`citizen`: who chose, as they were when they tapped (a card pulled out a moment later
    must not turn a priority ticket into an ordinary one); default: the session's citizen now."""
    session = kiosk.session
    session.item_code, session.kind = item_code, kind
    request = TicketRequest(item_code=item_code, kind=kind, citizen=citizen or session.citizen(),
                            kiosk_id=kiosk.config.kiosk.id, idempotency_key=uuid.uuid4().hex)
    reservation = await asyncio.to_thread(kiosk.hall.reserve_ticket, request)
    ticket = await print_reserved(kiosk, reservation)
    session.ticket = ticket
    log.info("ticket %s issued for %s (%s)%s", ticket.number, item_code, kind.value,
             " reprint" if ticket.reprint else "")
    return ticket
