"""What a flow may use: the hall, the devices, the session and the config — nothing from Qt."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from drivers.printer.ticket_layout import TextBlock, TicketTemplate
from kiosk import wording
from kiosk.config import KioskConfig
from kiosk.events import Event
from kiosk.hall.model import Ticket
from kiosk.hall.numbering import is_offline_number
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


def ticket_language(config: KioskConfig) -> str:
    """The Chinese a ticket is printed in, beside its English: the hall's own (zh_CN, zh_HK)."""
    language = config.kiosk.language
    return language if wording.is_chinese(language) else wording.SOURCE


def localised(template: TicketTemplate, language: str) -> TicketTemplate:
    """The ticket layout with each line of text in that language (its {fields} kept)."""
    lines = tuple(block.model_copy(update={"text": wording.translate(block.text, language) or block.text})
                  if isinstance(block, TextBlock) else block for block in template.lines)
    return template.model_copy(update={"lines": lines})


def ticket_fields(ticket: Ticket, config: KioskConfig) -> dict[str, str]:
    """The words on a printed ticket, Chinese first; the template decides where they go."""
    hall, language = config.hall, ticket_language(config)
    offline = is_offline_number(ticket.number)     # the kiosk's own series: the queue is not known here
    return {
        "hall_name": hall.name,
        "number": ticket.number,
        "kind_label": f"{wording.say(ticket.kind.label_zh, language)} {ticket.kind.label_en}",
        "item_name": ticket.item_name,
        "window_group_name": ticket.window_group_name,
        "people_ahead": "" if offline else str(ticket.people_ahead),
        "estimated_wait_min": "" if offline else str(ticket.estimated_wait_min),
        "offline_mark": wording.say("离线号 Offline number", language) if offline else "",
        "offline_note": wording.say("等候人数请留意叫号屏 Watch the screens", language) if offline else "",
        "issued_at": ticket.issued_at.strftime("%Y-%m-%d %H:%M"),
        "ticket_id": ticket.ticket_id,
        "reprint_mark": wording.say("补打 Reprint", language) if ticket.reprint else "",
        "priority_mark": wording.say("优先 Priority", language) if ticket.priority else "",
        "appointment_mark": appointment_mark(ticket, language),
        "evaluation_url": evaluation_url(ticket, config),
    }


def evaluation_url(ticket: Ticket, config: KioskConfig) -> str:
    """Where the ticket's 好差评 QR code leads ("" when the hall has not set an address)."""
    from urllib.parse import quote
    fields = {"hall_id": config.hall.id, "kiosk_id": config.kiosk.id, "ticket_id": ticket.ticket_id,
              "number": ticket.number, "item_code": ticket.item_code}
    return config.kiosk.evaluation.ticket_qr_url.format(**{k: quote(v, safe="") for k, v in fields.items()})


def appointment_mark(ticket: Ticket, language: str = wording.SOURCE) -> str:
    """"预约 Appointment 10:00-10:30" on a checked-in appointment's ticket, else ""."""
    if ticket.slot_start is None or ticket.slot_end is None:
        return ""
    return wording.say("预约 Appointment {slot}", language, slot=f"{ticket.slot_start:%H:%M}-{ticket.slot_end:%H:%M}")
