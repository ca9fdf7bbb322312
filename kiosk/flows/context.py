"""What a flow may use: the hall, the devices, the session and the config — nothing from Qt."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from kiosk.config import KioskConfig
from kiosk.events import Event
from kiosk.hall.model import Ticket
from kiosk.hall.service import KioskHall
from kiosk.roles.ticket_printer import TicketPrinterRole
from kiosk.session import Session


@dataclass
class FlowContext:
    config: KioskConfig
    hall: KioskHall
    printer: TicketPrinterRole
    session: Session
    compose: Callable[[Mapping[str, str]], bytes]   # ticket fields → printer bytes
    # Tells the screens how a flow is getting on (PrintInterrupted, PrintResumed); called on
    # the flow thread.
    notify: Callable[[Event], None] = lambda event: None


def ticket_fields(ticket: Ticket, config: KioskConfig) -> dict[str, str]:
    """The words on a printed ticket, Chinese first; the template decides where they go."""
    hall = config.hall
    return {
        "hall_name": hall.name,
        "number": ticket.number,
        "kind_label": f"{ticket.kind.label_zh} {ticket.kind.label_en}",
        "item_name": ticket.item_name,
        "window_group_name": ticket.window_group_name,
        "people_ahead": str(ticket.people_ahead),
        "estimated_wait_min": str(ticket.estimated_wait_min),
        "issued_at": ticket.issued_at.strftime("%Y-%m-%d %H:%M"),
        "ticket_id": ticket.ticket_id,
        "reprint_mark": "补打 Reprint" if ticket.reprint else "",
        "priority_mark": "优先 Priority" if ticket.priority else "",
        "appointment_mark": appointment_mark(ticket),
    }


def appointment_mark(ticket: Ticket) -> str:
    """"预约 Appointment 10:00-10:30" on a checked-in appointment's ticket, else ""."""
    if ticket.slot_start is None or ticket.slot_end is None:
        return ""
    return f"预约 Appointment {ticket.slot_start:%H:%M}-{ticket.slot_end:%H:%M}"
