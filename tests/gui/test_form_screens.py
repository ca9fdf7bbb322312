"""表单打印 on the real screens: choose a form, lay the ID card down, see it filled (masked), print
it through the private cupsd, and find the citizen's data in full on the page that came out."""
from __future__ import annotations

import pdfplumber
import pytest
import yaml
from PySide6.QtGui import QImage

from screens.probe import find, settle, tap, text_of, visible_texts, wait_for, wait_until
from sim.citizens import load_citizens

pytestmark = pytest.mark.gui


def fill_form(ui, core, form_id: str, citizen: str) -> None:
    """From home: 表单打印, this form, this citizen's ID card, until the filled form shows."""
    tap(ui.window, "formsButton")
    tap(ui.window, f"form_{form_id}")
    core.simulators.place_id_card(citizen)
    wait_until(lambda: ui.viewmodel.forms.property("hasPreview"), timeout=10, what="the filled form shown")


def printed(core, session_prefix: str, form_id: str):
    return core.simulators.by_name["form_printer"].handle.printed(f"form-{form_id}-{session_prefix}")


def pixels(pdf: bytes):
    """The page as grey levels at about 60 dpi (what the paper looks like, not its text layer:
    Ghostscript in cups-pdf rewrites the fonts and drops their text mapping)."""
    import numpy as np
    from screens.forms import pdf_to_image
    image = pdf_to_image(pdf, 500).convertToFormat(QImage.Format.Format_Grayscale8)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, :500]


def looks_like(paper: bytes, full: bytes, masked: bytes, boxes) -> bool:
    """Inside these boxes (mm), where the real data and the masked data differ, the page that
    came out differs from the masked form the way the real form does: the correlation of the two
    differences is high for the real data and near 0 for anything else (Ghostscript's rendering
    noise is not correlated with the data)."""
    import numpy as np
    out, a, b = (pixels(x).astype(float) for x in (paper, full, masked))
    came, real = [], []
    for box in boxes:
        x, y, w, h = (round(v * 500 / 210) for v in box)
        came.append((out - b)[y:y + h, x:x + w].ravel())
        real.append((a - b)[y:y + h, x:x + w].ravel())
    came, real = np.concatenate(came), np.concatenate(real)
    return float((came * real).sum() / np.sqrt((came * came).sum() * (real * real).sum())) > 0.5


def test_a_form_filled_from_the_id_card_is_previewed_masked_and_printed_in_full(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "formsButton")
    wait_for(w, "formsScreen")
    tap(w, "form_id_card_application")
    wait_for(w, "formScreen")
    assert find(w, "formCardPrompt") is not None and find(w, "printFormButton") is None, "asks for the card first"
    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: ui.viewmodel.forms.property("hasPreview"), timeout=10, what="the filled form shown")
    assert find(w, "formPreview") is not None
    citizen = load_citizens()["elder_zhang"]
    shown = ui.viewmodel.visit.form_preview
    with pdfplumber.open(__import__("io").BytesIO(shown)) as doc:
        preview = doc.pages[0].extract_text()
    assert citizen.id_number not in preview.replace(" ", "") and "4419**********1236" in preview.replace(" ", "")
    assert citizen.name not in preview and "张*国" in preview, "the screen faces the hall: masked"
    session = core.session.session_id[:8]
    from kiosk.forms import form_values
    last_values = form_values(core.form_desk.forms["id_card_application"], core.form_desk.data())
    tap(w, "printFormButton")
    wait_for(w, "formDoneScreen", timeout=30)
    assert "请到右侧打印机取表，在签名处签字" in visible_texts(w)
    from drivers.laser.form_pdf import render_form
    from kiosk.flows.print_form import masked
    form = core.form_desk.forms["id_card_application"]
    values = dict(last_values)
    full = render_form(form.layout, values, background=form.background).pdf
    hidden = render_form(form.layout, masked(form, values), background=form.background).pdf
    boxes = [form.layout.fields[name].box_mm for name in ("name", "id_number", "address")]
    assert looks_like(printed(core, session, "id_card_application").read_bytes(), full, hidden, boxes), \
        "the paper carries the citizen's data in full"
    tap(w, "formDoneHomeButton")
    wait_for(w, "homeScreen")
    assert core.identity() is None


