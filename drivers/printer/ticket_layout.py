"""Queue-ticket layout as data (printer_templates/<name>.yaml) and its translation to ESC/POS.

The hall edits the YAML; `compose_ticket` turns it plus the ticket's fields into the bytes for
one ticket: GB18030 text in 汉字 mode (a few hundred bytes), a native QR code of the ticket id,
and the cut. A line holding a character the printer's font lacks (a rare name character such as
䶮 or 𠈌) is drawn with a CJK font and sent as a raster image - that line only, so the ticket
stays small and fast on a slow serial line.
"""
from __future__ import annotations

import importlib.resources
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

import yaml
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drivers.printer.commands import (ASB_OFF, CHINESE_ON, INIT, LF, QR_EC_LEVELS, align,
                                      bold, char_size, feed_lines)
from drivers.printer.raster import GlyphPainter, cells_of, image_to_raster

Align = Literal["left", "center", "right"]
BLOCK_KINDS = ("text", "qr", "rule", "feed")


class TemplateError(ValueError):
    """A template file the printer cannot use; names the file and the key, like ConfigError."""

    def __init__(self, file: Path | str, key: str, problem: str):
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{self.file}: {key or '(top level)'}: {problem}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextBlock(_Strict):
    """A line of text with {field} placeholders; left out when all its fields are empty."""
    text: str
    align: Align = "left"
    width: int = Field(default=1, ge=1, le=8, description="character magnification sideways")
    height: int = Field(default=1, ge=1, le=8, description="character magnification upwards")
    bold: bool = False
    when: str = Field(default="", description="a field: the line is printed only when it is filled "
                                              "(a caption for a QR code that may be left out)")


class QrBlock(_Strict):
    """A native QR code (the printer draws it: about 60 bytes instead of kilobytes of image)."""
    qr: str
    module: int = Field(default=6, ge=1, le=16, description="dots per QR module")
    ec: Literal["L", "M", "Q", "H"] = "M"
    align: Align = "center"


class RuleBlock(_Strict):
    """A full-width line of one repeated character."""
    rule: str = Field(default="-", min_length=1, max_length=1)


class FeedBlock(_Strict):
    """Blank lines."""
    feed: int = Field(ge=1, le=20)


Block = Union[TextBlock, QrBlock, RuleBlock, FeedBlock]
_MODELS = {"text": TextBlock, "qr": QrBlock, "rule": RuleBlock, "feed": FeedBlock}


class TicketTemplate(_Strict):
    name: str
    source: str
    cut: bool = True
    lines: tuple[Block, ...]

    @property
    def fields(self) -> set[str]:
        """Every {field} the template uses: the kiosk must supply each (empty is fine)."""
        found: set[str] = set()
        for block in self.lines:
            if isinstance(block, (TextBlock, QrBlock)):
                found.update(_placeholders(block.text if isinstance(block, TextBlock) else block.qr))
            if isinstance(block, TextBlock) and block.when:
                found.add(block.when)
        return found


# ---------------------------------------------------------------- loading
def _placeholders(pattern: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]


