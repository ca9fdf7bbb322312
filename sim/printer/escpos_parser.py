"""Streaming ESC/POS parser: the printer's side of the wire.

Bytes arrive in arbitrary chunks (a serial line splits commands anywhere), so the parser keeps
an incomplete command buffered until the rest arrives. It never raises on bad input: unknown
commands are skipped the way a real printer skips them, and a declared length that no printer
would accept is treated as garbage so one bad byte cannot swallow everything after it.
"""
from __future__ import annotations

from dataclasses import dataclass

from drivers.printer.commands import DLE, ESC, FS, GS

MAX_COMMAND_BYTES = 1 << 20    # a 576-dot raster of ~14000 rows; more is garbage, not a picture


@dataclass(frozen=True)
class Op:
    """One thing the printer was told: `kind` plus its arguments, and the bytes it took."""
    kind: str
    args: tuple = ()
    data: bytes = b""
    size: int = 0


# Commands with a fixed length (total bytes including the prefix), by (prefix, letter).
def _lengths(**by_length: bytes) -> dict[int, int]:
    return {letter: int(n[1:]) for n, letters in by_length.items() for letter in letters}


_FIXED = {
    ESC: _lengths(n2=b"<iLmS", n3=b"!-3EGJMRVTadelrtU{ =?K", n4=b"$\\c", n5=b"p", n10=b"W"),
    GS: _lengths(n3=b"!BHIafbhrwE/", n4=b"LW$\\P"),
    FS: _lengths(n2=b"&.", n3=b"!-CW", n4=b"Sp"),
}

# Names of the single-parameter commands the printer acts on.
_NAMED = {
    (ESC, ord("!")): "print_mode", (ESC, ord("E")): "bold", (ESC, ord("G")): "bold",
    (ESC, ord("a")): "align", (ESC, ord("d")): "feed_lines", (ESC, ord("J")): "feed_dots",
    (ESC, ord("3")): "line_spacing", (GS, ord("!")): "size", (GS, ord("a")): "asb",
    (FS, ord("!")): "kanji_mode", (ESC, ord("-")): "underline", (ESC, ord("t")): "codepage",
}


