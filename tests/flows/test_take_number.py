"""Take a number end to end: embedded hall + real printer driver + printer simulator on a pty."""
from datetime import date

import pytest

from drivers.printer.errors import PrinterError
from kiosk.hall.model import HallRefusal, RefusalReason, TicketKind
from kiosk.session import Identity
from kiosk.wording import say


def test_citizen_gets_a_printed_ticket_the_hall_knows(kiosk):
    ticket = kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    assert ticket.number.startswith("A")
    printed = kiosk.simulators.printer.wait_for_tickets(1)[0]
    assert ticket.number in "\n".join(printed.text_lines)
    # The ticket's own QR, then the one to rate the service from a phone (kiosk.evaluation.ticket_qr_url).
    assert printed.qr_payloads == [ticket.ticket_id, f"https://hcp.example.gov.cn/rate?hall=dg-ssl&ticket={ticket.ticket_id}"]
    assert printed.png_path.exists()
    assert [t.number for t in kiosk.hall.tickets_today()] == [ticket.number]


def test_three_kinds_have_their_own_series(kiosk):
    numbers = [kiosk.take_number("SM001", kind).result(timeout=10).number
               for kind in (TicketKind.ACCEPT, TicketKind.CONSULT, TicketKind.PICKUP, TicketKind.ACCEPT)]
    assert [n[0] for n in numbers] == ["A", "C", "P", "A"]
    assert numbers[0] != numbers[3]


def test_paper_out_refuses_then_recovers_without_a_gap(kiosk, wait_until):
    printer = kiosk.simulators.printer
    printer.set_state("paper_out")
    assert wait_until(lambda: not kiosk.ticket_service().available), "home screen never heard of the paper"
    assert "纸" in say(kiosk.ticket_service().reason, "zh_CN")
    with pytest.raises(PrinterError) as failure:
        kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    assert "纸" in say(failure.value.message, "zh_CN") and "Traceback" not in say(failure.value.message, "zh_CN")
    assert kiosk.hall.tickets_today() == []            # no ghost ticket
    printer.set_state("ok")
    assert wait_until(lambda: kiosk.ticket_service().available, timeout=5), "did not re-enable within 5 s"
    ticket = kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    assert ticket.number == "A001"                     # the voided number was given back


def test_swiped_citizen_gets_reprint_not_a_second_number(kiosk):
    kiosk.session.identity = Identity("张三明", "440106195001011234", date(1950, 1, 1), "id_card")
    first = kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    again = kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    assert again.number == first.number and again.reprint
    assert any("补打" in line for line in kiosk.simulators.printer.wait_for_tickets(2)[1].text_lines)
    assert first.priority                               # born 1950: over 70


def test_unknown_item_is_refused_in_plain_words(kiosk):
    with pytest.raises(HallRefusal) as refusal:
        kiosk.take_number("NOPE", TicketKind.ACCEPT).result(timeout=10)
    assert refusal.value.reason == RefusalReason.UNKNOWN_ITEM
    assert "咨询台" in say(refusal.value.message, "zh_CN")


def test_end_session_wipes_identity(kiosk):
    kiosk.session.identity = Identity("张三明", "440106195001011234", date(1950, 1, 1), "id_card")
    kiosk.end_session()
    assert kiosk.session.identity is None
