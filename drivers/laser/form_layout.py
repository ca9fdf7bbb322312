"""An application form's layout as data (printer_templates/forms/<form>.yaml): where each
field's text lands on the page, in millimetres from the page's top-left corner.

Halls print onto pre-printed forms (only the data, inside the form's boxes) or onto blank paper
(the form's background too). What users of every form-filling tool complain about is data a few
millimetres off the boxes, so a layout is checked when it is loaded: every box inside the page,
no two boxes overlapping, a grid with its cell count, a background that exists.
Where a field's value comes from (`source`) is the kiosk's business (kiosk/forms.py); here it
is only a name.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from drivers.printer.ticket_layout import TemplateError

# single line shrunk to fit | wrapped over lines | one character per printed cell | a tick |
# nothing printed (the citizen signs or dates it by hand)
FieldStyle = Literal["line", "wrap", "grid", "check", "handwriting"]
PAGE_SIZES_MM = {"A4": (210.0, 297.0)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(_Strict):
    label: str                                  # the form's own caption for this field
    label_mm: tuple[float, float, float, float] | None = None   # where that caption is printed
    source: str                                 # e.g. identity.name, session.today, typed.phone
    box_mm: tuple[float, float, float, float]   # x, y, width, height from the top-left corner
    style: FieldStyle = "line"
    cells: int | None = Field(default=None, ge=1, le=40)    # grid: the printed boxes, one per character
    when: str | None = None                     # check: the value that ticks this box
    size_pt: float = Field(default=11.0, ge=5, le=36)
    min_size_pt: float = Field(default=7.0, ge=4, le=36)   # shrink no further: wrap, then say so
    align: Literal["left", "center"] = "left"

    @model_validator(mode="after")
    def _style_needs(self):
        if self.style == "grid" and not self.cells:
            raise ValueError("a grid field needs `cells` (one printed box per character)")
        if self.style != "grid" and self.cells:
            raise ValueError("`cells` is for grid fields only")
        if self.style == "check" and self.when is None:
            raise ValueError("a check field needs `when` (the value that ticks it)")
        if self.box_mm[2] <= 0 or self.box_mm[3] <= 0:
            raise ValueError("box_mm width and height must be positive")
        return self


class Printed(_Strict):
    """Part of the blank form itself (a caption, a frame, the photo box): drawn on the
    background only, never on pre-printed paper."""
    text: str = ""
    box_mm: tuple[float, float, float, float]
    size_pt: float = 10.5
    align: Literal["left", "center"] = "center"
    frame: bool = True
    bold: bool = False


class FormLayout(_Strict):
    title: str
    title_en: str = ""
    items: list[str] = []                       # the catalogue's service items this form is for
    page: Literal["A4"] = "A4"
    background: str                             # a PDF of the blank form, in backgrounds/ beside the YAML
    fields: dict[str, FormField]
    printed: list[Printed] = []                 # what the blank form shows besides the field boxes

    @property
    def page_mm(self) -> tuple[float, float]:
        return PAGE_SIZES_MM[self.page]


def forms_directory() -> Path:
    return Path(str(importlib.resources.files("printer_templates"))) / "forms"


def load_form(path: Path | str) -> FormLayout:
    """Read and check one form; a problem is a TemplateError naming the file and the field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TemplateError(path, "", f"cannot read the form: {e}") from None
    try:
        layout = FormLayout.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        raise TemplateError(path, ".".join(str(p) for p in first["loc"]), first["msg"]) from None
    _check_geometry(path, layout)
    background = background_path(path, layout)
    if not background.is_file():
        raise TemplateError(path, "background", f"no file {background}")
    if background.suffix.lower() in SCAN_SUFFIXES:
        _check_scan(path, background, layout)
    return layout


SCAN_SUFFIXES = {".png", ".jpg", ".jpeg"}


def _check_scan(path: Path, scan: Path, layout: FormLayout) -> None:
    """A scanned background must have the page's proportions: it is drawn over the whole page,
    and one stretched to fit moves every box it shows away from where the data lands."""
    from PIL import Image
    try:
        with Image.open(scan) as image:
            width_px, height_px = image.size
    except OSError as e:
        raise TemplateError(path, "background", f"{scan.name} is not an image: {e}") from None
    width, height = layout.page_mm
    if abs((width_px / height_px) / (width / height) - 1) > 0.01:
        raise TemplateError(path, "background", f"{scan.name} is {width_px}×{height_px} px, not the proportions of "
                            f"{layout.page} ({width:g}×{height:g} mm): crop the scan to the page's edges")


def background_path(form_file: Path, layout: FormLayout) -> Path:
    return Path(form_file).parent / "backgrounds" / layout.background


def _check_geometry(path: Path, layout: FormLayout) -> None:
    width, height = layout.page_mm
    boxes = list(layout.fields.items())
    for name, f in boxes:
        x, y, w, h = f.box_mm
        if x < 0 or y < 0 or x + w > width or y + h > height:
            raise TemplateError(path, f"fields.{name}.box_mm",
                                f"{list(f.box_mm)} is outside the {layout.page} page ({width:g} × {height:g} mm)")
    for i, (name, f) in enumerate(boxes):
        for other, g in boxes[i + 1:]:
            if _overlap(f.box_mm, g.box_mm):
                raise TemplateError(path, f"fields.{other}.box_mm", f"overlaps fields.{name}")


def _overlap(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
