"""How a scenario file describes the simulated social-security card (ready for sim/scenario.py).

    social_security_card:
      citizen: elder_zhang       # a key of sim/citizens/demo.yaml
      slot: 0                    # vpcd slot: 0 → "Virtual PCD 00 00" (TCP 35963), 1 → 35964
      generation: null           # override the citizen's card layout (1, 2, 3)
      access: {require: verify, pin: "123456"}     # or external_auth + key_hex; null: free
      faults: {pull_after_apdus: 5, mute: false, not_a_social_security_card: false,
               application_missing: false, apdu_delay_ms: 0}
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.card.ssc_applet import SimCardAccess
from sim.card.ssc_card import BANK_CARD_ATR, SscFaults, VirtualSocialSecurityCard
from sim.citizens import SimCitizen


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SscAccessScenario(_Strict):
    require: Literal["verify", "external_auth"] | None = None
    pin: str = Field(default="123456", pattern=r"^\d{4,12}$")
    key_hex: str = Field(default="404142434445464748494A4B4C4D4E4F", pattern=r"^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{48})$")


class SscFaultsScenario(_Strict):
    pull_after_apdus: int | None = Field(default=None, ge=0)
    mute: bool = False
    not_a_social_security_card: bool = False      # a bank card's ATR
    application_missing: bool = False
    apdu_delay_ms: float = Field(default=0.0, ge=0, le=5000)


class SscCardScenario(_Strict):
    citizen: str = "elder_zhang"
    slot: Literal[0, 1] = 0
    generation: Literal[1, 2, 3] | None = None
    access: SscAccessScenario = Field(default_factory=SscAccessScenario)
    faults: SscFaultsScenario = Field(default_factory=SscFaultsScenario)

    @property
    def port(self) -> int:
        return 35963 + self.slot

    def make_card(self, citizens: dict[str, SimCitizen]) -> VirtualSocialSecurityCard:
        if self.citizen not in citizens:
            raise KeyError(f"social_security_card.citizen: no citizen {self.citizen!r}")
        f = self.faults
        faults = SscFaults(pull_after_apdus=f.pull_after_apdus, mute=f.mute,
                           atr=BANK_CARD_ATR if f.not_a_social_security_card else None,
                           application_missing=f.application_missing, apdu_delay_s=f.apdu_delay_ms / 1000)
        access = SimCardAccess(require=self.access.require, pin=self.access.pin, key_hex=self.access.key_hex)
        return VirtualSocialSecurityCard(citizens[self.citizen], faults, access, generation=self.generation)
