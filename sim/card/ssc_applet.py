"""The chip of a simulated social-security card: files, records and the APDUs it answers.

No sockets here: `SscApplet.process(apdu) -> response` is the whole card, so unit tests can talk
to it directly and sim/card/ssc_card.py puts it behind vpcd. Behaves as a T=0 card
(docs/social-security-card.md): SELECT by name answers 61xx, READ RECORD answers 6Cxx when Le is
wrong, and all four ISO 7816-4 record addressings work.

卡识别码 is 16 bytes binary as on a real card: the citizen's region in BCD, the RID D156000005 and
8 chip bytes (derived from the ID number, so a citizen's card is the same every run). The ATR's
historical bytes echo it as a real card's do. A test can put a real card's id and ATR on the
simulated card instead (card_id=, atr=), e.g. the public examples in the docs.

Names are written in GB18030, which is byte-for-byte GBK for every GBK character. A rare
character outside GBK (𠈌 U+2020C) becomes its 4-byte GB18030 sequence, which is what current
provincial card-making systems write; a genuine 1st-generation card might instead carry a
substitute character chosen at the counter, but storing GB18030 is the only choice that loses
nothing, and the driver decodes GB18030 so the name comes back whole. 䶮 (U+4DAE) is FE9F in
GB18030, a code point that old GBK tables mapped to the private-use area - another reason the
driver decodes GB18030 rather than GBK.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from typing import Literal

from drivers.card.ssc_apdu import (EF05_RECORDS, EF05_SFI, EF06_RECORDS_V1,
                                   EF06_RECORDS_V2, EF06_SFI, FID_OF_SFI, INS_EXTERNAL_AUTH,
                                   INS_GET_CHALLENGE, INS_GET_RESPONSE, INS_READ_RECORD,
                                   INS_SELECT, INS_VERIFY, SSSE_AID, SW_AUTH_BLOCKED,
                                   SW_CLA_NOT_SUPPORTED, SW_CONDITIONS_NOT_SATISFIED,
                                   SW_FILE_NOT_FOUND, SW_INS_NOT_SUPPORTED, SW_OK,
                                   SW_RECORD_NOT_FOUND, SW_SECURITY_NOT_SATISFIED,
                                   SW_WRONG_LENGTH, SW_WRONG_P1P2, Tag, date_bcd, encode_name,
                                   pin_to_bcd, split_apdu, split_name, sw_bytes, tlv, to_bcd)
from drivers.card.ssc_card_id import build_atr, encode_card_id
from drivers.card.ssc_protocol import des3_encrypt
from sim.citizens import SimCitizen

ISSUE_DATES = {1: date(2011, 9, 1), 2: date(2016, 4, 18), 3: date(2021, 6, 8)}
# The 7 bytes before the card-id echo in the ATR's historical bytes, as the first public example
# carries them (docs/social-security-card.md, "ATR"); the driver does not interpret them.
ATR_HEADER = bytes.fromhex("0096544CA08684")


@dataclass(frozen=True)
class SimCardAccess:
    """What this simulated card demands before EF06 (access varies by issuing region:
    docs/social-security-card.md, "Access")."""
    require: Literal["verify", "external_auth"] | None = None
    pin: str = "123456"
    pin_tries: int = 3
    key_hex: str = "404142434445464748494A4B4C4D4E4F"


@dataclass
class CardFile:
    records: list[bytes]            # each a whole TLV record

    def by_number(self, number: int) -> bytes | None:
        return self.records[number - 1] if 1 <= number <= len(self.records) else None

    def by_tag(self, tag: int) -> bytes | None:
        return next((r for r in self.records if r[0] == tag), None)


def build_files(citizen: SimCitizen, *, generation: int | None = None, name_pad: int | None = None,
                card_id: bytes | None = None) -> dict[int, CardFile]:
    """EF05 and EF06 as a card of the citizen's generation holds them. card_id: the 16 bytes of
    卡识别码 to write as they are (a real card's, or a malformed one); by default the citizen's
    region, the RID and 8 chip bytes derived from the ID number."""
    gen = generation or citizen.ssc_generation or 3
    digest = hashlib.sha256(citizen.id_number.encode()).digest()
    if card_id is None:
        card_id = encode_card_id(citizen.region, digest[19:27])
    issued = ISSUE_DATES[gen]
    pad = name_pad if name_pad is not None else (0x20 if gen == 1 else 0x00)
    if gen == 1:
        name_field, extension = encode_name(citizen.name, 30, pad), None
    else:
        head, tail = split_name(citizen.name)
        name_field, extension = encode_name(head, 30, pad), encode_name(tail, 20, 0x00)
    ef05 = {
        Tag.CARD_ID: card_id,
        Tag.CARD_TYPE: b"1",
        Tag.SPEC_VERSION: f"{gen}.00".encode("ascii"),
        Tag.INIT_ORG: to_bcd(citizen.region) + digest[5:14],
        Tag.ISSUE_DATE: date_bcd(issued),
        Tag.EXPIRY_DATE: date_bcd(issued.replace(year=issued.year + 10)),
        Tag.CARD_NUMBER: ("ABCDEFGHJK"[digest[14] % 10] + f"{int.from_bytes(digest[15:19], 'big') % 10**8:08d}").encode("ascii"),
    }
    ef06 = {
        Tag.ID_NUMBER: citizen.id_number.encode("ascii"),
        Tag.NAME: name_field,
        Tag.SEX: str(citizen.sex).encode("ascii"),
        Tag.NATION: to_bcd(f"{citizen.nation:02d}"),
        Tag.BIRTHPLACE: to_bcd(citizen.id_number[:6]),
        Tag.BIRTH_DATE: date_bcd(citizen.birth_date),
    }
    if extension is not None:
        ef06[Tag.NAME_EXTENSION] = extension
    order06 = EF06_RECORDS_V1 if gen == 1 else EF06_RECORDS_V2
    return {EF05_SFI: CardFile([tlv(t, ef05[t]) for t in EF05_RECORDS]),
            EF06_SFI: CardFile([tlv(t, ef06[t]) for t in order06])}


def card_atr(files: dict[int, CardFile]) -> bytes:
    """3B 6D 00 00 + 13 historical bytes: a header, then region bytes 1-2 and chip bytes 1-4 of
    the 卡识别码 in EF05, as a real card builds them."""
    return build_atr(files[EF05_SFI].by_tag(Tag.CARD_ID)[2:], ATR_HEADER)


_PROPRIETARY = bytes.fromhex("9F080102" "BF0C03C10100")      # application version, issuer data
FCI = tlv(0x6F, tlv(0x84, SSSE_AID) + tlv(0xA5, _PROPRIETARY))


class SscApplet:
    def __init__(self, citizen: SimCitizen, access: SimCardAccess | None = None, *,
                 generation: int | None = None, name_pad: int | None = None,
                 le_zero: Literal["all", "61xx"] = "all", card_id: bytes | str | None = None,
                 atr: bytes | str | None = None):
        """card_id / atr: bytes or hex text (e.g. "440300D1560000050050640776EF3192") to carry
        instead of the ones built from the citizen; the ATR is not made to agree with card_id."""
        if isinstance(card_id, str):
            card_id = bytes.fromhex(card_id)
        self.files = build_files(citizen, generation=generation, name_pad=name_pad, card_id=card_id)
        self.atr = bytes.fromhex(atr) if isinstance(atr, str) else atr or card_atr(self.files)
        self.access = access or SimCardAccess()
        # Le = 00: the whole record (what most cards do), or 61xx and then GET RESPONSE.
        self.le_zero = le_zero
        self.pin_tries = self.access.pin_tries
        self.reset()

    def reset(self) -> None:
        """Power on / warm reset: nothing selected, security state cleared."""
        self.app_selected = False
        self.current_ef: int | None = None
        self.authorised = False
        self.pending = b""                  # what GET RESPONSE hands out
        self.challenge: bytes | None = None

    # ------------------------------------------------------------ dispatch
    def process(self, apdu: bytes) -> bytes:
        try:
            cla, ins, p1, p2, data, le = split_apdu(apdu)
        except ValueError:
            return sw_bytes(SW_WRONG_LENGTH)
        if cla != 0x00:
            return sw_bytes(SW_CLA_NOT_SUPPORTED)
        handler = {INS_SELECT: self._select, INS_READ_RECORD: self._read_record,
                   INS_GET_RESPONSE: self._get_response, INS_VERIFY: self._verify,
                   INS_GET_CHALLENGE: self._get_challenge,
                   INS_EXTERNAL_AUTH: self._external_auth}.get(ins)
        if handler is None:
            return sw_bytes(SW_INS_NOT_SUPPORTED)
        if ins != INS_GET_RESPONSE:
            self.pending = b""
        return handler(p1, p2, data, le)

    def _select(self, p1, p2, data, le) -> bytes:
        if p1 == 0x04:                                   # by DF name
            if data != SSSE_AID:
                return sw_bytes(SW_FILE_NOT_FOUND)
            self.app_selected, self.current_ef, self.authorised = True, None, False
            self.pending = FCI
            return bytes([0x61, len(FCI)])
        if p1 == 0x02 and self.app_selected:             # EF under the current DF, by file id
            sfi = next((s for s, fid in FID_OF_SFI.items() if fid == data), None)
            if sfi is None:
                return sw_bytes(SW_FILE_NOT_FOUND)
            self.current_ef = sfi
            return sw_bytes(SW_OK)
        return sw_bytes(SW_FILE_NOT_FOUND if p1 in (0x02, 0x04) else SW_WRONG_P1P2)

    def _read_record(self, p1, p2, data, le) -> bytes:
        if le is None or data:
            return sw_bytes(SW_WRONG_LENGTH)
        if not self.app_selected:
            return sw_bytes(SW_FILE_NOT_FOUND)
        sfi, mode = p2 >> 3, p2 & 0x07
        if sfi == 0:
            sfi = self.current_ef
        if sfi not in self.files:
            return sw_bytes(SW_FILE_NOT_FOUND)
        if sfi == EF06_SFI and self.access.require and not self.authorised:
            return sw_bytes(SW_SECURITY_NOT_SATISFIED)
        file = self.files[sfi]
        if mode == 0x04:
            record = file.by_number(p1)
        elif mode == 0x00:
            record = file.by_tag(p1)
        else:
            return sw_bytes(SW_WRONG_P1P2)
        if record is None:
            return sw_bytes(SW_RECORD_NOT_FOUND)
        return self._answer(record, le)

    def _answer(self, data: bytes, le: int) -> bytes:
        if le == 0:
            if self.le_zero == "61xx":
                self.pending = data
                return bytes([0x61, len(data)])
            return data + sw_bytes(SW_OK)
        if le != len(data):
            return bytes([0x6C, len(data)])              # T=0: "ask again with exactly this Le"
        return data + sw_bytes(SW_OK)

    def _get_response(self, p1, p2, data, le) -> bytes:
        if not self.pending or le is None:
            return sw_bytes(SW_CONDITIONS_NOT_SATISFIED)
        if le == 0 or le == len(self.pending):
            out, self.pending = self.pending, b""
            return out + sw_bytes(SW_OK)
        if le > len(self.pending):
            return bytes([0x6C, len(self.pending)])
        out, self.pending = self.pending[:le], self.pending[le:]
        return out + bytes([0x61, len(self.pending)])

    def _verify(self, p1, p2, data, le) -> bytes:
        if self.pin_tries <= 0:
            return sw_bytes(SW_AUTH_BLOCKED)
        if data == pin_to_bcd(self.access.pin):
            self.pin_tries = self.access.pin_tries
            self.authorised = self.authorised or self.access.require == "verify"
            return sw_bytes(SW_OK)
        self.pin_tries -= 1
        return bytes([0x63, 0xC0 | self.pin_tries])

    def _get_challenge(self, p1, p2, data, le) -> bytes:
        if le != 8:
            return bytes([0x6C, 8])
        self.challenge = os.urandom(8)
        return self.challenge + sw_bytes(SW_OK)

    def _external_auth(self, p1, p2, data, le) -> bytes:
        challenge, self.challenge = self.challenge, None   # one try per challenge
        if challenge is None:
            return sw_bytes(SW_CONDITIONS_NOT_SATISFIED)
        if data != des3_encrypt(bytes.fromhex(self.access.key_hex), challenge):
            return bytes.fromhex("6300")
        self.authorised = self.authorised or self.access.require == "external_auth"
        return sw_bytes(SW_OK)
