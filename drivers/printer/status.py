"""ESC/POS real-time status (DLE EOT n): the one definition shared by driver and simulator.

Every answer is one byte with the fixed pattern 0xx1xx10 (bit7=0, bit4=1, bit1=1, bit0=0), so a
ready printer answers 0x12 to each n. The variable bits (docs/escpos-status.md §Status bits):

    n=1 printer:        bit3 offline, bit5 waiting for online recovery, bit6 feed button pressed
    n=2 offline cause:  bit2 cover open, bit3 feeding by button, bit5 stopped by paper end, bit6 error
    n=3 error cause:    bit2 recoverable, bit3 autocutter, bit5 unrecoverable, bit6 auto-recoverable
    n=4 roll sensor:    bits 2+3 paper near end, bits 5+6 paper end
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from drivers.printer.errors import PrinterProtocolError
from drivers.sentence import NOTHING, Sentence

DLE_EOT = b"\x10\x04"
STATUS_REQUEST: dict[int, bytes] = {n: DLE_EOT + bytes([n]) for n in (1, 2, 3, 4)}
# All four questions in one write: the printer answers them in order, one byte each.
STATUS_QUERY_ALL = b"".join(STATUS_REQUEST[n] for n in (1, 2, 3, 4))

FIXED_MASK = 0b1001_0011
FIXED_BITS = 0b0001_0010

# Flag name -> bit mask, per n. Names follow the PrinterStatus fields where one exists.
STATUS_FLAGS: dict[int, dict[str, int]] = {
    1: {"offline": 0x08, "waiting_recovery": 0x20, "feed_button": 0x40},
    2: {"cover_open": 0x04, "feeding_by_button": 0x08, "paper_end_stop": 0x20, "error": 0x40},
    3: {"recoverable_error": 0x04, "cutter_error": 0x08, "unrecoverable_error": 0x20,
        "auto_recoverable_error": 0x40},
    4: {"paper_near_end": 0x0C, "paper_out": 0x60},
}


def encode_status_byte(n: int, **flags: bool) -> int:
    """The byte a printer answers to DLE EOT n with the given flags set (used by the simulator)."""
    try:
        known = STATUS_FLAGS[n]
    except KeyError:
        raise ValueError(f"DLE EOT n must be 1..4, not {n!r}") from None
    value = FIXED_BITS
    for name, on in flags.items():
        if name not in known:
            raise ValueError(f"unknown status flag {name!r} for n={n}; known: {', '.join(known)}")
        if on:
            value |= known[name]
    return value


def fits_fixed_pattern(byte: int) -> bool:
    return (byte & FIXED_MASK) == FIXED_BITS


@dataclass(frozen=True)
class PrinterStatus:
    online: bool = True
    cover_open: bool = False
    paper: Literal["ok", "near_end", "out"] = "ok"
    cutter_error: bool = False
    recoverable_error: bool = False
    unrecoverable_error: bool = False

    @property
    def ready(self) -> bool:
        """Can print a ticket now. Paper near its end still prints: staff get a warning instead."""
        return (self.online and not self.cover_open and self.paper != "out" and not self.cutter_error
                and not self.recoverable_error and not self.unrecoverable_error)

    @property
    def reason(self) -> Sentence:
        """Why no ticket can be printed, in plain words; NOTHING when the printer is fine."""
        # The most specific cause first: "offline" alone says nothing a person can act on.
        if self.paper == "out":
            return Sentence("打印纸用完了，请工作人员换纸")
        if self.cover_open:
            return Sentence("打印机盖子没有关好，请工作人员关好")
        if self.cutter_error:
            return Sentence("打印机切纸刀卡住了，请工作人员处理")
        if self.unrecoverable_error:
            return Sentence("打印机出了故障，请工作人员处理")
        if self.recoverable_error:
            return Sentence("打印机暂时出了点问题，请稍等或请工作人员处理")
        if not self.online:
            return Sentence("打印机暂时没有准备好，请工作人员看一下")
        return NOTHING

    @property
    def warning(self) -> Sentence:
        """Something staff should know while tickets still print (for the technician page)."""
        return Sentence("打印纸快用完了，请准备换纸") if self.paper == "near_end" and self.ready else NOTHING


def decode_status(bytes_by_n: dict[int, int]) -> PrinterStatus:
    """Turn the four DLE EOT answers into a PrinterStatus.

    Raises PrinterProtocolError if an answer is missing or breaks the fixed pattern: such a
    peer is not an ESC/POS printer (or the line is garbled), and guessing would be worse.
    """
    for n in (1, 2, 3, 4):
        if n not in bytes_by_n:
            raise PrinterProtocolError(f"no answer to DLE EOT {n}")
        b = bytes_by_n[n]
        if not isinstance(b, int) or not 0 <= b <= 0xFF or not fits_fixed_pattern(b):
            shown = f"0x{b:02X}" if isinstance(b, int) and 0 <= b <= 0xFF else repr(b)
            raise PrinterProtocolError(f"DLE EOT {n} answered {shown}, which is not an ESC/POS status byte "
                                       "(pattern 0xx1xx10)")
    b1, b2, b3, b4 = (bytes_by_n[n] for n in (1, 2, 3, 4))
    if b4 & 0x60 or b2 & 0x20:
        paper = "out"
    elif b4 & 0x0C:
        paper = "near_end"
    else:
        paper = "ok"
    return PrinterStatus(
        online=not b1 & 0x08,
        cover_open=bool(b2 & 0x04),
        paper=paper,
        cutter_error=bool(b3 & 0x08),
        recoverable_error=bool(b3 & 0x04),
        unrecoverable_error=bool(b3 & 0x20),
    )