def load_template(name: str = "ticket", directory: Path | str | None = None) -> TicketTemplate:
    """Load printer_templates/<name>.yaml (or <directory>/<name>.yaml) and check every key."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise TemplateError(name, "", "a template name is letters, digits, '-' and '_' only")
    if directory is None:
        path = Path(str(importlib.resources.files("printer_templates") / f"{name}.yaml"))
    else:
        path = Path(directory) / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(path, "", "template file not found") from None
    except yaml.YAMLError as e:
        raise TemplateError(path, "", f"not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(raw, dict):
        raise TemplateError(path, "", "expected a mapping with 'lines' (and optionally 'cut')")
    for key in raw:
        if key not in ("lines", "cut"):
            raise TemplateError(path, str(key), "unknown key (allowed: lines, cut)")
    if not isinstance(raw.get("lines"), list) or not raw["lines"]:
        raise TemplateError(path, "lines", "a list of at least one line is required")
    blocks = []
    for i, entry in enumerate(raw["lines"]):
        key = f"lines.{i}"
        kinds = [k for k in BLOCK_KINDS if isinstance(entry, dict) and k in entry]
        if len(kinds) != 1:
            raise TemplateError(path, key, "each line needs exactly one of: " + ", ".join(BLOCK_KINDS))
        try:
            block = _MODELS[kinds[0]].model_validate(entry)
        except ValidationError as e:
            err = e.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            raise TemplateError(path, f"{key}.{where}", problem) from None
        pattern = block.text if isinstance(block, TextBlock) else getattr(block, "qr", "")
        try:
            names = _placeholders(pattern)
        except ValueError as e:
            raise TemplateError(path, f"{key}.{kinds[0]}", f"bad {{field}} placeholder: {e}") from None
        for field_name in names:
            if not field_name.isidentifier():
                raise TemplateError(path, f"{key}.{kinds[0]}",
                                    f"placeholder {{{field_name}}} must be a plain field name")
        blocks.append(block)
    cut = raw.get("cut", True)
    if not isinstance(cut, bool):
        raise TemplateError(path, "cut", "must be true or false")
    return TicketTemplate(name=name, source=str(path), cut=cut, lines=tuple(blocks))


def example_fields(**overrides: str) -> dict[str, str]:
    """The fields of a believable ticket: for a technician's test print and for tests."""
    fields = {
        "hall_name": "东莞松山湖政务服务中心",
        "number": "A012",
        "kind_label": "受理 Application",
        "item_name": "社会保障卡申领",
        "window_group_name": "社会民生综合窗口 (1-4号窗口)",
        "people_ahead": "5",
        "estimated_wait_min": "60",
        "issued_at": "2024-05-06 09:12",
        "ticket_id": "T20240506-dg-ssl-A012-7f3a",
        "reprint_mark": "",
        "priority_mark": "",
        "appointment_mark": "",
        "offline_mark": "",
        "offline_note": "",
        "evaluation_url": "",
    }
    fields.update(overrides)
    return fields


# ---------------------------------------------------------------- composing
_CODECS = {"gb18030": "gb18030", "gbk": "gbk", "gb2312": "gb2312"}


def _codec(name: str) -> str:
    try:
        return _CODECS[name.lower()]
    except KeyError:
        raise ValueError(f"printer encoding must be one of {', '.join(_CODECS)}, not {name!r}") from None


def _clean(value: Any) -> str:
    # A field value must never smuggle printer commands (ESC, GS...) or break a line.
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in str(value))


def _fill(pattern: str, fields: Mapping[str, Any], template: TicketTemplate) -> tuple[str, bool]:
    """(filled text, True if the pattern had fields and every one of them was empty)."""
    names = _placeholders(pattern)
    values = {}
    for name in names:
        if name not in fields:
            raise TemplateError(template.source, name, "the kiosk did not supply this field "
                                f"(the template uses: {', '.join(sorted(template.fields))})")
        values[name] = _clean(fields[name]).strip()
    all_empty = bool(names) and not any(values.values())
    return pattern.format_map(values), all_empty


def wrap(text: str, columns: int, encoding: str | None = None) -> list[str]:
    """Break a line to `columns` 12-dot columns: Latin words stay whole, 汉字 break anywhere."""
    tokens = re.findall(r"[!-~]+| +|.", text.strip())
    lines, current, used = [], "", 0
    for token in tokens:
        width = sum(cells_of(c, encoding) for c in token)
        if used + width > columns and current:
            lines.append(current.rstrip())
            current, used = "", 0
            if token.isspace():
                continue
        while width > columns:      # a word longer than the whole line
            head, rest, w = "", token, 0
            while rest and w + cells_of(rest[0], encoding) <= columns:
                w += cells_of(rest[0], encoding)
                head, rest = head + rest[0], rest[1:]
            lines.append(head)
            token, width = rest, width - w
        current += token
        used += width
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def printable_in_font(line: str, encoding: str, font_charset: str) -> bool:
    """True if the printer's own font can print every character of the line."""
    try:
        line.encode(encoding)
        line.encode(font_charset)
        return True
    except UnicodeEncodeError:
        return False


