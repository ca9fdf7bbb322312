"""The invented citizens of the simulated hall, shared by every card simulator, test and demo."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from drivers.card.errors import CardDataInvalid
from drivers.card.id_number import birth_date_of, validate_id_number

DEMO_CITIZENS = Path(__file__).resolve().parent / "demo.yaml"


class SimCitizen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    name: str                  # as printed in Chinese ("" for a foreigner without a Chinese name)
    name_en: str = ""          # foreigners' cards: the name in Latin letters, SURNAME, GIVEN NAMES
    nationality: str = ""      # foreigners' cards: ISO 3166-1 alpha-3, as on the card
    sex: Literal[1, 2] = 1
    nation: int = 1
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str = ""
    valid_from: date
    valid_to: date | Literal["长期"]
    ssc_generation: Literal[1, 2, 3] | None = 3
    id_layout: Literal["resident", "foreign_2017", "foreign_2023", "hkmo_tw"] = "resident"
    region: str = "441900"

    @model_validator(mode="after")
    def _consistent(self):
        if self.id_layout in ("resident", "hkmo_tw"):
            try:
                validate_id_number(self.id_number)
            except CardDataInvalid as e:
                raise ValueError(str(e)) from None
            if birth_date_of(self.id_number) != self.birth_date:
                raise ValueError("birth_date differs from the one in id_number")
            if int(self.id_number[16]) % 2 != self.sex % 2:     # odd 17th digit: male
                raise ValueError("sex differs from the one in id_number (17th digit)")
        elif not (self.name_en and len(self.nationality) == 3):
            raise ValueError("a foreigner's card needs name_en and a 3-letter nationality")
        return self


class CitizensError(Exception):
    pass


def load_citizens(path: Path | str = DEMO_CITIZENS) -> dict[str, SimCitizen]:
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    citizens = {}
    for i, entry in enumerate(raw.get("citizens") or []):
        try:
            citizen = SimCitizen.model_validate(entry)
        except ValidationError as e:
            err = e.errors()[0]
            raise CitizensError(f"{path}: citizens.{i}.{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
        citizens[citizen.key] = citizen
    return citizens
