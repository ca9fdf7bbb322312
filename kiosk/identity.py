"""From what a card driver read to the session's Identity, and the masked view of it.

The two cards carry the same person differently (the ID card's SAM text, the social-security
card's EF06 records); the rest of the kiosk only ever sees an Identity.
"""
from __future__ import annotations

from drivers.card.id_text import ResidentIdCard
from drivers.card.ssc_fields import SocialSecurityCard
from kiosk.session import Identity
from kiosk.wording import Sentence

SOURCE_LABELS = {"id_card": Sentence("身份证"), "social_security_card": Sentence("社保卡")}


def identity_from_id_card(card: ResidentIdCard) -> Identity:
    name = card.name or card.name_en
    return Identity(name=name, id_number=card.id_number, birth_date=card.birth_date, source="id_card",
                    sex_code=card.sex_code, card=card)


def identity_from_ssc(card: SocialSecurityCard) -> Identity:
    return Identity(name=card.name, id_number=card.id_number, birth_date=card.birth_date,
                    source="social_security_card", sex_code=card.sex, card=card)


def masked_summary(identity: Identity, **extra) -> dict:
    """What a screen or a technician may show: never the full name or number. warnings: what the
    driver found odd on the card (no personal data in them), for the technician's test read."""
    return {"source": identity.source, "source_label": SOURCE_LABELS[identity.source], "name": identity.masked_name,
            "id_number": identity.masked_id_number,
            "birth_date": identity.birth_date.isoformat() if identity.birth_date else "",
            "warnings": list(getattr(identity.card, "warnings", ())), **extra}
