"""Routing, waiting estimates, priority by age and ticket numbers: the pure arithmetic."""
from datetime import date

import pytest

from kiosk.config import WindowGroup, Window
from kiosk.hall.model import TicketKind
from kiosk.hall.numbering import format_number, parse_number
from kiosk.hall.routing import (GroupQueue, QueuedTicket, ahead_of_each, choose_window_group, expected_wait_min,
                                group_display_name, is_priority)


def test_numbers_have_three_digits_then_grow():
    assert format_number(TicketKind.ACCEPT, 1) == "A001"
    assert format_number(TicketKind.CONSULT, 42) == "C042"
    assert format_number(TicketKind.PICKUP, 999) == "P999"
    assert format_number(TicketKind.ACCEPT, 1000) == "A1000"
    assert parse_number("a012") == (TicketKind.ACCEPT, 12)
    for bad in ("A000", "X001", "A12", ""):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_shorter_expected_wait_wins_even_with_a_longer_queue():
    # 4 windows with 4 applications (12 min each) → 12 min; 1 window with 2 applications → 24 min.
    busy_but_wide = GroupQueue("social", windows=4, work_min=48, queued=4)
    short_but_narrow = GroupQueue("general", windows=1, work_min=24, queued=2)
    assert choose_window_group([short_but_narrow, busy_but_wide], priority=False).group_id == "social"


def test_tie_goes_to_the_group_listed_first():
    a, b = GroupQueue("a", windows=2), GroupQueue("b", windows=1)
    assert choose_window_group([a, b], False).group_id == "a"
    assert choose_window_group([b, a], False).group_id == "b"


def test_group_without_windows_is_never_chosen():
    assert choose_window_group([GroupQueue("tax", windows=0)], False) is None
    assert choose_window_group([GroupQueue("tax", windows=0), GroupQueue("x", 1, 600, 0, 50)], False).group_id == "x"


def test_priority_citizen_counts_only_priority_work_ahead():
    long_queue_no_elders = GroupQueue("a", windows=1, work_min=120, priority_work_min=0, queued=10)
    short_queue_with_elders = GroupQueue("b", windows=1, work_min=30, priority_work_min=24, queued=3,
                                         priority_queued=2)
    assert choose_window_group([long_queue_no_elders, short_queue_with_elders], priority=True).group_id == "a"
    assert choose_window_group([long_queue_no_elders, short_queue_with_elders], priority=False).group_id == "b"


@pytest.mark.parametrize("work, windows, minutes", [(0, 3, 0), (12, 4, 3), (13, 4, 4), (5, 2, 3), (36, 3, 12)])
def test_wait_is_work_shared_by_windows_rounded_up(work, windows, minutes):
    assert expected_wait_min(work, windows) == minutes


def test_seventy_on_the_birthday_itself():
    born = date(1956, 11, 23)
    assert not is_priority(born, date(2026, 11, 22), 70)
    assert is_priority(born, date(2026, 11, 23), 70)
    assert not is_priority(None, date(2026, 11, 23), 70)
    assert is_priority(date(1956, 2, 29), date(2026, 3, 1), 70)
    assert not is_priority(date(1956, 2, 29), date(2026, 2, 28), 70)


def test_priority_first_then_issue_order():
    queue = [QueuedTicket("a1", False, 1, 12), QueuedTicket("a2", False, 2, 5),
             QueuedTicket("p3", True, 3, 3), QueuedTicket("p4", True, 4, 12)]
    ahead = ahead_of_each(queue)
    assert ahead == {"p3": (0, 0), "p4": (1, 3), "a1": (2, 15), "a2": (3, 27)}


def test_group_sign_names_its_windows():
    windows = [Window(id=f"W{i}", name=f"{i}号窗口", group="g") for i in (3, 4, 5)]
    group = WindowGroup(id="g", name="社会民生综合窗口", departments=["rsj"])
    assert group_display_name(group, windows) == "社会民生综合窗口 (3-5号窗口)"
    assert group_display_name(group, windows[:1]) == "社会民生综合窗口 (3号窗口)"
    odd = [Window(id="V", name="VIP窗口", group="g"), Window(id="W9", name="9号窗口", group="g")]
    assert group_display_name(group, odd) == "社会民生综合窗口 (VIP窗口、9号窗口)"
