"""自助取件 end to end below the screens: the hall's orders, the real flow and driver, simulated
banks over real ptys at line speed. A card opens each of its cells in turn; a jammed door keeps its
order for staff; a restart settles a half-done opening by reading the door, never opening again."""
from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from kiosk.flows.pickup import LockerDesk, collect, resume
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.privacy import person_key
from kiosk.roles.locker_bus import BoardSettings, LockerBusDevice, LockerBusRole
from sim.locker.bank import LockerBank
from sim.wire import PtyServer

pytestmark = pytest.mark.wire
NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def desk(tmp_path):
    from tests.unit.test_hall_fixtures import small_config
    settings = small_config(tmp_path / "config")
    bank = LockerBank("kerong", {0: 16}, close_after_s=None, turnaround_s=(0.02, 0.06))
    server = PtyServer(bank, name="locker", baud_pacing=True, baudrate=19200)
    role = LockerBusRole("right", LockerBusDevice(port=server.start(), protocol="kerong",
                                                  boards=[BoardSettings(address=0, locks=16)]))
    hall = SqliteHall(settings, tmp_path / "hall.sqlite", clock=lambda: NOW)
    hall.pickups.add_cells({f"right/0/{n}": "m" for n in range(1, 17)})
    yield bank, hall, LockerDesk(hall.pickups, {"right": role}, lambda: NOW), settings
    role.stop()
    hall.close()
    server.stop()


def test_a_card_opens_every_cell_loaded_for_that_citizen_each_seen_open(desk):
    bank, hall, locker, settings = desk
    wang = person_key("440305199001011234", settings.hall.id)
    for n in range(3):
        hall.pickups.deposit(f"ORD-{n}", wang, "m", "staff", NOW)
    orders = hall.pickups.orders_for_person(wang, NOW)
    results = asyncio.run(collect(locker, orders, "kiosk-1"))
    assert [r.opened for r in results] == [True, True, True]
    locks = [int(o.cell.rsplit("/", 1)[1]) for o in orders]
    assert [bank.lock(0, n).door_openings for n in locks] == [1, 1, 1]
    assert all(hall.pickups.order(f"ORD-{n}", NOW).state == "collected" for n in range(3))
    assert hall.pickups.verify_audit() == []


def test_a_jammed_door_keeps_the_order_for_staff_and_marks_the_cell(desk):
    bank, hall, locker, settings = desk
    deposit = hall.pickups.deposit("ORD-J", person_key("440305199001011234", settings.hall.id), "m", "staff", NOW)
    lock = int(deposit.order.cell.rsplit("/", 1)[1])
    bank.lock(0, lock).jammed = True
    [result] = asyncio.run(collect(locker, hall.pickups.orders_for_code(deposit.code, NOW), "kiosk-1"))
    assert result.opened is False and result.detail == "jammed"
    assert hall.pickups.order("ORD-J", NOW).state == "open"
    assert hall.pickups.cell_states()[deposit.order.cell] == "fault"


def test_after_a_restart_a_half_done_opening_is_settled_by_the_door_and_never_reopened(desk):
    bank, hall, locker, settings = desk
    wang = person_key("440305199001011234", settings.hall.id)
    a = hall.pickups.deposit("ORD-A", wang, "m", "staff", NOW).order    # the door opened, then the kiosk died
    b = hall.pickups.deposit("ORD-B", wang, "m", "staff", NOW).order    # died before the command went out
    hall.pickups.begin_opening("key-a", a.cell, "kiosk-1", NOW, "ORD-A")
    bank.open_by_hand(0, int(a.cell.rsplit("/", 1)[1]))                 # (what the command did)
    hall.pickups.begin_opening("key-b", b.cell, "kiosk-1", NOW, "ORD-B")
    results = asyncio.run(resume(locker))
    assert {r.order_no: r.opened for r in results} == {"ORD-A": True, "ORD-B": False}
    assert hall.pickups.order("ORD-A", NOW).state == "collected"
    assert hall.pickups.order("ORD-B", NOW).state == "locked", "shut door, unknown history: to staff"
    assert not any(lk.opened_count for lk in bank.boards[0].locks.values()), "nothing opened on resume"
