"""The conversation with a social-security card, independent of how APDUs travel.

`SscConversation(transmit, access).read_values()` selects SSSE, authorises if the region demands
it, and reads the basic records BY TAG, returning tag → value. `transmit(apdu) -> (data, sw)` is
the only link to the card: pyscard in ssc_reader.py, or the simulated card's own APDU handler in
unit tests - so the T=0 rules (61xx → GET RESPONSE, 6Cxx → resend with Le = xx) are tested
without sockets.

Fewest APDUs: SELECT's 61xx is not fetched (we never use the FCI), EF05's initialising-agency
record is skipped, and the name extension (4E) is read only on 2.00/3.00 cards. A 2nd-generation
card costs 14 APDUs, a 1st-generation one 13.

A record other than the ID number and the name that the card does not have (6A83) or answers in
a broken shape is left out and noted in `unreadable` (tag → why): ssc_fields.decode_card turns
that into a warning instead of refusing the card. The APDUs and records are described in
docs/social-security-card.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from drivers.card.errors import CardAccessDenied, CardDataInvalid, CardNotRecognised
from drivers.card.ssc_apdu import (ADDRESSINGS, BY_RECORD_CURRENT, BY_RECORD_SFI, BY_TAG_CURRENT,
                                   BY_TAG_SFI, EF05_SFI, EF06_SFI, ESSENTIAL_TAGS, FID_OF_SFI,
                                   SW_AUTH_BLOCKED, SW_OK, SW_RECORD_NOT_FOUND, SW_SECURITY_NOT_SATISFIED,
                                   VALUE_LENGTHS, Tag, external_authenticate, get_challenge,
                                   get_response, is_more_data, is_wrong_le, parse_record,
                                   pin_tries_left, read_record, read_record_p2, select_by_name,
                                   select_ef, verify_pin, with_le)

Transmit = Callable[[bytes], tuple[bytes, int]]

EF05_READ = (Tag.SPEC_VERSION, Tag.CARD_ID, Tag.CARD_TYPE, Tag.ISSUE_DATE, Tag.EXPIRY_DATE,
             Tag.CARD_NUMBER)
EF06_READ = (Tag.ID_NUMBER, Tag.NAME, Tag.NAME_EXTENSION, Tag.SEX, Tag.NATION, Tag.BIRTHPLACE,
             Tag.BIRTH_DATE)
LE_POLICIES = ("record", "value", "zero")   # Le = whole record (len + 2) | value length | 00
MAX_ROUNDS = 8          # 61xx/6Cxx exchanges for one command before we call the card broken
MAX_RECORDS = 16        # record-number modes: stop scanning a file after this many


@dataclass(frozen=True)
class SscAccessRules:
    """What this region's cards demand before EF06 can be read (access varies by issuing region:
    docs/social-security-card.md, "Access").

    verify_pin: the card PIN to VERIFY (digits; sent packed BCD), or None.
    external_auth_key_hex: 16- or 24-byte 3DES key for GET CHALLENGE + EXTERNAL AUTHENTICATE.
    """
    verify_pin: str | None = None
    external_auth_key_hex: str | None = None
    external_auth_key_id: int = 0x00

    def __post_init__(self):
        if self.verify_pin is not None and not (self.verify_pin.isdigit() and 4 <= len(self.verify_pin) <= 12):
            raise ValueError("verify_pin must be 4 to 12 digits")
        if self.external_auth_key_hex is not None:
            try:
                key = bytes.fromhex(self.external_auth_key_hex)
            except ValueError:
                raise ValueError("external_auth_key_hex is not hex") from None
            if len(key) not in (16, 24):
                raise ValueError("external_auth_key_hex must be a 16- or 24-byte 3DES key")
        if not 0 <= self.external_auth_key_id <= 0xFF:
            raise ValueError("external_auth_key_id is one byte")

    def __repr__(self) -> str:       # never print the secrets
        return (f"SscAccessRules(verify_pin={'set' if self.verify_pin else None}, "
                f"external_auth={'set' if self.external_auth_key_hex else None})")


def des3_encrypt(key: bytes, block: bytes) -> bytes:
    """3DES-ECB of one 8-byte block: the EXTERNAL AUTHENTICATE cryptogram. Imported lazily so
    regions without external authentication do not need the cryptography package."""
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    except ImportError:                      # cryptography < 43
        from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
    if len(key) == 16:                       # two-key 3DES as cards use it: K1 K2 K1
        key = key + key[:8]
    encryptor = Cipher(TripleDES(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


class ApduLink:
    """Counts APDUs and applies the T=0 rules pyscard leaves to us."""

    def __init__(self, transmit: Transmit):
        self._transmit = transmit
        self.count = 0

    def send(self, apdu: bytes) -> tuple[bytes, int]:
        self.count += 1
        return self._transmit(apdu)

    def exchange(self, apdu: bytes, *, fetch: bool = True) -> tuple[bytes, int]:
        """Send; on 6Cxx resend the same command with Le = xx; on 61xx (if fetch) collect the
        answer with GET RESPONSE. Returns the full data and the final status word."""
        data, sw = self.send(apdu)
        last = apdu
        for _ in range(MAX_ROUNDS):
            sw1, sw2 = sw >> 8, sw & 0xFF
            if is_wrong_le(sw1):
                last = with_le(last, sw2)
                data, sw = self.send(last)
            elif is_more_data(sw1) and fetch:
                last = get_response(sw2)
                more, sw = self.send(last)
                data += more
            else:
                return data, sw
        raise CardDataInvalid("card keeps asking for another exchange (61xx/6Cxx loop)")


class SscConversation:
    def __init__(self, transmit: Transmit, access: SscAccessRules | None = None, *,
                 addressing: str = BY_TAG_SFI, le_policy: str = "record"):
        if addressing not in ADDRESSINGS:
            raise ValueError(f"addressing must be one of {ADDRESSINGS}")
        if le_policy not in LE_POLICIES:
            raise ValueError(f"le_policy must be one of {LE_POLICIES}")
        self.link = ApduLink(transmit)
        self.access = access or SscAccessRules()
        self.addressing = addressing
        self.le_policy = le_policy
        self.unreadable: dict[int, str] = {}     # non-essential tag → why it was left out

    @property
    def apdu_count(self) -> int:
        return self.link.count

    def read_values(self) -> dict[int, bytes]:
        self.select_application()
        self.authorise()
        values = self.read_file(EF05_SFI, EF05_READ)
        first_generation = values.get(Tag.SPEC_VERSION) == b"1.00"
        wanted = tuple(t for t in EF06_READ if not (first_generation and t == Tag.NAME_EXTENSION))
        values.update(self.read_file(EF06_SFI, wanted))
        return values

    # ------------------------------------------------------------ steps
    def select_application(self) -> None:
        # The FCI behind 61xx is not needed: leave it on the card, saving one APDU.
        _, sw = self.link.exchange(select_by_name(), fetch=False)
        if sw != SW_OK and not is_more_data(sw >> 8):
            raise CardNotRecognised(f"no social-security application (SELECT SSSE → {sw:04X})")

    def authorise(self) -> None:
        rules = self.access
        if rules.verify_pin:
            _, sw = self.link.exchange(verify_pin(rules.verify_pin))
            if sw != SW_OK:
                tries = pin_tries_left(sw)
                if tries is not None:
                    raise CardAccessDenied(f"configured PIN rejected, {tries} tries left")
                if sw == SW_AUTH_BLOCKED:
                    raise CardAccessDenied("card PIN is blocked")
                raise CardAccessDenied(f"VERIFY answered {sw:04X}")
        if rules.external_auth_key_hex:
            challenge, sw = self.link.exchange(get_challenge(8))
            if sw != SW_OK or len(challenge) != 8:
                raise CardAccessDenied(f"GET CHALLENGE answered {sw:04X} with {len(challenge)} bytes")
            cryptogram = des3_encrypt(bytes.fromhex(rules.external_auth_key_hex), challenge)
            _, sw = self.link.exchange(external_authenticate(rules.external_auth_key_id, cryptogram))
            if sw != SW_OK:
                raise CardAccessDenied(f"EXTERNAL AUTHENTICATE answered {sw:04X}")

    def read_file(self, sfi: int, tags: tuple[Tag, ...]) -> dict[int, bytes]:
        if self.addressing in (BY_TAG_CURRENT, BY_RECORD_CURRENT):
            _, sw = self.link.exchange(select_ef(FID_OF_SFI[sfi]), fetch=False)
            if sw != SW_OK and not is_more_data(sw >> 8):
                self._fail(sw, f"SELECT EF{sfi:02X}")
        p2 = read_record_p2(self.addressing, sfi)
        if self.addressing in (BY_RECORD_SFI, BY_RECORD_CURRENT):
            return self._scan_records(p2, tags)
        values = {}
        for tag in tags:
            data, sw = self.link.exchange(read_record(tag, p2, self._le(tag)))
            if sw == SW_RECORD_NOT_FOUND and tag not in ESSENTIAL_TAGS:
                if tag != Tag.NAME_EXTENSION:    # some 2.00 cards have no extension: nothing odd
                    self.unreadable[tag] = "no such record (6A83)"
                continue
            if sw != SW_OK:
                self._fail(sw, f"READ RECORD {tag:02X}")
            try:
                values[tag] = parse_record(data, expect_tag=tag)[1]
            except CardDataInvalid as e:
                if tag in ESSENTIAL_TAGS:
                    raise
                self.unreadable[tag] = str(e)
        return values

    def _scan_records(self, p2: int, tags: tuple[Tag, ...]) -> dict[int, bytes]:
        """Record-number addressing: read 1, 2, 3... until 6A83 and keep the tags we want.
        Works on every generation because each record names itself."""
        values = {}
        for number in range(1, MAX_RECORDS + 1):
            data, sw = self.link.exchange(read_record(number, p2, 0))
            if sw == SW_RECORD_NOT_FOUND:
                return values
            if sw != SW_OK:
                self._fail(sw, f"READ RECORD #{number}")
            try:
                tag, value = parse_record(data)
            except CardDataInvalid as e:
                # A broken record still names itself in its first byte: refuse the card only if
                # it is one the kiosk cannot do without.
                tag = data[0] if data else None
                if tag is None or tag in ESSENTIAL_TAGS:
                    raise
                if tag in tags:
                    self.unreadable[tag] = str(e)
                continue
            if tag in tags:
                values[tag] = value
        raise CardDataInvalid(f"file has more than {MAX_RECORDS} records")

    def _le(self, tag: Tag) -> int:
        length = VALUE_LENGTHS[tag]
        return {"record": length + 2, "value": length, "zero": 0}[self.le_policy]

    @staticmethod
    def _fail(sw: int, what: str) -> None:
        if sw == SW_SECURITY_NOT_SATISFIED:
            raise CardAccessDenied(f"{what}: security status not satisfied (6982); this region's "
                                   "cards need VERIFY or EXTERNAL AUTHENTICATE configured")
        raise CardDataInvalid(f"{what} answered {sw:04X}")
