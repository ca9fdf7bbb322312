"""取件柜管理 on the real screens, as hall staff use it: their own PIN, the bank live, loading a cell
(ID typed or card swiped), a maintenance opening, a cell out of service, and a whole board opened
only with the technician PIN and a confirmation. Every door through the simulated boards on a pty;
every action found in the hall's audit with its actor."""
from __future__ import annotations

import json

import pytest

from screens.probe import find, tap, text_of, wait_for, wait_until

pytestmark = pytest.mark.gui
STAFF_PIN, TECHNICIAN_PIN = "1357", "2468"


def log_in(w, pin: str) -> None:
    for _ in range(5):
        tap(w, "hallNameTapArea")
    wait_for(w, "pinScreen")
    for digit in pin:
        tap(w, f"pinKey_{digit}")
    tap(w, "pinKey_ok")


def staff_screen(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    log_in(w, STAFF_PIN)
    wait_for(w, "lockerStaffScreen", timeout=10)
    wait_until(lambda: ui.viewmodel.lockerStaff.property("boards"), what="the bank read")
    return ui, core, w


def said(w) -> str:
    """The staff screen's message line, as shown (empty while hidden)."""
    shown = find(w, "lockerStaffMessage")
    return text_of(shown) if shown is not None else ""


def door(core, number: int):
    bank, board, lock = core.simulators.locker_door(number)
    return bank, bank.lock(board, lock)


def audit(core, event: str) -> list[dict]:
    with core.hall.transaction(write=False) as conn:
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in
                conn.execute("SELECT * FROM locker_audit WHERE event=? ORDER BY id", (event,))]


def free_cell(ui, size: str = "l") -> dict:
    cells = [c for b in ui.viewmodel.lockerStaff.property("boards") for c in b["cells"]]
    return next(c for c in cells if c["state"] == "free" and c["size"] == size)


def type_into(w, field: str, text: str) -> None:
    tap(w, f"field_{field}")
    for ch in text:
        tap(w, f"depositKey_{ch}")


