"""The form printer over real CUPS: a private cupsd whose queue prints to cups-pdf (the PDF
that came out is measured like paper), and for faults ippeveprinter, a real IPP printer whose
paper, toner and cover change under the kiosk's real driver (drivers/laser/cups_printer.py)."""
from __future__ import annotations

import io
import uuid

import pdfplumber
import pytest

from drivers.laser.cups_printer import LaserError, LaserJobFailed, LaserPrinter, LaserUnreachable
from drivers.laser.form_layout import forms_directory, load_form
from drivers.laser.form_pdf import draw_calibration, render_form
from kiosk.wording import say
from sim.laser.cupsd import CupsUnavailable, PrivateCups, printed_pdf
from sim.laser.ipp_printer import IppPrinter

pytestmark = pytest.mark.wire
PT_MM = 25.4 / 72


def title() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"      # cups-pdf's output folder is shared by every run


@pytest.fixture
def cupsd():
    try:
        scheduler = PrivateCups().start()
    except CupsUnavailable as e:
        pytest.fail(f"a private cupsd is needed for this test and could not start: {e}")
    scheduler.add_pdf_queue("hall-forms")
    yield scheduler
    scheduler.stop()


@pytest.fixture
def ipp(cupsd):
    try:
        printer = IppPrinter().start()
    except CupsUnavailable as e:
        pytest.fail(f"ippeveprinter is needed for this test and could not start: {e}")
    cupsd.add_queue("hall-laser", printer.uri, everywhere=True)
    yield printer
    printer.stop()


def long_edges(pdf_path, vertical: bool, min_mm: float = 150) -> list[float]:
    """Positions (mm from the left / top) of the page's long straight lines."""
    with pdfplumber.open(pdf_path) as doc:
        page = doc.pages[0]
        size = (page.width * PT_MM, page.height * PT_MM)
        found = []
        for e in page.edges:
            length = (e["bottom"] - e["top"]) if vertical else (e["x1"] - e["x0"])
            if length * PT_MM >= min_mm:
                found.append(round((e["x0"] if vertical else e["top"]) * PT_MM, 3))
    return size, sorted(set(found))


def test_the_calibration_sheet_comes_out_of_cups_a4_unscaled_with_its_marks_in_place(qapp, cupsd):
    printer = LaserPrinter("hall-forms", server=cupsd.server)
    name = title()
    job = printer.submit(draw_calibration("hall-forms"), name)
    assert printer.wait(job, timeout_s=60).state == "completed"
    out = printed_pdf(name)
    (width, height), xs = long_edges(out, vertical=True)
    _, ys = long_edges(out, vertical=False)
    assert abs(width - 210) <= 0.5 and abs(height - 297) <= 0.5, "A4"
    left, right = xs[0], xs[-1]
    top, bottom = ys[0], ys[-1]
    assert abs(left - 20) <= 0.5 and abs(right - 190) <= 0.5 and abs(top - 20) <= 0.5 and abs(bottom - 277) <= 0.5
    assert abs((right - left) / 170 - 1) <= 0.002 and abs((bottom - top) / 257 - 1) <= 0.002, "not scaled"


def test_a_filled_form_through_cups_keeps_every_character_where_it_was_put(qapp, cupsd):
    layout = load_form(forms_directory() / "id_card_application.yaml")
    form = render_form(layout, {"name": "张建国", "id_number": "441900194911011236", "address": "广东省东莞市松山湖"})
    printer = LaserPrinter("hall-forms", server=cupsd.server)
    name = title()
    printer.wait(printer.submit(form.pdf, name), timeout_s=60)

    def origins(source) -> list[tuple[float, float]]:
        with pdfplumber.open(source) as doc:     # each glyph's origin: x and its baseline
            return [(c["matrix"][4] * PT_MM, c["matrix"][5] * PT_MM) for c in doc.pages[0].chars]
    sent, came = origins(io.BytesIO(form.pdf)), origins(printed_pdf(name))
    assert len(sent) == len(came) == len("张建国441900194911011236广东省东莞市松山湖")
    for (x1, y1), (x2, y2) in zip(sent, came):
        assert abs(x1 - x2) <= 0.5 and abs(y1 - y2) <= 0.5


def test_no_form_stays_in_the_cups_spool_once_its_job_ends(qapp, cupsd):
    printer = LaserPrinter("hall-forms", server=cupsd.server)
    layout = load_form(forms_directory() / "id_card_application.yaml")
    printer.wait(printer.submit(render_form(layout, {"name": "张建国"}).pdf, title()), timeout_s=60)
    assert sorted(p.name for p in cupsd.spool.iterdir()) == ["tmp"], "no job or control file left"


