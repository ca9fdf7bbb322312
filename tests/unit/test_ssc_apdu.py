"""Social-security card bytes: TLV records, BCD, names, commands - and a fuzzed parser that can
only ever say CardDataInvalid, whatever a broken card sends."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.card.errors import CardDataInvalid
from drivers.card.ssc_apdu import (SSSE_AID, Tag, bcd_date, bcd_digits, date_bcd, decode_name,
                                   encode_name, parse_record, parse_records, pin_to_bcd,
                                   read_record, select_by_name, select_ef, split_apdu, split_name,
                                   tlv, verify_pin, with_le)


def test_select_ssse_is_the_bytes_field_code_sends():
    assert select_by_name() == bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF")
    assert SSSE_AID[7:].decode("gbk") == "社会保障"
    assert select_ef(b"\xef\x05") == bytes.fromhex("00A4020002EF05")


def test_read_record_and_le_rewrite():
    assert read_record(Tag.NAME, 0x30, 32) == bytes.fromhex("00B2093020")
    assert with_le(read_record(Tag.NAME, 0x30, 30), 32) == bytes.fromhex("00B2093020")


def test_verify_sends_the_pin_as_packed_bcd():
    assert verify_pin("123456") == bytes.fromhex("0020000003123456")
    assert pin_to_bcd("12345") == bytes.fromhex("12345F")
    with pytest.raises(ValueError):
        pin_to_bcd("12a4")


@pytest.mark.parametrize("apdu, expected", [
    ("00B2093020", (0, 0xB2, 9, 0x30, b"", 0x20)),
    ("00A4020002EF05", (0, 0xA4, 2, 0, b"\xef\x05", None)),
    ("0084000008", (0, 0x84, 0, 0, b"", 8)),
    ("00A4040002AABB00", (0, 0xA4, 4, 0, b"\xaa\xbb", 0)),
])
def test_split_apdu_cases(apdu, expected):
    assert split_apdu(bytes.fromhex(apdu)) == expected


@pytest.mark.parametrize("apdu", ["00B2", "00A4040005AABB"])
def test_split_apdu_rejects_malformed(apdu):
    with pytest.raises(ValueError):
        split_apdu(bytes.fromhex(apdu))


def test_record_round_trip():
    assert parse_record(tlv(0x0A, b"1"), expect_tag=0x0A) == (0x0A, b"1")
    assert parse_records(tlv(0x0A, b"1") + tlv(0x0B, b"\x01")) == {0x0A: b"1", 0x0B: b"\x01"}


@pytest.mark.parametrize("record, why", [
    (b"\x09", "no tag and length"),
    (b"\x09\x05abc", "says 5 bytes but carries 3"),         # truncated
    (b"\x0a\x01\x31\x90", "says 1 bytes but carries 2"),    # oversized
    (b"\x09\x81\x01a", "long-form length"),
])
def test_broken_records_are_invalid_data(record, why):
    with pytest.raises(CardDataInvalid, match=why):
        parse_record(record)


def test_a_record_with_another_tag_is_refused():
    with pytest.raises(CardDataInvalid, match="asked for record 09, card gave 0A"):
        parse_record(tlv(0x0A, b"1"), expect_tag=0x09)


def test_repeated_tag_in_a_stream_is_refused():
    with pytest.raises(CardDataInvalid, match="twice"):
        parse_records(tlv(0x0A, b"1") * 2)


@given(st.binary(max_size=300))
@settings(max_examples=400, deadline=None)
def test_fuzzed_records_never_raise_anything_but_card_data_invalid(data):
    for parse in (parse_record, parse_records):
        try:
            parse(data)
        except CardDataInvalid:
            pass


@given(st.dictionaries(st.integers(0, 255), st.binary(max_size=127), max_size=8))
def test_any_well_formed_stream_parses_back(records):
    stream = b"".join(tlv(tag, value) for tag, value in records.items())
    assert parse_records(stream) == records


def test_bcd_dates():
    assert bcd_date(bytes.fromhex("19491001")) == date(1949, 10, 1)
    assert date_bcd(date(2001, 6, 20)) == bytes.fromhex("20010620")
    assert bcd_digits(bytes.fromhex("441900")) == "441900"


@pytest.mark.parametrize("raw", ["19491301", "1949100A", "20230229", "000000"])
def test_impossible_bcd_dates_are_invalid_data(raw):
    with pytest.raises(CardDataInvalid):
        bcd_date(bytes.fromhex(raw))


def test_names_strip_either_padding():
    assert decode_name("张建国".encode("gbk") + b"\x00" * 24) == "张建国"
    assert decode_name("张建国".encode("gbk") + b"\x20" * 24) == "张建国"


def test_rare_characters_survive_as_gb18030():
    # 䶮 is FE9F (GBK's old table sends it to the private-use area); 𠈌 is outside GBK
    assert decode_name(encode_name("王䶮", 30)) == "王䶮"
    assert encode_name("李𠈌", 30)[2:6] == bytes.fromhex("9532B730")
    assert decode_name(encode_name("李𠈌", 30, 0x20)) == "李𠈌"


def test_long_names_continue_in_the_extension_between_characters():
    name = "买买提江·阿不都热合曼·艾合买提尼亚孜"                 # 19 characters, 37 bytes
    head, tail = split_name(name)
    assert head + tail == name and len(head.encode("gb18030")) <= 30
    assert decode_name(encode_name(head, 30), encode_name(tail, 20)) == name


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00", b"\x81\x20", b"\x00" * 30, "张\x01".encode("gbk")])
def test_non_gbk_or_empty_names_are_invalid_data(raw):
    with pytest.raises(CardDataInvalid):
        decode_name(raw)
