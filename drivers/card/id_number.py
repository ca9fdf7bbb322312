"""Citizen ID numbers (GB 11643-1999, ISO 7064 MOD 11-2): check character and birth date."""
from __future__ import annotations

import re
from datetime import date

from drivers.card.errors import CardDataInvalid

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def validate_id_number(id_number: str) -> str:
    """The number in canonical form (upper-case X), or CardDataInvalid saying what is wrong
    (without repeating the number: the message may reach a log)."""
    s = id_number.strip().upper()
    if not _SHAPE.fullmatch(s):
        raise CardDataInvalid("ID number is not 17 digits plus a check character")
    if check_character(s[:17]) != s[17]:
        raise CardDataInvalid("ID number check character does not match (GB 11643)")
    birth_date_of(s)
    return s


def birth_date_of(id_number: str) -> date:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        raise CardDataInvalid("ID number holds an impossible birth date") from None
