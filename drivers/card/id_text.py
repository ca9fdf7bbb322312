"""The 256-byte text an ID-card SAM reader returns, for the four card layouts.

Text is UTF-16 little-endian (UCS-2 on the card; characters outside the BMP, such as 𠈌, are
taken as surrogate pairs), each field padded with spaces. The UCS-2 character at byte 248 says
which layout the card uses:

  'I'  foreign_2017  外国人永久居留身份证 (2017 layout)
  'Y'  foreign_2023  外国人永久居留身份证 (2023 layout, 18-digit number starting with 9)
  'J'  hkmo_tw       港澳台居民居住证
  else resident      居民身份证

The field tables below are the one definition of each layout: the driver decodes with them and
the simulated reader encodes with them. Byte offsets, sources and field values:
docs/id-card-sam.md §Card text, §Layouts, §Field values (the non-resident tables follow the structs
of public reader code, e.g. github.com/Johann356/readinfo, PCSCGetData.h: t_idcardinfor,
t_idforeigner, t_idforeigner2023, whose sizes add up to 256 bytes with the type character at
byte 248 in each layout).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from drivers.card.errors import CardDataInvalid
from drivers.card.id_number import birth_date_of, check_character, validate_id_number

TEXT_LEN = 256
TYPE_OFFSET = 248
LONG_TERM = "长期"          # valid_to of cards that never expire

# (field, size in bytes), in card order.
LAYOUTS: dict[str, tuple[tuple[str, int], ...]] = {
    "resident": (
        ("name", 30), ("sex", 2), ("nation", 4), ("birth", 16), ("address", 70), ("id_number", 36),
        ("authority", 30), ("valid_from", 16), ("valid_to", 16), ("reserved", 36)),
    "hkmo_tw": (   # the resident layout; nation is blank, the last 36 bytes carry the permit's items
        ("name", 30), ("sex", 2), ("reserved_nation", 4), ("birth", 16), ("address", 70), ("id_number", 36),
        ("authority", 30), ("valid_from", 16), ("valid_to", 16), ("pass_number", 18), ("issue_count", 4),
        ("reserved", 6), ("card_type", 2), ("reserved_end", 6)),
    "foreign_2017": (
        ("name_en", 120), ("sex", 2), ("id_number", 30), ("nationality", 6), ("name", 30),
        ("valid_from", 16), ("valid_to", 16), ("birth", 16), ("card_version", 4), ("authority_code", 8),
        ("card_type", 2), ("reserved", 6)),
    "foreign_2023": (   # follows the resident card's positions; the English name is split in two
        ("name", 30), ("sex", 2), ("renewal_count", 4), ("birth", 16), ("name_en", 70), ("id_number", 36),
        ("reserved", 30), ("valid_from", 16), ("valid_to", 16), ("name_en_more", 22), ("nationality", 6),
        ("card_type", 2), ("previous_number_link", 6)),
}
CARD_TYPE = {"foreign_2017": "I", "foreign_2023": "Y", "hkmo_tw": "J"}
LAYOUT_OF_TYPE = {char: layout for layout, char in CARD_TYPE.items()}
# The items only one layout has, kept in ResidentIdCard.extra under these names.
EXTRA_FIELDS = {
    "resident": (), "hkmo_tw": ("pass_number", "issue_count"),
    "foreign_2017": ("card_version", "authority_code"),
    "foreign_2023": ("renewal_count", "previous_number_link"),
}

SEX_LABELS = {"0": ("未知", "unknown"), "1": ("男", "male"), "2": ("女", "female"), "9": ("未说明", "unstated")}
_NATIONS = ("汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
            "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 "
            "德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
NATIONS = {f"{i:02d}": n for i, n in enumerate(_NATIONS, 1)} | {"97": "其他", "98": "外国血统中国籍人士"}
HKMO_TW_REGIONS = {"81": "香港", "82": "澳门", "83": "台湾"}


@dataclass
class ResidentIdCard:
    """What a SAM reader read from an identity card. `photo` is the opaque WLT blob: it stays in
    memory and is never written anywhere. repr() masks everything personal."""

    layout: str                      # resident | foreign_2017 | foreign_2023 | hkmo_tw
    name: str                        # Chinese name ("" on a foreigner's card without one)
    sex_code: str                    # GB/T 2261.1: 0 unknown, 1 male, 2 female, 9 unstated
    birth_date: date
    id_number: str
    valid_from: date
    valid_to: date | str             # a date or 长期
    name_en: str = ""                # foreigners' cards only
    nation_code: str = ""            # resident card only, GB/T 3304 ("01" = 汉)
    nationality: str = ""            # foreigners' cards: ISO 3166-1 alpha-3 code as on the card
    address: str = ""                # resident card and HK/Macao/Taiwan permit
    issuing_authority: str = ""      # resident card and HK/Macao/Taiwan permit
    extra: dict[str, str] = field(default_factory=dict)   # layout-only items, see EXTRA_FIELDS
    photo: bytes = field(default=b"", compare=False)
    sam_id: str = field(default="", compare=False)
    frames: int = field(default=0, compare=False)         # frames the reader sent for this read
    ms: float = field(default=0.0, compare=False)         # find → decoded, milliseconds

    @property
    def sex_label(self) -> str:
        return SEX_LABELS.get(self.sex_code, ("未知", "unknown"))[0]

    @property
    def sex_label_en(self) -> str:
        return SEX_LABELS.get(self.sex_code, ("未知", "unknown"))[1]

    @property
    def nation_name(self) -> str:
        return NATIONS.get(self.nation_code, "")

    @property
    def long_term(self) -> bool:
        return self.valid_to == LONG_TERM

    def __repr__(self) -> str:
        return (f"ResidentIdCard(layout={self.layout!r}, name={_mask_name(self.name or self.name_en)!r}, "
                f"id_number={_mask_number(self.id_number)!r}, photo=<{len(self.photo)} bytes>, "
                f"sam_id={self.sam_id!r}, frames={self.frames}, ms={self.ms:.1f})")

    __str__ = __repr__


# ------------------------------------------------------------------ raw fields
def layout_of(text: bytes) -> str:
    char = text[TYPE_OFFSET:TYPE_OFFSET + 2].decode("utf-16-le", errors="replace")
    return LAYOUT_OF_TYPE.get(char, "resident")


def unpack_fields(text: bytes) -> tuple[str, dict[str, str]]:
    """(layout, {field: value}) with the padding stripped; CardDataInvalid for text that is too
    short or not UTF-16."""
    if len(text) < TEXT_LEN:
        raise CardDataInvalid(f"card text is {len(text)} bytes, expected {TEXT_LEN}")
    layout = layout_of(text)
    values, offset = {}, 0
    for name, size in LAYOUTS[layout]:
        try:
            values[name] = text[offset:offset + size].decode("utf-16-le")
        except UnicodeDecodeError:
            raise CardDataInvalid(f"{layout} card field {name!r} is not UTF-16 text") from None
        offset += size
    if layout == "foreign_2023":      # one name in two fields: join before stripping the padding
        values["name_en"] += values.pop("name_en_more")
    return layout, {k: v.strip(" \x00") for k, v in values.items()}


def pack_fields(layout: str, values: dict[str, str]) -> bytes:
    """256 bytes of card text; ValueError when a value does not fit its field."""
    values = dict(values)
    if layout in CARD_TYPE:
        values["card_type"] = CARD_TYPE[layout]
    if layout == "foreign_2023":
        name_en = values.pop("name_en", "")
        values["name_en"], values["name_en_more"] = name_en[:35], name_en[35:]
    out = bytearray()
    for name, size in LAYOUTS[layout]:
        raw = values.pop(name, "").encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{layout} card field {name!r} holds {size} bytes, the value needs {len(raw)}")
        out += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    if values:
        raise ValueError(f"{layout} card has no field(s) {', '.join(sorted(values))}")
    return bytes(out)


# ------------------------------------------------------------------ the card
def decode_text(text: bytes, photo: bytes = b"") -> ResidentIdCard:
    """The card the text describes, every item checked: ID number check character, dates,
    birth date and sex against the number. CardDataInvalid (without personal data) otherwise."""
    layout, f = unpack_fields(text)
    sex = f["sex"]
    if sex not in SEX_LABELS:
        raise CardDataInvalid(f"{layout} card: sex code is not 0, 1, 2 or 9")
    birth = _date(f["birth"], "birth date")
    valid_from = _date(f["valid_from"], "valid-from date")
    valid_to: date | str = LONG_TERM if f["valid_to"] == LONG_TERM else _date(f["valid_to"], "valid-to date")
    if isinstance(valid_to, date) and valid_to < valid_from:
        raise CardDataInvalid(f"{layout} card: valid-to date is before valid-from date")
    extra = {k: f[k] for k in EXTRA_FIELDS[layout]}
    number = f["id_number"].upper()
    if layout in ("resident", "hkmo_tw"):
        number = _check_citizen_number(number, birth, sex, layout)
        nation = f.get("nation", "")
        if layout == "resident" and not re.fullmatch(r"\d{2}", nation):
            raise CardDataInvalid("resident card: nation code is not two digits")
        return ResidentIdCard(layout, f["name"], sex, birth, number, valid_from, valid_to,
                              nation_code=nation, address=f["address"], issuing_authority=f["authority"],
                              extra=extra, photo=photo)
    check_foreign_number(number, layout, birth)
    return ResidentIdCard(layout, f["name"], sex, birth, number, valid_from, valid_to, name_en=f["name_en"],
                          nationality=f["nationality"], extra=extra, photo=photo)


def encode_text(card: ResidentIdCard) -> bytes:
    """The 256 bytes a reader would return for `card` (used by the simulated reader)."""
    def yyyymmdd(d: date | str) -> str:
        return d if isinstance(d, str) else d.strftime("%Y%m%d")

    values = {"name": card.name, "sex": card.sex_code, "birth": yyyymmdd(card.birth_date),
              "id_number": card.id_number, "valid_from": yyyymmdd(card.valid_from),
              "valid_to": yyyymmdd(card.valid_to), **card.extra}
    if card.layout in ("resident", "hkmo_tw"):
        values |= {"address": card.address, "authority": card.issuing_authority}
        if card.layout == "resident":
            values["nation"] = card.nation_code
    else:
        values |= {"name_en": card.name_en, "nationality": card.nationality}
    return pack_fields(card.layout, values)


# ------------------------------------------------------------------ checks
def _date(text: str, what: str) -> date:
    if re.fullmatch(r"\d{8}", text):
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise CardDataInvalid(f"card {what} is not a valid YYYYMMDD date")


def _check_citizen_number(number: str, birth: date, sex: str, layout: str) -> str:
    number = validate_id_number(number)
    if birth_date_of(number) != birth:
        raise CardDataInvalid(f"{layout} card: birth date differs from the one in the ID number")
    if sex in "12" and int(number[16]) % 2 != int(sex) % 2:
        raise CardDataInvalid(f"{layout} card: sex differs from the one in the ID number")
    if layout == "hkmo_tw" and number[:2] not in HKMO_TW_REGIONS:
        raise CardDataInvalid("residence permit number does not start with 81, 82 or 83")
    return number


def icao_check_digit(chars: str) -> str:
    """ICAO 9303 check digit (weights 7 3 1; A=10 … Z=35), used by the 15-character numbers."""
    total = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * (7, 3, 1)[i % 3]
                for i, c in enumerate(chars))
    return str(total % 10)


def check_foreign_number(number: str, layout: str, birth: date) -> str:
    """Foreign permanent residence numbers.
    2017 layout, 15 characters: ISO alpha-3 nationality, 4-digit accepting region, YYMMDD birth
      date, 1 digit, ICAO check digit over the first 14.
    2023 layout, 18 characters: '9', 2-digit province, 3-digit ISO numeric nationality, YYYYMMDD
      birth date, 3-digit sequence (17th odd = male), GB 11643 check character."""
    if layout == "foreign_2017":
        if not re.fullmatch(r"[A-Z]{3}\d{12}", number):
            raise CardDataInvalid("permanent residence number is not 3 letters and 12 digits")
        if icao_check_digit(number[:14]) != number[14]:
            raise CardDataInvalid("permanent residence number check digit does not match")
        if number[7:13] != birth.strftime("%y%m%d"):
            raise CardDataInvalid("foreign_2017 card: birth date differs from the one in the number")
        return number
    if not (len(number) == 18 and number.startswith("9")):
        raise CardDataInvalid("permanent residence number is not 18 characters starting with 9")
    number = validate_id_number(number)
    if birth_date_of(number) != birth:
        raise CardDataInvalid("foreign_2023 card: birth date differs from the one in the number")
    return number


def _mask_number(number: str) -> str:
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:] if len(number) > 8 else "*" * len(number)


def _mask_name(name: str) -> str:
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" + (name[-1] if len(name) > 2 else "")


__all__ = ["ResidentIdCard", "decode_text", "encode_text", "pack_fields", "unpack_fields", "layout_of",
           "check_foreign_number", "icao_check_digit", "check_character", "LAYOUTS", "NATIONS", "LONG_TERM"]
