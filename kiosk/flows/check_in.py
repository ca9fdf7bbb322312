"""Check in for an appointment: find it (by the QR token or by the citizen's card), then
reserve its ticket → print → confirm, exactly like taking a number.

The token is verified by the hall (kiosk.hall.tokens through KioskHall): the kiosk passes
the decoder's raw bytes on untouched, so nothing but the verifier ever interprets them.
"""
from __future__ import annotations

import asyncio
import logging
import uuid

from kiosk.flows.context import FlowContext
from kiosk.flows.take_number import print_reserved
from kiosk.hall.model import Appointment, Citizen, Ticket
from kiosk.privacy import mask_id_number

log = logging.getLogger(__name__)


async def find_by_token(kiosk: FlowContext, payload: bytes) -> Appointment:
    """The appointment this scanned code stands for; TokenRefusal or HallRefusal otherwise."""
    appointment = await asyncio.to_thread(kiosk.hall.appointment_for_token, payload)
    log.info("appointment %s found by its QR code", appointment.appointment_id)
    return appointment


async def find_by_card(kiosk: FlowContext) -> list[Appointment]:
    """Today's appointments of the citizen whose card was read ([] for an anonymous session)."""
    person_key = kiosk.session.citizen().person_key
    if person_key is None:
        return []
    found = await asyncio.to_thread(kiosk.hall.appointments_for, person_key)
    identity = kiosk.session.identity
    log.info("%d appointment(s) today for %s", len(found), mask_id_number(identity.id_number) if identity else "?")
    return found


async def check_in(kiosk: FlowContext, appointment: Appointment, citizen: Citizen | None = None) -> Ticket:
    """Print the appointment's ticket. `citizen` (a card read in this visit) lends 70+ priority."""
    reservation = await asyncio.to_thread(
        kiosk.hall.check_in, appointment.appointment_id, kiosk.config.kiosk.id, uuid.uuid4().hex,
        token_nonce=appointment.token_nonce, citizen=citizen)
    ticket = await print_reserved(kiosk, reservation)
    kiosk.session.ticket = ticket
    log.info("appointment %s checked in: ticket %s", appointment.appointment_id, ticket.number)
    return ticket
