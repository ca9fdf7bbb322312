"""The five national levels, a citizen's draft, and the evaluation it becomes once submitted.

Nothing is stored while the citizen is still choosing: a draft left half-way (Home, the idle
timeout, a card pulled out) is simply dropped, and only `Draft.finish` makes an Evaluation.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from kiosk.wording import Sentence


class Level(IntEnum):
    """The national levels, numbered as the province's systems count stars (5 best)."""
    VERY_SATISFIED = 5
    SATISFIED = 4
    BASIC = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def key(self) -> str:           # its name in evaluation.yaml
        return _KEYS[self]

    @property
    def label(self) -> Sentence:
        return _LABELS[self]

    @property
    def needs_reason(self) -> bool:
        return self <= Level.DISSATISFIED


_KEYS = {Level.VERY_SATISFIED: "very_satisfied", Level.SATISFIED: "satisfied", Level.BASIC: "basic",
         Level.DISSATISFIED: "dissatisfied", Level.VERY_DISSATISFIED: "very_dissatisfied"}
_LABELS = {Level.VERY_SATISFIED: Sentence("非常满意"), Level.SATISFIED: Sentence("满意"),
           Level.BASIC: Sentence("基本满意"), Level.DISSATISFIED: Sentence("不满意"),
           Level.VERY_DISSATISFIED: Sentence("非常不满意")}

CHANNEL = "self_service_terminal"     # 自助终端, one of the national evaluation channels
COMMENT_MAX = 200                     # characters of free text


def person_hash(key: str, id_number: str) -> str:
    """A real-name evaluation keeps only this keyed hash of the ID number (never the number)."""
    return hmac.new(key.encode(), id_number.strip().upper().encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Evaluation:
    evaluation_id: str          # the idempotency key: the province stores each id once
    made_at: datetime           # hall time
    hall_id: str
    kiosk_id: str
    journey: str                # ticket | check_in | form | pickup | query | visit (from the home screen)
    item_code: str              # the service item, when the journey had one
    reference: str              # the ticket number, order or receipt number
    level: Level
    tags: tuple[str, ...]       # tag codes of evaluation.yaml
    comment: str
    content_version: str        # evaluation.yaml's version
    person: str = ""            # person_hash() for a real-name evaluation; "" anonymous

    def payload(self) -> dict:
        """What the province receives (and what the outbox keeps)."""
        return {"evaluation_id": self.evaluation_id, "made_at": self.made_at.isoformat(timespec="seconds"),
                "channel": CHANNEL, "hall_id": self.hall_id, "kiosk_id": self.kiosk_id,
                "journey": self.journey, "item_code": self.item_code, "reference": self.reference,
                "level": int(self.level), "tags": list(self.tags), "comment": self.comment,
                "content_version": self.content_version, "real_name": bool(self.person),
                "person_hash": self.person}


@dataclass
class Draft:
    """What the citizen has chosen so far on the evaluation screen."""
    journey: str
    item_code: str = ""
    reference: str = ""
    level: Level | None = None
    tags: list[str] = field(default_factory=list)
    comment: str = ""

    def choose(self, level: Level) -> None:
        if level != self.level:
            self.level, self.tags = level, []      # each level has tags of its own

    def toggle(self, code: str) -> None:
        if code in self.tags:
            self.tags.remove(code)
        else:
            self.tags.append(code)

    def write(self, text: str) -> None:
        self.comment = "".join(c for c in text if c.isprintable())[:COMMENT_MAX]

    @property
    def missing_reason(self) -> bool:
        """不满意 and 非常不满意 need a reason: a tag ticked or a few words written."""
        return self.level is not None and self.level.needs_reason and not self.tags and not self.comment.strip()

    @property
    def ready(self) -> bool:
        return self.level is not None and not self.missing_reason

    def finish(self, *, made_at: datetime, hall_id: str, kiosk_id: str, content_version: str,
               person: str = "") -> Evaluation:
        if not self.ready:
            raise ValueError("an evaluation needs a level, and a reason for 不满意 / 非常不满意")
        return Evaluation(uuid.uuid4().hex, made_at, hall_id, kiosk_id, self.journey, self.item_code,
                          self.reference, self.level, tuple(self.tags), self.comment.strip(), content_version,
                          person)
