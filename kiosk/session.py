"""One citizen's visit at the kiosk, from first touch to the idle timeout or Home.

All personal data the kiosk learns sits here and nowhere else; `wipe()` forgets it. Later
journeys (card swipe, appointments) add their fields here.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from kiosk.hall.model import Citizen, Ticket, TicketKind
from kiosk.privacy import mask_id_number, mask_name, person_key


@dataclass
class Identity:
    name: str
    id_number: str
    birth_date: date | None
    source: str                     # "id_card" | "social_security_card"
    sex_code: str = ""              # GB/T 2261.1: 1 male, 2 female
    card: object | None = field(default=None, compare=False)   # the driver's full record, for forms

    def __repr__(self) -> str:      # never print personal data, even in a traceback
        return f"Identity({mask_name(self.name)}, {mask_id_number(self.id_number)}, {self.source})"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


@dataclass
class Session:
    hall_id: str
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    identity: Identity | None = None
    item_code: str | None = None
    kind: TicketKind | None = None
    ticket: Ticket | None = None
    typed: dict = field(default_factory=dict)    # what the citizen typed for a form (a phone number)
    agent: Identity | None = None       # 代办: the person filling in a form for the citizen
    awaiting_agent: bool = False        # the next other person's card is the agent's, not a new visit

    def citizen(self) -> Citizen:
        if self.identity is None:
            return Citizen()        # anonymous number: no dedupe, no priority
        return Citizen(person_key=person_key(self.identity.id_number, self.hall_id),
                       birth_date=self.identity.birth_date)

    def wipe(self) -> None:
        """Forget everything about this citizen and start a fresh session id."""
        self.identity = None
        self.item_code = self.kind = self.ticket = None
        self.typed = {}
        self.agent, self.awaiting_agent = None, False
        self.session_id = uuid.uuid4().hex
