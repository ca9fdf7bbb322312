"""Social-security card (社会保障卡) bytes: APDUs, status words, TLV records, BCD and names.

Pure functions shared by the driver (to build commands and decode answers) and the virtual
card in sim/card/ (to recognise commands and build answers): one definition of each frame.
The byte facts are written down in docs/social-security-card.md; 卡识别码 and the ATR's
historical bytes have their own module, ssc_card_id.py.

Nothing here raises anything but CardDataInvalid on bad card data, so whatever a card (or a
broken reader) sends, the caller sees one typed error with a calm message.
"""
from __future__ import annotations

from datetime import date
from enum import IntEnum

from drivers.card.errors import CardDataInvalid

# ------------------------------------------------------------------ application and files
SSSE_AID = b"sx1.sh." + "社会保障".encode("gbk")      # 73 78 31 2E 73 68 2E C9 E7 BB E1 B1 A3 D5 CF
EF05_SFI, EF06_SFI = 0x05, 0x06
EF05_FID, EF06_FID = b"\xef\x05", b"\xef\x06"
ATR_PREFIX = bytes.fromhex("3B6D0000")                # T=0, 13 historical bytes


class Tag(IntEnum):
    CARD_ID = 0x01          # 卡识别码 16 bytes binary: region 3 BCD + RID D156000005 + chip 8
    CARD_TYPE = 0x02        # 卡类别 1 ASCII digit
    SPEC_VERSION = 0x03     # 规范版本 "1.00" / "2.00" / "3.00"
    INIT_ORG = 0x04         # 初始化机构编号 12 bytes binary
    ISSUE_DATE = 0x05       # 发卡日期 BCD YYYYMMDD
    EXPIRY_DATE = 0x06      # 卡有效期 BCD YYYYMMDD
    CARD_NUMBER = 0x07      # 卡号 9 ASCII
    ID_NUMBER = 0x08        # 社会保障号码 18 ASCII (the citizen ID number)
    NAME = 0x09             # 姓名 30 bytes GBK/GB18030, padded with 00 or 20
    SEX = 0x0A              # 性别 ASCII "1" / "2"
    NATION = 0x0B           # 民族 1 byte BCD (GB/T 3304)
    BIRTHPLACE = 0x0C       # 出生地 3 bytes BCD region code
    BIRTH_DATE = 0x0D       # 出生日期 BCD YYYYMMDD
    NAME_EXTENSION = 0x4E   # 姓名扩展 20 bytes, 2nd/3rd generation cards only


VALUE_LENGTHS = {
    Tag.CARD_ID: 16, Tag.CARD_TYPE: 1, Tag.SPEC_VERSION: 4, Tag.INIT_ORG: 12,
    Tag.ISSUE_DATE: 4, Tag.EXPIRY_DATE: 4, Tag.CARD_NUMBER: 9,
    Tag.ID_NUMBER: 18, Tag.NAME: 30, Tag.SEX: 1, Tag.NATION: 1, Tag.BIRTHPLACE: 3,
    Tag.BIRTH_DATE: 4, Tag.NAME_EXTENSION: 20,
}
# The only records the kiosk cannot do without: who the citizen is. A card whose other records
# have an unexpected shape is still read (with warnings for the technician); one without a valid
# ID number or a name is refused (docs/social-security-card.md, "What the kiosk needs").
ESSENTIAL_TAGS = frozenset({Tag.ID_NUMBER, Tag.NAME})
FILE_OF_TAG = {tag: (EF05_SFI if tag <= Tag.CARD_NUMBER else EF06_SFI) for tag in Tag}
FID_OF_SFI = {EF05_SFI: EF05_FID, EF06_SFI: EF06_FID}

# Record order inside each file. Only the simulator uses record numbers: the driver reads by
# tag, because the order of EF06 changed between generations (sex is record 3 on 1.00 cards).
EF05_RECORDS = (Tag.CARD_ID, Tag.CARD_TYPE, Tag.SPEC_VERSION, Tag.INIT_ORG,
                Tag.ISSUE_DATE, Tag.EXPIRY_DATE, Tag.CARD_NUMBER)
EF06_RECORDS_V1 = (Tag.ID_NUMBER, Tag.NAME, Tag.SEX, Tag.NATION, Tag.BIRTHPLACE, Tag.BIRTH_DATE)
EF06_RECORDS_V2 = (Tag.ID_NUMBER, Tag.NAME, Tag.NAME_EXTENSION, Tag.SEX, Tag.NATION,
                   Tag.BIRTHPLACE, Tag.BIRTH_DATE)
SPEC_VERSIONS = ("1.00", "2.00", "3.00")

