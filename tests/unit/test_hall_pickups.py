"""自助取件 in the hall core: codes stored only as a keyed hash, every opening journalled before its
command and counted only when the door was seen open, never opened twice for one key, wrong
codes locking an identified citizen's orders, and an audit chain that finds edits and deletions."""
from __future__ import annotations

import pytest

from kiosk.hall.sqlite_pickups import PickupRefused
from kiosk.privacy import person_key
from test_hall_fixtures import Clock, small_config

WANG = person_key("440305199001011234", "test-hall")


@pytest.fixture
def hall(tmp_path, open_hall):
    clock = Clock()
    h = open_hall(small_config(tmp_path / "config"), tmp_path / "hall.sqlite", clock=clock)
    h.pickups.add_cells({"left/1/1": "m", "left/1/2": "m", "left/1/3": "l"})
    return h, clock


def test_a_deposit_loads_a_cell_and_the_code_is_kept_only_as_a_keyed_hash(hall, tmp_path, open_hall):
    h, clock = hall
    deposit = h.pickups.deposit("ORD-1", WANG, "m", "staff-07", clock.now, phone="13800138000")
    assert len(deposit.code) == 6 and deposit.code.isdigit()
    assert h.pickups.cell_states()["left/1/1"] == "loaded"
    outbox = h.pickups.outbox()
    assert [(o, p, c) for _, o, p, c in outbox] == [("ORD-1", "13800138000", deposit.code)]
    h.pickups.handed_to_gateway(outbox[0][0], clock.now)
    assert h.pickups.outbox() == []
    assert deposit.code.encode() not in open_hall.stored(tmp_path / "hall.sqlite"), "no plain code left in the store"
    assert h.pickups.orders_for_code(deposit.code, clock.now)[0].cell == "left/1/1"
    assert [o.order_no for o in h.pickups.orders_for_person(WANG, clock.now)] == ["ORD-1"]


def test_an_opening_counts_only_when_its_door_was_seen_open_and_a_key_never_opens_twice(hall):
    h, clock = hall
    h.pickups.deposit("ORD-2", WANG, "m", "staff-07", clock.now)
    assert h.pickups.begin_opening("k1", "left/1/1", "kiosk-1", clock.now, "ORD-2") == "intent"
    h.pickups.opening_sent("k1", clock.now)
    assert h.pickups.order("ORD-2", clock.now).state == "open", "sent is not collected"
    assert h.pickups.unsettled_openings() == [("k1", "left/1/1", "ORD-2")]
    h.pickups.opening_seen("k1", True, clock.now)
    assert h.pickups.order("ORD-2", clock.now).state == "collected"
    assert h.pickups.unsettled_openings() == []
    assert h.pickups.begin_opening("k1", "left/1/1", "kiosk-1", clock.now, "ORD-2") == "seen_open", \
        "the same key is answered from the journal, not opened again"
    with pytest.raises(PickupRefused, match="unknown_order"):
        h.pickups.begin_opening("k2", "left/1/1", "kiosk-1", clock.now, "ORD-2")


def test_a_door_that_stayed_shut_leaves_the_order_for_staff_and_the_cell_at_fault(hall):
    h, clock = hall
    h.pickups.deposit("ORD-3", WANG, "m", "staff-07", clock.now)
    h.pickups.begin_opening("k3", "left/1/1", "kiosk-1", clock.now, "ORD-3")
    h.pickups.opening_sent("k3", clock.now)
    h.pickups.opening_seen("k3", False, clock.now, "jammed")
    assert h.pickups.order("ORD-3", clock.now).state == "open"
    assert h.pickups.cell_states()["left/1/1"] == "fault"


def test_wrong_codes_lock_an_identified_citizens_orders_but_anonymous_guesses_lock_nobody(hall):
    h, clock = hall
    deposit = h.pickups.deposit("ORD-4", WANG, "m", "staff-07", clock.now)
    wrong = "000000" if deposit.code != "000000" else "111111"
    for _ in range(20):                       # someone trying codes without a card
        with pytest.raises(PickupRefused, match="wrong_code"):
            h.pickups.orders_for_code(wrong, clock.now)
    assert h.pickups.order("ORD-4", clock.now).state == "open"
    for _ in range(5):                        # the limit of the demo hall
        with pytest.raises(PickupRefused):
            h.pickups.orders_for_code(wrong, clock.now, person_key=WANG)
    assert h.pickups.order("ORD-4", clock.now).state == "locked"
    with pytest.raises(PickupRefused, match="wrong_code"):
        h.pickups.orders_for_code(deposit.code, clock.now)
    new_code = h.pickups.reissue("ORD-4", "staff-07", clock.now)
    assert h.pickups.orders_for_code(new_code, clock.now)[0].order_no == "ORD-4"
    with pytest.raises(PickupRefused):
        h.pickups.orders_for_code(deposit.code, clock.now), "the old code is void"


def test_an_expired_code_is_refused_and_flagged(hall):
    h, clock = hall
    deposit = h.pickups.deposit("ORD-5", WANG, "l", "staff-07", clock.now)
    clock.advance(days=8)
    with pytest.raises(PickupRefused, match="expired"):
        h.pickups.orders_for_code(deposit.code, clock.now)
    assert h.pickups.order("ORD-5", clock.now).expired


