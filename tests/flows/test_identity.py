"""A citizen swipes a card: the session knows them, dedupe and 70+ priority follow, nothing stays."""

import pytest

from kiosk.events import CardRemoved, Identified
from kiosk.hall.model import TicketKind


@pytest.fixture
def events(kiosk):
    seen = []
    kiosk.add_listener(seen.append)
    return seen


def test_id_card_on_the_reader_identifies_the_citizen_masked(kiosk, events, wait_until):
    kiosk.simulators.place_id_card("elder_zhang")
    assert wait_until(lambda: kiosk.identity() is not None), "the ID card was never read"
    shown = kiosk.identity()
    assert shown["name"] == "张*国" and shown["id_number"] == "4419**********1236"
    assert shown["priority"] is True and shown["source"] == "id_card"
    assert Identified(shown) in events


def test_elder_with_id_card_gets_priority_and_a_reprint_not_a_second_number(kiosk, wait_until):
    kiosk.simulators.place_id_card("elder_zhang")
    assert wait_until(lambda: kiosk.identity() is not None)
    first = kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    again = kiosk.take_number("SM001", TicketKind.ACCEPT).result(timeout=10)
    assert first.priority and again.reprint and again.number == first.number


def test_younger_citizen_is_not_prioritised(kiosk, wait_until):
    kiosk.simulators.place_id_card("young_wang")
    assert wait_until(lambda: kiosk.identity() is not None)
    assert kiosk.identity()["priority"] is False
    assert not kiosk.take_number("SM001", TicketKind.CONSULT).result(timeout=10).priority


def test_session_end_wipes_the_identity(kiosk, wait_until):
    kiosk.simulators.place_id_card("young_wang")
    assert wait_until(lambda: kiosk.identity() is not None)
    kiosk.end_session()
    assert kiosk.identity() is None and kiosk.session.identity is None


def test_next_citizen_replaces_the_last_one(kiosk, wait_until):
    kiosk.simulators.place_id_card("young_wang")
    assert wait_until(lambda: kiosk.identity() is not None)
    kiosk.simulators.take_id_card()
    kiosk.simulators.place_id_card("elder_chen")
    assert wait_until(lambda: (kiosk.identity() or {}).get("name") == "陈*芬")


def test_anonymous_citizen_still_gets_a_number(kiosk):
    ticket = kiosk.take_number("SM001", TicketKind.CONSULT).result(timeout=10)
    assert ticket.number.startswith("C") and not ticket.priority


def test_reader_shows_up_healthy_with_its_sam_id(kiosk, wait_until):
    assert wait_until(lambda: any(h.role == "id_card_reader" and h.state == "ok" for h in kiosk.health()))
    reader = next(h for h in kiosk.health() if h.role == "id_card_reader")
    assert reader.details["sam_id"]


def test_technician_test_read_shows_only_masked_data(kiosk):
    reading = kiosk.test_read("id_card_reader")          # "请放卡": the technician lays a card down
    kiosk.simulators.place_id_card("young_wang")
    summary = reading.result(timeout=15)
    assert summary["name"] == "王*" and summary["id_number"].startswith("4401**********")
    assert "王䶮" not in str(summary) and "440106197803154829" not in str(summary)
    assert summary["frames"] == 3


def test_social_security_card_through_pcscd_identifies_and_pulling_it_ends_the_session(
        kiosk, wait_until):
    assert wait_until(lambda: any(h.role == "ssc_reader" and h.state == "ok" for h in kiosk.health())), \
        f"the PC/SC reader never came up: {[h for h in kiosk.health() if h.role == 'ssc_reader']}"
    kiosk.simulators.insert_ssc("young_wang")
    assert wait_until(lambda: kiosk.identity() is not None), "the social-security card was never read"
    shown = kiosk.identity()
    assert shown["source"] == "social_security_card" and shown["name"] == "王*"
    kiosk.simulators.pull_ssc()
    assert wait_until(lambda: kiosk.identity() is None), "pulling the card out did not end the session"


def test_card_pulled_while_the_ticket_prints_still_gives_the_ticket(kiosk, wait_until):
    assert wait_until(lambda: any(h.role == "ssc_reader" and h.state == "ok" for h in kiosk.health()))
    kiosk.simulators.insert_ssc("elder_zhang")
    assert wait_until(lambda: kiosk.identity() is not None)
    kiosk.simulators.printer.set_state("ok")
    flow = kiosk.take_number("SM001", TicketKind.ACCEPT)
    kiosk.on_card_removed(CardRemoved("ssc_reader"))    # what the reader reports the moment the card leaves
    ticket = flow.result(timeout=10)
    assert ticket.priority and ticket.number.startswith("A")
    assert kiosk.identity() is None
