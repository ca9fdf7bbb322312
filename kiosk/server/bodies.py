"""What kiosk-hall accepts in a request body: every field bounded (a bad request is a 422 saying
which field, never a 500), and nothing personal beyond a person key."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from kiosk.hall.model import Citizen, TicketKind


class CitizenIn(BaseModel):
    person_key: str | None = Field(default=None, max_length=128)
    birth_date: date | None = None

    def citizen(self) -> Citizen:
        return Citizen(self.person_key, self.birth_date)


class ReserveIn(BaseModel):
    item_code: str = Field(max_length=32)
    kind: TicketKind
    citizen: CitizenIn = CitizenIn()
    idempotency_key: str = Field(min_length=8, max_length=64)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=200)


class OfflineTicketIn(BaseModel):
    idempotency_key: str = Field(min_length=8, max_length=64)
    number: str = Field(pattern=r"^[A-Z]-\d{2}-\d{3,}$", description="the offline shape: A-07-012")
    series: str = Field(pattern=r"^[A-Z]-\d{2}$")
    seq: int = Field(ge=1, le=99999)
    kind: TicketKind
    item_code: str = Field(max_length=32)
    issued_at: datetime = Field(description="on the hall's clock (the kiosk's, corrected by its offset)")
    citizen: CitizenIn = CitizenIn()
    ticket_id: str = Field(default="", pattern=r"^[0-9a-f]{0,32}$", description="the one in the slip's QR code")
    window_group: str = Field(default="", max_length=64, description="the group the slip sends the citizen to")
    appointment_id: str = Field(default="", max_length=64)
    token_nonce: str = Field(default="", max_length=64)


class LockIn(BaseModel):
    reason: str = Field(default="本机暂停使用", min_length=1, max_length=60,
                        description="what the kiosk's home screen says, in Chinese")


class TokenIn(BaseModel):
    token: str = Field(max_length=4096, description="the scanned QR code's bytes, base64")


class CheckInIn(BaseModel):
    idempotency_key: str = Field(min_length=8, max_length=64)
    token_nonce: str | None = Field(default=None, max_length=64)
    citizen: CitizenIn | None = None


class LoginIn(BaseModel):
    staff_id: str = Field(max_length=64)
    password: str = Field(max_length=256)


class CompleteIn(BaseModel):
    no_show: bool = False


class ConvertIn(BaseModel):
    kind: TicketKind


class TransferIn(BaseModel):
    group_id: str = Field(max_length=64)
    window_id: str = Field(default="", max_length=64, description="the window sending it (for the journal)")


class DeviceHealthIn(BaseModel):
    role: str = Field(max_length=64, description="the device's name in kiosk.yaml")
    name: str = Field(default="", max_length=200)
    state: Literal["ok", "warning", "fault", "absent"]
    # What is wrong, as the kiosk says it in Chinese (its wording's source sentence); the wire
    # name says which language the text is in.
    reason: str = Field(default="", max_length=300, alias="reason_zh")


class KioskHealthIn(BaseModel):
    devices: list[DeviceHealthIn] = Field(max_length=64)
    version: str = Field(default="", max_length=40, description="the kiosk's software version")


class KioskCommandIn(BaseModel):
    command: Literal["test_print", "restart"]


class KioskAnswerIn(BaseModel):
    ok: bool
    result: str = Field(default="", max_length=500, description="what the kiosk did, for the journal")
