"""表单打印, timed: the real screens (offscreen), the real core and drivers, the simulated SAM
reader on a pty and a real private cupsd printing to cups-pdf.

* card read → preview on screen: from the reader's report of the card (Identified) to the
  first frame showing the filled form; and from laying the card down, which adds the reader's
  own polling (every 0.5 s, so 0-500 ms that no kiosk code can shorten);
* tap 打印 → job accepted by CUPS: the form filled with the real values, rendered and handed
  to CUPS (Create-Job + Send-Document returned);
* → cups-pdf's file written: the job followed to its end and the PDF on disk.

Run for figures:  .venv/bin/python tests/benchmarks/test_form_print.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.app import build_core  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from tests.benchmarks.figures import percentile  # noqa: E402

CITIZENS = ("elder_zhang", "young_wang", "student_li")


def measure(app, out_dir: Path, rounds: int) -> dict[str, float]:
    from screens import load_ui
    from screens.probe import settle, tap, wait_for, wait_ready, wait_until
    core = build_core(load_config().with_devices(ssc_reader=None), sim=True, out_dir=out_dir)
    ui = load_ui(app, core, fullscreen=False, locked=True, on_quit=lambda: None)
    forms = ui.viewmodel.forms
    marks: dict[str, float] = {}
    core.add_listener(lambda e: e.name == "identified" and marks.setdefault("read", time.perf_counter()))
    forms.changed.connect(lambda: forms.property("hasPreview") and marks.setdefault("preview", time.perf_counter()))
    ui.window.frameSwapped.connect(lambda: "preview" in marks and marks.setdefault("frame", time.perf_counter()))
    from_read, from_placed, accepted, written = [], [], [], []
    try:
        wait_for(ui.window, "homeScreen")
        wait_ready(ui.window)
        for n in range(rounds):
            tap(ui.window, "formsButton")
            tap(ui.window, "form_id_card_application")
            wait_for(ui.window, "formScreen")
            settle(300)
            marks.clear()
            placed = time.perf_counter()
            core.simulators.place_id_card(CITIZENS[n % len(CITIZENS)])
            wait_until(lambda: "frame" in marks, timeout=10, what="the filled form on screen")
            from_read.append((marks["frame"] - marks["read"]) * 1000)
            from_placed.append((marks["frame"] - placed) * 1000)
            ms_accepted, ms_written = print_once(core)
            accepted.append(ms_accepted)
            written.append(ms_written)
            tap(ui.window, "homeButton")
            wait_for(ui.window, "homeScreen")
            core.simulators.take_id_card()
            settle(700)          # the reader sees the empty pad before the next card
    finally:
        ui.close()
        core.stop()
    return {"card read → filled form on screen, median ms": statistics.median(from_read),
            "card read → filled form on screen, p95 ms": percentile(from_read, 0.95),
            "card laid down → filled form on screen, median ms": statistics.median(from_placed),
            "tap 打印 → job accepted by CUPS, median ms": statistics.median(accepted),
            "tap 打印 → cups-pdf's file written, median ms": statistics.median(written)}


def print_once(core) -> tuple[float, float]:
    """What the kiosk does on 打印 (fill, render, submit, follow), timed at each step."""
    from drivers.laser.cups_printer import LaserPrinter
    from drivers.laser.form_pdf import render_form
    from kiosk.forms import form_values
    form = core.form_desk.forms["id_card_application"]
    settings = core.form_printer.settings
    laser = core.simulators.by_name["form_printer"].handle
    printer = LaserPrinter(settings.queue, settings.server)       # this thread's own connection
    title = f"bench-{uuid.uuid4().hex[:10]}"
    tapped = time.perf_counter()
    pdf = render_form(form.layout, form_values(form, core.form_desk.data()), background=form.background).pdf
    job = printer.submit(pdf, title)
    accepted = time.perf_counter()
    printer.wait(job, timeout_s=60, poll_s=0.02)
    path = laser.printed(title, timeout_s=10)
    written = time.perf_counter()
    path.unlink()            # a filled form: not left in the shared folder
    return (accepted - tapped) * 1000, (written - tapped) * 1000


def placement_through_cups() -> dict[str, float]:
    """Every form filled in every box, printed through a private cupsd to cups-pdf: how far the
    worst glyph's origin moved (mm) on the way. Text boxes cannot be compared: Ghostscript in
    cups-pdf rewrites the fonts."""
    import io
    import pdfplumber
    from drivers.laser.cups_printer import LaserPrinter
    from drivers.laser.form_layout import forms_directory, load_form
    from drivers.laser.form_pdf import render_form
    from sim.laser.cupsd import PrivateCups, printed_pdf
    to_mm = 25.4 / 72
    cupsd = PrivateCups().start()
    worst = 0.0
    try:
        cupsd.add_pdf_queue("bench-forms")
        printer = LaserPrinter("bench-forms", cupsd.server)
        for path in sorted(forms_directory().glob("*.yaml")):
            layout = load_form(path)
            values = {n: "440305195607081023" if f.style == "grid" else "张建国广东省东莞市"
                      for n, f in layout.fields.items() if f.style not in ("check", "handwriting")}
            pdf = render_form(layout, values).pdf
            title = f"bench-{uuid.uuid4().hex[:10]}"
            printer.wait(printer.submit(pdf, title))
            out = printed_pdf(title)

            def origins(source):
                with pdfplumber.open(source) as doc:
                    return [(c["matrix"][4] * to_mm, c["matrix"][5] * to_mm) for c in doc.pages[0].chars]
            sent, came = origins(io.BytesIO(pdf)), origins(out)
            out.unlink()
            assert len(sent) == len(came), path.name
            worst = max([worst] + [max(abs(a - c), abs(b - d)) for (a, b), (c, d) in zip(sent, came)])
    finally:
        cupsd.stop()
    return {"worst glyph origin moved through CUPS, mm (five forms)": worst}


def test_a_form_is_previewed_and_printed_in_good_time(qapp, tmp_path):
    figures = measure(qapp, tmp_path, rounds=2)
    assert all(v > 0 for v in figures.values())


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication
    application = QGuiApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = measure(application, Path(tmp), rounds=20) | placement_through_cups()
        for name, value in figures.items():
            print(f"{name:56} {value:8.3f}")
