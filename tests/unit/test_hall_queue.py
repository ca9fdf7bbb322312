"""The queue as windows and citizens see it: routing, priority for 70+, calling, converting."""
from __future__ import annotations

import pytest

from kiosk.config import ConfigError
from kiosk.hall.model import Citizen, HallRefusal, RefusalReason, TicketKind, TicketRequest, TicketState
from test_hall_fixtures import Clock, born_years_ago, small_config

A, C, P = TicketKind.ACCEPT, TicketKind.CONSULT, TicketKind.PICKUP
ELDER, ADULT = born_years_ago(70), born_years_ago(69)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def hall(tmp_path, clock, open_hall):
    return open_hall(small_config(tmp_path / "config"), tmp_path / "hall.sqlite", clock=clock)


def issue(hall, item="GA01", kind=A, born=None):
    request = TicketRequest(item, kind, Citizen(birth_date=born))
    return hall.confirm_ticket(hall.reserve_ticket(request).reservation_id)


def ahead(hall, *tickets):
    return [hall.ticket(t.ticket_id).people_ahead for t in tickets]


def test_people_ahead_and_wait_grow_with_the_queue(hall):
    # 公安 (GA01) has one group with one window: every ticket queues behind the previous ones.
    first, second, third = issue(hall), issue(hall, kind=P), issue(hall)
    assert [(t.people_ahead, t.estimated_wait_min) for t in (first, second, third)] == [(0, 0), (1, 12), (2, 15)]


def test_routing_sends_the_next_citizen_to_the_shorter_wait(hall):
    # 人社 (SB01) is served by `social` (2 windows) and `general` (1 window), both empty.
    groups = [issue(hall, item="SB01").window_group for _ in range(4)]
    # social first (tie, listed first) → 12/2=6 vs 0 → general → 6 vs 12 → social → 12 vs 12 → social
    assert groups == ["social", "general", "social", "social"]
    fifth = issue(hall, item="SB01")
    assert (fifth.window_group, fifth.people_ahead, fifth.estimated_wait_min) == ("general", 1, 12)
    assert fifth.window_group_name == "综合受理窗口 (3号窗口)"


def test_group_loads_follow_the_queue(hall):
    issue(hall, item="SB01")
    issue(hall, item="SB01", kind=C)
    loads = {load.group_id: load for load in hall.group_loads()}
    assert (loads["social"].waiting, loads["social"].open_windows, loads["social"].estimated_wait_min) == (1, 2, 6)
    assert (loads["general"].waiting, loads["general"].estimated_wait_min) == (1, 5)
    assert (loads["tax"].open_windows, loads["tax"].waiting) == (0, 0)
    hall.call_next("W03")
    assert {l.group_id: l.waiting for l in hall.group_loads()}["general"] == 0


def test_seventy_year_olds_go_first_and_people_ahead_says_so(hall):
    walk_in_1, walk_in_2 = issue(hall, born=ADULT), issue(hall)
    elder_1 = issue(hall, born=ELDER)
    elder_2 = issue(hall, born=ELDER, kind=P)
    assert (elder_1.priority, walk_in_1.priority) == (True, False)
    assert (elder_1.people_ahead, elder_1.estimated_wait_min) == (0, 0)
    assert (elder_2.people_ahead, elder_2.estimated_wait_min) == (1, 12)
    assert ahead(hall, walk_in_1, walk_in_2) == [2, 3]          # the elders now stand before them
    called = [hall.call_next("W04").number for _ in range(4)]
    assert called == [elder_1.number, elder_2.number, walk_in_1.number, walk_in_2.number]
    assert hall.call_next("W04") is None


def test_a_walk_in_who_has_waited_past_the_bound_goes_before_newer_elders(hall, clock):
    walk_in = issue(hall)
    elders = [issue(hall, born=ELDER) for _ in range(2)]
    assert hall.call_next("W04").number == elders[0].number          # 70+ first, as long as it is fair
    clock.advance(minutes=30)                                         # hall.walk_in_wait_bound_min
    late_elder = issue(hall, born=ELDER)
    assert [hall.call_next("W04").number for _ in range(3)] == [walk_in.number, elders[1].number,
                                                                late_elder.number]


