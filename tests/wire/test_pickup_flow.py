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
    # A Kerong board sees the cell's content: collected once the door is closed on an empty cell.
    assert all(hall.pickups.order(f"ORD-{n}", NOW).state == "opened" for n in range(3))
    assert [hall.pickups.door_closed(o.cell, False, NOW) for o in orders] == ["collected"] * 3
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
    assert hall.pickups.order("ORD-A", NOW).state == "opened", "seen open: collected once it closes on an empty cell"
    assert hall.pickups.order("ORD-B", NOW).state == "locked", "shut door, unknown history: to staff"
    assert not any(lk.opened_count for lk in bank.boards[0].locks.values()), "nothing opened on resume"


@pytest.fixture
def lockers(desk):
    """The kiosk's LockerService on its own flow loop, hearing the role's door events as the core does."""
    import threading
    from kiosk.lockers import LockerService
    bank, hall, locker, settings = desk
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    role = locker.buses["right"]
    card = [None]                                      # the person key of the card on the reader
    service = LockerService(hall.pickups, [role], loop, lambda: NOW, lambda: card[0], "kiosk-1", settings.hall.id)
    outcomes = []
    role.add_listener(lambda e: outcomes.append(service.door_changed(e)) if type(e).__name__ == "DoorChanged" else None)
    yield bank, hall, service, role, outcomes, card
    loop.call_soon_threadsafe(loop.stop)


def settled(outcomes) -> list[str]:
    return [f.result(timeout=5) for f in outcomes]


def test_with_item_sensors_a_document_left_inside_gets_one_more_opening_then_goes_to_staff(lockers, desk):
    bank, hall, service, role, outcomes, card = lockers
    wang = person_key("440305199001011234", desk[3].hall.id)
    cells = [hall.pickups.deposit(f"ORD-I{n}", wang, "m", "staff", NOW).order.cell for n in range(2)]
    locks = [int(c.rsplit("/", 1)[1]) for c in cells]
    for lock in locks:
        bank.lock(0, lock).item = True
    role.check_now().result(timeout=5)            # the doors as they stand: known before anyone opens one
    card[0] = wang                                     # the citizen swipes their card
    assert [r.opened for r in service.by_card().result(timeout=10)] == [True, True]
    outcomes.clear()                                   # (the doors' opening, heard from the open command)
    bank.close_door(0, locks[0], item=False)          # took it
    bank.close_door(0, locks[1], item=True)           # forgot it
    role.check_now().result(timeout=5)
    assert sorted(settled(outcomes)) == ["collected", "item_left"]
    assert hall.pickups.order("ORD-I0", NOW).state == "collected"
    assert hall.pickups.order("ORD-I1", NOW).state == "item_left"
    assert service.reopen(cells[1]).result(timeout=10).opened
    outcomes.clear()
    bank.close_door(0, locks[1], item=True)           # still left inside
    role.check_now().result(timeout=5)
    assert settled(outcomes) == ["to_staff"]
    assert hall.pickups.order("ORD-I1", NOW).state == "locked"
    assert [bank.lock(0, n).door_openings for n in locks] == [1, 2], "the second opening only on request"
    assert hall.pickups.verify_audit() == []


def test_a_door_opened_without_a_command_and_one_found_open_at_start_are_audited(lockers):
    bank, hall, service, role, outcomes, _ = lockers
    bank.open_by_hand(0, 3)                            # open before the kiosk's first look (power back)
    role.check_now().result(timeout=5)
    bank.open_by_hand(0, 9)                            # forced open later, nobody asked
    role.check_now().result(timeout=5)
    settled(outcomes)
    with hall.transaction(write=False) as conn:
        events = [(r["event"], r["detail"]) for r in conn.execute("SELECT event, detail FROM locker_audit")]
    assert ("door_found_open", '{"cell": "right/0/3"}') in events
    assert ("door_opened_without_command", '{"cell": "right/0/9"}') in events
    assert hall.pickups.verify_audit() == []


def test_a_door_left_open_is_audited(lockers):
    from kiosk.events import DoorLeftOpen
    bank, hall, service, role, outcomes, _ = lockers
    service.door_left_open(DoorLeftOpen("right", 0, 4, 130)).result(timeout=5)
    with hall.transaction(write=False) as conn:
        [row] = conn.execute("SELECT actor, detail FROM locker_audit WHERE event='door_left_open'").fetchall()
    assert row["actor"] == "lockers" and '"cell": "right/0/4"' in row["detail"] and '"seconds": 130' in row["detail"]
