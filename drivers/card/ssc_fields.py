"""What a social-security card says about its holder, decoded from its records.

`decode_card(values, ...)` turns the raw record values (tag → bytes) into a SocialSecurityCard;
every field is checked, and anything a genuine card could not hold raises CardDataInvalid.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drivers.card.errors import CardDataInvalid
from drivers.card.id_number import validate_id_number
from drivers.card.ssc_apdu import (CARD_RID, SPEC_VERSIONS, Tag, ascii_text, bcd_date, bcd_digits,
                                   check_value_length, decode_name)

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


@dataclass(frozen=True)
class SocialSecurityCard:
    card_id: str            # 卡识别码: region digits + hex of RID and chip part
    card_type: str
    spec_version: str       # "1.00" / "2.00" / "3.00"
    issue_date: date
    expiry_date: date
    card_number: str
    id_number: str          # 社会保障号码 = citizen ID number, validated (GB 11643)
    name: str
    sex: str                # "1" male, "2" female
    nation_code: int
    nation: str             # 汉族 ...
    birthplace: str         # 6-digit region code
    birth_date: date
    atr: str = ""           # hex
    apdu_count: int = 0     # APDUs this read took
    ms: float = 0.0         # card connected → identity decoded

    @property
    def generation(self) -> int:
        return int(self.spec_version[0])

    @property
    def sex_zh(self) -> str:
        return SEX_LABELS[self.sex][0]

    @property
    def sex_en(self) -> str:
        return SEX_LABELS[self.sex][1]

    @property
    def region(self) -> str:
        return self.card_id[:6]

    def __repr__(self) -> str:
        # Logs see this: name and numbers masked, the rest is about the card, not the person.
        return (f"SocialSecurityCard(spec {self.spec_version}, region {self.region}, "
                f"card_number {_mask(self.card_number, 1, 2)}, id_number {_mask(self.id_number, 4, 4)}, "
                f"name {_mask_name(self.name)}, {self.apdu_count} APDUs, {self.ms:.1f} ms)")

    __str__ = __repr__


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end:]


def _mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def decode_card_id(value: bytes) -> str:
    region = value[:6]
    if not (region.isascii() and region.decode("ascii").isdigit()) or value[6:11] != CARD_RID:
        raise CardDataInvalid("card identification code is not region + D156000005 + chip")
    return region.decode("ascii") + value[6:].hex().upper()


def decode_card(values: dict[int, bytes], *, atr: bytes = b"", apdu_count: int = 0,
                ms: float = 0.0) -> SocialSecurityCard:
    """Record values by tag → SocialSecurityCard. Missing or malformed records → CardDataInvalid."""
    def value(tag: Tag) -> bytes:
        if tag not in values:
            raise CardDataInvalid(f"record {tag:02X} missing")
        return check_value_length(tag, values[tag])

    spec = ascii_text(value(Tag.SPEC_VERSION), "spec version")
    if spec not in SPEC_VERSIONS:
        raise CardDataInvalid("unknown spec version")
    name_parts = [value(Tag.NAME)]
    if spec != "1.00" and Tag.NAME_EXTENSION in values:
        name_parts.append(value(Tag.NAME_EXTENSION))
    sex = ascii_text(value(Tag.SEX), "sex")
    if sex not in SEX_LABELS:
        raise CardDataInvalid("sex is neither 1 nor 2")
    nation_code = int(bcd_digits(value(Tag.NATION)))
    card_type = ascii_text(value(Tag.CARD_TYPE), "card type")
    card_number = ascii_text(value(Tag.CARD_NUMBER), "card number").strip()
    id_text = ascii_text(value(Tag.ID_NUMBER), "ID number")
    return SocialSecurityCard(
        card_id=decode_card_id(value(Tag.CARD_ID)),
        card_type=card_type,
        spec_version=spec,
        issue_date=bcd_date(value(Tag.ISSUE_DATE)),
        expiry_date=bcd_date(value(Tag.EXPIRY_DATE)),
        card_number=card_number,
        id_number=validate_id_number(id_text),
        name=decode_name(*name_parts),
        sex=sex,
        nation_code=nation_code,
        nation=nation_name(nation_code),
        birthplace=bcd_digits(value(Tag.BIRTHPLACE)),
        birth_date=bcd_date(value(Tag.BIRTH_DATE)),
        atr=atr.hex().upper(),
        apdu_count=apdu_count,
        ms=ms,
    )