def test_a_home_window_calls_its_departments_citizens_first_wherever_they_queue(tmp_path, clock, open_hall):
    # W03 (综合受理) is staffed from 人社 (home: rsj): its 人社 citizens come before the group's
    # earlier 市场监管 citizen, even one the router queued in `social` — but a walk-in who has
    # waited past the bound still comes first.
    windows = [{"id": "W01", "name": "1号窗口", "group": "social"},
               {"id": "W03", "name": "3号窗口", "group": "general", "home": ["rsj"]}]
    hall = open_hall(small_config(tmp_path / "config", windows=windows), tmp_path / "hall.sqlite", clock=clock)
    business = issue(hall, item="QY01")
    social = issue(hall, item="SB01")
    assert (business.window_group, social.window_group) == ("general", "social")
    assert hall.call_next("W03").number == social.number
    assert hall.journal(social.ticket_id)[-1].reason == "window W03, home department rsj taken from group social"
    clock.advance(minutes=30)                                         # hall.walk_in_wait_bound_min
    later = issue(hall, item="SB01")
    assert [hall.call_next("W03").number for _ in range(2)] == [business.number, later.number]


def test_a_home_department_the_windows_group_does_not_serve_is_named_in_the_error(tmp_path):
    windows = [{"id": "W04", "name": "4号窗口", "group": "police", "home": ["rsj"]}]
    with pytest.raises(ConfigError, match=r"hall.yaml.*windows.0.home.*'rsj'.*'police'"):
        small_config(tmp_path / "config", windows=windows)


def test_call_next_takes_priority_then_issue_order_and_complete_keeps_the_rest(hall):
    tickets = [issue(hall) for _ in range(3)]
    called = hall.call_next("W04")
    assert called.ticket_id == tickets[0].ticket_id
    assert (called.state, called.window, called.people_ahead) == (TicketState.CALLED, "W04", 0)
    assert ahead(hall, *tickets[1:]) == [0, 1]
    done = hall.complete(called.ticket_id)
    assert done.state is TicketState.DONE
    no_show = hall.complete(hall.call_next("W04").ticket_id, no_show=True)
    assert (no_show.ticket_id, no_show.state) == (tickets[1].ticket_id, TicketState.NO_SHOW)
    assert [e.action for e in hall.journal(tickets[1].ticket_id)] == ["reserve", "confirm", "call", "complete"]
    assert hall.journal(tickets[1].ticket_id)[-1].reason == "no show"


def test_only_a_called_ticket_can_be_completed(hall):
    waiting = issue(hall)
    with pytest.raises(ValueError):
        hall.complete(waiting.ticket_id)
    with pytest.raises(KeyError):
        hall.call_next("W99")


def test_convert_keeps_number_and_place_and_updates_the_estimates(hall):
    first, second, third = issue(hall), issue(hall), issue(hall)
    assert hall.ticket(third.ticket_id).estimated_wait_min == 24
    converted = hall.convert(first.ticket_id, P)     # it was only a collection after all
    assert (converted.ticket_id, converted.number, converted.kind) == (first.ticket_id, "A001", P)
    assert ahead(hall, first, second, third) == [0, 1, 2]
    assert hall.ticket(third.ticket_id).estimated_wait_min == 15
    assert hall.call_next("W04").ticket_id == first.ticket_id
    entry = hall.journal(first.ticket_id)[-2]
    assert entry.action == "convert" and entry.reason.startswith("accept → pickup")
    assert issue(hall, kind=P).number == "P001"       # the pickup series was not touched


def test_convert_at_the_window_to_a_kind_the_item_offers(hall):
    issue(hall, item="QY01", kind=C)
    called = hall.call_next("W03")
    assert hall.convert(called.ticket_id, A).kind is A        # the enquiry turns into an application
    with pytest.raises(HallRefusal) as refused:
        hall.convert(called.ticket_id, P)                      # 企业开办 has no collection tickets
    assert refused.value.reason is RefusalReason.KIND_NOT_OFFERED
    hall.complete(called.ticket_id)
    with pytest.raises(ValueError):
        hall.convert(called.ticket_id, C)


def test_idle_window_takes_over_a_waiting_ticket_its_group_can_serve(hall):
    # Both 人社 tickets go to different groups; general (W03) also serves 市场监管.
    social_ticket = issue(hall, item="SB01")
    general_ticket = issue(hall, item="SB01")
    assert (social_ticket.window_group, general_ticket.window_group) == ("social", "general")
    assert hall.call_next("W03").ticket_id == general_ticket.ticket_id
    taken = hall.call_next("W03")                      # general is empty: take the social one
    assert (taken.ticket_id, taken.window, taken.window_group) == (social_ticket.ticket_id, "W03", "general")
    assert "taken over from group social" in hall.journal(taken.ticket_id)[-1].reason
    assert hall.call_next("W01") is None               # nothing left that social serves
    issue(hall, item="QY01")                           # 市场监管: social does not serve it
    assert hall.call_next("W01") is None


