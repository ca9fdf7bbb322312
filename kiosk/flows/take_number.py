"""Take a queue number: reserve → print → confirm.

A ticket exists only once the printer has accepted its last byte. A number goes back to the
pool (void: nobody sees a gap) only if not one byte of it reached the printer. From the first
byte on, part of the slip may be in the citizen's hand, so the number is either printed whole
or spoiled - never handed to someone else:
- the printer stops mid-ticket (paper out, cover opened, cutter jammed, link lost) while the
  citizen is still here: the screen says so, and the same number is printed whole once the
  printer is back;
- the citizen leaves (Home, idle timeout) or the printer stays down for REPRINT_WAIT_S: the
  number is spoiled, journalled, and shown on the technician screen.
Each print and its confirm are shielded from cancellation: once paper is coming out, an idle
timeout must not turn it into a ticket the hall does not know about.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid

from drivers.errors import DeviceError
from kiosk.events import PrintInterrupted, PrintResumed
from kiosk.hall.model import Citizen, HallUnavailable, Reservation, Ticket, TicketKind, TicketRequest
from kiosk.flows.context import FlowContext, ticket_fields
from kiosk.wording import Sentence

log = logging.getLogger(__name__)
CONFIRM_RETRIES_S = (0.2, 0.5, 1.0, 2.0)
# How long a citizen is asked to wait for the printer to come back. Well inside the hall's
# 2-minute sweep of unconfirmed reservations, which would spoil the number under us.
REPRINT_WAIT_S = 90.0
PRINTER_CHECK_S = 0.25
_SETTLING: set[asyncio.Task] = set()     # prints left running by a citizen who walked away


class TicketNotFinished(DeviceError):
    """The printer stopped mid-ticket and did not come back in time: the number is spoiled."""

    def __init__(self, number: str, detail: str):
        super().__init__(detail, message=Sentence("打印机出了故障，号票 {number} 没能打完，这个号已作废。"
                                                  "请拿着打出的半张号票到咨询台，工作人员会帮您重新取号。",
                                                  number=number))


async def confirm_printed(kiosk: FlowContext, reservation_id: str) -> Ticket:
    """The paper is out: the hall must learn of it, so a passing database fault is retried
    (a reservation left unconfirmed would be swept later, and its slip spoiled)."""
    for pause in (*CONFIRM_RETRIES_S, None):
        try:
            return await asyncio.to_thread(kiosk.hall.confirm_ticket, reservation_id)
        except HallUnavailable as e:
            if pause is None:
                log.error("printed ticket of reservation %s could not be confirmed: %s", reservation_id, e)
                raise
            await asyncio.sleep(pause)


async def print_reserved(kiosk: FlowContext, reservation: Reservation) -> Ticket:
    """Print a held number whole and confirm it; give it back only if nothing was sent."""
    data = kiosk.compose(ticket_fields(reservation.ticket, kiosk.config))
    rid, number = reservation.reservation_id, reservation.ticket.number
    sent = False            # has any byte of this number gone to the printer?

    def printing_starts() -> None:     # on the printer's thread, just before the first byte
        nonlocal sent
        kiosk.hall.start_printing(rid)
        sent = True

    async def print_then_confirm() -> Ticket:
        await kiosk.printer.print(data, before_send=printing_starts)
        return await confirm_printed(kiosk, rid)

    waiting_since = None
    while True:
        attempt = asyncio.ensure_future(print_then_confirm())
        try:
            ticket = await asyncio.shield(attempt)
        except asyncio.CancelledError:
            _settle_in_background(kiosk, attempt, rid, number)
            raise
        except DeviceError as e:
            if not sent:
                if not reservation.ticket.reprint:
                    await asyncio.to_thread(kiosk.hall.void_reservation, rid, f"print failed: {_why(e)}")
                log.warning("ticket %s not printed, nothing sent: %s", number, _why(e))
                raise
            log.warning("ticket %s stopped mid-print: %s", number, _why(e))
            if waiting_since is None:
                waiting_since = time.monotonic()
            kiosk.notify(PrintInterrupted(number, e.message))
            try:
                await _printer_back(kiosk, waiting_since + REPRINT_WAIT_S)
            except asyncio.CancelledError:
                await asyncio.shield(_spoil(kiosk, rid, f"print not finished, citizen left: {_why(e)}"))
                raise
            except TimeoutError:
                await _spoil(kiosk, rid, f"print not finished, printer down {REPRINT_WAIT_S:.0f} s: {_why(e)}")
                raise TicketNotFinished(number, _why(e)) from e
            kiosk.notify(PrintResumed(number))
            continue
        if waiting_since is not None:
            log.info("ticket %s printed whole after an interrupted print", number)
        return ticket


async def _printer_back(kiosk: FlowContext, deadline: float) -> None:
    """Until the printer's poller reports it usable again; TimeoutError at the deadline."""
    while not kiosk.printer.health.usable:
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(PRINTER_CHECK_S)


async def _spoil(kiosk: FlowContext, reservation_id: str, reason: str) -> None:
    await asyncio.to_thread(kiosk.hall.spoil_reservation, reservation_id, reason)


def _settle_in_background(kiosk: FlowContext, attempt: asyncio.Future, reservation_id: str, number: str) -> None:
    """The citizen left while their ticket was printing: let the print finish (it confirms by
    itself if it succeeds); if it stops part-way, nobody is waiting for it any more: spoil."""
    async def settle() -> None:
        try:
            await attempt
        except DeviceError as e:
            if getattr(e, "during_print", False):
                await _spoil(kiosk, reservation_id, f"print not finished, citizen left: {_why(e)}")
            else:
                await asyncio.to_thread(kiosk.hall.void_reservation, reservation_id, f"print failed: {_why(e)}")
        except Exception:
            log.exception("ticket %s: finishing an abandoned print failed", number)
    task = asyncio.get_running_loop().create_task(settle())
    _SETTLING.add(task)
    task.add_done_callback(_SETTLING.discard)


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


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