def test_after_a_ticket_the_done_screen_offers_that_business_form_with_its_reason_ticked(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.place_id_card("young_wang")
    wait_for(w, "categoryScreen", timeout=10)
    ui.viewmodel.openItem("GA002")             # 居民身份证换领
    wait_for(w, "kindScreen")
    ui.viewmodel.chooseKind("accept")
    wait_for(w, "doneScreen", timeout=15)
    tap(w, "formsAfterTicketButton")
    wait_for(w, "formsScreen")
    assert [f["id"] for f in ui.viewmodel.forms.property("forms")] == ["id_card_application"]
    tap(w, "form_id_card_application")
    wait_until(lambda: ui.viewmodel.forms.property("hasPreview"), timeout=10, what="the filled form shown")
    session = core.session.session_id[:8]
    tap(w, "printFormButton")
    wait_for(w, "formDoneScreen", timeout=30)
    paper = pixels(printed(core, session, "id_card_application").read_bytes())
    box_mm = {name: core.form_desk.forms["id_card_application"].layout.fields[name].box_mm
              for name in ("first", "expired", "lost")}
    def ink(box):        # dark pixels inside a tick box (its frame left out)
        x, y, w_, h = (round(v * 500 / 210) for v in box)
        return int((paper[y + 2:y + h - 1, x + 2:x + w_ - 1] < 128).sum())
    assert ink(box_mm["expired"]) > 3 and ink(box_mm["first"]) == 0 and ink(box_mm["lost"]) == 0, \
        "有效期满换领 ticked, nothing else"


@pytest.fixture
def on_ipp_printer(start_kiosk, tmp_path):
    """A kiosk whose form queue prints on ippeveprinter: (ui, core, the simulated laser)."""
    scenario = tmp_path / "ipp.yaml"
    scenario.write_text(yaml.safe_dump({"laser": {"printer": "ipp"}}), encoding="utf-8")
    ui, core = start_kiosk(scenario=scenario)
    return ui, core, core.simulators.by_name["form_printer"].handle


def test_paper_out_on_the_form_printer_says_so_and_the_kiosk_still_issues_numbers(on_ipp_printer):
    ui, core, laser = on_ipp_printer
    w = ui.window
    laser.ipp.paper(0)
    wait_until(lambda: core.form_printer.health.state == "fault", timeout=10, what="paper out seen")
    tap(w, "formsButton")
    wait_for(w, "formsScreen")
    assert "表格打印机暂时不能用" in text_of(find(w, "formPrinterNote"))
    tap(w, "form_residence_permit")
    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: ui.viewmodel.forms.property("hasPreview"), timeout=10, what="the filled form shown")
    assert not find(w, "printFormButton").isEnabled(), "no printing while the paper is out"
    tap(w, "homeButton")
    wait_for(w, "homeScreen")
    assert find(w, "takeNumberButton").isEnabled(), "tickets still issued"
    laser.ipp.paper(250)
    wait_until(lambda: core.form_printer.health.state == "ok", timeout=10, what="paper back")


def test_a_form_still_waiting_at_the_printer_is_cancelled_when_the_citizen_leaves(on_ipp_printer):
    import cups
    ui, core, laser = on_ipp_printer
    w = ui.window
    laser.ipp.jam()                      # the printer takes the job and holds it
    fill_form(ui, core, "residence_permit", "elder_zhang")
    tap(w, "printFormButton")
    wait_for(w, "formPrintingScreen")
    scheduler = cups.Connection(host=laser.cupsd.server)
    wait_until(lambda: scheduler.getJobs(which_jobs="not-completed"), timeout=10, what="the job at CUPS")
    ui.viewmodel.goHome()                # the citizen walks away (Home, or the idle timeout)
    wait_until(lambda: not scheduler.getJobs(which_jobs="all"), timeout=10, what="the job cancelled and purged")
    laser.ipp.clear_jam()
    wait_until(lambda: core.form_printer.health.state == "ok", timeout=10, what="the printer idle again")
    assert laser.ipp.last_printed is None, "no form came out for nobody"


