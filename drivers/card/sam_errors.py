"""Card errors that only the ID-card SAM reader raises (the shared ones live in errors.py)."""
from __future__ import annotations

from drivers.card.errors import CardError
from drivers.sentence import Sentence


class CardReadFailed(CardError):
    """The reader found the card but could not select or read it (SW3 81 / 41): usually a card
    held at an angle, at the edge of the field, or moved while the reader was busy."""

    message = Sentence("卡片没有读出来，请把身份证平放在感应区，稍等一下再拿开。")
