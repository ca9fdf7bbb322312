"""Ticket numbers as a citizen reads them: a series letter and a daily counter, A001 … A999, A1000.

Each ticket kind has its own series (受理 A, 咨询 C, 取件 P), restarted every day. Three digits
cover a normal day; a busy day simply grows to four, so numbers still sort by length then value
and nobody sees A000 wrap around.
"""
from __future__ import annotations

import re

from kiosk.hall.model import TicketKind

_NUMBER = re.compile(r"([A-Z])(\d{3,})")
_OFFLINE = re.compile(r"[A-Z]-\d{2}-\d{3,}")


def format_number(kind: TicketKind, seq: int) -> str:
    if seq < 1:
        raise ValueError(f"ticket numbers start at 1, not {seq}")
    return f"{kind.prefix}{seq:03d}"


def parse_number(number: str) -> tuple[TicketKind, int]:
    """'A012' → (TicketKind.ACCEPT, 12); ValueError for anything else."""
    m = _NUMBER.fullmatch(number.strip().upper())
    kinds = {k.prefix: k for k in TicketKind}
    if not m or m.group(1) not in kinds or int(m.group(2)) < 1:
        raise ValueError(f"not a ticket number: {number!r}")
    return kinds[m.group(1)], int(m.group(2))


def is_offline_number(number: str) -> bool:
    """A-07-012: a kiosk's own series, issued while it could not reach the hall (kiosk.hall.offline)."""
    return bool(_OFFLINE.fullmatch(number))
