"""Issuing numbers: series per kind, no gaps after a failed print, no double tickets, caps, hours."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from kiosk.hall.model import Citizen, HallRefusal, RefusalReason, TicketKind, TicketRequest, TicketState
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.wording import say
from test_hall_fixtures import Clock, small_config

A, C, P = TicketKind.ACCEPT, TicketKind.CONSULT, TicketKind.PICKUP


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_hall(tmp_path, clock, open_hall):
    def make(**config_options) -> SqliteHall:
        return open_hall(small_config(tmp_path / "config", **config_options), tmp_path / "hall.sqlite", clock=clock)
    make.store = open_hall.store
    return make


@pytest.fixture
def hall(make_hall):
    return make_hall()


def request(item="SB01", kind=A, person=None, born=None, key=""):
    return TicketRequest(item, kind, Citizen(person_key=person, birth_date=born), idempotency_key=key)


def issue(hall, *args, **kwargs):
    return hall.confirm_ticket(hall.reserve_ticket(request(*args, **kwargs)).reservation_id)


def test_each_kind_has_its_own_series(hall):
    numbers = [issue(hall, kind=k).number for k in (A, C, A, P, C, A)]
    assert numbers == ["A001", "C001", "A002", "P001", "C002", "A003"]


def test_numbers_restart_every_day(hall, clock):
    assert issue(hall).number == "A001"
    clock.advance(days=1)
    assert issue(hall).number == "A001"


def test_thousandth_ticket_gets_four_digits(hall):
    numbers = [hall.reserve_ticket(request()).ticket.number for _ in range(1000)]
    assert numbers[998:] == ["A999", "A1000"]


def test_voided_number_is_reused_by_the_next_reservation(hall):
    first = hall.reserve_ticket(request())
    second = hall.reserve_ticket(request())
    hall.void_reservation(first.reservation_id, "paper out")
    again = hall.reserve_ticket(request())
    assert (first.ticket.number, second.ticket.number, again.ticket.number) == ("A001", "A002", "A001")
    assert again.ticket.ticket_id != first.ticket.ticket_id
    hall.confirm_ticket(second.reservation_id)
    hall.confirm_ticket(again.reservation_id)
    assert sorted(t.number for t in hall.tickets_today()) == ["A001", "A002"]
    assert hall.reserve_ticket(request()).ticket.number == "A003"


def test_void_is_journalled_with_its_reason(hall):
    reservation = hall.reserve_ticket(request())
    hall.void_reservation(reservation.reservation_id, "print failed: PaperOut")
    entries = hall.journal(reservation.ticket.ticket_id)
    assert [(e.action, e.number) for e in entries] == [("reserve", "A001"), ("void", "A001")]
    assert entries[1].reason == "print failed: PaperOut" and entries[1].actor == "kiosk-1"


def test_voided_reservation_cannot_be_confirmed(hall):
    reservation = hall.reserve_ticket(request())
    hall.void_reservation(reservation.reservation_id, "paper jam")
    hall.void_reservation(reservation.reservation_id, "paper jam")      # a retried void is harmless
    with pytest.raises(HallRefusal) as refused:
        hall.confirm_ticket(reservation.reservation_id)
    assert refused.value.reason is RefusalReason.RESERVATION_VOIDED
    assert hall.tickets_today() == []


def test_reservation_is_not_a_ticket_until_confirmed(hall):
    reservation = hall.reserve_ticket(request())
    assert hall.tickets_today() == []
    with pytest.raises(KeyError):
        hall.ticket(reservation.ticket.ticket_id)
    ticket = hall.confirm_ticket(reservation.reservation_id)
    assert hall.confirm_ticket(reservation.reservation_id) == ticket    # a retried confirm issues nothing new
    assert [t.number for t in hall.tickets_today()] == ["A001"]
    with pytest.raises(ValueError):
        hall.void_reservation(reservation.reservation_id, "too late")


def test_stale_reservation_is_voided_and_its_number_reused(hall, clock):
    crashed = hall.reserve_ticket(request())              # the kiosk died before printing
    clock.advance(minutes=1)
    assert hall.reserve_ticket(request()).ticket.number == "A002"    # not stale yet
    clock.advance(minutes=1, seconds=30)
    assert hall.reserve_ticket(request()).ticket.number == "A001"
    void = [e for e in hall.journal(crashed.ticket.ticket_id) if e.action == "void"]
    assert len(void) == 1 and void[0].reason.startswith("stale")
    with pytest.raises(HallRefusal):
        hall.confirm_ticket(crashed.reservation_id)


def test_a_number_whose_print_started_is_spoiled_never_given_back(hall):
    started = hall.reserve_ticket(request())
    hall.start_printing(started.reservation_id)            # bytes are on their way to the printer
    hall.void_reservation(started.reservation_id, "paper ran out mid-ticket")
    assert hall.reserve_ticket(request()).ticket.number == "A002"
    [spoiled] = hall.spoiled_today()
    assert (spoiled.number, spoiled.action, spoiled.reason) == ("A001", "spoil", "paper ran out mid-ticket")
    with pytest.raises(HallRefusal):
        hall.confirm_ticket(started.reservation_id)
    with pytest.raises(KeyError):
        hall.ticket(started.ticket.ticket_id)
    assert hall.tickets_today() == []                      # a spoiled number is nobody's ticket


def test_a_ticket_printed_whole_after_an_interruption_is_confirmed(hall):
    reservation = hall.reserve_ticket(request())
    hall.start_printing(reservation.reservation_id)
    hall.start_printing(reservation.reservation_id)        # the retry after the printer came back
    assert hall.confirm_ticket(reservation.reservation_id).number == "A001"
    assert hall.spoiled_today() == []


def test_stale_reservation_whose_print_started_is_spoiled_not_reused(hall, clock):
    crashed = hall.reserve_ticket(request())
    hall.start_printing(crashed.reservation_id)           # the kiosk lost power mid-print
    clock.advance(minutes=2, seconds=30)
    assert hall.reserve_ticket(request()).ticket.number == "A002"
    [spoiled] = hall.spoiled_today()
    assert spoiled.number == "A001" and spoiled.reason.startswith("stale")
    with pytest.raises(HallRefusal):                     # a kiosk coming back late must not print it
        hall.start_printing(crashed.reservation_id)


def test_a_spoiled_number_does_not_use_up_the_daily_cap(make_hall):
    hall = make_hall(cap=1)
    spoiled = hall.reserve_ticket(request(item="SB02"))
    hall.start_printing(spoiled.reservation_id)
    hall.spoil_reservation(spoiled.reservation_id, "cover opened")
    assert issue(hall, item="SB02").number == "A002"       # the citizen still gets today's last place


def test_a_spoiled_reprint_leaves_the_ticket_valid(hall):
    ticket = issue(hall, person="p1")
    again = hall.reserve_ticket(request(person="p1"))
    assert again.ticket.reprint
    hall.start_printing(again.reservation_id)
    hall.spoil_reservation(again.reservation_id, "paper out")
    assert [t.number for t in hall.tickets_today()] == [ticket.number]


def test_same_idempotency_key_returns_the_same_reservation(hall):
    first = hall.reserve_ticket(request(key="tap-1"))
    retried = hall.reserve_ticket(request(key="tap-1"))
    assert retried == first
    assert hall.reserve_ticket(request(key="tap-2")).ticket.number == "A002"
    hall.confirm_ticket(first.reservation_id)
    after_confirm = hall.reserve_ticket(request(key="tap-1"))
    assert after_confirm.reservation_id == first.reservation_id and after_confirm.ticket.number == "A001"


def test_second_swipe_for_the_same_item_reprints_the_open_ticket(hall):
    first = issue(hall, person="p-1")
    again = hall.reserve_ticket(request(kind=C, person="p-1"))       # another kind, same item
    assert again.ticket.reprint and again.ticket.ticket_id == first.ticket_id and again.ticket.number == "A001"
    confirmed = hall.confirm_ticket(again.reservation_id)
    assert confirmed.reprint and confirmed.ticket_id == first.ticket_id
    assert [t.number for t in hall.tickets_today()] == ["A001"]
    assert issue(hall, kind=C).number == "C001"                       # no consult number was used up
    assert issue(hall, item="QY01", person="p-1").number == "A002"     # another item: a new ticket


def test_reprint_only_while_the_ticket_is_open(hall):
    first = issue(hall, person="p-1")
    called = hall.call_next("W01")
    assert called.ticket_id == first.ticket_id
    assert hall.reserve_ticket(request(person="p-1")).ticket.reprint     # called: still open
    hall.complete(first.ticket_id)
    fresh = hall.reserve_ticket(request(person="p-1"))
    assert not fresh.ticket.reprint and fresh.ticket.number == "A002"


def test_daily_cap_counts_applications_and_pending_reservations(make_hall, clock):
    hall = make_hall(cap=3)
    issue(hall, item="SB02")
    pending = hall.reserve_ticket(request(item="SB02"))
    voided = hall.reserve_ticket(request(item="SB02"))
    hall.void_reservation(voided.reservation_id, "paper out")           # a voided one does not count
    issue(hall, item="SB02")
    with pytest.raises(HallRefusal) as refused:
        hall.reserve_ticket(request(item="SB02"))
    assert refused.value.reason is RefusalReason.DAILY_CAP
    assert "取完" in say(refused.value.message, "zh_CN") and "tomorrow" in say(refused.value.message, "en")
    hall.void_reservation(pending.reservation_id, "paper out")
    assert hall.reserve_ticket(request(item="SB02")).ticket.number == "A002"
    clock.advance(days=1)
    assert hall.reserve_ticket(request(item="SB02")).ticket.number == "A001"


def test_cap_applies_to_applications_only(make_hall):
    hall = make_hall(cap=1)
    issue(hall, item="SB02")
    with pytest.raises(HallRefusal):
        issue(hall, item="SB02")
    assert issue(hall, item="SB01").number == "A002"     # another item is not capped


def test_closed_hall_refuses_with_todays_hours(hall, clock):
    clock.now = datetime(2026, 11, 23, 8, 15)
    with pytest.raises(HallRefusal) as refused:
        hall.reserve_ticket(request())
    assert refused.value.reason is RefusalReason.CLOSED
    assert say(refused.value.message, "zh_CN") == "大厅现在不在办理时间，今天的办理时间是 09:00–17:30。"
    clock.now = datetime(2026, 11, 23, 9, 0)
    assert issue(hall).number == "A001"


def test_holiday_refuses_even_on_a_weekday(make_hall, clock):
    hall = make_hall(holidays=["2026-11-23"])
    with pytest.raises(HallRefusal) as refused:
        hall.reserve_ticket(request())
    assert refused.value.reason is RefusalReason.CLOSED and "节假日" in say(refused.value.message, "zh_CN")
    assert "public holiday" in say(refused.value.message, "en")


@pytest.mark.parametrize("item, kind, reason", [
    ("NOPE", A, RefusalReason.UNKNOWN_ITEM),
    ("SB02", C, RefusalReason.KIND_NOT_OFFERED),      # 失业登记 is accept only
    ("SW01", A, RefusalReason.NO_WINDOW),             # the tax group has no window today
])
def test_refusals_name_a_reason_a_citizen_understands(hall, item, kind, reason):
    with pytest.raises(HallRefusal) as refused:
        hall.reserve_ticket(request(item=item, kind=kind))
    assert refused.value.reason is reason and say(refused.value.message, "zh_CN") and say(refused.value.message, "en")
    assert hall.reserve_ticket(request()).ticket.number == "A001"    # nothing was used up


def test_database_keeps_the_person_key_and_nothing_else_about_the_citizen(hall, tmp_path, open_hall):
    key = "9f2c" * 8
    issue(hall, person=key, born=date(1950, 3, 14))
    hall.close()
    raw = open_hall.stored(tmp_path / "hall.sqlite")
    assert key.encode() in raw
    assert b"1950-03-14" not in raw and b"1950" not in raw


def test_tickets_survive_a_restart(make_hall, tmp_path, clock):
    hall = make_hall()
    first = issue(hall, item="GA01")                 # 公安: one group, one window
    pending = hall.reserve_ticket(request(item="GA01"))
    hall.close()
    reopened = make_hall()
    assert reopened.ticket(first.ticket_id).state is TicketState.WAITING
    confirmed = reopened.confirm_ticket(pending.reservation_id)
    assert (confirmed.number, confirmed.people_ahead, confirmed.estimated_wait_min) == ("A002", 1, 12)
    assert issue(reopened, item="GA01").people_ahead == 2
    if make_hall.store == "sqlite":
        with sqlite3.connect(tmp_path / "hall.sqlite") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
