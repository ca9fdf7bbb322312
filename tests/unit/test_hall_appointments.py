"""Appointments in the hall: book, find by QR token or card, check in, print or void, and the queue.

The small hall of test_hall_fixtures: 公安 GA01 is served by `police` (one window, W04), so the
calling order there is easy to follow; 人社 SB01 by `social` (W01-W02) and `general` (W03).
Check-in opens 30 min before the slot and closes 15 min after its start (the defaults).
"""
from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest

from kiosk.config import AppointmentKey, AppointmentRules
from kiosk.hall.model import (AppointmentRequest, AppointmentStatus, Citizen, HallRefusal, RefusalReason,
                              TicketKind, TicketRequest, TicketState)
from kiosk.hall.tokens import Signer, TokenRefusal, TokenRefusalReason
from kiosk.wording import say
from test_hall_fixtures import Clock, born_years_ago, small_config

SECRET = "v4zJPeDK4KuerQfz4wfeaSR4TtlsZKu81qcNre2wa3s"
SIGNER = Signer("hk1", "hmac-sha256", base64.urlsafe_b64decode(SECRET + "="))
DAY = datetime(2026, 11, 23)            # a Monday
ZHANG, WANG = "a" * 32, "b" * 32        # person keys (hashes): the hall never sees an ID number


def at(hhmm: str, day: datetime = DAY) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return day.replace(hour=h, minute=m)


@pytest.fixture
def clock():
    return Clock(at("09:40"))


@pytest.fixture
def config(tmp_path):
    config = small_config(tmp_path / "config")
    rules = AppointmentRules(keys=[AppointmentKey(id="hk1", algorithm="hmac-sha256", key=SECRET)])
    return config.model_copy(update={"appointments": rules})


@pytest.fixture
def hall(config, tmp_path, clock, open_hall):
    return open_hall(config, tmp_path / "hall.sqlite", clock=clock)


def book(hall, start="10:00", person=ZHANG, item="GA01", minutes=30, key=""):
    start = at(start) if isinstance(start, str) else start
    return hall.book_appointment(AppointmentRequest(person, item, start, start + timedelta(minutes=minutes)), key)


def token(hall, appointment) -> bytes:
    return SIGNER.token_for(appointment, hall.clock()).encode()


def check_in(hall, appointment, key="", nonce=None, citizen=None):
    reservation = hall.check_in(appointment.appointment_id, "kiosk-1", key, token_nonce=nonce, citizen=citizen)
    return reservation, hall.confirm_ticket(reservation.reservation_id)


def walk_in(hall, item="GA01", born=None, person=None):
    request = TicketRequest(item, TicketKind.ACCEPT, Citizen(person_key=person, birth_date=born))
    return hall.confirm_ticket(hall.reserve_ticket(request).reservation_id)


