"""The screenshot tour: walk every screen of the kiosk on simulated devices and save what it shows.

    kiosk-sim tour --out DIR [--orientation portrait|landscape|both]

Runs the real app offscreen (real KioskCore, real printer driver, virtual printer on a pty),
taps through the journey like a citizen, grabs a PNG of every screen, copies every ticket the
virtual printer printed, and writes DIR/tour.json: a list of {"screen" | "ticket": name,
"file": ..., "ticket_number": ...}. A person should look at the PNGs: big, calm, nothing clipped.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

log = logging.getLogger(__name__)
DEMO_PIN = "2468"    # the demo PIN of config/kiosk.yaml


def run_tour(out_dir: Path, orientation: str = "portrait", config_dir: Path | None = None,
             ssc_reader: bool = True) -> dict:
    """Walk the screens; returns {"entries": [...], "startup_s": ..., "out_dir": ...}.

    ssc_reader=False leaves the social-security card reader out: its simulator is the machine's
    one pcscd + vpcd slot, so a card another program puts there would walk into the tour."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import screens
    screens.prepare_environment()
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance() or QGuiApplication(["kiosk-tour"])

    from kiosk.app import build_core
    from kiosk.config import load_config
    from screens import probe

    config = load_config(config_dir)
    if not ssc_reader:
        config = config.with_devices(ssc_reader=None)
    core = build_core(config, sim=True, out_dir=out_dir / "sim")
    ui = screens.load_ui(app, core, fullscreen=False, orientation=orientation, locked=True,
                          on_quit=lambda: None)
    try:
        probe.wait_ready(ui.window)
        startup_s = time.perf_counter() - started
        entries = _walk(ui, core, out_dir, probe)
    finally:
        ui.close()
        core.stop()

    for i, printed in enumerate(core.simulators.printer.printed, start=1):
        if printed.png_path is None:
            continue
        target = out_dir / f"ticket-{i:02d}.png"
        shutil.copyfile(printed.png_path, target)
        number = next((e["ticket_number"] for e in entries if e.get("ticket_number")
                       and e["ticket_number"] in printed.text), "TEST" if "TEST" in printed.text else None)
        entries.append({"ticket": f"ticket-{i:02d}", "file": target.name, "ticket_number": number,
                        "ticket_id": printed.qr_payloads[0] if printed.qr_payloads else None})

    (out_dir / "tour.json").write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("tour (%s): %d images in %s, start-up %.2f s", orientation, len(entries), out_dir, startup_s)
    return {"entries": entries, "startup_s": round(startup_s, 3), "out_dir": str(out_dir), "orientation": orientation}


def _save_printed_forms(core, form_ids: list[str], session: str, out_dir: Path, entries: list[dict]) -> None:
    """Each form as it came out of CUPS (cups-pdf's PDF), as a PNG to look at."""
    from screens.forms import pdf_to_image
    laser = core.simulators.by_name["form_printer"].handle
    for form_id in form_ids:
        pdf = laser.printed(f"form-{form_id}-{session}")
        target = out_dir / f"form-{form_id}.png"
        pdf_to_image(pdf.read_bytes(), 1240).save(str(target))       # 150 dpi
        entries.append({"form": form_id, "file": target.name})


