"""A filled application form as a vector PDF, exact to its layout's millimetres.

Why Qt's QPdfWriter (measured on this machine, one A4 form): it draws in 8-20 ms, embeds the
fonts as subsets and places text where it is told; fpdf2 took 840 ms (it subsets a 20 MB CJK
font on every form), ReportLab rejects OpenType/CFF fonts, WeasyPrint takes ~11 s.
Why WenQuanYi Zen Hei first: Noto Sans CJK's character map also maps the Kangxi radicals onto
the glyphs of common characters, and Qt's PDF text layer then says ⺠ for 民 and ⼴ for 广, which
breaks copy, search and our own checks; Zen Hei's does not. HanaMin A/B follow as fallbacks for
rare characters (䶮 is in Zen Hei, 𠈌 outside the BMP only in HanaMin).
Qt writes no text mapping for characters outside the BMP (its reverse character map stops at
U+FFFF), so `_restore_rare_text` adds them afterwards: the glyph was always right, now the text
is too.

Qt here is a drawing library, not a user interface: no QObject signals, no event loop. It needs
a QGuiApplication for its font database (the kiosk has one; kiosk-diag makes an offscreen one).
"""
from __future__ import annotations

import functools
import io
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QPageLayout, QPageSize,
                           QImage, QPainter, QPdfWriter, QPen, QTextLayout)

from drivers.errors import DeviceError
from drivers.laser.form_layout import SCAN_SUFFIXES, FormField, FormLayout
from drivers.sentence import Sentence

DPI = 1200
MM = DPI / 25.4                  # device units per millimetre
PT = DPI / 72.0                  # device units per point
FAMILIES = ("WenQuanYi Zen Hei", "HanaMinA", "HanaMinB")
FONT_PACKAGES = "fonts-wqy-zenhei fonts-hanazono"
TICK = "√"                       # how Chinese forms tick a box
PAD_MM = 1.5                     # text keeps this far from a box's left and right lines


class FormRenderError(DeviceError):
    message = Sentence("表格暂时生成不了，请到咨询台领取空白表格。")


@dataclass(frozen=True)
class Calibration:
    """A printer's measured error, corrected on the whole page at print time: dx/dy in mm
    (positive moves the print right/down), scale around the page's top-left corner."""
    dx_mm: float = 0.0
    dy_mm: float = 0.0
    scale: float = 1.0


@dataclass
class RenderedForm:
    pdf: bytes
    # field → what the citizen or the technician should know: "shrunk", "wrapped", "too_long"
    # (printed smaller than its minimum rather than cut), "no_glyph" (left for handwriting)
    notes: dict[str, str] = field(default_factory=dict)
    ms: float = 0.0


@functools.cache
def check_fonts() -> None:
    """FormRenderError when the form fonts are not installed (say which package). Asked once:
    the font database does not change while the kiosk runs (a failure is not cached)."""
    if QGuiApplication.instance() is None:
        raise FormRenderError("a QGuiApplication must exist before forms are drawn (Qt's font database)")
    families = set(QFontDatabase.families())
    missing = [f for f in FAMILIES if f not in families]
    if missing:
        raise FormRenderError(f"fonts missing: {', '.join(missing)} (apt install {FONT_PACKAGES})")


def _page(title: str) -> tuple[QBuffer, QPdfWriter]:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator("hall-kiosk")
    return buffer, writer


def draw_blank(layout: FormLayout) -> bytes:
    """The blank form drawn from its layout: every caption, box, grid and tick box, and what
    `printed` adds. The demo hall's backgrounds are made this way (a hall may bring a scan)."""
    check_fonts()
    buffer, writer = _page(layout.title)
    painter = QPainter(writer)
    try:
        painter.setPen(QPen(QColor("black"), 0.3 * MM))
        for item in layout.printed:
            box = _rect(item.box_mm)
            if item.frame:
                painter.drawRect(box)
            if item.text:
                font = _font(item.size_pt)
                font.setBold(item.bold)
                painter.setFont(font)
                align = Qt.AlignmentFlag.AlignHCenter if item.align == "center" else Qt.AlignmentFlag.AlignLeft
                inner = box.adjusted(1.5 * MM, 0, -1.5 * MM, 0)
                painter.drawText(inner, int(align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap), item.text)
        for f in layout.fields.values():
            box = _rect(f.box_mm)
            painter.drawRect(box)
            if f.style == "grid":
                cell = box.width() / f.cells
                for i in range(1, f.cells):
                    painter.drawLine(QPointF(box.x() + i * cell, box.y()), QPointF(box.x() + i * cell, box.bottom()))
            if f.label_mm:
                label = _rect(f.label_mm)
                painter.setFont(_font(10.5 if len(f.label) <= 5 else 9))
                if f.style == "check":      # a tick box's caption sits beside it, unframed
                    painter.drawText(label, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), f.label)
                else:
                    painter.drawRect(label)
                    painter.drawText(label, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), f.label)
    finally:
        painter.end()
    return bytes(buffer.data())