# ------------------------------------------------------------------ status words
SW_OK = 0x9000
SW_WRONG_LENGTH = 0x6700
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_BLOCKED = 0x6983
SW_CONDITIONS_NOT_SATISFIED = 0x6985
SW_WRONG_DATA = 0x6A80
SW_FILE_NOT_FOUND = 0x6A82
SW_RECORD_NOT_FOUND = 0x6A83
SW_WRONG_P1P2 = 0x6A86
SW_INS_NOT_SUPPORTED = 0x6D00
SW_CLA_NOT_SUPPORTED = 0x6E00


def sw_bytes(sw: int) -> bytes:
    return bytes([sw >> 8, sw & 0xFF])


def is_more_data(sw1: int) -> bool:
    """61xx: the answer waits on the card; fetch it with GET RESPONSE (T=0)."""
    return sw1 == 0x61


def is_wrong_le(sw1: int) -> bool:
    """6Cxx: wrong Le; xx is the exact length to ask for (T=0)."""
    return sw1 == 0x6C


def pin_tries_left(sw: int) -> int | None:
    """63Cx after VERIFY: wrong PIN, x tries left."""
    return sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None


# ------------------------------------------------------------------ commands
INS_SELECT, INS_READ_RECORD, INS_GET_RESPONSE = 0xA4, 0xB2, 0xC0
INS_VERIFY, INS_GET_CHALLENGE, INS_EXTERNAL_AUTH = 0x20, 0x84, 0x82


def select_by_name(aid: bytes = SSSE_AID) -> bytes:
    return bytes([0x00, INS_SELECT, 0x04, 0x00, len(aid)]) + aid


def select_ef(fid: bytes) -> bytes:
    """SELECT by file id (00 A4 02 00 02 EF 05), for the 'current EF' read modes."""
    return bytes([0x00, INS_SELECT, 0x02, 0x00, len(fid)]) + fid


def read_record(p1: int, p2: int, le: int) -> bytes:
    return bytes([0x00, INS_READ_RECORD, p1, p2, le & 0xFF])


def get_response(le: int) -> bytes:
    return bytes([0x00, INS_GET_RESPONSE, 0x00, 0x00, le & 0xFF])


def with_le(apdu: bytes, le: int) -> bytes:
    """The same case-2 command asking for exactly `le` bytes (the answer to a 6Cxx)."""
    return apdu[:4] + bytes([le & 0xFF])


def verify_pin(pin: str) -> bytes:
    """VERIFY 00 20 00 00 Lc PIN, the PIN packed as BCD (F-padded), as field code sends it."""
    return bytes([0x00, INS_VERIFY, 0x00, 0x00]) + _lc(pin_to_bcd(pin))


def get_challenge(length: int = 8) -> bytes:
    return bytes([0x00, INS_GET_CHALLENGE, 0x00, 0x00, length])


def external_authenticate(key_id: int, cryptogram: bytes) -> bytes:
    return bytes([0x00, INS_EXTERNAL_AUTH, 0x00, key_id]) + _lc(cryptogram)


def _lc(data: bytes) -> bytes:
    return bytes([len(data)]) + data


def pin_to_bcd(pin: str) -> bytes:
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError("a card PIN is 4 to 12 digits")
    digits = pin + ("F" if len(pin) % 2 else "")
    return bytes.fromhex(digits)


# Read-record addressing (ISO 7816-4 P2), all four seen in field code.
BY_TAG_SFI = "sfi_tag"            # P2 = (SFI<<3)|0, P1 = tag  (28 = EF05, 30 = EF06)
BY_TAG_CURRENT = "current_tag"    # SELECT EF, then P2 = 00, P1 = tag
BY_RECORD_SFI = "sfi_record"      # P2 = (SFI<<3)|4, P1 = record number (2C, 34)
BY_RECORD_CURRENT = "current_record"  # SELECT EF, then P2 = 04, P1 = record number
ADDRESSINGS = (BY_TAG_SFI, BY_TAG_CURRENT, BY_RECORD_SFI, BY_RECORD_CURRENT)


def read_record_p2(addressing: str, sfi: int) -> int:
    return {BY_TAG_SFI: sfi << 3, BY_TAG_CURRENT: 0x00,
            BY_RECORD_SFI: (sfi << 3) | 0x04, BY_RECORD_CURRENT: 0x04}[addressing]


def split_apdu(apdu: bytes) -> tuple[int, int, int, int, bytes, int | None]:
    """CLA INS P1 P2, command data, Le (None for case 1/3). Short APDUs only: that is all a
    T=0 social-security card speaks. Raises ValueError on a malformed command."""
    if len(apdu) < 4:
        raise ValueError("APDU shorter than its header")
    cla, ins, p1, p2 = apdu[:4]
    if len(apdu) == 4:
        return cla, ins, p1, p2, b"", None
    if len(apdu) == 5:
        return cla, ins, p1, p2, b"", apdu[4]
    lc = apdu[4]
    if lc and len(apdu) == 5 + lc:
        return cla, ins, p1, p2, apdu[5:], None
    if lc and len(apdu) == 6 + lc:
        return cla, ins, p1, p2, apdu[5:5 + lc], apdu[5 + lc]
    raise ValueError("APDU length does not match Lc")