def refused(call, *args, **kwargs) -> HallRefusal:
    with pytest.raises(HallRefusal) as caught:
        call(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------- booking and finding
def test_booking_returns_the_appointment_with_its_check_in_window(hall):
    appointment = book(hall)
    assert (appointment.status, appointment.item_name, appointment.kind) == (
        AppointmentStatus.BOOKED, "居住证办理", TicketKind.ACCEPT)
    assert (appointment.check_in_opens, appointment.check_in_closes) == (at("09:30"), at("10:15"))
    assert len(appointment.appointment_id) == 10 and appointment.hall_id == "test-hall"


def test_same_booking_key_books_once(hall):
    assert book(hall, key="wx-1").appointment_id == book(hall, key="wx-1").appointment_id
    assert len(hall.appointments_for(ZHANG)) == 1


def test_booking_checks_item_kind_and_slot(hall):
    assert refused(book, hall, item="NOPE").reason is RefusalReason.UNKNOWN_ITEM
    request = AppointmentRequest(ZHANG, "GA01", at("10:00"), at("10:30"), kind=TicketKind.CONSULT)
    assert refused(hall.book_appointment, request).reason is RefusalReason.KIND_NOT_OFFERED
    with pytest.raises(ValueError, match="before it starts"):
        book(hall, minutes=0)


def test_card_check_in_lists_todays_appointments_by_slot(hall, clock):
    later, sooner = book(hall, "11:00"), book(hall, "10:00")
    book(hall, at("10:00", DAY + timedelta(days=1)))                # tomorrow: not listed today
    cancelled = book(hall, "10:30")
    hall.cancel_appointment(cancelled.appointment_id, "citizen cancelled in WeChat")
    book(hall, "10:00", person=WANG)
    assert [a.appointment_id for a in hall.appointments_for(ZHANG)] == [sooner.appointment_id, later.appointment_id]
    clock.now = at("10:16")
    assert [a.status for a in hall.appointments_for(ZHANG)] == [AppointmentStatus.LAPSED, AppointmentStatus.BOOKED]


def test_token_finds_the_appointment_and_carries_its_nonce(hall):
    appointment = book(hall)
    found = hall.appointment_for_token(token(hall, appointment))
    assert found.appointment_id == appointment.appointment_id and len(found.token_nonce) == 16


def test_token_of_an_appointment_the_hall_does_not_have(hall):
    stranger = SIGNER.issue("UNKNOWN123", "test-hall", at("09:00"), at("23:00")).encode()
    assert refused(hall.appointment_for_token, stranger).reason is RefusalReason.APPOINTMENT_NOT_FOUND


def test_token_for_another_hall_or_not_ours(hall):
    other = SIGNER.issue("X1", "other-hall", at("09:00"), at("23:00")).encode()
    for raw, reason in [(other, TokenRefusalReason.OTHER_HALL), (b"134567890123456789", TokenRefusalReason.NOT_OURS)]:
        with pytest.raises(TokenRefusal) as caught:
            hall.appointment_for_token(raw)
        assert caught.value.reason is reason


# ---------------------------------------------------------------- checking in
def test_check_in_prints_an_appointment_ticket_and_spends_the_token(hall):
    appointment = book(hall)
    raw = token(hall, appointment)
    found = hall.appointment_for_token(raw)
    reservation, ticket = check_in(hall, found, nonce=found.token_nonce)
    assert (ticket.appointment_id, ticket.slot_start, ticket.slot_end) == (appointment.appointment_id, at("10:00"),
                                                                           at("10:30"))
    assert ticket.is_appointment and ticket.number == "A001" and ticket.state is TicketState.WAITING
    after = hall.appointment(appointment.appointment_id)
    assert (after.status, after.ticket_id, after.ticket_number) == (AppointmentStatus.CHECKED_IN, ticket.ticket_id, "A001")
    with pytest.raises(TokenRefusal) as caught:
        hall.appointment_for_token(raw)
    assert caught.value.reason is TokenRefusalReason.REPLAYED
    with pytest.raises(TokenRefusal):
        hall.check_in(appointment.appointment_id, "kiosk-2", "other-tap", token_nonce=found.token_nonce)


def test_a_second_token_or_a_card_cannot_check_in_twice_and_is_told_the_number(hall):
    appointment = book(hall)
    check_in(hall, hall.appointment_for_token(token(hall, appointment)))
    fresh = hall.appointment_for_token(token(hall, appointment))       # a new token: new nonce
    assert fresh.status is AppointmentStatus.CHECKED_IN
    refusal = refused(hall.check_in, appointment.appointment_id, "kiosk-1", "tap-2", token_nonce=fresh.token_nonce)
    assert refusal.reason is RefusalReason.APPOINTMENT_CHECKED_IN
    assert "A001" in say(refusal.message, "zh_CN") and "A001" in say(refusal.message, "en")


def test_failed_print_gives_the_appointment_back_and_the_same_token_works_again(hall):
    appointment = book(hall)
    raw = token(hall, appointment)
    found = hall.appointment_for_token(raw)
    reservation = hall.check_in(appointment.appointment_id, "kiosk-1", "tap-1", token_nonce=found.token_nonce)
    hall.void_reservation(reservation.reservation_id, "paper out")
    assert hall.appointment(appointment.appointment_id).ticket_id is None
    again = hall.appointment_for_token(raw)
    reservation, ticket = check_in(hall, again, key="tap-2", nonce=again.token_nonce)
    assert ticket.number == "A001"          # the number was given back, no gap
    assert hall.appointment(appointment.appointment_id).status is AppointmentStatus.CHECKED_IN


def test_a_kiosk_that_died_mid_print_frees_the_appointment(hall, clock):
    appointment = book(hall)
    found = hall.appointment_for_token(token(hall, appointment))
    hall.check_in(appointment.appointment_id, "kiosk-1", "tap-1", token_nonce=found.token_nonce)
    refusal = refused(hall.check_in, appointment.appointment_id, "kiosk-2", "tap-9")
    assert refusal.reason is RefusalReason.APPOINTMENT_CHECKED_IN and "正在打印" in say(refusal.message, "zh_CN")
    clock.advance(minutes=3)                # past the reservation timeout: voided by the next write
    _, ticket = check_in(hall, found, key="tap-2", nonce=found.token_nonce)
    assert ticket.appointment_id == appointment.appointment_id


def test_same_idempotency_key_returns_the_same_reservation(hall):
    appointment = book(hall)
    first = hall.check_in(appointment.appointment_id, "kiosk-1", "tap-1")
    second = hall.check_in(appointment.appointment_id, "kiosk-1", "tap-1")
    assert first.reservation_id == second.reservation_id and first.ticket.number == second.ticket.number


def test_too_early_says_when_check_in_opens(hall, clock):
    appointment = book(hall, "11:00")
    refusal = refused(hall.check_in, appointment.appointment_id, "kiosk-1", "")
    assert refusal.reason is RefusalReason.APPOINTMENT_TOO_EARLY
    assert "10:30 开始签到" in say(refusal.message, "zh_CN") and "opens at 10:30" in say(refusal.message, "en")
    clock.now = at("10:30")                 # the very minute it opens
    assert check_in(hall, appointment)[1].is_appointment


def test_too_early_for_tomorrows_appointment_names_the_day(hall):
    appointment = book(hall, at("10:00", DAY + timedelta(days=1)))
    refusal = refused(hall.check_in, appointment.appointment_id, "kiosk-1", "")
    assert "11月24日 09:30 开始签到" in say(refusal.message, "zh_CN")
    assert "is at 24 Nov 10:00–10:30 and check-in opens at 24 Nov 09:30" in say(refusal.message, "en")


def test_late_check_in_lapses_and_offers_a_walk_in_ticket(hall, clock):
    appointment = book(hall, "10:00")
    clock.now = at("10:15")                 # the last moment
    assert check_in(hall, appointment)[1].is_appointment
    late = book(hall, "10:00", person=WANG)
    clock.now = at("10:15") + timedelta(seconds=1)
    refusal = refused(hall.check_in, late.appointment_id, "kiosk-1", "")
    assert refusal.reason is RefusalReason.APPOINTMENT_LAPSED
    assert "最晚 10:15 签到" in say(refusal.message, "zh_CN") and "现场号" in say(refusal.message, "zh_CN")
    assert "walk-in ticket" in say(refusal.message, "en") and "closed at 10:15" in say(refusal.message, "en")
    assert hall.appointment(late.appointment_id).status is AppointmentStatus.LAPSED      # written down
    assert [e.action for e in hall.journal()][-1] == "lapse"
    assert walk_in(hall, person=WANG).appointment_id is None        # and a walk-in ticket works


def test_cancelled_appointment(hall):
    appointment = book(hall)
    hall.cancel_appointment(appointment.appointment_id)
    assert refused(hall.check_in, appointment.appointment_id, "kiosk-1", "").reason is RefusalReason.APPOINTMENT_CANCELLED


def test_appointments_do_not_use_up_the_walk_in_daily_cap(hall):
    for i in range(3):                      # SB02 has a daily cap of 3
        check_in(hall, book(hall, "10:00", person=f"{i}" * 32, item="SB02"))
    assert walk_in(hall, item="SB02").number == "A004"


def test_seventy_plus_by_the_same_persons_card_only(hall):
    elder = Citizen(person_key=ZHANG, birth_date=born_years_ago(77))
    assert check_in(hall, book(hall), citizen=elder)[1].priority
    someone_else = Citizen(person_key="c" * 32, birth_date=born_years_ago(77))
    assert not check_in(hall, book(hall, person=WANG), citizen=someone_else)[1].priority


def test_check_ins_are_journalled_without_personal_data(hall):
    appointment = book(hall)
    found = hall.appointment_for_token(token(hall, appointment))
    check_in(hall, found, nonce=found.token_nonce)
    entries = hall.journal()
    assert [e.action for e in entries] == ["book", "reserve", "confirm", "check_in"]
    assert all(appointment.appointment_id in e.reason for e in entries if e.action != "confirm")
    assert "token" in entries[1].reason and "slot 2026-11-23 10:00–10:30" in entries[1].reason
    assert not any(ZHANG in (e.reason + str(e.actor)) for e in entries)


# ---------------------------------------------------------------- the queue
def test_in_its_slot_an_appointment_is_called_before_walk_ins_and_seventy_year_olds(hall, clock):
    first, second = walk_in(hall), walk_in(hall)
    appointment_ticket = check_in(hall, book(hall, "10:00"))[1]     # at 09:40: before its slot
    elder = walk_in(hall, born=born_years_ago(80))
    assert hall.call_next("W04").number == elder.number             # 09:40: the slot has not begun
    assert hall.call_next("W04").number == first.number             # ...so it queues like a walk-in
    clock.now = at("10:00")
    assert hall.call_next("W04").number == appointment_ticket.number
    assert hall.call_next("W04").number == second.number


def test_after_its_slot_an_appointment_queues_by_its_place(hall, clock):
    clock.now = at("10:10")
    early = walk_in(hall)
    appointment_ticket = check_in(hall, book(hall, "10:00", minutes=30))[1]
    later = walk_in(hall)
    elder = walk_in(hall, born=born_years_ago(75))
    clock.now = at("10:30")                 # the slot is over
    assert [hall.call_next("W04").number for _ in range(4)] == [
        elder.number, early.number, appointment_ticket.number, later.number]


def test_two_appointments_in_slot_go_seventy_plus_then_check_in_order(hall, clock):
    clock.now = at("10:05")
    walk_in(hall)
    a = check_in(hall, book(hall, "10:00", person=WANG))[1]
    b = check_in(hall, book(hall, "10:00"), citizen=Citizen(person_key=ZHANG, birth_date=born_years_ago(72)))[1]
    assert [hall.call_next("W04").number for _ in range(2)] == [b.number, a.number]


def test_an_idle_window_of_another_group_takes_an_in_slot_appointment_first(hall, clock):
    clock.now = at("10:05")
    # Routing by shortest wait: social (2 windows), general (1 window), social, then a tie → social.
    s1, g1, s2 = walk_in(hall, item="SB01"), walk_in(hall, item="SB01"), walk_in(hall, item="SB01")
    appointment_ticket = check_in(hall, book(hall, "10:00", item="SB01"))[1]
    groups = [t.window_group for t in (s1, g1, s2, appointment_ticket)]
    assert groups == ["social", "general", "social", "social"]
    assert hall.call_next("W03").number == g1.number                # its own queue first
    called = hall.call_next("W03")                                  # then helps `social`
    assert called.number == appointment_ticket.number and called.window_group == "general"


def test_people_ahead_counts_an_appointment_that_will_step_in_front(hall, clock):
    """One window, 12 minutes a ticket: the printed figures come true when it works at that pace."""
    clock.now = at("09:50")
    w1 = walk_in(hall)
    appointment_ticket = check_in(hall, book(hall, "10:00"))[1]
    w2, w3 = walk_in(hall), walk_in(hall)
    printed = {t.number: (t.people_ahead, t.estimated_wait_min) for t in (w1, appointment_ticket, w2, w3)}
    assert printed == {w1.number: (0, 0), appointment_ticket.number: (1, 12), w2.number: (2, 24), w3.number: (3, 36)}
    assert {t.number: (t.people_ahead, t.estimated_wait_min) for t in hall.tickets_today()} == printed
    called = []
    for _ in range(4):
        called.append(hall.call_next("W04").number)
        clock.advance(minutes=12)
    assert called == [w1.number, appointment_ticket.number, w2.number, w3.number]


def test_without_appointments_people_ahead_is_unchanged(hall):
    tickets = [walk_in(hall) for _ in range(3)]
    assert [(t.people_ahead, t.estimated_wait_min) for t in tickets] == [(0, 0), (1, 12), (2, 24)]
