"""What a social-security card says about its holder, decoded from its records.

`decode_card(values, ...)` turns the raw record values (tag → bytes) into a SocialSecurityCard.
Only the ID number (社会保障号码, GB 11643 check) and the name identify the citizen: without
them the card is refused with CardDataInvalid. Every other record of an unexpected shape (card
id, card type, spec version, dates, card number, sex, nation, birthplace, birth date) becomes a
warning carried on the card, and the read goes on. Byte layouts and the reasons for this split:
docs/social-security-card.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, TypeVar

from drivers.card.errors import CardDataInvalid
from drivers.card.id_number import birth_date_of, validate_id_number
from drivers.card.ssc_apdu import (SPEC_VERSIONS, VALUE_LENGTHS, Tag, ascii_text, bcd_date, bcd_digits,
                                   decode_name)
from drivers.card.ssc_card_id import CardId, check_atr, decode_card_id

SEX_LABELS = {"1": ("男", "male"), "2": ("女", "female")}

# GB/T 3304 民族 codes, as written on ID and social-security cards.
NATIONS = {
    1: "汉", 2: "蒙古", 3: "回", 4: "藏", 5: "维吾尔", 6: "苗", 7: "彝", 8: "壮", 9: "布依",
    10: "朝鲜", 11: "满", 12: "侗", 13: "瑶", 14: "白", 15: "土家", 16: "哈尼", 17: "哈萨克",
    18: "傣", 19: "黎", 20: "傈僳", 21: "佤", 22: "畲", 23: "高山", 24: "拉祜", 25: "水",
    26: "东乡", 27: "纳西", 28: "景颇", 29: "柯尔克孜", 30: "土", 31: "达斡尔", 32: "仫佬",
    33: "羌", 34: "布朗", 35: "撒拉", 36: "毛南", 37: "仡佬", 38: "锡伯", 39: "阿昌", 40: "普米",
    41: "塔吉克", 42: "怒", 43: "乌孜别克", 44: "俄罗斯", 45: "鄂温克", 46: "德昂", 47: "保安",
    48: "裕固", 49: "京", 50: "塔塔尔", 51: "独龙", 52: "鄂伦春", 53: "赫哲", 54: "门巴",
    55: "珞巴", 56: "基诺", 97: "其他", 98: "外国血统中国籍人士",
}


def nation_name(code: int) -> str:
    """汉族 for 1; codes 97/98 are not a 族. Unknown codes give "" (shown as the code)."""
    name = NATIONS.get(code, "")
    return name + "族" if name and code <= 56 else name


# How each record is named in a warning: the card's own term, then English.
FIELD_NAMES = {
    Tag.CARD_ID: "卡识别码 card id", Tag.CARD_TYPE: "卡类别 card type", Tag.SPEC_VERSION: "规范版本 spec version",
    Tag.ISSUE_DATE: "发卡日期 issue date", Tag.EXPIRY_DATE: "卡有效期 expiry date",
    Tag.CARD_NUMBER: "卡号 card number", Tag.ID_NUMBER: "社会保障号码 ID number", Tag.NAME: "姓名 name",
    Tag.NAME_EXTENSION: "姓名扩展 name extension", Tag.SEX: "性别 sex", Tag.NATION: "民族 nation",
    Tag.BIRTHPLACE: "出生地 birthplace", Tag.BIRTH_DATE: "出生日期 birth date",
}
# Records every card has; a missing one is worth a warning (the name extension is often absent).
EXPECTED_TAGS = (Tag.CARD_ID, Tag.CARD_TYPE, Tag.SPEC_VERSION, Tag.ISSUE_DATE, Tag.EXPIRY_DATE,
                 Tag.CARD_NUMBER, Tag.SEX, Tag.NATION, Tag.BIRTHPLACE, Tag.BIRTH_DATE)


@dataclass(frozen=True)
class SocialSecurityCard:
    card_id: CardId         # 卡识别码: .text (32 hex), .region ("440300"), .rid, .chip
    card_type: str          # "" when unreadable
    spec_version: str       # "1.00" / "2.00" / "3.00"; what the card says, "" when unreadable
    issue_date: date | None         # None when unreadable
    expiry_date: date | None
    card_number: str        # "" when unreadable
    id_number: str          # 社会保障号码 = citizen ID number, validated (GB 11643)
    name: str
    sex: str                # "1" male, "2" female (from the ID number when the record is odd)
    nation_code: int        # 0 when unreadable
    nation: str             # 汉族 ...
    birthplace: str         # 6-digit region code, "" when unreadable
    birth_date: date        # from the ID number when the record is odd
    atr: str = ""           # hex
    apdu_count: int = 0     # APDUs this read took
    ms: float = 0.0         # card connected → identity decoded
    warnings: tuple[str, ...] = ()      # what was odd on this card: for the technician, no personal data

    @property
    def generation(self) -> int:
        """1, 2 or 3 from the spec version; 0 when the card does not say."""
        return int(self.spec_version[0]) if self.spec_version[:1].isdigit() else 0

    @property
    def sex_zh(self) -> str:
        return SEX_LABELS[self.sex][0]

    @property
    def sex_en(self) -> str:
        return SEX_LABELS[self.sex][1]

    @property
    def region(self) -> str:
        """The issuing region from 卡识别码 ("440300"), "" when it is not readable."""
        return self.card_id.region

    def __repr__(self) -> str:
        # Logs see this: name and numbers masked, the rest is about the card, not the person.
        return (f"SocialSecurityCard(spec {self.spec_version or '?'}, region {self.region or '?'}, "
                f"card_number {_mask(self.card_number, 1, 2)}, id_number {_mask(self.id_number, 4, 4)}, "
                f"name {_mask_name(self.name)}, {self.apdu_count} APDUs, {self.ms:.1f} ms, "
                f"{len(self.warnings)} warnings)")

    __str__ = __repr__


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end:]


def _mask_name(name: str) -> str:
    """张*国, 王*: the same masking as the kiosk's logs and screens (kiosk/privacy.py), kept here
    because the drivers do not depend on the kiosk."""
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * max(1, len(name) - 2) + (name[-1] if len(name) > 2 else "")


T = TypeVar("T")


class _Kept(Exception):
    """A record decoded but of an unexpected value: keep the value, warn about it."""

    def __init__(self, value, why: str):
        super().__init__(why)
        self.value = value


class _Decoder:
    """Decodes the records one by one, turning every oddity of a non-essential record into a
    warning. Warnings about EF06 (the holder's file) never quote the record: its bytes are
    personal data. EF05 is about the card, so its odd values are quoted to help the technician."""

    def __init__(self, values: dict[int, bytes], unreadable: dict[int, str]):
        self.values, self.unreadable = values, unreadable
        self.warnings: list[str] = []

    def warn(self, tag: Tag, text: str) -> None:
        self.warnings.append(f"{FIELD_NAMES[tag]}: {text}")

    def optional(self, tag: Tag, decode: Callable[[bytes], T], default: T, *, instead: str = "") -> T:
        """decode(value), or default with one warning when the record is missing, malformed or
        of the wrong length (a value of the wrong length is still decoded if it can be).
        instead: what the default is, said in the warning ("taken from the ID number")."""
        problems, result, defaulted = [], default, True
        if tag not in self.values:
            if tag in self.unreadable:
                problems.append(self.unreadable[tag])
            elif tag in EXPECTED_TAGS:
                problems.append("record missing")
        else:
            value = self.values[tag]
            if len(value) != VALUE_LENGTHS[tag]:
                problems.append(f"{len(value)} bytes, expected {VALUE_LENGTHS[tag]}")
            try:
                result, defaulted = decode(value), False
            except _Kept as e:              # odd, but still the best value there is
                result, defaulted = e.value, False
                problems.append(str(e))
            except CardDataInvalid as e:
                problems.append(str(e))
        if problems:
            if defaulted and instead:
                problems.append(instead)
            self.warn(tag, "; ".join(problems))
        return result

    def essential(self, tag: Tag) -> bytes:
        if tag not in self.values:
            raise CardDataInvalid(f"record {tag:02X} missing")
        value = self.values[tag]
        if len(value) != VALUE_LENGTHS[tag]:
            self.warn(tag, f"{len(value)} bytes, expected {VALUE_LENGTHS[tag]}")
        return value


def decode_card(values: dict[int, bytes], *, atr: bytes = b"", apdu_count: int = 0, ms: float = 0.0,
                unreadable: dict[int, str] | None = None) -> SocialSecurityCard:
    """Record values by tag → SocialSecurityCard. unreadable: tag → why, for records the card
    answered in a shape that could not be parsed (ssc_protocol.SscConversation.unreadable).
    Raises CardDataInvalid only for a missing or invalid ID number or a missing name."""
    d = _Decoder(values, unreadable or {})

    id_number = validate_id_number(ascii_text(d.essential(Tag.ID_NUMBER), "ID number"))
    name_field = d.essential(Tag.NAME)
    name = decode_name(name_field)                   # an undecodable name identifies nobody
    spec = d.optional(Tag.SPEC_VERSION, _spec_version, "")
    if spec != "1.00":
        def with_extension(extension: bytes) -> str:
            return decode_name(name_field, extension)
        name = d.optional(Tag.NAME_EXTENSION, with_extension, name)

    if Tag.CARD_ID in values:
        card_id, card_id_warnings = decode_card_id(values[Tag.CARD_ID])
        d.warnings += card_id_warnings
    else:
        card_id = d.optional(Tag.CARD_ID, CardId, CardId(b""))      # says missing / unreadable
    card_type = d.optional(Tag.CARD_TYPE, _card_type, "")
    issue_date = d.optional(Tag.ISSUE_DATE, bcd_date, None)
    expiry_date = d.optional(Tag.EXPIRY_DATE, bcd_date, None)
    card_number = d.optional(Tag.CARD_NUMBER, lambda v: ascii_text(v, "card number").strip(), "")
    # Sex and birth date are written into the ID number too (GB 11643: 17th digit odd = male;
    # digits 7-14): a kiosk that gives priority to citizens aged 70 or more falls back on it.
    from_id = "taken from the ID number"
    sex = d.optional(Tag.SEX, _sex, "1" if int(id_number[16]) % 2 else "2", instead=from_id)
    # A calendar date that is not the ID number's (0001-01-01 on a badly personalised card) would
    # make a young citizen 70+: the validated ID number wins.
    born = birth_date_of(id_number)

    def agreeing_birth_date(value: bytes) -> date:
        if bcd_date(value) != born:
            raise CardDataInvalid("not the birth date in the ID number")
        return born
    birth_date = d.optional(Tag.BIRTH_DATE, agreeing_birth_date, born, instead=from_id)
    nation_code = d.optional(Tag.NATION, lambda v: int(bcd_digits(v)), 0)
    birthplace = d.optional(Tag.BIRTHPLACE, bcd_digits, "")
    d.warnings += check_atr(atr, card_id)
    return SocialSecurityCard(
        card_id=card_id,
        card_type=card_type,
        spec_version=spec,
        issue_date=issue_date,
        expiry_date=expiry_date,
        card_number=card_number,
        id_number=id_number,
        name=name,
        sex=sex,
        nation_code=nation_code,
        nation=nation_name(nation_code),
        birthplace=birthplace,
        birth_date=birth_date,
        atr=atr.hex().upper(),
        apdu_count=apdu_count,
        ms=ms,
        warnings=tuple(d.warnings),
    )


def _spec_version(value: bytes) -> str:
    spec = ascii_text(value, "spec version")
    if spec not in SPEC_VERSIONS:
        # Kept as the card says it: a newer generation must not be refused by an older kiosk.
        raise _Kept(spec, f"{spec!r} is not one of {', '.join(SPEC_VERSIONS)}")
    return spec


def _card_type(value: bytes) -> str:
    text = ascii_text(value, "card type")
    if not (len(text) == 1 and text.isdigit()):
        raise _Kept(text, f"{text!r} is not one ASCII digit")
    return text


def _sex(value: bytes) -> str:
    text = ascii_text(value, "sex")
    if text not in SEX_LABELS:
        raise CardDataInvalid("neither 1 nor 2")
    return text
