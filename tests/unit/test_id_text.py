"""The 256-byte card text of the four layouts: where each item sits, what a damaged card looks
like to the kiosk (CardDataInvalid, never a crash), and that nothing personal leaks in repr."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.card.errors import CardDataInvalid
from drivers.card.id_number import check_character
from drivers.card.id_text import (
    LAYOUTS, LONG_TERM, NATIONS, TEXT_LEN, TYPE_OFFSET, ResidentIdCard, decode_text, encode_text,
    icao_check_digit, layout_of, pack_fields, unpack_fields,
)
from sim.card.sam_cards import card_for, card_text
from sim.citizens import load_citizens

CITIZENS = load_citizens()


def resident(**changes) -> ResidentIdCard:
    return dataclasses.replace(card_for(CITIZENS["elder_zhang"]), **changes)


def text_with(layout: str, **changes) -> bytes:
    """A sound card text of `layout` with some raw fields replaced."""
    citizen = next(c for c in CITIZENS.values() if c.id_layout == layout)
    _, values = unpack_fields(card_text(citizen))
    values.pop("card_type", None)
    return pack_fields(layout, values | changes)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_is_256_bytes_with_its_type_at_248(layout):
    assert sum(size for _, size in LAYOUTS[layout]) == TEXT_LEN
    offset = 0
    for name, size in LAYOUTS[layout]:
        if name == "card_type":
            assert offset == TYPE_OFFSET
        offset += size


def test_resident_fields_sit_where_readers_put_them():
    text = card_text(CITIZENS["elder_zhang"])
    assert text[0:30].decode("utf-16-le").rstrip() == "张建国"
    assert text[30:32].decode("utf-16-le") == "1"
    assert text[32:36].decode("utf-16-le") == "01"
    assert text[36:52].decode("utf-16-le") == "19491001"
    assert text[122:158].decode("utf-16-le") == "441900194910011236"
    assert text[188:204].decode("utf-16-le") == "20090512"
    assert text[204:220].decode("utf-16-le").rstrip() == "长期"
    assert text[220:256] == " ".encode("utf-16-le") * 18        # space padded, no type character
    assert layout_of(text) == "resident"


@pytest.mark.parametrize("key", list(CITIZENS))
def test_every_citizen_round_trips(key):
    expected = card_for(CITIZENS[key])
    card = decode_text(encode_text(expected), expected.photo)
    assert card == expected and card.photo == expected.photo
    assert card.layout == CITIZENS[key].id_layout


def test_decoded_resident_card_reads_like_the_card_face():
    card = decode_text(card_text(CITIZENS["elder_zhang"]))
    assert (card.name, card.sex_code, card.sex_label, card.sex_label_en) == ("张建国", "1", "男", "male")
    assert (card.nation_code, card.nation_name) == ("01", "汉")
    assert card.birth_date == date(1949, 10, 1)
    assert card.address == "广东省东莞市松山湖高新技术产业开发区科技四路16号"
    assert card.issuing_authority == "东莞市公安局"
    assert card.valid_to == LONG_TERM and card.long_term


def test_rare_characters_inside_and_outside_the_bmp():
    assert decode_text(card_text(CITIZENS["young_wang"])).name == "王䶮"
    assert decode_text(card_text(CITIZENS["student_li"])).name == "李𠈌"      # surrogate pair


def test_nation_table_follows_gb_t_3304():
    assert (NATIONS["01"], NATIONS["03"], NATIONS["56"], NATIONS["97"], NATIONS["98"]) == (
        "汉", "回", "基诺", "其他", "外国血统中国籍人士")
    assert len(NATIONS) == 58
    assert decode_text(card_text(CITIZENS["student_li"])).nation_name == "回"


def test_hkmo_tw_permit_items():
    text = card_text(CITIZENS["hk_resident_ho"])
    assert text[TYPE_OFFSET:TYPE_OFFSET + 2].decode("utf-16-le") == "J"
    card = decode_text(text)
    assert card.layout == "hkmo_tw" and card.nation_code == ""
    assert card.extra["pass_number"].startswith("H") and len(card.extra["pass_number"]) == 9
    assert card.extra["issue_count"] == "01"


def test_foreigner_2017_card():
    text = card_text(CITIZENS["foreign_smith"])
    assert text[0:120].decode("utf-16-le").rstrip() == "SMITH, JOHN WILLIAM"
    assert text[TYPE_OFFSET:TYPE_OFFSET + 2] == "I".encode("utf-16-le")
    card = decode_text(text)
    assert (card.layout, card.name, card.name_en) == ("foreign_2017", "史密斯", "SMITH, JOHN WILLIAM")
    assert (card.nationality, card.id_number, card.birth_date) == ("USA", "USA441980051215", date(1980, 5, 12))
    assert card.extra == {"card_version": "01", "authority_code": "4419"}
    assert card.address == "" and card.issuing_authority == ""


def test_foreigner_2023_card_with_a_46_character_english_name():
    long_name = "MUELLER-LUEDENSCHEIDT, ANNA KATHARINA FRIEDERI"      # 46: fills both name fields
    assert len(long_name) == 46
    expected = dataclasses.replace(card_for(CITIZENS["foreign_mueller"]), name_en=long_name)
    text = encode_text(expected)
    assert text[52:122].decode("utf-16-le") == long_name[:35]
    assert text[220:242].decode("utf-16-le") == long_name[35:]
    assert text[TYPE_OFFSET:TYPE_OFFSET + 2] == "Y".encode("utf-16-le")
    card = decode_text(text)
    assert card.name_en == long_name and card.nationality == "DEU" and card.sex_label == "女"
    with pytest.raises(ValueError, match="name_en_more"):
        encode_text(dataclasses.replace(expected, name_en=long_name + "X"))


def test_id_check_characters():
    assert check_character("44190019491001123") == "6"
    assert icao_check_digit("USA44198005121") == "5"


@pytest.mark.parametrize("layout, number", [
    ("resident", "441900194910011237"),            # wrong check character
    ("resident", "44190019491001123"),             # too short
    ("hkmo_tw", "110101198505051236"),             # a resident number on a permit (not 81/82/83)
    ("foreign_2017", "USA441980051216"),           # wrong ICAO check digit
    ("foreign_2017", "US4441980051215"),           # not 3 letters
    ("foreign_2023", "944276199003150121"),        # wrong GB 11643 check character
    ("foreign_2023", "440106197803154829"),        # a resident number, not starting with 9
])
def test_bad_numbers_are_card_data_invalid(layout, number):
    with pytest.raises(CardDataInvalid) as e:
        decode_text(text_with(layout, id_number=number))
    assert number not in str(e.value)              # the number must not reach a log


@pytest.mark.parametrize("changes, complaint", [
    ({"birth": "19491301"}, "birth date"),
    ({"birth": "1949100"}, "birth date"),
    ({"birth": "19491002"}, "differs"),             # card and number disagree
    ({"valid_from": "20090230"}, "valid-from"),
    ({"valid_to": "长 期"}, "valid-to"),
    ({"valid_to": "20080101"}, "before"),
    ({"sex": "2"}, "sex differs"),
    ({"sex": "3"}, "sex code"),
    ({"nation": "汉族"}, "nation"),
])
def test_damaged_items_are_card_data_invalid(changes, complaint):
    with pytest.raises(CardDataInvalid, match=complaint):
        decode_text(text_with("resident", **changes))


def test_short_or_broken_text_is_card_data_invalid():
    with pytest.raises(CardDataInvalid, match="255 bytes"):
        decode_text(card_text(CITIZENS["elder_zhang"])[:255])
    broken = bytearray(card_text(CITIZENS["elder_zhang"]))
    broken[0:2] = b"\x00\xD8"                      # a lone high surrogate in the name
    with pytest.raises(CardDataInvalid, match="name"):
        decode_text(bytes(broken))


def test_a_value_too_long_for_its_field_is_refused_when_encoding():
    with pytest.raises(ValueError, match="address"):
        encode_text(resident(address="广" * 36))


def test_repr_masks_personal_data_and_hides_the_photo():
    card = card_for(CITIZENS["elder_zhang"])
    text = repr(card) + str(card)
    for secret in ("张建国", "441900194910011236", "1949", "松山湖", card.photo.hex()[:16], repr(card.photo[:8])):
        assert secret not in text
    assert "张*国" in text and "4419**********1236" in text and "photo=<1024 bytes>" in text


# ------------------------------------------------------------------ fuzz
@given(st.binary(min_size=TEXT_LEN, max_size=TEXT_LEN))
def test_any_256_bytes_decode_to_a_card_or_card_data_invalid(text):
    try:
        card = decode_text(text)
    except CardDataInvalid:
        return
    assert card.layout in LAYOUTS


@given(st.sampled_from(list(LAYOUTS)), st.data())
def test_random_field_values_of_every_layout(layout, data):
    values = {name: data.draw(st.text(max_size=size // 2, alphabet=st.characters(
        min_codepoint=0x20, max_codepoint=0xFFFF, exclude_categories=("Cs",))))
        for name, size in LAYOUTS[layout]
        if name not in ("card_type", "name_en_more") and not name.startswith("reserved")}   # blank on cards
    if layout == "foreign_2023":
        values["name_en"] = data.draw(st.text(max_size=46, alphabet="ABCDEFG ,-"))
    text = pack_fields(layout, values)
    assert len(text) == TEXT_LEN and layout_of(text) == layout
    try:
        decode_text(text)
    except CardDataInvalid:
        pass
    _, back = unpack_fields(text)
    for name, value in values.items():
        assert back[name] == value.strip(" \x00")


def test_a_foreigner_in_the_citizens_file_needs_the_latin_name_and_nationality():
    from pydantic import ValidationError
    from sim.citizens import SimCitizen
    smith = CITIZENS["foreign_smith"].model_dump()
    with pytest.raises(ValidationError, match="name_en and a 3-letter nationality"):
        SimCitizen.model_validate(smith | {"nationality": ""})
