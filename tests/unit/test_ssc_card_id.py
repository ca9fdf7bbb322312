"""卡识别码 and the ATR's historical bytes, on two real cards' public values (not values made by our
own encoder): the driver must decode what real cards carry, and the simulator must build the
same shapes. Layout: docs/social-security-card.md."""
from __future__ import annotations

import pytest

from drivers.card.ssc_apdu import Tag
from drivers.card.ssc_card_id import (CardId, atr_historical_bytes, build_atr, check_atr,
                                      decode_card_id, encode_card_id)
from drivers.card.ssc_fields import decode_card
from drivers.card.ssc_protocol import SscConversation
from sim.card.ssc_applet import SscApplet
from sim.citizens import load_citizens

CITIZENS = load_citizens()

# (卡识别码, ATR historical bytes, region, chip serial) of two real cards, as published.
SHENZHEN = ("440300D1560000050050640776EF3192", "0096544CA08684440300506407", "440300", "0050640776EF3192")
WUXI = ("320200D156000005AD932A48BDC3B9E9", "0081544C9786843202AD932A48", "320200", "AD932A48BDC3B9E9")
PUBLIC = [SHENZHEN, WUXI]


def full_atr(historical_hex: str) -> bytes:
    return bytes.fromhex("3B6D0000" + historical_hex)


@pytest.mark.parametrize("text, historical, region, chip", PUBLIC)
def test_a_real_card_id_decodes_to_its_region_rid_and_chip(text, historical, region, chip):
    raw = bytes.fromhex(text)
    assert len(raw) == 16 and raw[3:8] == bytes([0xD1, 0x56, 0x00, 0x00, 0x05])
    card_id, warnings = decode_card_id(raw)
    assert warnings == []
    assert (card_id.region, card_id.rid, card_id.chip, card_id.text) == (region, "D156000005", chip, text)
    assert str(card_id) == text


def test_the_region_is_bcd_not_ascii():
    # 44 03 00 is 440300; the same region as ASCII digits ("440300", 34 34 30 33 30 30) is what
    # the kiosk once expected, and it is not what a card holds.
    assert decode_card_id(bytes.fromhex(SHENZHEN[0]))[0].region == "440300"
    ascii_form = b"440300" + bytes.fromhex("D156000005") + bytes(5)
    card_id, warnings = decode_card_id(ascii_form)
    assert card_id.region == "343430"
    assert warnings == ["卡识别码 card id: RID is 333030D156, expected D156000005"]


@pytest.mark.parametrize("text, historical, region, chip", PUBLIC)
def test_the_atr_historical_bytes_are_a_header_then_region_then_chip(text, historical, region, chip):
    hist = atr_historical_bytes(full_atr(historical))
    assert hist == bytes.fromhex(historical) and len(hist) == 13
    assert hist[7:9] == bytes.fromhex(region[:4])          # region bytes 1-2
    assert hist[9:13] == bytes.fromhex(chip[:8])           # chip serial bytes 1-4
    assert check_atr(full_atr(historical), decode_card_id(bytes.fromhex(text))[0]) == []


def test_the_published_full_atr_of_the_second_card_is_found_whole():
    # 3B 6D 00 00 ...: TB1 and TC1 follow T0, no TD1, so no check byte after the 13 bytes.
    atr = bytes.fromhex("3B6D000000" "81544C9786843202AD932A48")
    assert atr_historical_bytes(atr) == bytes.fromhex(WUXI[1])


def test_historical_bytes_are_found_in_other_atr_shapes():
    bank = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")    # T=1 offered: a TCK follows
    assert atr_historical_bytes(bank) == bytes.fromhex("804F0CA00000030603000100000000")
    assert atr_historical_bytes(bytes.fromhex("3B6D0000")) is None            # 13 bytes promised, none there
    assert atr_historical_bytes(b"") is None


@pytest.mark.parametrize("text, historical, region, chip", PUBLIC)
def test_the_simulator_builds_a_real_cards_atr_from_its_card_id(text, historical, region, chip):
    raw = encode_card_id(region, bytes.fromhex(chip))
    assert raw == bytes.fromhex(text)
    assert build_atr(raw, bytes.fromhex(historical[:14])) == full_atr(historical)


def test_an_atr_that_does_not_echo_the_card_id_is_a_warning():
    shenzhen = decode_card_id(bytes.fromhex(SHENZHEN[0]))[0]
    assert check_atr(full_atr(WUXI[1]), shenzhen) == [
        "ATR: historical bytes 8-9 carry region 3202, 卡识别码 starts 4403",
        "ATR: historical bytes 10-13 differ from chip serial bytes 1-4 of 卡识别码"]
    assert check_atr(bytes.fromhex("3B6C0000") + bytes.fromhex(SHENZHEN[1])[:12], shenzhen) == [
        "ATR: 12 historical bytes, expected 13; 卡识别码 not cross-checked"]
    assert check_atr(b"", shenzhen) == []                  # ATR not known: nothing to compare


@pytest.mark.parametrize("value, warning", [
    (bytes.fromhex(SHENZHEN[0])[:15], "卡识别码 card id: 15 bytes, expected 16"),
    (bytes.fromhex("4A0300D1560000050050640776EF3192"), "卡识别码 card id: region 4A0300 is not 3 BCD bytes"),
    (bytes.fromhex("440300D1560000060050640776EF3192"), "卡识别码 card id: RID is D156000006, expected D156000005"),
])
def test_an_odd_card_id_is_described_not_refused(value, warning):
    card_id, warnings = decode_card_id(value)
    assert warning in warnings and card_id.text == value.hex().upper()


# ------------------------------------------------------------------ through the whole decoder
def read(applet: SscApplet, atr: bytes | None = None):
    def transmit(apdu):
        response = applet.process(apdu)
        return response[:-2], int.from_bytes(response[-2:], "big")
    conversation = SscConversation(transmit)
    values = conversation.read_values()
    return decode_card(values, atr=applet.atr if atr is None else atr, unreadable=conversation.unreadable)


@pytest.mark.parametrize("text, historical, region, chip", PUBLIC)
def test_a_card_carrying_a_real_card_id_and_atr_reads_cleanly(text, historical, region, chip):
    citizen = CITIZENS["elder_zhang"]
    card = read(SscApplet(citizen, card_id=text, atr=full_atr(historical)))
    assert card.card_id == CardId(bytes.fromhex(text)) and card.region == region
    assert card.id_number == citizen.id_number and card.name == citizen.name
    assert card.warnings == ()


def test_the_simulated_card_holds_its_region_in_bcd_and_its_atr_echoes_it():
    applet = SscApplet(CITIZENS["young_wang"])               # region 440100
    raw = applet.files[5].by_tag(Tag.CARD_ID)[2:]
    assert raw[:8] == bytes.fromhex("440100D156000005") and len(raw) == 16
    assert applet.atr[:4] == bytes.fromhex("3B6D0000") and len(applet.atr) == 17
    assert applet.atr[11:13] == bytes.fromhex("4401") and applet.atr[13:17] == raw[8:12]
    card = read(applet)
    assert card.region == "440100" and card.warnings == ()


def test_a_card_whose_atr_disagrees_is_still_the_citizens_card():
    citizen = CITIZENS["elder_zhang"]
    card = read(SscApplet(citizen, card_id=SHENZHEN[0], atr=full_atr(WUXI[1])))
    assert card.name == citizen.name and card.region == "440300"
    assert "ATR: historical bytes 8-9 carry region 3202, 卡识别码 starts 4403" in card.warnings