def _walk(ui, core, out_dir: Path, probe) -> list[dict]:
    w, vm, printer = ui.window, ui.viewmodel, core.simulators.printer
    entries: list[dict] = []

    def shot(name: str, settle_ms: int = 250, **extra) -> None:
        probe.settle(settle_ms)      # animations finish, the keyboard's candidates appear
        prompt = probe.find(w, "cardPrompt")
        if prompt is not None:       # a still of the looping card picture: each card held above where it goes
            prompt.setProperty("animate", False)
            prompt.setProperty("t", 0.12)
            probe.settle(50)
        ui.grab(out_dir / f"{len(entries) + 1:02d}-{name}.png")
        entries.append({"screen": name, "file": f"{len(entries) + 1:02d}-{name}.png", **extra})

    def home() -> None:
        probe.wait_for(w, "homeScreen", timeout=20)

    def replace_card(citizen: str) -> None:
        """Lift the ID card and lay it down again: a reader reads a card once per placement."""
        core.simulators.take_id_card()
        probe.settle(700)            # the reader looks every 0.5 s: let it see the empty pad
        core.simulators.place_id_card(citizen)

    def to_kind(tag: str = "", on_items=lambda: None) -> None:
        """Home → categories → 社会民生类 → SM001's kinds, a picture of each."""
        probe.tap(w, "takeNumberButton")
        shot("categories" + tag)
        probe.tap(w, "categoryTile_social")
        probe.wait_for(w, "itemRow_SM001")
        shot("items" + tag)
        on_items()
        probe.tap(w, "itemRow_SM001")
        probe.wait_for(w, "kindButton_accept")
        shot("kind" + tag)

    def search_sbk() -> None:
        probe.tap(w, "searchField")
        probe.type_on_keyboard(w, "sbk")
        probe.wait_until(lambda: vm.searchText == "sbk", what="search for sbk")
        shot("search_sbk", 600)

    # The citizen's journey without a card, with a search on the way.
    shot("home_card_prompt", 600)
    to_kind(on_items=search_sbk)
    probe.tap(w, "kindButton_accept")
    shot("printing", 0)              # the answer cannot arrive before the event loop runs again
    number = probe.text_of(probe.wait_for(w, "ticketNumber", timeout=20))
    shot("done", ticket_number=number)
    # 好差评 for that ticket: 不满意 asks for a reason before it can be sent.
    probe.tap(w, "doneEvaluate")
    probe.wait_for(w, "evaluationScreen")
    shot("evaluate")
    probe.tap(w, "level_2")
    shot("evaluate_reason_needed")
    probe.tap(w, "tag_B01")
    shot("evaluate_unhappy")
    probe.tap(w, "submitEvaluation")
    probe.wait_for(w, "evaluatedScreen")
    shot("evaluated")
    probe.tap(w, "evaluatedHomeButton")
    home()

    # The roll runs out half-way through a ticket: the citizen is told the same number will be
    # printed whole; this one does not wait, so the number is spoiled (the technician sees it),
    # and the home screen explains why no number can be taken until the paper is back.
    printer.fail_mid_ticket("paper_out")
    for name in ("takeNumberButton", "categoryTile_social", "itemRow_SM002", "kindButton_accept"):
        probe.tap(w, name)
    probe.wait_for(w, "stopWaitingButton", timeout=20)
    shot("printing_interrupted")
    probe.tap(w, "stopWaitingButton")
    probe.wait_for(w, "availabilityBanner", timeout=10)
    shot("home_paper_out")
    printer.set_state("ok")
    probe.wait_until(lambda: vm.ticketAvailable, timeout=10, what="the printer back")

    # An elder lays an ID card on the reader: greeted by the masked name, straight to the
    # categories, and a priority number. The same item again is a reprint, said kindly.
    core.simulators.place_id_card("elder_zhang")
    probe.wait_for(w, "identityGreeting", timeout=10)
    shot("identified")
    for name in ("categoryTile_social", "itemRow_SM001", "kindButton_accept"):
        probe.tap(w, name)
    probe.wait_for(w, "priorityNote", timeout=20)
    number = probe.text_of(probe.find(w, "ticketNumber"))
    shot("done_priority", ticket_number=number)
    probe.tap(w, "doneTapArea")
    home()
    replace_card("elder_zhang")
    for name in ("categoryTile_social", "itemRow_SM001", "kindButton_accept"):
        probe.tap(w, name, timeout=10)
    probe.wait_for(w, "reprintNote", timeout=20)
    shot("done_reprint", ticket_number=number)
    probe.tap(w, "doneTapArea")
    home()

    # A card pulled away mid-read: a calm note, and the home screen still works under it.
    core.simulators.id_reader.inject("removed_after_select")
    replace_card("young_wang")
    probe.wait_for(w, "cardErrorToast", timeout=10)
    shot("card_error", 400)
    probe.tap(w, "cardErrorToast")
    probe.wait_until(lambda: probe.find(w, "cardErrorToast") is None, timeout=5, what="the note gone")

    # Appointment check-in: the camera's picture with a phone held up to it (decoding held back
    # for the picture), the appointment found, its ticket; then a card with no appointment today.
    probe.tap(w, "checkInButton")
    probe.wait_until(lambda: vm.appointments.previewFrame > 2, timeout=10, what="the camera's picture")
    core.scan_for_appointments(False)
    core.simulators.show_code("young_wang")
    probe.settle(800)
    shot("checkin_scan")
    core.scan_for_appointments(True)
    probe.wait_for(w, "appointmentScreen", timeout=10)
    shot("appointment_found")
    probe.tap(w, "checkInButton")
    number = probe.text_of(probe.wait_for(w, "ticketNumber", timeout=20))
    shot("done_appointment", ticket_number=number)
    core.simulators.hide_code()
    probe.tap(w, "doneTapArea")
    home()
    probe.tap(w, "checkInButton")
    replace_card("elder_chen")
    probe.wait_for(w, "appointmentsScreen", timeout=10)
    shot("appointments_none")
    probe.tap(w, "homeButton")
    home()

    # An unattended kiosk counts down (shortened here from the hall's setting).
    vm.idle.timeout_s, vm.idle.warning_s = 4.0, 3.0
    probe.tap(w, "takeNumberButton")
    probe.wait_for(w, "idleCountdown", timeout=5)
    shot("idle_countdown", 100)
    home()
    vm.idle.timeout_s = float(core.config.kiosk.idle_timeout_s)
    vm.idle.warning_s = float(core.config.kiosk.idle_warning_s)

    # 表单打印: a form filled from the ID card (李𠈌: a character outside the BMP), previewed with the
    # data masked, printed through the private cupsd; the other forms printed for the same card.
    probe.tap(w, "formsButton")
    shot("forms")
    probe.tap(w, "form_id_card_application")
    probe.wait_for(w, "formScreen")
    shot("form_card_prompt")
    replace_card("student_li")
    probe.wait_until(lambda: vm.forms.property("hasPreview"), timeout=10, what="the form preview")
    shot("form_preview", 400)
    session = core.session.session_id[:8]
    probe.tap(w, "printFormButton")
    probe.wait_for(w, "formDoneScreen", timeout=30)
    shot("form_done")
    printed_forms = ["id_card_application"]
    for form_id in core.form_desk.forms:
        if form_id not in printed_forms:
            core.print_form(form_id).result(timeout=30)
            printed_forms.append(form_id)
    _save_printed_forms(core, printed_forms, session, out_dir, entries)
    probe.tap(w, "formDoneHomeButton")
    home()

    # 自助取件: the SMS code on the big keys, the door lit in the bank, closed by the citizen.
    if vm.property("lockersOffered"):
        probe.tap(w, "pickupButton")
        probe.wait_for(w, "pickupScreen")
        for digit in core.simulators.pickup_codes["elder_chen"][:4]:
            probe.tap(w, f"pickupKey_{digit}")
        shot("pickup")
        for digit in core.simulators.pickup_codes["elder_chen"][4:]:
            probe.tap(w, f"pickupKey_{digit}")
        probe.tap(w, "pickupKey_取件")
        probe.wait_for(w, "pickupOpenScreen", timeout=10)
        shot("pickup_open")
        door = vm.property("pickupDoors")[0]["cell"]
        bus, board, lock = door.rsplit("/", 2)
        core.simulators.by_name[bus].handle.close_door(int(board), int(lock))
        probe.wait_for(w, "pickupDoneScreen", timeout=10)
        shot("pickup_done")
        probe.tap(w, "pickupDoneHomeButton")
        home()
        _item_left(w, vm, core, shot, probe)
        home()

    # 自助查询: case progress by receipt number (printed as a slip marked 仅供查询), payments by ID card.
    if vm.queries.property("offered"):
        probe.tap(w, "queriesButton")
        shot("queries")
        probe.tap(w, "query_case_progress")
        probe.find(w, "receiptField").setProperty("text", "SL20261120-0012")
        probe.tap(w, "phoneField")
        probe.type_on_keyboard(w, "8000")
        shot("query_receipt")
        probe.tap(w, "askButton")
        probe.wait_for(w, "queryResultScreen", timeout=10)
        probe.tap(w, "printQueryButton")
        probe.wait_until(lambda: vm.queries.property("printState") in ("printed", "failed"), timeout=20,
                         what="the query slip")
        shot("query_result")
        probe.tap(w, "homeButton")
        home()
        probe.tap(w, "queriesButton")
        probe.tap(w, "query_ssc_contributions")
        replace_card("young_wang")
        probe.wait_for(w, "queryResultScreen", timeout=10)
        shot("query_payments")
        probe.tap(w, "homeButton")
        home()

    # The technician's door: five taps on the hall's name, then the PIN pad.
    for _ in range(5):
        probe.tap(w, "hallNameTapArea")
    for digit in DEMO_PIN:
        probe.tap(w, f"pinKey_{digit}")
    shot("pin_pad")
    probe.tap(w, "pinKey_ok")
    probe.wait_for(w, "techScreen", timeout=10)
    probe.tap(w, "testPrintButton")
    probe.wait_until(lambda: vm.tech.testPrintState in ("ok", "failed"), timeout=20, what="the test print")
    shot("technician")
    core.simulators.take_id_card()
    reads = next(h.details.get("reads", 0) for h in core.health() if h.role == "id_card_reader")
    probe.tap(w, "testReadButton_id_card_reader")
    probe.wait_until(lambda: vm.tech.testReadState == "waiting", what="the test read waiting")
    probe.settle(300)
    core.simulators.place_id_card("elder_chen")
    probe.wait_until(lambda: vm.tech.testReadState in ("ok", "failed", "none"), timeout=20, what="the test read")
    probe.wait_until(lambda: next(h.details.get("reads", 0) for h in core.health() if h.role == "id_card_reader")
                     > reads, timeout=5, what="the read counted")
    vm.tech.refresh_health()                # now, rather than at the next 2 s refresh
    shot("technician_test_read", 400)
    # The printer's morning: out of paper, then refilled; then 立即自检. Each device's day shows
    # under its row, the self-test's answer above them.
    for state, health in (("paper_out", "fault"), ("ok", "ok")):
        core.simulators.printer.set_state(state)
        probe.wait_until(lambda: core.printer.health.state == health, timeout=8, what=f"the printer {health}")
    probe.tap(w, "selfTestButton")
    probe.wait_until(lambda: not vm.tech.selfTestRunning and vm.tech.selfTestText, timeout=20, what="the self-test")
    vm.tech.refresh_health()
    probe.wait_until(lambda: "恢复正常" in vm.tech.health[0]["history"], timeout=5, what="the printer's day")
    shot("technician_timeline", 400)
    probe.tap(w, "calibrationButton")
    probe.wait_for(w, "calibrationScreen")
    shot("form_printer_calibration")
    probe.tap(w, "backButton")
    probe.wait_for(w, "techScreen")
    if vm.property("lockersOffered"):
        _locker_staff(w, vm, core, shot, probe)
        probe.tap(w, "backButton")
        probe.wait_for(w, "techScreen")
    probe.tap(w, "techBackButton")
    home()

    # 长辈模式 by one tap: bigger text and targets, each screen said aloud; Home ends it.
    probe.tap(w, "elderButton")
    shot("home_elder")
    probe.tap(w, "helpButton")
    probe.wait_until(lambda: vm.elder.help == "local", what="请工作人员帮忙 answered")
    shot("help_elder")
    probe.tap(w, "helpDoneButton")
    to_kind("_elder")
    probe.tap(w, "homeButton")
    home()
    probe.tap(w, "elderButton")
    probe.tap(w, "evaluateButton")
    probe.tap(w, "level_5")
    shot("evaluate_elder")
    probe.tap(w, "homeButton")
    home()

    # The same kiosk in English.
    probe.tap(w, "languageButton")
    shot("home_en")
    to_kind("_en")
    probe.tap(w, "homeButton")
    home()
    probe.tap(w, "queriesButton")       # (still in English: Home keeps the citizen's language)
    shot("queries_en")
    probe.tap(w, "homeButton")
    home()
    probe.tap(w, "evaluateButton")
    probe.tap(w, "level_1")
    probe.tap(w, "tag_B03")
    shot("evaluate_en")
    probe.tap(w, "homeButton")
    home()
    return entries