class EscPosParser:
    def __init__(self, chinese_default: bool = True):
        # Chinese-market printers power on in 汉字 mode (GB18030 bytes print directly).
        self.chinese_default = chinese_default
        self.chinese = chinese_default
        self._buf = bytearray()

    def reset(self) -> None:
        """Forget a half-received command (the host's connection dropped mid-way)."""
        self._buf.clear()
        self.chinese = self.chinese_default

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[Op]:
        self._buf += data
        ops: list[Op] = []
        pos = 0
        buf = self._buf
        while pos < len(buf):
            op = self._one(buf, pos)
            if op is None:          # incomplete: wait for more bytes
                break
            ops.append(op)
            pos += op.size
        del buf[:pos]
        return ops

    # ------------------------------------------------------------ one command or character
    def _one(self, buf: bytearray, pos: int) -> Op | None:
        b = buf[pos]
        avail = len(buf) - pos
        if b == DLE:
            return self._dle(buf, pos, avail)
        if b in (ESC, GS, FS):
            if avail < 2:
                return None
            return self._prefixed(buf, pos, avail)
        if b == 0x0A:
            return Op("lf", size=1)
        if b < 0x20 or b == 0x7F:
            return Op("ignored", data=bytes([b]), size=1)   # CR, HT, NUL...: nothing to draw
        if b < 0x80:
            return Op("char", (chr(b), 1), size=1)
        if not self.chinese:
            return Op("char", (bytes([b]).decode("cp437"), 1), size=1)
        return self._hanzi(buf, pos, avail)

    def _hanzi(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        b = buf[pos]
        if not 0x81 <= b <= 0xFE:
            return Op("char", ("?", 1), size=1)
        if avail < 2:
            return None
        b2 = buf[pos + 1]
        if 0x30 <= b2 <= 0x39:                      # GB18030 four-byte character
            if avail < 4:
                return None
            raw = bytes(buf[pos:pos + 4])
            if 0x81 <= raw[2] <= 0xFE and 0x30 <= raw[3] <= 0x39:
                return Op("char", (raw.decode("gb18030", errors="replace"), 2), raw, 4)
            return Op("char", ("?", 1), size=1)
        if 0x40 <= b2 <= 0xFE and b2 != 0x7F:
            raw = bytes(buf[pos:pos + 2])
            return Op("char", (raw.decode("gb18030", errors="replace"), 2), raw, 2)
        return Op("char", ("?", 1), size=1)

    def _dle(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        if avail < 2:
            return None
        code = buf[pos + 1]
        if code == 0x04:                             # DLE EOT n: real-time status
            if avail < 3:
                return None
            return Op("status", (buf[pos + 2],), size=3)
        if code == 0x05:                             # DLE ENQ n: real-time request
            if avail < 3:
                return None
            return Op("ignored", data=bytes(buf[pos:pos + 3]), size=3)
        if code == 0x14:                             # DLE DC4 fn a b: pulse, power off, clear buffer
            if avail < 5:
                return None
            return Op("ignored", data=bytes(buf[pos:pos + 5]), size=5)
        return Op("ignored", data=bytes([buf[pos]]), size=1)

    def _prefixed(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        prefix, letter = buf[pos], buf[pos + 1]
        if prefix == ESC and letter == ord("@"):
            self.chinese = self.chinese_default
            return Op("init", size=2)
        if prefix == FS and letter in (ord("&"), ord(".")):
            self.chinese = letter == ord("&")
            return Op("chinese", (self.chinese,), size=2)
        if prefix == ESC and letter == ord("2"):
            return Op("line_spacing", (None,), size=2)
        if prefix == GS and letter == ord("v"):
            return self._raster(buf, pos, avail)
        if prefix == GS and letter == ord("("):
            return self._gs_paren(buf, pos, avail)
        if prefix == GS and letter == ord("V"):
            if avail < 3:
                return None
            m = buf[pos + 2]
            if m in (65, 66, 97, 98, 103, 104):     # feed n dots and cut
                if avail < 4:
                    return None
                return Op("cut", (m, buf[pos + 3]), size=4)
            return Op("cut", (m, 0), size=3)
        if prefix == GS and letter == ord("k"):
            return self._barcode(buf, pos, avail)
        if prefix == GS and letter == ord("8") or prefix == ESC and letter == ord("*"):
            return self._sized_image(buf, pos, avail)
        if prefix == ESC and letter == ord("D"):     # tab stops, NUL-terminated (max 32)
            end = buf.find(b"\x00", pos + 2, pos + 2 + 33)
            if end < 0:
                return None if avail < 35 else Op("ignored", data=bytes(buf[pos:pos + 2]), size=2)
            return Op("ignored", data=bytes(buf[pos:end + 1]), size=end + 1 - pos)
        length = _FIXED[prefix].get(letter, 2)      # unknown: skip prefix + letter
        if avail < length:
            return None
        name = _NAMED.get((prefix, letter))
        if name:
            return Op(name, (buf[pos + 2],), size=length)
        return Op("ignored", data=bytes(buf[pos:pos + length]), size=length)

    def _raster(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        # GS v 0 m xL xH yL yH d1...dk
        if avail < 8:
            return None
        if buf[pos + 2] != ord("0"):
            return Op("ignored", data=bytes(buf[pos:pos + 2]), size=2)
        m = buf[pos + 3]
        width_bytes = buf[pos + 4] | buf[pos + 5] << 8
        height = buf[pos + 6] | buf[pos + 7] << 8
        k = width_bytes * height
        if k > MAX_COMMAND_BYTES or width_bytes == 0 or height == 0:
            return Op("ignored", data=bytes(buf[pos:pos + 8]), size=8)
        if avail < 8 + k:
            return None
        return Op("raster", (m & 0x03, width_bytes, height), bytes(buf[pos + 8:pos + 8 + k]), 8 + k)

    def _gs_paren(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        # GS ( x pL pH ...: the function letter x, then a two-byte parameter length
        if avail < 5:
            return None
        fn_letter = buf[pos + 2]
        p = buf[pos + 3] | buf[pos + 4] << 8
        if avail < 5 + p:
            return None
        params = bytes(buf[pos + 5:pos + 5 + p])
        if fn_letter == ord("k") and len(params) >= 2 and params[0] == ord("1"):   # cn = 49: QR code
            return Op("qr", (params[1],), params[2:], 5 + p)
        return Op("ignored", data=bytes(buf[pos:pos + 5 + p]), size=5 + p)

    def _barcode(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        if avail < 3:
            return None
        m = buf[pos + 2]
        if m <= 6:                                   # NUL-terminated data (at most 255 bytes)
            end = buf.find(b"\x00", pos + 3, pos + 3 + 256)
            if end < 0:
                return None if avail < 3 + 256 else Op("ignored", data=bytes(buf[pos:pos + 3]), size=3)
            return Op("ignored", data=bytes(buf[pos:end + 1]), size=end + 1 - pos)
        if avail < 4:
            return None
        n = buf[pos + 3]
        if avail < 4 + n:
            return None
        return Op("ignored", data=bytes(buf[pos:pos + 4 + n]), size=4 + n)

    def _sized_image(self, buf: bytearray, pos: int, avail: int) -> Op | None:
        if buf[pos] == GS:      # GS 8 L p1 p2 p3 p4 ...: four-byte length
            if avail < 7:
                return None
            p = int.from_bytes(buf[pos + 3:pos + 7], "little")
            head = 7
        else:                   # ESC * m nL nH d...: column image, 1 or 3 bytes per column
            if avail < 5:
                return None
            cols = buf[pos + 3] | buf[pos + 4] << 8
            p = cols * (3 if buf[pos + 2] in (32, 33) else 1)
            head = 5
        if p > MAX_COMMAND_BYTES:
            return Op("ignored", data=bytes(buf[pos:pos + 2]), size=2)
        if avail < head + p:
            return None
        return Op("ignored", data=bytes(buf[pos:pos + head + p]), size=head + p)
