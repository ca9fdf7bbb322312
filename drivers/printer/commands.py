"""ESC/POS command bytes that python-escpos does not build the way a Chinese ticket needs.

Shared by the ticket composer (to build) and the simulator (to recognise): one definition of
each frame. Native QR codes and the cut come from python-escpos itself (see ticket_layout.py);
their function numbers are listed here only so the simulator can name them.

Why not python-escpos for these: its `set()` rewrites every attribute (font, size, alignment,
underline, density...) on each call, which would triple a ticket's bytes; its `text()` goes
through MagicEncode, which is single-byte only and cannot send Chinese; and its `image()` prints
a warning to stdout for profiles without a media width. The bytes below are short and plain.
"""
from __future__ import annotations

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF = b"\n"

INIT = b"\x1b@"                  # ESC @: forget every mode of the previous ticket
CHINESE_ON = b"\x1c&"            # FS &: 汉字 mode, bytes >= 0x81 start a GB18030/GBK character
CHINESE_OFF = b"\x1c."           # FS .
ASB_OFF = b"\x1da\x00"           # GS a 0: no automatic status back while the host polls DLE EOT

ALIGNMENTS = {"left": 0, "center": 1, "right": 2}

# GS ( k, cn = '1' (QR code): function numbers
QR_FN_MODEL, QR_FN_MODULE, QR_FN_EC, QR_FN_STORE, QR_FN_PRINT = 65, 67, 69, 80, 81
QR_EC_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}   # python-escpos QR_ECLEVEL_* values; byte = 48 + level

# Font A cell, the unit of every layout: ASCII 12x24 dots, a 汉字 24x24 dots.
CELL_WIDTH_DOTS = 12
CELL_HEIGHT_DOTS = 24


def align(where: str) -> bytes:
    """ESC a n: justification of the following lines."""
    return bytes([ESC, ord("a"), ALIGNMENTS[where]])


def char_size(width: int, height: int) -> bytes:
    """GS ! n: character magnification 1..8 in each direction (applies to ASCII and 汉字 alike)."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size must be 1..8, not {width}x{height}")
    return bytes([GS, ord("!"), ((width - 1) << 4) | (height - 1)])


def bold(on: bool) -> bytes:
    """ESC E n: emphasised (double-strike) printing."""
    return bytes([ESC, ord("E"), 1 if on else 0])


def feed_lines(n: int) -> bytes:
    """ESC d n: print what is buffered and feed n lines."""
    return bytes([ESC, ord("d"), max(0, min(255, n))])


def raster_image(width_bytes: int, height: int, data: bytes, mode: int = 0) -> bytes:
    """GS v 0 m xL xH yL yH d1...dk: a 1-bit raster image, rows of `width_bytes`, MSB leftmost,
    1 = black dot."""
    if len(data) != width_bytes * height:
        raise ValueError(f"raster data is {len(data)} bytes, expected {width_bytes} x {height}")
    return (bytes([GS, ord("v"), ord("0"), mode, width_bytes & 0xFF, width_bytes >> 8, height & 0xFF, height >> 8])
            + data)