# ------------------------------------------------------------------ records (TLV)
def tlv(tag: int, value: bytes) -> bytes:
    if len(value) > 0x7F:
        raise ValueError("a record value is at most 127 bytes")
    return bytes([tag, len(value)]) + value


def parse_record(record: bytes, expect_tag: int | None = None) -> tuple[int, bytes]:
    """One record as READ RECORD returns it: tag, one-byte length, value - nothing after."""
    if len(record) < 2:
        raise CardDataInvalid(f"record of {len(record)} bytes has no tag and length")
    tag, length = record[0], record[1]
    if length > 0x7F:
        raise CardDataInvalid(f"record {tag:02X} has a long-form length, not used on this card")
    if len(record) != 2 + length:
        raise CardDataInvalid(f"record {tag:02X} says {length} bytes but carries {len(record) - 2}")
    if expect_tag is not None and tag != expect_tag:
        raise CardDataInvalid(f"asked for record {expect_tag:02X}, card gave {tag:02X}")
    return tag, record[2:]


def parse_records(data: bytes) -> dict[int, bytes]:
    """Back-to-back records (a file dump): tag → value. Repeated tag or short tail → invalid."""
    out: dict[int, bytes] = {}
    i = 0
    while i < len(data):
        if i + 2 > len(data):
            raise CardDataInvalid("record stream ends inside a tag/length")
        length = data[i + 1]
        end = i + 2 + length
        if length > 0x7F or end > len(data):
            raise CardDataInvalid(f"record {data[i]:02X} runs past the end of the data")
        tag, value = parse_record(data[i:end])
        if tag in out:
            raise CardDataInvalid(f"record {tag:02X} appears twice")
        out[tag] = value
        i = end
    return out


def check_value_length(tag: int, value: bytes) -> bytes:
    expected = VALUE_LENGTHS.get(tag)
    if expected is not None and len(value) != expected:
        raise CardDataInvalid(f"record {tag:02X} is {len(value)} bytes, expected {expected}")
    return value


# ------------------------------------------------------------------ BCD
def bcd_digits(data: bytes) -> str:
    text = data.hex()
    if not text.isdigit():
        raise CardDataInvalid("BCD field holds a nibble above 9")
    return text


def to_bcd(digits: str) -> bytes:
    if not digits.isdigit() or len(digits) % 2:
        raise ValueError("BCD needs an even number of digits")
    return bytes.fromhex(digits)


def bcd_date(data: bytes) -> date:
    if len(data) != 4:
        raise CardDataInvalid(f"a BCD date is 4 bytes, got {len(data)}")
    digits = bcd_digits(data)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise CardDataInvalid("BCD date is not a calendar date") from None


def date_bcd(d: date) -> bytes:
    return to_bcd(d.strftime("%Y%m%d"))


# ------------------------------------------------------------------ names
PAD_BYTES = b"\x00\x20"


def encode_name(name: str, field_length: int, pad: int = 0x00) -> bytes:
    """GB18030 (= GBK for every GBK character), padded to the field. Raises ValueError when it
    does not fit, so the simulator can split it over 09 and 4E at a character boundary."""
    raw = name.encode("gb18030")
    if len(raw) > field_length:
        raise ValueError("name longer than the field")
    return raw + bytes([pad]) * (field_length - len(raw))


def split_name(name: str, first: int = 30, extension: int = 20) -> tuple[str, str]:
    """Characters for tag 09 and tag 4E, cut between characters (never inside one)."""
    used = 0
    for i, ch in enumerate(name):
        used += len(ch.encode("gb18030"))
        if used > first:
            rest = name[i:]
            if len(rest.encode("gb18030")) > extension:
                raise ValueError("name longer than 09 and 4E together")
            return name[:i], rest
    return name, ""


def decode_name(*fields: bytes) -> str:
    """Name from tag 09 (and 4E): padding 00/20 stripped, decoded as GB18030 - the superset of
    GBK, so rare characters written by newer card-making systems (䶮 FE9F, 𠈌 as a 4-byte
    sequence) are not lost. 00 and 20 never occur inside a GBK/GB18030 character, so stripping
    them from both ends of each field is safe."""
    raw = b"".join(f.strip(PAD_BYTES) for f in fields)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise CardDataInvalid("name is not GBK/GB18030 text") from None
    if not text or any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text):
        raise CardDataInvalid("name is empty or holds control characters")
    return text


def ascii_text(data: bytes, what: str) -> str:
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise CardDataInvalid(f"{what} is not ASCII") from None
    if not text.isprintable():
        raise CardDataInvalid(f"{what} holds control characters")
    return text


def atr_looks_like_ssc(atr: bytes, prefixes: tuple[bytes, ...] = (ATR_PREFIX,)) -> bool:
    return any(atr.startswith(p) for p in prefixes)
