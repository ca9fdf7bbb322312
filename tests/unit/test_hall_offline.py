"""The hall taking in what a kiosk printed while it could not reach it (on both stores): placed in
the queue by the time it was printed, the same replay giving the same ticket, what the kiosk
could not check journalled for staff (never dropped), and a ticket printed whole during an
outage confirmed late even after the stale sweep spoiled its reservation."""
from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.hall.model import Citizen, OfflineTicket, TicketKind, TicketRequest, TicketState
from kiosk.hall.offline_tickets import conflict_zh
from test_hall_fixtures import Clock, small_config

A = TicketKind.ACCEPT


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hall(tmp_path, clock, open_hall):
    return open_hall(small_config(tmp_path / "config"), tmp_path / "hall.sqlite", clock=clock)


def issue(hall, item="GA01", person=None):
    reservation = hall.reserve_ticket(TicketRequest(item, A, Citizen(person), "kiosk-1", ""))
    return hall.confirm_ticket(reservation.reservation_id)


def offline(seq: int, at, item="GA01", person=None, key=None, group="police") -> OfflineTicket:
    return OfflineTicket(key or f"off-{seq}", f"A-07-{seq:03d}", "A-07", seq, A, item, at, Citizen(person),
                         window_group=group)


def test_an_offline_ticket_joins_the_queue_by_the_time_it_was_printed(hall, clock):
    before = issue(hall)                                  # 10:00
    printed_at = clock.now + timedelta(minutes=1)         # the kiosk, cut off at 10:01, printed A-07-001
    clock.advance(minutes=5)
    after = issue(hall)                                   # 10:05, issued online by another kiosk
    clock.advance(minutes=10)                             # 10:15: the kiosk is back and replays
    taken = hall.accept_offline("kiosk-7", offline(1, printed_at))
    assert (taken.number, taken.state) == ("A-07-001", TicketState.WAITING)
    assert [t.number for t in hall.tickets_today()] == ["A001", "A-07-001", "A002"]
    assert [hall.call_next("W04").number for _ in range(3)] == ["A001", "A-07-001", "A002"]
    assert before.number == "A001" and after.number == "A002"


def test_replaying_the_same_ticket_gives_the_same_one_and_a_clash_is_refused(hall, clock):
    first = hall.accept_offline("kiosk-7", offline(1, clock.now))
    again = hall.accept_offline("kiosk-7", offline(1, clock.now))
    assert again.ticket_id == first.ticket_id and len(hall.tickets_today()) == 1
    with pytest.raises(ValueError):                       # the same number under another key
        hall.accept_offline("kiosk-7", offline(1, clock.now, key="another-key"))


def test_what_the_kiosk_could_not_check_is_shown_to_staff_not_dropped(hall, clock, tmp_path, open_hall):
    capped = open_hall(small_config(tmp_path / "capped", cap=1), tmp_path / "capped.sqlite", clock=clock)
    issue(capped, item="SB02", person="p-1")              # online: the day's only SB02, for p-1
    taken = capped.accept_offline("kiosk-7", offline(1, clock.now, item="SB02", person="p-1", group="social"))
    assert taken.state == TicketState.WAITING             # the citizen holds the slip: never refused
    reasons = [c.reason for c in capped.conflicts_today()]
    assert any("already held an open ticket" in r for r in reasons)
    assert any("daily cap" in r for r in reasons)
    assert all(conflict_zh(r) for r in reasons), "every conflict has its words for the staff"


def test_a_ticket_printed_whole_during_an_outage_is_confirmed_late(hall, clock):
    reservation = hall.reserve_ticket(TicketRequest("GA01", A, Citizen(), "kiosk-1", "k-late"))
    hall.start_printing(reservation.reservation_id)       # then the server was cut off mid-print
    clock.advance(minutes=3)
    issue(hall)                                           # the sweep spoils the silent reservation
    assert [e.number for e in hall.spoiled_today()] == ["A001"]
    late = hall.confirm_ticket(reservation.reservation_id)    # the kiosk is back: it did print it whole
    assert (late.number, late.state, late.people_ahead) == ("A001", TicketState.WAITING, 0)
    assert hall.call_next("W04").number == "A001", "it keeps the place it was given"


def test_the_ticket_waits_at_the_group_its_slip_names(hall, clock):
    social = hall.accept_offline("kiosk-7", offline(1, clock.now, item="SB01", group="social"))
    general = hall.accept_offline("kiosk-7", offline(2, clock.now, item="SB01", group="general"))
    assert (social.window_group, general.window_group) == ("social", "general")
    wrong = hall.accept_offline("kiosk-7", offline(3, clock.now, item="SB01", group="police"))
    assert wrong.window_group in ("social", "general")
    assert any("does not serve the item" in c.reason for c in hall.conflicts_today())
    assert all(conflict_zh(c.reason) for c in hall.conflicts_today())