def draw_table(title: str, lines: list[str], header: list[str], rows: list[list[str]], mark: str) -> bytes:
    """A plain A4 page: a title, a few lines about it, a table, and `mark` (仅供查询) large and
    light across the page, so a copy is never taken for an official certificate."""
    check_fonts()
    buffer, writer = _page(title)
    painter = QPainter(writer)
    try:
        left, width = 20 * MM, 170 * MM
        painter.save()                      # the mark first, under the text
        painter.setPen(QColor(200, 200, 200))
        painter.setFont(_font(60))
        painter.translate(105 * MM, 160 * MM)
        painter.rotate(-30)
        painter.drawText(QRectF(-120 * MM, -20 * MM, 240 * MM, 40 * MM), int(Qt.AlignmentFlag.AlignCenter), mark)
        painter.restore()
        painter.setPen(QPen(QColor("black"), 0.2 * MM))
        title_font = _font(18)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.drawText(QRectF(left, 18 * MM, width, 12 * MM), int(Qt.AlignmentFlag.AlignCenter), title)
        painter.setFont(_font(10.5))
        y = 34 * MM
        for line in lines:
            painter.drawText(QRectF(left, y, width, 6 * MM), int(Qt.AlignmentFlag.AlignLeft), line)
            y += 6 * MM
        y += 3 * MM
        column = width / max(1, len(header))
        row_h = 8 * MM
        for r, cells in enumerate([header, *rows]):
            if y + row_h > 280 * MM:        # one page: what does not fit is said, not cut silently
                painter.drawText(QRectF(left, y, width, row_h), int(Qt.AlignmentFlag.AlignLeft),
                                 f"…（共 {len(rows)} 条，其余请到窗口查询）")
                break
            font = _font(10 if r else 10.5)
            font.setBold(r == 0)
            painter.setFont(font)
            for c, cell in enumerate(cells):
                box = QRectF(left + c * column, y, column, row_h)
                painter.drawRect(box)
                painter.drawText(box.adjusted(PAD_MM * MM, 0, -PAD_MM * MM, 0),
                                 int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), cell)
            y += row_h
    finally:
        painter.end()
    return bytes(buffer.data())


CALIBRATION_INSET_MM = 20.0


def draw_calibration(printer: str, calibration: Calibration = Calibration()) -> bytes:
    """The calibration sheet: a line 20 mm in from each edge, so the two vertical lines are
    170 mm apart and the two horizontal ones 257 mm, and the steps for the technician. Printed
    with the printer's current correction, so a sheet that measures right proves it."""
    check_fonts()
    buffer, writer = _page("Calibration")
    inset, width, height = CALIBRATION_INSET_MM, 210.0, 297.0
    painter = QPainter(writer)
    try:
        painter.translate(calibration.dx_mm * MM, calibration.dy_mm * MM)
        painter.scale(calibration.scale, calibration.scale)
        painter.setPen(QPen(QColor("black"), 0.2 * MM))
        for x in (inset, width - inset):
            painter.drawLine(QPointF(x * MM, 5 * MM), QPointF(x * MM, (height - 5) * MM))
        for y in (inset, height - inset):
            painter.drawLine(QPointF(5 * MM, y * MM), QPointF((width - 5) * MM, y * MM))
        painter.setFont(_font(11))
        steps = (f"表格打印机校准页　{printer}\n\n"
                 "1. 用直尺量左边竖线到纸张左边缘的距离，应为 20 毫米；多出几毫米，dx 就填负几（少了填正数）。\n"
                 "2. 量上边横线到纸张上边缘的距离，应为 20 毫米；多出几毫米，dy 就填负几（少了填正数）。\n"
                 "3. 量两条竖线之间的距离，应为 170 毫米；量两条横线之间的距离，应为 257 毫米。"
                 "若量得 169 毫米，缩放填 170 ÷ 169 = 1.006。\n"
                 "4. 在技术员页面填入 dx、dy 和缩放，再打印一张校准页核对。\n\n"
                 f"当前校准：dx {calibration.dx_mm:+.1f} mm，dy {calibration.dy_mm:+.1f} mm，"
                 f"缩放 {calibration.scale:.3f}")
        painter.drawText(QRectF(30 * MM, 40 * MM, 150 * MM, 120 * MM),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), steps)
    finally:
        painter.end()
    return bytes(buffer.data())


