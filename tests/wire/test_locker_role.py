"""The locker bus as a kiosk role, on the simulated bank over a real pty: doors watched and
announced, a silent board named in the health, an open through the role seen open."""
from __future__ import annotations

import asyncio

import pytest

from kiosk.events import DoorChanged, DoorLeftOpen
from kiosk.roles.locker_bus import BoardSettings, LockerBusDevice, LockerBusRole
from kiosk.wording import say
from sim.locker.bank import LockerBank
from sim.wire import PtyServer

pytestmark = pytest.mark.wire


@pytest.fixture
def role():
    bank = LockerBank("generic", {1: 24, 2: 24}, close_after_s=None, turnaround_s=(0.02, 0.05))
    with PtyServer(bank, name="locker", baud_pacing=True, baudrate=9600) as server:
        settings = LockerBusDevice(port=server.path, protocol="generic", poll_interval_s=0.2,
                                   boards=[BoardSettings(address=1), BoardSettings(address=2)])
        watched = LockerBusRole("lockers_left", settings)
        yield bank, watched
        watched.stop()


def test_a_door_opened_by_hand_is_announced_and_listed(role, wait_until):
    bank, watched = role
    events = []
    watched.add_listener(lambda e: isinstance(e, DoorChanged) and events.append(e))
    watched.start()
    assert wait_until(lambda: watched.health.state == "ok")
    bank.open_by_hand(2, 17)
    assert wait_until(lambda: events), "the poll saw the door open"
    assert events[0] == DoorChanged("lockers_left", 2, 17, True, first=False)
    assert watched.check_now().result(timeout=5).details["doors_open"] == ["2-17"]


def test_a_silent_board_is_a_fault_that_names_it_and_clears(role):
    bank, watched = role
    bank.boards[2].silent = True
    health = watched.check_now().result(timeout=10)
    assert health.state == "fault" and health.details["silent_boards"] == [2]
    assert say(health.reason, "zh_CN") == "取件柜有 1 块锁控板没有响应"
    bank.boards[2].silent = False
    assert watched.check_now().result(timeout=10).state == "ok"


def test_an_open_through_the_role_is_seen_open(role):
    bank, watched = role
    opened = asyncio.run(watched.open(1, 9))
    assert opened.open and bank.lock(1, 9).opened_count == 1 and watched.doors[(1, 9)] is True


def test_a_door_left_open_too_long_warns_the_technician(role):
    bank, watched = role
    watched.settings = watched.settings.model_copy(update={"door_open_alert_s": 0.3})
    bank.open_by_hand(1, 6)
    assert watched.check_now().result(timeout=10).state == "ok", "just opened: no alarm yet"
    import time
    time.sleep(0.4)
    left_open = []
    watched.add_listener(lambda e: isinstance(e, DoorLeftOpen) and left_open.append(e))
    health = watched.check_now().result(timeout=10)
    assert health.state == "warning" and health.details["left_open"] == ["1-6"]
    assert say(health.reason, "zh_CN") == "有柜门开着没关：1-6"
    watched.check_now().result(timeout=10)
    assert [(e.board, e.lock) for e in left_open] == [(1, 6)], "announced once while it stays open (for the audit)"
    bank.close_door(1, 6)
    assert watched.check_now().result(timeout=10).state == "ok"