def test_tickets_today_in_issue_order_with_live_positions(hall, clock):
    tickets = [issue(hall), issue(hall, born=ELDER), issue(hall, item="SB01")]
    hall.reserve_ticket(TicketRequest("GA01", A))      # pending: not a ticket yet
    today = hall.tickets_today()
    assert [t.ticket_id for t in today] == [t.ticket_id for t in tickets]
    assert [t.people_ahead for t in today] == [1, 0, 0]
    clock.advance(days=1)
    assert hall.tickets_today() == []


def test_positions_stay_consistent_through_a_busy_morning(hall, clock):
    """Random reserve/void/confirm/call/complete/convert: what a single ticket says (counted in
    SQL from the running totals) must match the whole-queue view, and the group loads too."""
    import random
    rng = random.Random(7)
    pending, waiting_or_called = [], []
    for step in range(200):
        clock.advance(seconds=20)
        action = rng.random()
        if action < 0.45:
            item = rng.choice(["SB01", "GA01", "QY01"])
            born = ELDER if rng.random() < 0.2 else None
            pending.append(hall.reserve_ticket(TicketRequest(item, A, Citizen(birth_date=born))))
        elif action < 0.65 and pending:
            try:
                waiting_or_called.append(hall.confirm_ticket(pending.pop(rng.randrange(len(pending))).reservation_id))
            except HallRefusal as refused:      # left pending past the timeout: voided by the sweep
                assert refused.reason is RefusalReason.RESERVATION_VOIDED
        elif action < 0.72 and pending:
            hall.void_reservation(pending.pop(0).reservation_id, "paper out")   # no-op if already swept
        elif action < 0.87:
            hall.call_next(rng.choice(["W01", "W02", "W03", "W04"]))
        elif action < 0.93:
            called = [t for t in hall.tickets_today() if t.state is TicketState.CALLED]
            if called:
                hall.complete(rng.choice(called).ticket_id, no_show=rng.random() < 0.2)
        elif waiting_or_called:
            t = rng.choice(waiting_or_called)
            if hall.ticket(t.ticket_id).state in (TicketState.WAITING, TicketState.CALLED):
                hall.convert(t.ticket_id, rng.choice(hall.settings.items[t.item_code].kinds))
        today = hall.tickets_today()
        for t in today:
            single = hall.ticket(t.ticket_id)
            assert (single.people_ahead, single.estimated_wait_min) == (t.people_ahead, t.estimated_wait_min), step
        waiting = {}
        for t in today:
            waiting[t.window_group] = waiting.get(t.window_group, 0) + (t.state is TicketState.WAITING)
        assert {l.group_id: l.waiting for l in hall.group_loads() if l.waiting} == \
            {g: n for g, n in waiting.items() if n}, step
    assert {e.action for e in hall.journal()} == {"reserve", "confirm", "void", "call", "complete", "convert"}


def test_a_transferred_ticket_keeps_its_number_and_its_place_in_the_new_group(hall):
    # 人社 (SB01): a citizen at 综合受理 (W03) really needed the 社会民生 windows (W01-W02).
    early = issue(hall, item="QY01")                 # general's own queue: 企业开办
    called = hall.call_next("W03")
    assert called.ticket_id == early.ticket_id
    social_waiting = [issue(hall, item="SB01") for _ in range(3)]
    moved = hall.transfer(called.ticket_id, "social", "W03")
    assert (moved.number, moved.state, moved.window, moved.window_group) == ("A001", TicketState.WAITING, None, "social")
    assert hall.call_next("W01").ticket_id == called.ticket_id, "issued first, so called first there"
    assert hall.journal(called.ticket_id)[-2].action == "transfer"
    with pytest.raises(KeyError):
        hall.transfer(social_waiting[0].ticket_id, "nowhere")
    hall.complete(called.ticket_id)
    with pytest.raises(ValueError):
        hall.transfer(called.ticket_id, "general")


def test_two_windows_calling_at_the_same_moment_never_get_the_same_ticket(hall):
    from concurrent.futures import ThreadPoolExecutor
    tickets = [issue(hall, item="SB01") for _ in range(6)]        # 人社: W01-W02 and W03 all serve it
    with ThreadPoolExecutor(3) as pool:
        called = list(pool.map(lambda w: hall.call_next(w), ["W01", "W02", "W03"] * 3))
    numbers = [t.number for t in called if t is not None]
    assert sorted(numbers) == sorted(t.number for t in tickets), "each ticket called once, none twice"