def _locker_staff(w, vm, core, shot, probe) -> None:
    """取件柜管理 (from the technician screen, as hall staff reach it with their own PIN): the bank
    live, loading a large cell for a citizen who swipes their card, and the whole-board opening
    waiting for its confirmation (cancelled: the tour opens no board)."""
    staff = vm.lockerStaff
    probe.tap(w, "lockerStaffButton")
    probe.wait_for(w, "lockerStaffScreen")
    probe.wait_until(lambda: staff.property("boards"), what="the locker bank")
    bank, board, lock = core.simulators.locker_door(9)
    bank.open_by_hand(board, lock)             # a door someone left open: amber in the bank
    probe.wait_until(lambda: any(c["open"] for b in staff.property("boards") for c in b["cells"]), what="a door open")
    shot("locker_staff")
    free = next(c for b in staff.property("boards") for c in b["cells"] if c["state"] == "free" and c["size"] == "l")
    core.simulators.take_id_card()
    probe.tap(w, f"cell_{free['number']}")
    probe.tap(w, "depositButton")
    for field, text in (("order", "440100202611260017"), ("phone", "13800138000")):
        probe.tap(w, f"field_{field}")
        for ch in text:
            probe.tap(w, f"depositKey_{ch}")
    core.simulators.place_id_card("elder_zhang")
    probe.wait_until(lambda: staff.property("cardHolder"), what="the citizen's card")
    shot("locker_deposit")
    probe.tap(w, "confirmDepositButton")
    probe.wait_until(lambda: staff.property("mode") == "" and staff.property("message") not in ("", "请稍候…"),
                     timeout=15, what="the cell loaded")
    shot("locker_deposit_done", 1200)
    core.simulators.take_id_card()
    probe.tap(w, "openBoard_lockers_left_1")
    for digit in DEMO_PIN:
        probe.tap(w, f"boardPinKey_{digit}")
    probe.tap(w, "boardPinKey_ok")
    probe.wait_until(lambda: staff.property("mode") == "board_confirm", timeout=10, what="the confirmation")
    shot("locker_open_board_confirm")
    probe.tap(w, "cancelBoardButton")
    bank.close_door(board, lock)


