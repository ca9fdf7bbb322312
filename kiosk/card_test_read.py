"""`kiosk-diag read-card`: one test read from a real reader, printed as masked JSON.

    kiosk-diag read-card --pcsc "READER NAME" --json    social-security card through PC/SC
    kiosk-diag read-card --sam /dev/ttyUSB0 --json      resident ID card through a SAM reader
Only masked personal data is printed (张*明, 4401**********1234); the photo is never touched.
"""
from __future__ import annotations

import time

from drivers.card.errors import CardError, NoCard
from kiosk.privacy import mask_id_number, mask_name
from kiosk.wording import say


def _validity(start, end) -> dict:
    """Dates as ISO text; 长期 stays as it is; a date the card did not hold readably is null."""
    def text(value):
        return value if isinstance(value, str) or value is None else value.isoformat()
    return {"valid_from": text(start), "valid_to": text(end)}


def read_ssc(reader_name: str) -> dict:
    from drivers.card.ssc_reader import SocialSecurityCardReader
    card = SocialSecurityCardReader(reader_name or None).read()
    return {"card": "social_security_card", "generation": card.generation, "spec_version": card.spec_version,
            "name": mask_name(card.name), "id_number": mask_id_number(card.id_number),
            "birth_date": card.birth_date.isoformat(), "sex": card.sex_zh, "nation": card.nation,
            **_validity(card.issue_date, card.expiry_date), "region": card.region,
            "card_id": card.card_id.text, "atr": card.atr, "apdus": card.apdu_count, "ms": round(card.ms, 1),
            "warnings": list(card.warnings)}


def read_id_card_record(port: str, wait_s: float, baudrate: int = 115200):
    """(the whole ResidentIdCard, the SAM id), waiting up to wait_s for a card; NoCard if none."""
    from drivers.card.sam_reader import SamIdReader
    with SamIdReader.open_serial(port, baudrate) as reader:
        sam_id = reader.sam_id()
        deadline = time.monotonic() + wait_s
        while (card := reader.read_if_present()) is None:
            if time.monotonic() >= deadline:
                raise NoCard(f"no card on the reader within {wait_s:g} s")
            time.sleep(0.2)
    return card, sam_id


def read_id_card(port: str, wait_s: float, baudrate: int = 115200) -> dict:
    card, sam_id = read_id_card_record(port, wait_s, baudrate)
    return {"card": "resident_id_card", "layout": card.layout, "name": mask_name(card.name or card.name_en),
            "id_number": mask_id_number(card.id_number), "birth_date": card.birth_date.isoformat(),
            "sex": card.sex_label, "nation": card.nation_name or card.nationality,
            **_validity(card.valid_from, card.valid_to), "sam_id": sam_id, "frames": card.frames,
            "ms": round(card.ms, 1)}


def read_card(pcsc: str | None, sam: str | None, wait_s: float = 5.0) -> tuple[int, dict]:
    """(exit code, JSON object) for one test read."""
    try:
        result = read_ssc(pcsc) if pcsc is not None else read_id_card(sam, wait_s)
    except CardError as e:
        return 1, {"error": type(e).__name__, "detail": str(e), "message_zh": say(e.message, "zh_CN"),
                   "message_en": say(e.message, "en")}
    return 0, result
