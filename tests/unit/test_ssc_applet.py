"""The simulated social-security chip answers as a T=0 card does, APDU by APDU (no sockets)."""
from __future__ import annotations

import pytest

from sim.card.ssc_applet import SimCardAccess, SscApplet
from sim.card.ssc_card import SscFaults, VirtualSocialSecurityCard
from sim.card.vpcd import CTRL_ON, PULL, frame
from sim.citizens import load_citizens

CITIZENS = load_citizens()
SELECT_SSSE = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"


def ask(applet: SscApplet, *apdus: str) -> str:
    """Send each APDU, return the last answer as hex."""
    for apdu in apdus:
        answer = applet.process(bytes.fromhex(apdu)).hex().upper()
    return answer


@pytest.fixture
def zhang() -> SscApplet:          # 2nd generation
    return SscApplet(CITIZENS["elder_zhang"])


@pytest.fixture
def li() -> SscApplet:             # 1st generation
    return SscApplet(CITIZENS["student_li"])


def test_nothing_is_readable_before_ssse_is_selected(zhang):
    assert ask(zhang, "00B20A3003") == "6A82"
    assert ask(zhang, "00A4020002EF05") == "6A82"


@pytest.mark.parametrize("read, answer", [
    ("00B20A3003", "0A01319000"),                 # P2=(SFI<<3)|0, P1 = tag
    ("00B2043403", "0A01319000"),                 # P2=(SFI<<3)|4, P1 = record 4 on a 2.00 card
    ("00B2033403", "6C16"),                       # record 3 there is the 22-byte name extension
    ("00B2033416", "4E14"),
])
def test_sfi_addressing_by_tag_and_by_record(zhang, read, answer):
    assert ask(zhang, SELECT_SSSE, read).startswith(answer)


def test_first_generation_keeps_sex_in_record_3_and_has_no_extension(li):
    assert ask(li, SELECT_SSSE, "00B2033403") == "0A01319000"
    assert ask(li, "00B24E3016") == "6A83"


@pytest.mark.parametrize("read, answer", [("00B20A0003", "0A01319000"), ("00B2040403", "0A01319000")])
def test_current_ef_addressing_after_select_by_file_id(zhang, read, answer):
    assert ask(zhang, SELECT_SSSE, "00B20A0003") == "6A82"     # no current EF yet
    assert ask(zhang, "00A4020002EF06", read) == answer
    assert ask(zhang, "00A4020002EF05", "00B2030006") == "0304322E30309000"


def test_t0_length_rules(zhang):
    assert ask(zhang, SELECT_SSSE, "00B2093010") == "6C20"      # wrong Le: "ask for 32"
    assert ask(zhang, "00B2093020").endswith("9000")
    assert ask(zhang, "00B2093000").endswith("9000")             # Le 00: the whole record
    assert ask(zhang, "00B20930") == "6700"                      # no Le at all


def test_status_words_for_wrong_commands(zhang):
    assert ask(zhang, "80B20A3003") == "6E00"
    assert ask(zhang, "00DA000000") == "6D00"
    assert ask(zhang, SELECT_SSSE, "00B20A3103") == "6A86"
    assert ask(zhang, "00B2633003") == "6A83"
    assert ask(zhang, "00B20A5003") == "6A82"                    # SFI 10 does not exist
    assert ask(zhang, "00C0000010") == "6985"                    # nothing waiting


def test_protected_ef06_needs_verify_and_a_reset_forgets_it():
    applet = SscApplet(CITIZENS["elder_zhang"], SimCardAccess(require="verify", pin="1234"))
    assert ask(applet, SELECT_SSSE, "00B207280B").startswith("0709")      # EF05 stays free
    assert ask(applet, "00B20A3003") == "6982"
    assert ask(applet, "00200000021234") == "9000"
    assert ask(applet, "00B20A3003") == "0A01319000"
    applet.reset()
    assert ask(applet, SELECT_SSSE, "00B20A3003") == "6982"


def test_wrong_pin_counts_down_then_blocks():
    applet = SscApplet(CITIZENS["elder_zhang"], SimCardAccess(require="verify", pin="1234", pin_tries=2))
    assert ask(applet, SELECT_SSSE, "00200000029999") == "63C1"
    assert ask(applet, "00200000029999") == "63C0"
    assert ask(applet, "00200000021234") == "6983"


def test_external_authentication_needs_a_fresh_challenge():
    applet = SscApplet(CITIZENS["elder_zhang"], SimCardAccess(require="external_auth"))
    assert ask(applet, SELECT_SSSE, "0082000008" + "00" * 8) == "6985"
    assert ask(applet, "0084000004") == "6C08"
    assert len(ask(applet, "0084000008")) == 20
    assert ask(applet, "0082000008" + "00" * 8) == "6300"


def test_atr_is_the_ssc_pattern_and_echoes_the_region():
    atr = SscApplet(CITIZENS["young_wang"]).atr
    assert atr[:4] == bytes.fromhex("3B6D0000") and len(atr) == 17
    assert atr[11:13] == bytes.fromhex("4401")          # region 440100, its first two BCD bytes


# ------------------------------------------------------------------ the card's vpcd behaviour
def test_vpcd_frames_are_length_prefixed():
    assert frame(b"\x04") == b"\x00\x01\x04"


def test_a_card_pulled_after_n_apdus_stops_answering():
    card = VirtualSocialSecurityCard(CITIZENS["elder_zhang"], SscFaults(pull_after_apdus=2))
    card.on_power(CTRL_ON)
    assert card.on_atr_request() == card.applet.atr and card.powered.is_set()
    assert card.on_apdu(bytes.fromhex(SELECT_SSSE)) == bytes.fromhex("611F")
    assert card.on_apdu(bytes.fromhex("00B20A3003")).endswith(b"\x90\x00")
    assert card.on_apdu(bytes.fromhex("00B20A3003")) is PULL
    assert len(card.apdus_seen) == 3


def test_mute_and_foreign_cards():
    mute = VirtualSocialSecurityCard(CITIZENS["elder_zhang"], SscFaults(mute=True))
    assert len(mute.on_atr_request()) > 33          # longer than any ATR: pcscd cannot power it
    other = VirtualSocialSecurityCard(CITIZENS["elder_zhang"], SscFaults(application_missing=True))
    assert other.on_apdu(bytes.fromhex(SELECT_SSSE)) == bytes.fromhex("6A82")


# ------------------------------------------------------------------ scenario description
def test_scenario_builds_the_card_it_describes():
    from pydantic import ValidationError

    from sim.card.ssc_card import BANK_CARD_ATR
    from sim.card.ssc_scenario import SscCardScenario

    scenario = SscCardScenario.model_validate({
        "citizen": "young_wang", "slot": 1, "generation": 1,
        "access": {"require": "verify", "pin": "8642"},
        "faults": {"pull_after_apdus": 4, "not_a_social_security_card": True, "apdu_delay_ms": 20}})
    card = scenario.make_card(CITIZENS)
    assert scenario.port == 35964 and card.atr == BANK_CARD_ATR
    assert card.faults.pull_after_apdus == 4 and card.faults.apdu_delay_s == 0.02
    assert card.applet.access.pin == "8642" and card.applet.files[5].by_tag(3)[2:] == b"1.00"
    with pytest.raises(ValidationError, match="pul_after"):
        SscCardScenario.model_validate({"faults": {"pul_after": 3}})
    with pytest.raises(KeyError, match="nobody"):
        SscCardScenario(citizen="nobody").make_card(CITIZENS)