class _Writer:
    """Collects bytes and sends a style command only when the style really changes."""

    def __init__(self) -> None:
        self.out = bytearray(INIT + ASB_OFF + CHINESE_ON)
        self.align, self.size, self.bold = "left", (1, 1), False    # what ESC @ leaves behind

    def style(self, where: str, width: int = 1, height: int = 1, emphasised: bool = False) -> None:
        if where != self.align:
            self.out += align(where)
            self.align = where
        if (width, height) != self.size:
            self.out += char_size(width, height)
            self.size = (width, height)
        if emphasised != self.bold:
            self.out += bold(emphasised)
            self.bold = emphasised


@dataclass(frozen=True)
class PaperProfile:
    """What the layout needs to know about the printer and its paper (the defaults: 80 mm
    paper at 203 dpi, text in GB18030 with a GBK font, a partial cut)."""
    encoding: Literal["gb18030", "gbk", "gb2312"] = "gb18030"
    # The glyphs the printer's built-in font really has: characters outside it are rasterised.
    font_charset: Literal["gb18030", "gbk", "gb2312"] = "gbk"
    width_dots: int = 576
    chars_per_line: int = 48      # font A, ASCII columns
    cut: Literal["full", "partial"] = "partial"
    raster_font: str | None = None    # the CJK font for the raster fallback (None: the default)


def compose_ticket(template: TicketTemplate, fields: Mapping[str, Any], profile: PaperProfile) -> bytes:
    """The ESC/POS bytes of one ticket."""
    # python-escpos builds the native QR and cut bytes for us; imported here so that importing
    # the layout costs nothing (see drivers.printer.escpos_cache).
    from escpos import constants as escpos_constants
    from escpos.printer import Dummy

    encoding, font_charset = _codec(profile.encoding), _codec(profile.font_charset)
    columns_total = int(profile.chars_per_line)
    width_dots = int(profile.width_dots)
    painter = GlyphPainter(profile.raster_font)   # loads a font only if needed
    w = _Writer()
    escpos = Dummy()
    for block in template.lines:
        if isinstance(block, FeedBlock):
            w.out += feed_lines(block.feed)
        elif isinstance(block, RuleBlock):
            w.style("left")
            cells = cells_of(block.rule, encoding)
            w.out += (block.rule * (columns_total // cells)).encode(encoding, errors="replace") + LF
        elif isinstance(block, QrBlock):
            payload, _ = _fill(block.qr, fields, template)
            if not payload:
                continue
            w.style(block.align)
            escpos.clear()
            escpos.qr(payload, ec=QR_EC_LEVELS[block.ec], size=block.module, model=escpos_constants.QR_MODEL_2,
                      native=True)
            w.out += escpos.output + LF
        else:
            text, all_empty = _fill(block.text, fields, template)
            if all_empty or (block.when and not _fill(f"{{{block.when}}}", fields, template)[0]):
                continue
            for line in wrap(text, max(1, columns_total // block.width), encoding):
                if printable_in_font(line, encoding, font_charset):
                    w.style(block.align, block.width, block.height, block.bold)
                    w.out += line.encode(encoding) + LF
                else:
                    w.style("left")     # the alignment is drawn into the image itself
                    w.out += _raster_line(painter, line, block, encoding, width_dots)
    if template.cut:
        escpos.clear()
        escpos.cut(mode="FULL" if profile.cut == "full" else "PART")
        w.out += escpos.output
    return bytes(w.out)


def _raster_line(painter: GlyphPainter, line: str, block: TextBlock, encoding: str, width_dots: int) -> bytes:
    img = painter.line(line, block.width, block.height, block.bold, encoding=encoding)
    if img.width > width_dots:
        img = img.crop((0, 0, width_dots, img.height))
    offset = {"left": 0, "center": (width_dots - img.width) // 2, "right": width_dots - img.width}[block.align]
    offset = max(0, min(offset, width_dots - img.width))
    # Only the white space to the left is sent, never to the right: fewer bytes on the wire.
    canvas = Image.new("L", (offset + img.width, img.height), 255)
    canvas.paste(img, (offset, 0))
    return image_to_raster(canvas)