def render_form(layout: FormLayout, values: Mapping[str, str], *, background: Path | None = None,
                calibration: Calibration = Calibration()) -> RenderedForm:
    """The form with `values` (field name → text) in their boxes; with `background` (blank-paper
    printing, the preview) the blank form's PDF goes under the data."""
    started = time.perf_counter()
    check_fonts()
    buffer, writer = _page(layout.title)
    height = layout.page_mm[1]
    painter = QPainter(writer)
    notes: dict[str, str] = {}
    rare: list[str] = []
    try:
        painter.translate(calibration.dx_mm * MM, calibration.dy_mm * MM)
        painter.scale(calibration.scale, calibration.scale)
        if background is not None and background.suffix.lower() in SCAN_SUFFIXES:
            # A scan covers the page edge to edge (its proportions were checked when loaded).
            painter.drawImage(QRectF(0, 0, layout.page_mm[0] * MM, layout.page_mm[1] * MM), QImage(str(background)))
        for name, f in layout.fields.items():
            text = (values.get(name) or "").strip()
            if not text or f.style == "handwriting":
                continue
            note = _draw_field(painter, writer, f, text)
            if note:
                notes[name] = note
            if note != "no_glyph":
                rare += [c for c in text if ord(c) > 0xFFFF and c not in rare]
    finally:
        painter.end()
    pdf = bytes(buffer.data())
    vector = background if background is not None and background.suffix.lower() not in SCAN_SUFFIXES else None
    if rare or vector is not None:
        pdf = _finish(pdf, rare, vector, calibration, height)
    return RenderedForm(pdf, notes, (time.perf_counter() - started) * 1000)


# ---------------------------------------------------------------- drawing one field
def _font(size_pt: float) -> QFont:
    font = QFont()
    font.setFamilies(list(FAMILIES))
    font.setPointSizeF(size_pt)
    font.setKerning(False)
    return font


_per_thread = threading.local()


def _family_metrics() -> tuple[QFontMetricsF, ...]:
    """Each family's metrics, made once per thread: Qt's font objects are reentrant, not
    thread-safe, and forms are drawn on the flow loop's worker threads."""
    if not hasattr(_per_thread, "metrics"):
        _per_thread.metrics = tuple(QFontMetricsF(QFont(family)) for family in FAMILIES)
    return _per_thread.metrics


def _has_glyphs(text: str) -> bool:
    metrics = _family_metrics()
    return all(c.isspace() or any(m.inFontUcs4(ord(c)) for m in metrics) for c in text)


def _rect(box_mm) -> QRectF:
    x, y, w, h = box_mm
    return QRectF(x * MM, y * MM, w * MM, h * MM)


def _draw_field(painter: QPainter, writer: QPdfWriter, f: FormField, text: str) -> str:
    if not _has_glyphs(text):
        return "no_glyph"           # no font has it: the citizen writes it by hand
    box = _rect(f.box_mm)
    if f.style == "check":
        if text == f.when:
            painter.setFont(_font(min(f.size_pt, f.box_mm[3] / 25.4 * 72 * 0.9)))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, TICK)
        return ""
    if f.style == "grid":
        return _draw_grid(painter, f, box, text)
    return _draw_text(painter, writer, f, box.adjusted(PAD_MM * MM, 0, -PAD_MM * MM, 0), text)


def _draw_grid(painter: QPainter, f: FormField, box: QRectF, text: str) -> str:
    """One character centred in each printed cell (an ID number's 18 boxes)."""
    cell = box.width() / f.cells
    painter.setFont(_font(min(f.size_pt, f.box_mm[3] / 25.4 * 72 * 0.8, cell / PT * 0.9)))
    for i, char in enumerate(text[: f.cells]):
        painter.drawText(QRectF(box.x() + i * cell, box.y(), cell, box.height()), Qt.AlignmentFlag.AlignCenter, char)
    return "too_long" if len(text) > f.cells else ""