def test_staff_pin_opens_the_locker_screen_not_the_technicians(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    assert find(w, "techScreen") is None
    assert text_of(find(w, "lockerStaffActor")) == "工作人员 S001"
    loaded = [c for b in ui.viewmodel.lockerStaff.property("boards") for c in b["cells"] if c["state"] == "loaded"]
    assert {c["order"] for c in loaded} == {"DEMO-WANG-1", "DEMO-WANG-2", "DEMO-CHEN-1"}
    tap(w, "backButton")                     # staff have no technician screen to go back to
    wait_for(w, "homeScreen")


def fill_deposit(w, cell: dict, order: str, id_number: str) -> None:
    """Tap the cell, 存件, and type the order, the ID number and the phone on the keypad."""
    tap(w, f"cell_{cell['number']}")
    tap(w, "depositButton")
    type_into(w, "order", order)
    type_into(w, "id", id_number)
    type_into(w, "phone", "13800138000")


def test_staff_load_a_cell_with_the_id_typed_and_the_code_goes_to_the_sms_outbox(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    cell = free_cell(ui)
    citizen = core.simulators.citizens["elder_zhang"]
    fill_deposit(w, cell, "2026112600017", citizen.id_number)
    tap(w, "confirmDepositButton")
    wait_until(lambda: "已打开" in said(w), timeout=10, what="the door opened")
    bank, lock = door(core, cell["number"])
    assert lock.door_openings == 1
    from kiosk.privacy import person_key
    orders = core.hall.pickups.orders_for_person(person_key(citizen.id_number, core.config.hall.id), core.clock())
    assert [(o.order_no, o.cell) for o in orders] == [("2026112600017", cell["cell"])]
    assert core.hall.pickups.outbox() == [], "the code went to the SMS gateway at once and left the database"
    [row] = audit(core, "deposit")[-1:]
    assert row["actor"] == "staff S001" and row["detail"]["cell"] == cell["cell"]
    assert [r["actor"] for r in audit(core, "open_seen_open") if r["detail"]["cell"] == cell["cell"]] == ["staff S001"]


def test_a_wrong_id_number_keeps_the_form_and_opens_nothing(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    cell = free_cell(ui)
    fill_deposit(w, cell, "77", "440106199001011234")          # wrong check character
    tap(w, "confirmDepositButton")
    wait_until(lambda: "身份证号码不对" in said(w), timeout=10, what="the refusal")
    assert ui.viewmodel.lockerStaff.property("mode") == "deposit"
    assert ui.viewmodel.lockerStaff.property("orderNo") == "77"
    assert door(core, cell["number"])[1].opened_count == 0


def test_the_citizens_card_stands_for_the_id_and_is_forgotten_after(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    cell = free_cell(ui, "s")
    tap(w, f"cell_{cell['number']}")
    tap(w, "depositButton")
    type_into(w, "order", "88")
    type_into(w, "phone", "13900139000")
    core.simulators.place_id_card("student_li")
    wait_until(lambda: "已刷卡" in text_of(find(w, "depositCardHint")), timeout=10, what="the card read")
    assert "*" in text_of(find(w, "depositCardHint"))          # masked, as everywhere
    tap(w, "confirmDepositButton")
    wait_until(lambda: "已打开" in said(w), timeout=10, what="the door opened")
    assert core.identity() is None
    from kiosk.privacy import person_key
    key = person_key(core.simulators.citizens["student_li"].id_number, core.config.hall.id)
    assert [o.order_no for o in core.hall.pickups.orders_for_person(key, core.clock())] == ["88"]


def test_a_maintenance_opening_and_a_cell_out_of_service_are_journalled(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    cell = free_cell(ui, "m")
    tap(w, f"cell_{cell['number']}")
    tap(w, "maintenanceOpenButton")
    wait_until(lambda: "已打开（已记录）" in said(w), timeout=10, what="the opening")
    assert door(core, cell["number"])[1].door_openings == 1
    assert any(r["actor"] == "staff S001" and r["detail"]["cell"] == cell["cell"] for r in audit(core, "open_intent"))
    tap(w, "serviceButton")
    wait_until(lambda: "已停用" in said(w), timeout=10, what="out of service")
    assert core.hall.pickups.cell_states()[cell["cell"]] == "out_of_service"
    # A loaded cell cannot be taken out of service: its document still waits for a citizen.
    loaded = next(c for b in ui.viewmodel.lockerStaff.property("boards") for c in b["cells"] if c["state"] == "loaded")
    tap(w, f"cell_{loaded['number']}")
    assert not find(w, "serviceButton").property("enabled")


def test_the_bank_shows_a_door_opened_by_hand_within_two_seconds(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    bank, board, lock = core.simulators.locker_door(3)
    bank.open_by_hand(board, lock)
    assert text_of(find(w, "cellState_3")) != "门开"
    wait_until(lambda: text_of(find(w, "cellState_3")) == "门开", timeout=3, what="door 3 shown open")


def test_a_whole_board_opens_only_with_the_technician_pin_and_a_confirmation(start_kiosk):
    ui, core, w = staff_screen(start_kiosk)
    staff = ui.viewmodel.lockerStaff
    bank = core.simulators.by_name["lockers_right"].handle
    bank.lock(0, 7).jammed = True
    tap(w, "openBoard_lockers_right_0")
    for digit in STAFF_PIN:                      # staff cannot do it with their own PIN
        tap(w, f"boardPinKey_{digit}")
    tap(w, "boardPinKey_ok")
    wait_until(lambda: "需要技术员密码" in said(w), timeout=10, what="the refusal")
    assert not any(lk.opened_count for lk in bank.boards[0].locks.values())
    for digit in TECHNICIAN_PIN:
        tap(w, f"boardPinKey_{digit}")
    tap(w, "boardPinKey_ok")
    wait_until(lambda: staff.property("mode") == "board_confirm", timeout=10, what="the confirmation")
    assert not any(lk.opened_count for lk in bank.boards[0].locks.values())     # nothing before the second yes
    tap(w, "confirmOpenBoardButton")
    wait_until(lambda: "扇没有打开" in said(w), timeout=15, what="the board opened")
    assert "已打开 15 扇柜门，1 扇没有打开" in said(w)
    assert [lk.door_openings for n, lk in sorted(bank.boards[0].locks.items())] == [0 if n == 7 else 1 for n in range(1, 17)]
    assert core.hall.pickups.cell_states()["lockers_right/0/7"] == "fault"
    seen = [r for r in audit(core, "open_seen_open") if r["detail"]["cell"].startswith("lockers_right/0/")]
    assert len(seen) == 15 and {r["actor"] for r in seen} == {"technician"}
