"""表单打印: fill an application form from the citizen's card and print it on the laser printer.

    values  ← the card in this session (and what the citizen typed)
    preview ← the form with its background, personal data masked (the screen faces the hall)
    print   ← the real values, handed to CUPS and followed until the printer has the page

The values exist only inside these calls; the print job is purged from CUPS when it ends. A
job that fails raises a calm LaserError and the visit keeps the form chosen, for a retry.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable

from drivers.laser.cups_printer import JobStatus
from drivers.laser.form_pdf import RenderedForm, render_form
from kiosk.forms import PERSONAL_FIELDS, Form, FormData, form_values
from kiosk.privacy import mask_id_number, mask_name
from kiosk.roles.laser_printer import LaserPrinterRole

log = logging.getLogger(__name__)


@dataclass
class FormDesk:
    """What the form journeys use: the hall's forms, the printer, and the card data of now."""
    forms: dict[str, Form]
    printer: LaserPrinterRole | None
    data: Callable[[], FormData]       # the session's card, item, today, typed fields


def masked(form: Form, values: dict[str, str]) -> dict[str, str]:
    """The values as the preview shows them: 张*国, 4419**********1236, the address's start."""
    shown = dict(values)
    for name, f in form.layout.fields.items():
        key = f.source.partition(".")[2]
        if key in PERSONAL_FIELDS and shown.get(name):
            shown[name] = {"name": mask_name, "id_number": mask_id_number}.get(key, _mask_rest)(shown[name])
    return shown


def _mask_rest(text: str) -> str:
    keep = min(6, len(text) // 2)
    return text[:keep] + "*" * (len(text) - keep)


async def preview(desk: FormDesk, form_id: str) -> RenderedForm:
    """The filled form with its background, personal data masked: what the screen shows."""
    form = desk.forms[form_id]
    values = form_values(form, desk.data())
    shown = await asyncio.to_thread(render_form, form.layout, masked(form, values), background=form.background)
    # What will not fit or cannot be drawn is found on the real values (张𠈌 masks to 张*).
    printed = await asyncio.to_thread(render_form, form.layout, values)
    shown.notes = printed.notes
    return shown


async def print_form(desk: FormDesk, form_id: str, title: str) -> JobStatus:
    """Print the form filled with the real values; LaserError (a calm sentence) if it fails."""
    form = desk.forms[form_id]
    printer = desk.printer
    settings = printer.settings
    rendered = await asyncio.to_thread(
        render_form, form.layout, form_values(form, desk.data()),
        background=None if settings.preprinted else form.background, calibration=printer.calibration)
    done = await printer.print_form(rendered.pdf, title)
    log.info("form %s printed (job %s, %.1f s)%s", form_id, done.job_id, done.seconds,
             f", notes {rendered.notes}" if rendered.notes else "")
    return done

