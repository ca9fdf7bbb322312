"""The real SocialSecurityCardReader through the real pcscd and vpcd, against the virtual card.

pcscd is reused if running, started otherwise (sim/card/ssc_pcscd.py); if it cannot start, these
tests fail with its log - they never skip. Each test inserts its own card and waits until pcscd
has seen the slot empty again, so tests do not leak cards into each other.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest
from smartcard.System import readers as pyscard_readers

from drivers.card.errors import (CardAccessDenied, CardNotRecognised, CardRemovedTooEarly,
                                 CardUpsideDown, NoCard, ReaderUnavailable)
from drivers.card.ssc_apdu import ADDRESSINGS
from drivers.card.ssc_reader import SocialSecurityCardReader, SscAccessRules
from kiosk.wording import say
from sim.card.ssc_applet import SimCardAccess
from sim.card.ssc_card import BANK_CARD_ATR, SscFaults, VirtualSocialSecurityCard
from sim.card.ssc_pcscd import VIRTUAL_READER, VIRTUAL_READER_SLOT1, wait_for_slot
from sim.citizens import load_citizens

pytestmark = pytest.mark.wire

CITIZENS = load_citizens()
KEY = "00112233445566778899AABBCCDDEEFF"
# Two real cards' 卡识别码 and ATR historical bytes, as published (docs/social-security-card.md).
PUBLIC_CARDS = [("440300D1560000050050640776EF3192", "0096544CA08684440300506407", "440300"),
                ("320200D156000005AD932A48BDC3B9E9", "0081544C9786843202AD932A48", "320200")]


@pytest.fixture
def slot(pcscd):
    """slot(card, port=35963): insert a virtual card and wait until pcscd sees it; every card is
    removed (and the slot seen empty) after the test."""
    cards = []

    def insert(card: VirtualSocialSecurityCard, port: int = 35963) -> VirtualSocialSecurityCard:
        card.insert(port)
        cards.append((card, VIRTUAL_READER if port == 35963 else VIRTUAL_READER_SLOT1))
        wait_for_slot(cards[-1][1], occupied=True)
        return card

    yield insert
    for card, reader in cards:
        card.remove()
        wait_for_slot(reader, occupied=False)


def card_of(key: str, **kwargs) -> VirtualSocialSecurityCard:
    return VirtualSocialSecurityCard(CITIZENS[key], **kwargs)


@pytest.mark.parametrize("key", ["student_li", "elder_zhang", "young_wang"])
def test_each_generation_reads_back_the_citizen(slot, key):
    citizen = CITIZENS[key]
    card = slot(card_of(key))
    result = SocialSecurityCardReader(VIRTUAL_READER).read()
    assert (result.name, result.id_number, result.birth_date) == (citizen.name, citizen.id_number, citizen.birth_date)
    assert (result.sex, result.nation_code, result.birthplace) == (str(citizen.sex), citizen.nation, citizen.id_number[:6])
    assert result.spec_version == f"{citizen.ssc_generation}.00" and result.region == citizen.region
    assert result.atr == card.atr.hex().upper() and result.warnings == ()
    assert result.apdu_count == len(card.apdus_seen) == (13 if citizen.ssc_generation == 1 else 14)
    assert 0 < result.ms < 1000


@pytest.mark.parametrize("card_id, historical, region", PUBLIC_CARDS, ids=["440300", "320200"])
def test_a_real_cards_id_and_atr_read_through_pcscd_and_identify_the_citizen(slot, card_id, historical, region):
    citizen = CITIZENS["young_wang"]
    atr = "3B6D0000" + historical
    slot(card_of("young_wang", card_id=card_id, atr=atr))
    result = SocialSecurityCardReader(VIRTUAL_READER).read()
    assert result.atr == atr                                        # pcscd passed the real ATR on
    assert (result.card_id.text, result.region) == (card_id, region)
    assert (result.card_id.rid, result.card_id.chip) == ("D156000005", card_id[16:])
    assert (result.name, result.id_number) == (citizen.name, citizen.id_number)
    assert result.warnings == ()                                    # the ATR echoes the card id


def test_a_card_whose_atr_does_not_echo_its_id_is_read_with_a_warning(slot):
    (shenzhen, _, _), (_, wuxi_atr, _) = PUBLIC_CARDS
    slot(card_of("elder_zhang", card_id=shenzhen, atr="3B6D0000" + wuxi_atr))
    result = SocialSecurityCardReader(VIRTUAL_READER).read()
    assert result.name == "张建国" and result.region == "440300"
    assert result.warnings == ("ATR: historical bytes 8-9 carry region 3202, 卡识别码 starts 4403",
                               "ATR: historical bytes 10-13 differ from chip serial bytes 1-4 of 卡识别码")


def test_without_a_name_the_reader_holding_a_card_is_used_also_in_slot_1(slot):
    slot(card_of("young_wang"), port=35964)
    assert SocialSecurityCardReader().read().name == "王䶮"
    assert SocialSecurityCardReader(VIRTUAL_READER_SLOT1).read().name == "王䶮"


def test_a_good_card_in_one_slot_wins_over_a_mute_one_in_the_other(slot):
    slot(card_of("elder_zhang", faults=SscFaults(mute=True)))
    slot(card_of("student_li"), port=35964)
    assert SocialSecurityCardReader().read().name == "李𠈌"
    with pytest.raises(CardUpsideDown):
        SocialSecurityCardReader(VIRTUAL_READER).read()


def test_the_same_card_reads_the_same_way_twice(slot):
    slot(card_of("elder_zhang"))
    reader = SocialSecurityCardReader(VIRTUAL_READER)
    first, second = reader.read(), reader.read()
    assert replace(first, ms=0) == replace(second, ms=0)


@pytest.mark.parametrize("addressing", ADDRESSINGS)
def test_every_read_record_addressing_works_over_pcscd(slot, addressing):
    card = slot(card_of("elder_zhang"))
    result = SocialSecurityCardReader(VIRTUAL_READER, addressing=addressing).read()
    assert result.name == "张建国" and result.apdu_count == len(card.apdus_seen)
    p2s = {apdu[3] for apdu in card.apdus_seen if apdu[1] == 0xB2}
    assert p2s == {"sfi_tag": {0x28, 0x30}, "current_tag": {0x00},
                   "sfi_record": {0x2C, 0x34}, "current_record": {0x04}}[addressing]


def test_6cxx_is_answered_by_resending_with_the_right_le(slot):
    card = slot(card_of("elder_zhang"))
    result = SocialSecurityCardReader(VIRTUAL_READER, le_policy="value").read()
    assert result.name == "张建国"
    assert bytes.fromhex("00B2093020") in card.apdus_seen          # after 00B209301E → 6C20
    assert result.apdu_count == 1 + 2 * 13


def test_61xx_is_fetched_with_get_response(slot):
    card = slot(card_of("young_wang", le_zero="61xx"))
    result = SocialSecurityCardReader(VIRTUAL_READER, le_policy="zero").read()
    assert result.name == "王䶮"
    assert bytes.fromhex("00C0000020") in card.apdus_seen


def test_raw_apdus_through_pyscard_see_a_t0_card(slot):
    """The simulator's own surface, through pcscd: SELECT → 61xx, GET RESPONSE → FCI, 6Cxx."""
    slot(card_of("student_li"))
    reader = next(r for r in pyscard_readers() if str(r) == VIRTUAL_READER)
    connection = reader.createConnection()
    connection.connect()
    try:
        select = list(bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF"))
        assert connection.transmit(select)[1:] == (0x61, 0x1F)
        data, sw1, sw2 = connection.transmit([0x00, 0xC0, 0x00, 0x00, 0x1F])
        assert (sw1, sw2) == (0x90, 0x00) and bytes(data[4:19]).endswith("社会保障".encode("gbk"))
        assert connection.transmit([0x00, 0xB2, 0x03, 0x34, 0x01])[1:] == (0x6C, 0x03)   # sex: record 3 on 1.00
        assert connection.transmit([0x00, 0xB2, 0x03, 0x34, 0x03]) == ([0x0A, 0x01, 0x31], 0x90, 0x00)
    finally:
        connection.disconnect()


# ------------------------------------------------------------------ access rules
def test_protected_card_without_rules_is_access_denied(slot):
    slot(card_of("elder_zhang", access=SimCardAccess(require="verify", pin="246810")))
    with pytest.raises(CardAccessDenied):
        SocialSecurityCardReader(VIRTUAL_READER).read()


def test_configured_verify_reads_a_protected_card_and_the_reset_forgets_it(slot):
    card = slot(card_of("elder_zhang", access=SimCardAccess(require="verify", pin="246810")))
    result = SocialSecurityCardReader(VIRTUAL_READER, SscAccessRules(verify_pin="246810")).read()
    assert result.name == "张建国" and bytes.fromhex("0020000003246810") in card.apdus_seen
    with pytest.raises(CardAccessDenied):         # the next reader without the PIN gets nothing
        SocialSecurityCardReader(VIRTUAL_READER).read()


def test_configured_external_authentication_reads_a_protected_card(slot):
    slot(card_of("young_wang", access=SimCardAccess(require="external_auth", key_hex=KEY)))
    assert SocialSecurityCardReader(VIRTUAL_READER, SscAccessRules(external_auth_key_hex=KEY)).read().name == "王䶮"


# ------------------------------------------------------------------ what goes wrong at a kiosk
@pytest.mark.parametrize("after", [0, 1, 7, 12])
def test_card_pulled_mid_read_is_removed_too_early(slot, after):
    card = slot(card_of("elder_zhang", faults=SscFaults(pull_after_apdus=after)))
    with pytest.raises(CardRemovedTooEarly) as e:
        SocialSecurityCardReader(VIRTUAL_READER).read()
    assert "读完前请不要拿走" in say(e.value.message, "zh_CN")
    assert len(card.apdus_seen) == after + 1


def test_card_in_the_slot_without_atr_is_upside_down(slot):
    slot(card_of("elder_zhang", faults=SscFaults(mute=True)))
    with pytest.raises(CardUpsideDown) as e:
        SocialSecurityCardReader(VIRTUAL_READER).read()
    assert "芯片朝上" in say(e.value.message, "zh_CN")


def test_a_bank_card_is_not_recognised_by_its_atr(slot):
    card = slot(card_of("elder_zhang", faults=SscFaults(atr=BANK_CARD_ATR)))
    with pytest.raises(CardNotRecognised):
        SocialSecurityCardReader(VIRTUAL_READER).read()
    assert card.apdus_seen == []                 # decided from the ATR alone


def test_a_card_without_the_social_security_application_is_not_recognised(slot):
    slot(card_of("elder_zhang", faults=SscFaults(application_missing=True)))
    with pytest.raises(CardNotRecognised):
        SocialSecurityCardReader(VIRTUAL_READER).read()


def test_a_slow_chip_still_reads(slot):
    slot(card_of("student_li", faults=SscFaults(apdu_delay_s=0.01)))
    result = SocialSecurityCardReader(VIRTUAL_READER).read()
    assert result.name == "李𠈌" and result.ms >= 13 * 10


def test_empty_reader_is_no_card(pcscd):
    wait_for_slot(VIRTUAL_READER, occupied=False)
    with pytest.raises(NoCard):
        SocialSecurityCardReader(VIRTUAL_READER).read()


def test_unknown_reader_is_unavailable(pcscd):
    with pytest.raises(ReaderUnavailable, match="not connected"):
        SocialSecurityCardReader("ACS ACR39U 00 00").read()


def test_pcscd_not_running_is_reader_unavailable():
    # pcsc-lite reads its socket path once per process: ask in a fresh one, pointed nowhere.
    code = ("from drivers.card.ssc_reader import SocialSecurityCardReader\n"
            "from kiosk.wording import say\n"
            "try:\n    SocialSecurityCardReader().read()\n"
            "except Exception as e:\n    print(type(e).__name__, say(e.message, 'en'))\n")
    env = dict(os.environ, PCSCLITE_CSOCK_NAME="/nonexistent/pcscd.comm")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert out.stdout.startswith("ReaderUnavailable The card reader is out of service"), out.stderr