def test_paper_out_toner_and_a_cover_opened_mid_job_are_each_said_and_clear_again(qapp, cupsd, ipp):
    printer = LaserPrinter("hall-laser", server=cupsd.server, printer_uri=ipp.uri)
    assert printer.status().ready
    ipp.paper(0)
    status = printer.status()
    assert not status.ready and status.blocking == ["media-empty"]
    assert str(status.why) == "表格打印机没有纸了"
    ipp.paper(250)
    ipp.toner(5)
    status = printer.status()
    assert status.ready and status.warnings == ["toner-low"]
    assert status.supplies["Black Toner"] == 5, "the level, read from the printer's own printer-supply"
    ipp.toner(0)
    assert printer.status().blocking == ["toner-empty"]
    ipp.toner(80)


def test_a_cover_opened_mid_job_is_a_failed_form_even_when_cups_calls_the_job_complete(qapp, cupsd, ipp):
    import asyncio
    from kiosk.roles.laser_printer import LaserPrinterDevice, LaserPrinterRole
    role = LaserPrinterRole("form_printer", LaserPrinterDevice(queue="hall-laser", server=cupsd.server,
                                                               printer_uri=ipp.uri))
    try:
        ipp.open_cover()
        with pytest.raises(LaserError) as failed:       # the job failed, or CUPS said complete too early
            asyncio.run(role.print_form(draw_calibration("x"), title()))
        assert "cover-open" in str(failed.value) or isinstance(failed.value, LaserJobFailed)
        assert role.check_now().result(timeout=10).state == "fault"
        ipp.close_cover()
        assert role.check_now().result(timeout=10).state == "ok"
        assert asyncio.run(role.print_form(draw_calibration("x"), title())).state == "completed"
    finally:
        role.stop()


def test_a_missing_queue_or_scheduler_is_a_typed_error_not_a_hang(qapp, cupsd, tmp_path):
    with pytest.raises(LaserUnreachable, match="nope"):
        LaserPrinter("nope", server=cupsd.server).status()
    with pytest.raises(LaserUnreachable) as gone:
        LaserPrinter("hall-forms", server=str(tmp_path / "no-cups.sock")).status()
    assert say(gone.value.message, "zh_CN") == "表格打印机暂时连不上，请到咨询台领取表格。"


@pytest.mark.parametrize("citizen_key", ["student_li", "foreign_smith"])     # 李𠈌; a foreigner's card
def test_every_form_filled_from_a_card_comes_out_of_cups_with_every_character_in_place(qapp, cupsd, citizen_key):
    from datetime import date
    from kiosk.config import load_hall_settings
    from kiosk.forms import FormData, form_values, load_forms
    from kiosk.identity import identity_from_id_card
    from sim.card.sam_cards import card_for
    from sim.citizens import load_citizens
    identity = identity_from_id_card(card_for(load_citizens()[citizen_key]))
    printer = LaserPrinter("hall-forms", server=cupsd.server)
    forms = load_forms(load_hall_settings())
    assert len(forms) >= 5
    for form in forms.values():
        values = form_values(form, FormData(identity=identity, item_code=form.layout.items[0], item_name="测试",
                                            today=date(2026, 11, 26), typed={"phone": "13800138000"}))
        pdf = render_form(form.layout, values).pdf        # the data, as on pre-printed paper
        name = title()
        assert printer.wait(printer.submit(pdf, name), timeout_s=60).state == "completed"
        out = printed_pdf(name)

        def origins(source) -> list[tuple[float, float]]:
            with pdfplumber.open(source) as doc:
                return [(c["matrix"][4] * PT_MM, c["matrix"][5] * PT_MM) for c in doc.pages[0].chars]
        sent, came = origins(io.BytesIO(pdf)), origins(out)
        out.unlink()                       # a filled form: not left in the shared folder
        assert len(sent) == len(came), f"{form.id}: every character came out"
        assert max(max(abs(a - c), abs(b - d)) for (a, b), (c, d) in zip(sent, came)) <= 0.5, form.id


def test_polling_the_printer_all_day_leaks_no_references(cupsd, ipp):
    """The kiosk asks every few seconds: a reference lost per poll (pycups leaks one to True for
    each boolean attribute it returns) is a climb an all-day soak sees. 200 polls, none kept."""
    import sys
    printer = LaserPrinter("hall-laser", server=cupsd.server, printer_uri=ipp.uri)
    printer.status()
    before = {name: sys.getrefcount(value) for name, value in (("True", True), ("False", False))}
    for _ in range(200):
        printer.status()
    after = {name: sys.getrefcount(value) for name, value in (("True", True), ("False", False))}
    assert all(after[name] - before[name] < 20 for name in before), (before, after)
