"""Identity cards for the simulated SAM reader, made from the hall's invented citizens.

The 256 bytes of text come from drivers.card.id_text.encode_text, the same field tables the
driver decodes with.
"""
from __future__ import annotations

import hashlib
import random

from drivers.card.id_text import ResidentIdCard, encode_text
from sim.citizens import SimCitizen

PHOTO_LEN = 1024


def card_for(citizen: SimCitizen) -> ResidentIdCard:
    """The card the citizen carries, as the driver should decode it (photo included)."""
    common = dict(layout=citizen.id_layout, sex_code=str(citizen.sex), birth_date=citizen.birth_date,
                  id_number=citizen.id_number, valid_from=citizen.valid_from, valid_to=citizen.valid_to,
                  photo=photo_for(citizen))
    if citizen.id_layout == "resident":
        return ResidentIdCard(name=citizen.name, nation_code=f"{citizen.nation:02d}", address=citizen.address,
                              issuing_authority=citizen.issuing_authority, **common)
    if citizen.id_layout == "hkmo_tw":
        return ResidentIdCard(name=citizen.name, address=citizen.address,
                              issuing_authority=citizen.issuing_authority,
                              extra={"pass_number": _pass_number(citizen), "issue_count": "01"}, **common)
    foreigner = dict(name=citizen.name, name_en=citizen.name_en, nationality=citizen.nationality, **common)
    if citizen.id_layout == "foreign_2017":
        # The accepting authority's code is the 4-digit region inside the number.
        return ResidentIdCard(extra={"card_version": "01", "authority_code": citizen.id_number[3:7]}, **foreigner)
    return ResidentIdCard(extra={"renewal_count": "00", "previous_number_link": ""}, **foreigner)


def card_text(citizen: SimCitizen) -> bytes:
    return encode_text(card_for(citizen))


def photo_for(citizen: SimCitizen) -> bytes:
    """1024 bytes standing for the WLT-compressed photo: random, but the same for a citizen
    every time (so a test can recognise it)."""
    return random.Random(f"photo:{citizen.key}").randbytes(PHOTO_LEN)


def _pass_number(citizen: SimCitizen) -> str:
    """港澳居民来往内地通行证 'H'/'M' + 8 digits, 台湾居民来往大陆通行证 8 digits."""
    digits = int(hashlib.sha256(citizen.key.encode()).hexdigest(), 16) % 10**8
    prefix = {"81": "H", "82": "M"}.get(citizen.id_number[:2], "")
    return f"{prefix}{digits:08d}"
