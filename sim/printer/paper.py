"""The paper inside the virtual printer: where received text, rasters and QR codes land.

Works like a thermal printer in standard mode: characters gather in a line buffer and are
printed at LF (or when the line is full); images and QR codes print as their own rows; the cut
hands back everything printed since the previous cut as one ticket image, 1 dot = 1 pixel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import segno
from PIL import Image, ImageOps

from drivers.printer.commands import CELL_HEIGHT_DOTS, CELL_WIDTH_DOTS, QR_FN_EC, QR_FN_MODULE, QR_FN_PRINT, QR_FN_STORE
from drivers.printer.raster import GlyphPainter

DEFAULT_LINE_SPACING = 30     # ESC 2: 1/6 inch at 180 dpi, what Epson-compatible printers use
TOP_MARGIN = 16               # paper between the cutter and the first printed line


@dataclass
class PrintedTicket:
    png_path: Path | None
    text_lines: list[str]
    qr_payloads: list[str]
    byte_count: int
    rasters: int
    printed_at: float
    image: Image.Image | None = field(default=None, repr=False, compare=False)
    complete: bool = True       # False: the printer stopped part-way (a torn-off half, or uncut)

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)


@dataclass
class _Char:
    ch: str
    cells: int
    width: int
    height: int
    bold: bool


class Paper:
    def __init__(self, width_dots: int = 576, painter: GlyphPainter | None = None):
        self.width = width_dots
        self.painter = painter or GlyphPainter()
        self._rows: list[Image.Image | int] = []     # an image strip, or blank dots
        self._line: list[_Char] = []
        self._line_align = 0
        self.text_lines: list[str] = []
        self.qr_payloads: list[str] = []
        self.rasters = 0
        self.reset_modes()

    # ------------------------------------------------------------ modes (ESC @ resets them)
    def reset_modes(self) -> None:
        self.align = 0
        self.size = (1, 1)
        self.bold = False
        self.line_spacing = DEFAULT_LINE_SPACING
        self._qr_module = 3
        self._qr_ec = "L"
        self._qr_data = b""

    def init(self) -> None:
        self._line.clear()            # ESC @ clears the line buffer; printed rows stay on the paper
        self.reset_modes()

    @property
    def blank(self) -> bool:
        return not self._rows and not self._line

    def discard(self) -> None:
        """Throw away everything not yet cut (the printer stopped mid-ticket)."""
        self._rows.clear()
        self._line.clear()
        self.text_lines, self.qr_payloads, self.rasters = [], [], 0

    # ------------------------------------------------------------ text
    def char(self, ch: str, cells: int) -> None:
        w, h = self.size
        used = sum(c.cells * CELL_WIDTH_DOTS * c.width for c in self._line)
        if used + cells * CELL_WIDTH_DOTS * w > self.width and self._line:
            self.print_line()          # a full line prints by itself, like on paper
        if not self._line:
            self._line_align = self.align   # justification counts at the start of a line
        self._line.append(_Char(ch, cells, w, h, self.bold))

    def print_line(self) -> None:
        """LF: print the line buffer (an empty buffer just feeds one line)."""
        if not self._line:
            self._rows.append(self.line_spacing)
            return
        glyphs = [self.painter.glyph(c.ch, c.cells, c.width, c.height, c.bold) for c in self._line]
        text_height = max(g.height for g in glyphs)
        row = Image.new("L", (self.width, max(self.line_spacing, text_height)), 255)
        line_width = sum(g.width for g in glyphs)
        x = self._offset(line_width)
        for g in glyphs:
            # Characters of different heights share the baseline at the bottom of the line.
            row.paste(g, (x, row.height - g.height))
            x += g.width
        self._rows.append(row)
        text = "".join(c.ch for c in self._line).rstrip()
        if text:
            self.text_lines.append(text)
        self._line.clear()

    def flush(self) -> None:
        if self._line:
            self.print_line()

    def feed_dots(self, dots: int) -> None:
        self.flush()
        self._rows.append(dots)

    def feed_lines(self, lines: int) -> None:
        self.flush()
        self._rows.append(lines * self.line_spacing)

    def set_print_mode(self, n: int) -> None:
        """ESC ! n: bit3 emphasised, bit4 double height, bit5 double width."""
        self.bold = bool(n & 0x08)
        self.size = (2 if n & 0x20 else 1, 2 if n & 0x10 else 1)

    def set_size(self, n: int) -> None:
        """GS ! n: width in the high nibble, height in the low nibble (0 = normal)."""
        w, h = (n >> 4 & 0x07) + 1, (n & 0x07) + 1
        self.size = (w, h)

    # ------------------------------------------------------------ images
    def _offset(self, width: int) -> int:
        room = max(0, self.width - width)
        return {0: 0, 1: room // 2, 2: room}.get(self.align if not self._line else self._line_align, 0)

    def _place(self, img: Image.Image) -> None:
        self.flush()
        img = img.crop((0, 0, min(img.width, self.width), img.height))
        row = Image.new("L", (self.width, img.height), 255)
        row.paste(img, (self._offset(img.width), 0))
        self._rows.append(row)

    def raster(self, mode: int, width_bytes: int, height: int, data: bytes) -> None:
        """GS v 0: rows of bits, MSB leftmost, 1 = black dot; mode bit0 doubles width, bit1 height."""
        img = ImageOps.invert(Image.frombytes("1", (width_bytes * 8, height), data).convert("L"))
        if mode & 0x03:
            img = img.resize((img.width * (2 if mode & 1 else 1), img.height * (2 if mode & 2 else 1)),
                             Image.Resampling.NEAREST)
        self._place(img)
        self.rasters += 1

    def qr(self, fn: int, data: bytes) -> None:
        """GS ( k with cn = '1': store parameters and data, print on function 81."""
        if fn == QR_FN_MODULE and data:
            self._qr_module = max(1, min(16, data[0]))
        elif fn == QR_FN_EC and data:
            self._qr_ec = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(data[0], "L")
        elif fn == QR_FN_STORE and data:
            self._qr_data = data[1:]              # after m = '0'
        elif fn == QR_FN_PRINT and self._qr_data:
            try:
                code = segno.make_qr(self._qr_data, error=self._qr_ec, boost_error=False)
            except (segno.DataOverflowError, ValueError):
                return                            # a real printer prints nothing either
            self._place(_qr_image(code, self._qr_module))
            self.qr_payloads.append(self._qr_data.decode("utf-8", errors="replace"))

    # ------------------------------------------------------------ the cut
    def cut(self) -> Image.Image:
        """Everything since the previous cut, as one image (the ticket that falls out)."""
        self.flush()
        height = TOP_MARGIN + sum(r if isinstance(r, int) else r.height for r in self._rows)
        ticket = Image.new("L", (self.width, max(height, CELL_HEIGHT_DOTS)), 255)
        y = TOP_MARGIN
        for r in self._rows:
            if isinstance(r, int):
                y += r
            else:
                ticket.paste(r, (0, y))
                y += r.height
        self._rows.clear()
        return ticket

    def take_record(self) -> tuple[list[str], list[str], int]:
        record = (self.text_lines, self.qr_payloads, self.rasters)
        self.text_lines, self.qr_payloads, self.rasters = [], [], 0
        return record


def _qr_image(code: "segno.QRCode", module: int) -> Image.Image:
    rows = [bytes(0 if dark else 255 for dark in row) for row in code.matrix]
    img = Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows))
    return img.resize((img.width * module, img.height * module), Image.Resampling.NEAREST)


def save_ticket(image: Image.Image, out_dir: Path, index: int) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"ticket-{index:04d}.png"
    image.convert("1", dither=Image.Dither.NONE).save(path, optimize=True)
    return path
