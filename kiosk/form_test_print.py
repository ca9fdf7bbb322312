"""`kiosk-diag print-form`: a form filled from an ID card on a real SAM reader, as a PDF file or
printed through CUPS, to check a printer and a template without the screens.

    kiosk-diag print-form id_card_application --sam /dev/ttyUSB1 --pdf out.pdf
    kiosk-diag print-form id_card_application --sam /dev/ttyUSB1 --queue hall-forms
The PDF holds the card's data in full (the technician asked for it); the JSON printed on stdout
never does: the file's name, the render time, what did not fit, the job's end.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from drivers.card.errors import CardError
from drivers.laser.cups_printer import LaserError, LaserPrinter
from drivers.laser.form_pdf import Calibration, render_form
from kiosk.card_test_read import read_id_card_record
from kiosk.config import KioskConfig
from kiosk.forms import FormData, form_values, load_forms
from kiosk.identity import identity_from_id_card
from kiosk.wording import say


def print_form(config: KioskConfig, template: str, sam_port: str, *, wait_s: float = 5.0, pdf: str | None = None,
               queue: str | None = None, server: str = "", blank_paper: bool = True) -> tuple[int, dict]:
    """(exit code, JSON object)."""
    forms = load_forms(config)
    if template not in forms:
        return 2, {"error": "unknown_template", "known": sorted(forms)}
    form = forms[template]
    try:
        card, _ = read_id_card_record(sam_port, wait_s)
    except CardError as e:
        return 1, {"error": type(e).__name__, "detail": str(e), "message_en": say(e.message, "en")}
    item = form.layout.items[0] if form.layout.items else ""
    data = FormData(identity=identity_from_id_card(card), item_code=item,
                    item_name=config.items[item].name if item in config.items else "", today=date.today())
    rendered = render_form(form.layout, form_values(form, data), background=form.background if blank_paper else None,
                           calibration=_calibration(config, queue))
    result = {"template": template, "render_ms": round(rendered.ms, 1), "notes": rendered.notes}
    if pdf:
        Path(pdf).write_bytes(rendered.pdf)
        return 0, {**result, "pdf": str(pdf)}
    printer = LaserPrinter(queue, server)
    try:
        job = printer.submit(rendered.pdf, f"diag-{template}")
        result["job_id"] = job
        done = printer.wait(job)
    except LaserError as e:
        return 1, {**result, "state": getattr(e, "state", "not printed"), "reasons": getattr(e, "reasons", []),
                   "error": type(e).__name__, "detail": str(e)}
    return 0, {**result, "state": done.state, "reasons": done.reasons, "seconds": round(done.seconds, 2)}


def _calibration(config: KioskConfig, queue: str | None) -> Calibration:
    """The configured form printer's correction, when it is the queue being printed to."""
    for settings in config.devices_of("laser_printer").values():
        if queue is None or settings.queue == queue:
            tray = settings.calibration.get(settings.tray)
            if tray is not None:
                return Calibration(tray.dx_mm, tray.dy_mm, tray.scale)
    return Calibration()
