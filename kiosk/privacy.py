"""Masking of personal data, for logs and for the technician's test read.

Personal data lives only in the session. Anything that leaves it (a log line, a diagnostic) goes
through these functions first; the log filter is a second net for strings nobody masked.
"""
from __future__ import annotations

import hashlib
import logging
import re

# An 18-character resident ID number (17 digits + digit or X), not part of a longer number.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})(\d{10})(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_id_number(id_number: str) -> str:
    """4401**********1234: region prefix and the last four, enough for a technician to compare."""
    s = id_number.strip()
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def mask_name(name: str) -> str:
    """张*明 for three characters, 张* for two: the family name and the last character stay."""
    s = name.strip()
    if len(s) <= 1:
        return s
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def mask_phone(phone: str) -> str:
    """138****5678: the operator's prefix and the last four."""
    s = phone.strip()
    return s[:3] + "*" * (len(s) - 7) + s[-4:] if len(s) > 7 else "*" * len(s)


def mask_address(address: str) -> str:
    """广东省东莞市****: the province and city a citizen recognises, not the street."""
    s = address.strip()
    return s[:6] + "****" if len(s) > 6 else s[:2] + "****"


def mask_text(text: str) -> str:
    return _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 10 + m.group(3)[-4:], text)


def person_key(id_number: str, hall_id: str) -> str:
    """A one-way key for 'one open ticket per person per item' that stores no ID number.

    Salted with the hall id so keys from two halls cannot be joined.
    """
    return hashlib.sha256(f"{hall_id}:{id_number.strip().upper()}".encode()).hexdigest()[:32]


class MaskingFilter(logging.Filter):
    """Masks ID-number-shaped strings in every record that passes a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
