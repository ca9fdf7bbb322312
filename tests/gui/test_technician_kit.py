"""The interactive self-tests on the technician screen: a test door on an empty cell only (never
one holding a document), a test form page, a test slip; each answered under its device and kept
in the device's day, the door in the locker audit as the technician's."""
from __future__ import annotations

import json

import pytest

from screens.probe import find, settle, tap, text_of, walk, wait_for, wait_until

pytestmark = pytest.mark.gui


def technician_screen(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    for _ in range(5):
        tap(w, "hallNameTapArea")
    wait_for(w, "pinPad")
    for digit in "2468":
        tap(w, f"pinKey_{digit}")
    tap(w, "pinKey_ok")
    wait_for(w, "techScreen", timeout=10)
    return ui, core, w


def in_row(w, role: str, name: str) -> str:
    """The text of an item in a device's row ("" while hidden). The rows are rebuilt by the 2 s
    health refresh: an item deleted under the read counts as not there yet."""
    try:
        row = find(w, f"deviceRow_{role}")
        item = next((i for i in walk(row) if i.objectName() == name), None) if row else None
        return text_of(item) if item is not None and item.isVisible() else ""
    except RuntimeError:
        return ""


def tap_in_row(w, role: str, name: str) -> None:
    """Scroll the device list to the role's row, as a technician would, and tap a button in it.
    The rows grow as the day fills in (the start-up self-test) and are rebuilt by the 2 s
    refresh: a row rebuilt under the finger is found and tapped again."""
    for _ in range(5):
        try:
            row, devices = find(w, f"deviceRow_{role}"), find(w, "deviceList")
            top = max(0.0, min(row.property("y"), devices.property("contentHeight") - devices.property("height")))
            devices.setProperty("contentY", top)
            settle()
            tap(w, name)
            return
        except RuntimeError:
            continue
    tap(w, name)


def test_a_test_door_opens_an_empty_cell_only_and_a_test_page_and_slip_are_journalled(start_kiosk):
    ui, core, w = technician_screen(start_kiosk)
    loaded = {v.cell for v in core.lockers.bank().result(timeout=5) if v.order_no}     # the demo's documents
    assert loaded, "the demo bank holds documents: the test must not open those"

    tap_in_row(w, "lockers_left", "interactiveTestButton_lockers_left")
    wait_until(lambda: "通过" in in_row(w, "lockers_left", "interactiveResult"), timeout=10, what="the test door")
    answer = in_row(w, "lockers_left", "interactiveResult")
    assert answer.startswith("交互自检通过（cell lockers_left/") and "seen open" in answer
    cell = answer.split("cell ")[1].split(":")[0]
    assert cell not in loaded
    with core.hall.transaction(write=False) as conn:
        seen = [json.loads(r["detail"])["cell"] for r in conn.execute(
            "SELECT * FROM locker_audit WHERE event='open_seen_open' AND actor='technician (self-test)'")]
    assert seen == [cell]

    tap_in_row(w, "form_printer", "interactiveTestButton_form_printer")
    wait_until(lambda: "通过" in in_row(w, "form_printer", "interactiveResult"), timeout=15, what="the test page")
    assert "test form page printed" in in_row(w, "form_printer", "interactiveResult")

    tap(w, "testPrintButton")                        # the ticket printer's test slip, journalled too
    wait_until(lambda: "交互自检通过" in in_row(w, "ticket_printer", "deviceHistory"), timeout=10,
               what="the test slip in the printer's day")
    for role in ("lockers_left", "form_printer"):
        assert "交互自检通过" in in_row(w, role, "deviceHistory")


def test_a_test_scan_reads_any_code_without_looking_it_up(start_kiosk):
    """The technician holds up a code (here a demo citizen's appointment): its size is shown,
    its content is not, and nobody is checked in."""
    ui, core, w = technician_screen(start_kiosk)
    wait_until(lambda: core.camera.state == "ok", timeout=10, what="the camera open")
    tap_in_row(w, "camera", "interactiveTestButton_camera")
    wait_until(lambda: "正在测试" in in_row(w, "camera", "interactiveResult"), what="the scan waiting")
    core.simulators.show_code("HELLO-TECHNICIAN-0123456789")
    wait_until(lambda: "通过" in in_row(w, "camera", "interactiveResult"), timeout=10, what="the test scan")
    answer = in_row(w, "camera", "interactiveResult")
    assert answer.startswith("交互自检通过（a code of 27 bytes read in ") and "HELLO" not in answer
    assert find(w, "techScreen") and not core.camera.scanning        # still here; the core never looked