def test_the_audit_chain_finds_an_edited_row_a_removed_row_and_the_newest_rows_deleted(hall):
    h, clock = hall
    h.pickups.deposit("ORD-6", WANG, "m", "staff-07", clock.now)
    h.pickups.begin_opening("k6", "left/1/1", "kiosk-1", clock.now, "ORD-6")
    h.pickups.opening_sent("k6", clock.now)
    h.pickups.opening_seen("k6", True, clock.now)
    assert h.pickups.verify_audit() == []
    with h.transaction(write=True) as conn:
        conn.execute("UPDATE locker_audit SET actor='someone-else' WHERE id=2")
    assert any("row 2: edited" in p for p in h.pickups.verify_audit())
    with h.transaction(write=True) as conn:
        conn.execute("DELETE FROM locker_audit WHERE id=2")
    assert any("row 3: the row before it" in p for p in h.pickups.verify_audit())


def test_deleting_the_newest_audit_rows_is_found_by_the_hash_kept_outside(hall):
    h, clock = hall
    h.pickups.deposit("ORD-7", WANG, "m", "staff-07", clock.now)
    h.pickups.set_in_service("left/1/2", False, "technician", clock.now)
    assert h.pickups.verify_audit() == []
    with h.transaction(write=True) as conn:
        conn.execute("DELETE FROM locker_audit WHERE id=(SELECT MAX(id) FROM locker_audit)")
    assert any("newest rows are missing" in p for p in h.pickups.verify_audit())


def test_codes_leave_the_database_once_the_gateway_has_them_and_its_log_shows_none(hall, tmp_path, caplog, open_hall):
    import logging
    from kiosk.hall.sms import LoggingGateway, deliver
    h, clock = hall
    deposit = h.pickups.deposit("ORD-8", WANG, "m", "staff-07", clock.now, phone="13800138000")

    class Down:
        def send(self, order_no, phone, text):
            raise ConnectionError("operator unreachable")
    assert deliver(h.pickups, Down(), clock.now) == 0 and len(h.pickups.outbox()) == 1, "kept for the next round"
    with caplog.at_level(logging.INFO, logger="kiosk.hall.sms"):
        assert deliver(h.pickups, LoggingGateway(), clock.now) == 1
    assert h.pickups.outbox() == []
    assert deposit.code not in caplog.text and "138****8000" in caplog.text and "******" in caplog.text
    # A reissued code goes to the same phone; once collected, the phone number leaves the database.
    h.pickups.reissue("ORD-8", "staff-07", clock.now)
    assert [phone for _, _, phone, _ in h.pickups.outbox()] == ["13800138000"]
    deliver(h.pickups, LoggingGateway(), clock.now)
    h.pickups.begin_opening("k8", deposit.order.cell, "kiosk-1", clock.now, "ORD-8")
    h.pickups.opening_seen("k8", True, clock.now)
    assert b"13800138000" not in open_hall.stored(tmp_path / "hall.sqlite")


def test_staff_load_the_cell_they_chose_and_a_collected_cell_is_empty_again(hall):
    h, clock = hall
    h.pickups.deposit("ORD-20", WANG, "l", "staff S001", clock.now, cell="left/1/3")
    with pytest.raises(PickupRefused) as refused:
        h.pickups.check_deposit("ORD-21", "left/1/3")
    assert refused.value.reason == "cell_busy"
    with pytest.raises(PickupRefused) as refused:
        h.pickups.check_deposit("ORD-20", "left/1/1")
    assert refused.value.reason == "duplicate_order"
    h.pickups.begin_opening("k20", "left/1/3", "kiosk-1", clock.now, "ORD-20")
    h.pickups.opening_seen("k20", True, clock.now)
    assert h.pickups.cells(clock.now)["left/1/3"].state == "collected"
    h.pickups.check_deposit("ORD-21", "left/1/3")              # the citizen emptied it: it can be loaded again
    h.pickups.deposit("ORD-21", WANG, "l", "staff S001", clock.now, cell="left/1/3")
    assert h.pickups.cells(clock.now)["left/1/3"].order_no == "ORD-21"


def test_a_loaded_cell_stays_in_service_and_a_mended_one_comes_back_loaded(hall):
    h, clock = hall
    h.pickups.deposit("ORD-22", WANG, "m", "staff S001", clock.now, cell="left/1/2")
    with pytest.raises(PickupRefused) as refused:
        h.pickups.set_in_service("left/1/2", False, "staff S001", clock.now)
    assert refused.value.reason == "cell_loaded"
    h.pickups.begin_opening("k22", "left/1/2", "staff S001", clock.now)      # a maintenance opening jams
    h.pickups.opening_seen("k22", False, clock.now, "door still shut")
    assert h.pickups.cells(clock.now)["left/1/2"].state == "fault"
    h.pickups.set_in_service("left/1/2", True, "technician", clock.now)
    assert h.pickups.cells(clock.now)["left/1/2"].state == "loaded"          # the document still waits
    h.pickups.set_in_service("left/1/1", False, "staff S001", clock.now)
    assert h.pickups.cells(clock.now)["left/1/1"].state == "out_of_service"
    with pytest.raises(PickupRefused):
        h.pickups.deposit("ORD-23", WANG, "m", "staff S001", clock.now, cell="left/1/1")