def _item_left(w, vm, core, shot, probe) -> None:
    """A Kerong cell sees its content: the citizen closes the door on their document, and is
    offered the door once more."""
    from kiosk.privacy import person_key
    key = person_key(core.simulators.citizens["young_wang"].id_number, core.config.hall.id)
    cell = "lockers_right/0/5"
    code = core.hall.pickups.deposit("DEMO-TOUR-ITEM", key, "m", "staff S001", core.clock(), cell=cell).code
    bank = core.simulators.by_name["lockers_right"].handle
    bank.lock(0, 5).item = True
    probe.tap(w, "pickupButton")
    probe.wait_for(w, "pickupScreen")
    for digit in code:
        probe.tap(w, f"pickupKey_{digit}")
    probe.tap(w, "pickupKey_取件")
    probe.wait_for(w, "pickupOpenScreen", timeout=10)
    number = vm.property("pickupDoors")[0]["number"]
    bank.close_door(0, 5, item=True)                  # closed on the document
    probe.wait_for(w, f"reopenButton_{number}", timeout=10)
    shot("pickup_item_left")
    probe.tap(w, f"reopenButton_{number}")
    probe.wait_until(lambda: vm.property("pickupDoors"), timeout=10, what="the door open again")
    bank.close_door(0, 5, item=False)
    probe.wait_for(w, "pickupDoneScreen", timeout=10)
    probe.tap(w, "pickupDoneHomeButton")