def _draw_text(painter: QPainter, writer: QPdfWriter, f: FormField, box: QRectF, text: str) -> str:
    """Largest size from size_pt down to min_size_pt at which the text fits: on one line first,
    then (a `wrap` field, or a line field with room for two) over several. Never cut: at the
    minimum it is drawn anyway and noted."""
    fits_height = f.box_mm[3] / 25.4 * 72 / 1.25          # the tallest size one line may have
    size = min(f.size_pt, fits_height)
    align = Qt.AlignmentFlag.AlignHCenter if f.align == "center" else Qt.AlignmentFlag.AlignLeft
    may_wrap = f.style == "wrap" or fits_height >= 2 * f.min_size_pt
    while True:
        font = _font(size)
        metrics = QFontMetricsF(font, writer)
        one_line = metrics.horizontalAdvance(text) <= box.width()
        if one_line or size <= f.min_size_pt and not may_wrap:
            painter.setFont(font)
            painter.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, text)
            return "" if one_line and size == f.size_pt else ("shrunk" if one_line else "too_long")
        if may_wrap:
            flags = int(align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWrapAnywhere)   # Chinese breaks anywhere
            needed = metrics.boundingRect(box, flags, text)
            if needed.height() <= box.height() or size <= f.min_size_pt:
                painter.setFont(font)
                painter.drawText(box, flags, text)
                return "wrapped" if needed.height() <= box.height() else "too_long"
        size = max(f.min_size_pt, size - 0.5)


# ---------------------------------------------------------------- after Qt
def _finish(pdf: bytes, rare: list[str], background: Path | None, calibration: Calibration,
            page_height_mm: float) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if rare:
            _restore_rare_text(doc, rare)
        if background is not None:
            with pikepdf.open(background) as blank:
                page = doc.pages[0]
                mm = 72 / 25.4
                s = calibration.scale
                w, h = (float(v) for v in blank.pages[0].mediabox[2:])
                # PDF's y runs upwards from the bottom: a dy down the page lowers the rectangle.
                left = calibration.dx_mm * mm
                top = page_height_mm * mm - calibration.dy_mm * mm
                page.add_underlay(blank.pages[0], pikepdf.Rectangle(left, top - h * s, left + w * s, top))
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


_BFRANGE = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>")


def _restore_rare_text(doc: pikepdf.Pdf, rare: list[str]) -> None:
    """Give the glyphs of characters outside the BMP their text back. Qt's subset numbers
    glyphs in order of first use and maps all but these; so in each font, its unmapped glyphs
    in ascending order are the rare characters that font drew, in the order they were drawn."""
    families = {f.replace(" ", "").lower(): f for f in FAMILIES}
    for font in doc.pages[0].Resources.Font.values():
        family = families.get(str(font.BaseFont).lstrip("/").lower())
        if family is None or "/ToUnicode" not in font:
            continue
        drawn_here = [c for c in rare if _drawn_with(c) == family]
        if not drawn_here:
            continue
        cmap = font.ToUnicode.read_bytes()
        mapped = _mapped_cids(cmap)
        unmapped = sorted(set(range(1, max(mapped | {0}) + len(drawn_here) + 1)) - mapped)[: len(drawn_here)]
        entries = b"".join(b"<%04X> <%s>\n" % (cid, char.encode("utf-16-be").hex().upper().encode())
                           for cid, char in zip(unmapped, drawn_here))
        cmap = cmap.replace(b"endcmap", b"%d beginbfchar\n%sendbfchar\nendcmap" % (len(drawn_here), entries), 1)
        font.ToUnicode.write(cmap)


def _mapped_cids(cmap: bytes) -> set[int]:
    cids: set[int] = set()
    for start, end, _ in _BFRANGE.findall(cmap):
        cids.update(range(int(start, 16), int(end, 16) + 1))
    in_chars = b"".join(re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S))
    cids.update(int(cid, 16) for cid, _ in _BFCHAR.findall(in_chars))
    return cids


def _drawn_with(char: str) -> str:
    """The family Qt's font fallback really draws this character with (a family's character
    map may list a character its fallback order still takes from the next one)."""
    layout = QTextLayout(char, _font(11))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    return runs[0].rawFont().familyName() if runs else ""
