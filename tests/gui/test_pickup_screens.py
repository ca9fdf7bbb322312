"""自助取件 on the real screens: a code on the big keys or a card, the door number and the lit door,
the door closed by the simulated citizen, thank you; a wrong code said calmly."""
from __future__ import annotations

import pytest

from screens.probe import find, tap, text_of, wait_for, wait_until

pytestmark = pytest.mark.gui


def type_code(w, code: str) -> None:
    for digit in code:
        tap(w, f"pickupKey_{digit}")
    tap(w, "pickupKey_取件")


def test_a_code_opens_its_door_and_closing_it_thanks_the_citizen(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "pickupButton")
    wait_for(w, "pickupScreen")
    type_code(w, core.simulators.pickup_codes["elder_chen"])
    wait_for(w, "pickupOpenScreen", timeout=10)
    [door] = ui.viewmodel.property("pickupDoors")
    assert text_of(find(w, "pickupDoorText")) == f"请到 {door['number']} 号柜门取件"
    assert find(w, f"litDoor_{door['number']}") is not None
    bus, board, lock = door["cell"].rsplit("/", 2)
    bank = core.simulators.by_name[bus].handle
    assert bank.lock(int(board), int(lock)).door_openings == 1
    bank.close_door(int(board), int(lock))                 # the citizen takes the document and closes it
    wait_for(w, "pickupDoneScreen", timeout=10)
    assert core.hall.pickups.order("DEMO-CHEN-1", core.clock()).state == "collected"


def test_a_card_opens_every_door_loaded_for_that_citizen(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "pickupButton")
    wait_for(w, "pickupScreen")
    core.simulators.place_id_card("young_wang")
    wait_for(w, "pickupOpenScreen", timeout=10)
    assert len(ui.viewmodel.property("pickupDoors")) == 2


def test_a_wrong_code_is_said_calmly_and_nothing_opens(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "pickupButton")
    wrong = "000000" if "000000" not in core.simulators.pickup_codes.values() else "111111"
    type_code(w, wrong)
    wait_for(w, "pickupNotice", timeout=10)
    assert "取件码不对" in text_of(find(w, "pickupNotice"))
    banks = [core.simulators.by_name[n].handle for n in ("lockers_left", "lockers_right")]
    assert not any(lk.opened_count for b in banks for board in b.boards.values() for lk in board.locks.values())


def load_kerong_cell(core, order: str, lock: int) -> tuple[str, object]:
    """A document for young_wang in a cell of the Kerong bank, whose boards see the cell's content."""
    from kiosk.privacy import person_key
    key = person_key(core.simulators.citizens["young_wang"].id_number, core.config.hall.id)
    deposit = core.hall.pickups.deposit(order, key, "m", "staff S001", core.clock(), cell=f"lockers_right/0/{lock}")
    bank = core.simulators.by_name["lockers_right"].handle
    bank.lock(0, lock).item = True
    return deposit.code, bank


def closed_on_the_document(start_kiosk, order: str, lock: int):
    """A citizen opens a Kerong cell with its code and closes the door with the document still
    inside: the screen offers the door once more."""
    ui, core = start_kiosk()
    w = ui.window
    code, bank = load_kerong_cell(core, order, lock)
    tap(w, "pickupButton")
    type_code(w, code)
    wait_for(w, "pickupOpenScreen", timeout=10)
    number = ui.viewmodel.property("pickupDoors")[0]["number"]
    bank.close_door(0, lock, item=True)
    wait_for(w, f"reopenButton_{number}", timeout=10)
    return ui, core, w, bank, number


def test_a_document_left_inside_gets_one_more_opening_for_the_citizen(start_kiosk):
    ui, core, w, bank, number = closed_on_the_document(start_kiosk, "ORD-ITEM", 5)
    assert f"还在 {number} 号柜里" in text_of(find(w, "pickupDoorText"))
    assert core.hall.pickups.order("ORD-ITEM", core.clock()).state == "item_left"
    tap(w, f"reopenButton_{number}")
    wait_until(lambda: ui.viewmodel.property("pickupDoors"), timeout=10, what="the door opened again")
    assert bank.lock(0, 5).door_openings == 2
    bank.close_door(0, 5, item=False)                  # this time it is taken
    wait_for(w, "pickupDoneScreen", timeout=10)
    assert find(w, "pickupDoneNotice") is None
    assert core.hall.pickups.order("ORD-ITEM", core.clock()).state == "collected"


def test_a_document_still_inside_after_the_second_opening_goes_to_the_window_staff(start_kiosk):
    ui, core, w, bank, number = closed_on_the_document(start_kiosk, "ORD-STAYS", 6)
    tap(w, f"reopenButton_{number}")
    wait_until(lambda: ui.viewmodel.property("pickupDoors"), timeout=10, what="the door opened again")
    bank.close_door(0, 6, item=True)
    wait_for(w, "pickupDoneNotice", timeout=10)
    assert "工作人员会帮您取出" in text_of(find(w, "pickupDoneNotice"))
    assert core.hall.pickups.order("ORD-STAYS", core.clock()).state == "locked"
    assert bank.lock(0, 6).door_openings == 2
