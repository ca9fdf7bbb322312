"""Drawing text the way a thermal printer's font A does: 12x24-dot ASCII cells, 24x24-dot 汉字
cells, magnified by whole numbers, black dots on white.

Used for the raster fallback (a line with a character the printer's own font lacks is drawn
here and sent as GS v 0), and by the simulator to draw what it received: both sides then look
alike, so a rasterised line does not stand out on the rendered ticket.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from drivers.printer.commands import CELL_HEIGHT_DOTS, CELL_WIDTH_DOTS, raster_image

# Where Debian/Ubuntu/Fedora put a CJK font; the first that exists wins.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
# In a collection, prefer the monospaced Simplified Chinese face: its Latin letters are exactly
# half a 汉字 wide, like a printer font.
PREFERRED_FACES = ("Noto Sans Mono CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei Mono")

# Grey levels darker than this become a printed dot. Above mid-grey so thin strokes survive.
INK_THRESHOLD = 170
_INK = [0 if v < INK_THRESHOLD else 255 for v in range(256)]          # grey -> dot or paper
_INK_INVERTED = [255 if v > 255 - INK_THRESHOLD else 0 for v in range(256)]


@functools.lru_cache(maxsize=8)     # opening every face of a 20 MB collection takes a while
def find_cjk_font(path: str | None = None) -> tuple[str, int]:
    """(font file, face index) of a CJK font: `path` if given, else the first system one found."""
    candidates = [path] if path else [p for p in FONT_CANDIDATES if Path(p).is_file()]
    if not candidates:
        raise FileNotFoundError("no CJK font found; install fonts-noto-cjk (or pass font_path) "
                                f"- looked in: {', '.join(FONT_CANDIDATES)}")
    chosen = candidates[0]
    if not Path(chosen).is_file():
        raise FileNotFoundError(f"CJK font {chosen} does not exist")
    names = []
    for index in range(32):     # a .ttc holds several faces; a plain .ttf/.otf has one
        try:
            names.append(" ".join(ImageFont.truetype(chosen, 12, index=index).getname()))
        except OSError:
            break
    for wanted in PREFERRED_FACES:
        for index, name in enumerate(names):
            if name.startswith(wanted + " ") or name == wanted:
                return chosen, index
    return chosen, 0


@functools.lru_cache(maxsize=32)
def _load_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def cells_of(ch: str, encoding: str | None = None) -> int:
    """How many 12-dot columns a character takes: 2 for a 汉字, 1 for ASCII.

    A printer decides by bytes: a character sent as two or four bytes in 汉字 mode is printed
    full width (so GBK "·" is wide). Characters the encoding cannot hold go by Unicode width.
    """
    if encoding:
        try:
            return 1 if len(ch.encode(encoding)) == 1 else 2
        except UnicodeEncodeError:
            pass
    return 2 if unicodedata.east_asian_width(ch) in "WFA" and ord(ch) > 0x7F else 1


@dataclass
class GlyphPainter:
    """Draws characters into printer cells with one CJK font; caches fonts and glyphs."""

    font_path: str | None = None
    _font: tuple[str, int] | None = field(default=None, init=False)
    _glyphs: dict[tuple, Image.Image] = field(default_factory=dict, init=False)

    def _font_at(self, size: int) -> ImageFont.FreeTypeFont:
        if self._font is None:
            self._font = find_cjk_font(self.font_path)
        return _load_font(*self._font, size)

    def glyph(self, ch: str, cells: int, width: int = 1, height: int = 1, bold: bool = False) -> Image.Image:
        """One character as an "L" image (0 = dot, 255 = paper) of its magnified cell size."""
        key = (ch, cells, width, height, bold)
        cached = self._glyphs.get(key)
        if cached is not None:
            return cached
        # Draw at the height's scale (a sharp outline), then stretch sideways if width differs:
        # that is what GS ! does with a printer font, only smoother.
        w, h = CELL_WIDTH_DOTS * cells * height, CELL_HEIGHT_DOTS * height
        img = Image.new("L", (w, h), 255)
        if not ch.isspace():
            draw = ImageDraw.Draw(img)
            # Sized and placed on a shared baseline so that 汉字 fill the cell and Latin
            # descenders (g, y, p) still fit inside its 24 dots, as in a printer's font A.
            font = self._font_at(round(CELL_HEIGHT_DOTS * height * 0.875))
            baseline = round(CELL_HEIGHT_DOTS * height * 0.78)
            x = (w - font.getlength(ch)) / 2
            strike = max(1, height) / 2
            for dx in ((-strike, strike) if bold else (0,)):   # bold = double strike, a dot apart
                draw.text((x + dx, baseline), ch, font=font, fill=0, anchor="ls")
        if width != height:
            img = img.resize((CELL_WIDTH_DOTS * cells * width, h), Image.Resampling.BILINEAR)
        img = img.point(_INK)
        if len(self._glyphs) > 4096:
            self._glyphs.clear()
        self._glyphs[key] = img
        return img

    def line(self, text: str, width: int = 1, height: int = 1, bold: bool = False,
             encoding: str | None = None) -> Image.Image:
        """A whole line of text, cell after cell, as an "L" image."""
        glyphs = [self.glyph(ch, cells_of(ch, encoding), width, height, bold) for ch in text]
        img = Image.new("L", (max(1, sum(g.width for g in glyphs)), CELL_HEIGHT_DOTS * height), 255)
        x = 0
        for g in glyphs:
            img.paste(g, (x, 0))
            x += g.width
        return img


def image_to_raster(img: Image.Image, mode: int = 0) -> bytes:
    """GS v 0 bytes for an image; dark pixels become dots. Width is padded to whole bytes."""
    grey = img.convert("L")
    pad = (-grey.width) % 8
    if pad:
        wider = Image.new("L", (grey.width + pad, grey.height), 255)
        wider.paste(grey, (0, 0))
        grey = wider
    # Mode "1" packs 8 pixels a byte, MSB first, 1 = white: invert so that 1 = black dot.
    inked = ImageOps.invert(grey).point(_INK_INVERTED)
    bits = inked.convert("1", dither=Image.Dither.NONE)
    return raster_image(grey.width // 8, grey.height, bits.tobytes(), mode)