def test_the_technician_calibrates_the_form_printer_and_it_holds_after_a_restart(start_kiosk, tmp_path):
    from tests.wire.test_laser_printer import long_edges
    ui, core = start_kiosk()
    w = ui.window
    for _ in range(5):
        tap(w, "hallNameTapArea")
    for digit in "2468":
        tap(w, f"pinKey_{digit}")
    tap(w, "pinKey_ok")
    wait_for(w, "techScreen", timeout=10)
    tap(w, "calibrationButton")
    wait_for(w, "calibrationScreen")
    for _ in range(2):
        tap(w, "calPlus_dx")               # the printer prints 1 mm too far left
    tap(w, "calMinus_dy")                  # and 0.5 mm too low
    assert text_of(find(w, "calValue_dx")) == "1.0" and text_of(find(w, "calValue_dy")) == "-0.5"
    tap(w, "calPrintButton")
    wait_until(lambda: ui.viewmodel.calibration.property("state") == "printed", timeout=30, what="the sheet printed")
    sheet = core.simulators.by_name["form_printer"].handle.printed(f"calibration-{core.config.kiosk.id}")
    _, xs = long_edges(sheet, vertical=True)
    _, ys = long_edges(sheet, vertical=False)
    assert abs(xs[0] - 21.0) <= 0.5 and abs(ys[0] - 19.5) <= 0.5, "the sheet is printed with what is tried"
    tap(w, "calSaveButton")
    assert ui.viewmodel.calibration.property("state") == "saved"
    assert core.form_printer.calibration.dx_mm == 1.0 and core.form_printer.calibration.dy_mm == -0.5
    from kiosk.app import build_core
    from kiosk.config import load_config
    again = build_core(load_config().with_devices(ssc_reader=None), sim=True, out_dir=core.state_dir)
    try:                                    # the kiosk restarted: the saved calibration is the one used
        assert (again.form_printer.calibration.dx_mm, again.form_printer.calibration.dy_mm) == (1.0, -0.5)
    finally:
        again.stop()


def test_a_phone_number_typed_on_the_keypad_is_checked_and_lands_on_the_form(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    fill_form(ui, core, "housing_fund_withdrawal", "young_wang")
    tap(w, "typed_phone")
    for key in "1380013800":             # one digit short
        tap(w, f"key_{key}")
    tap(w, "key_完成")
    assert "电话号码好像不对" in text_of(find(w, "typedProblem_phone"))
    assert not find(w, "printFormButton").isEnabled(), "not printed with a wrong number"
    tap(w, "typed_phone")
    tap(w, "key_0")
    tap(w, "key_完成")
    wait_until(lambda: find(w, "typedProblem_phone") is None, what="the number accepted")
    tap(w, "choice_rent")                 # 提取原因: 租房
    assert core.session.typed == {"phone": "13800138000", "reason": "rent"}
    from kiosk.forms import form_values
    values = form_values(core.form_desk.forms["housing_fund_withdrawal"], core.form_desk.data())
    assert values["phone"] == "13800138000" and values["rent"] == "rent" and values["buy"] == "rent"
    wait_until(lambda: find(w, "printFormButton").isEnabled(), timeout=10, what="ready to print")


def test_someone_filling_in_for_the_citizen_adds_their_card_to_the_agent_block(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    fill_form(ui, core, "id_card_application", "elder_zhang")     # the applicant's card
    tap(w, "agentButton")
    wait_for(w, "agentPrompt")
    core.simulators.take_id_card()
    settle(700)                                              # the reader sees the empty pad
    core.simulators.place_id_card("young_wang")             # the agent's own card
    wait_for(w, "agentName", timeout=10)
    assert text_of(find(w, "agentName")) == "代办人：王*"
    assert find(w, "formScreen") is not None and core.identity()["name"] == "张*国", "the visit goes on"
    from kiosk.forms import form_values
    values = form_values(core.form_desk.forms["id_card_application"], core.form_desk.data())
    agent = load_citizens()["young_wang"]
    assert values["agent_name"] == agent.name and values["agent_id_number"] == agent.id_number
    assert values["name"] == load_citizens()["elder_zhang"].name
    tap(w, "homeButton")
    wait_for(w, "homeScreen")
    assert core.session.agent is None, "the agent is forgotten with the visit"
