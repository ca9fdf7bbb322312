"""自助取件 on the real screens: a code on the big keys or a card, the door number and the lit door,
the door closed by the simulated citizen, thank you; a wrong code said calmly."""
from __future__ import annotations

import pytest

from screens.probe import find, tap, text_of, visible_texts, wait_for, wait_until

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
