"""`kiosk-diag read-card` against a simulated reader, as a technician would run it on real hardware."""
import json
import subprocess
import sys

import pytest

from sim.citizens import load_citizens

pytestmark = pytest.mark.wire


def read_card(*args):
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "read-card", *args, "--json"],
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)


def test_sam_read_prints_masked_identity(sam_reader):
    reader, port = sam_reader
    citizen = load_citizens()["elder_zhang"]
    reader.place_card(citizen)
    code, result = read_card("--sam", port)
    assert code == 0
    assert result["card"] == "resident_id_card" and result["layout"] == "resident"
    assert result["name"] == "张*国" and result["id_number"] == "4419**********1236"
    assert result["birth_date"] == "1949-10-01" and result["sex"] == "男" and result["nation"] == "汉"
    assert result["valid_to"] == "长期" and result["frames"] == 3 and result["ms"] > 0
    assert citizen.name not in json.dumps(result, ensure_ascii=False)
    assert citizen.id_number not in json.dumps(result)


def test_no_card_is_a_json_error(sam_reader):
    _, port = sam_reader
    code, result = read_card("--sam", port, "--wait", "0.5")
    assert code == 1 and result["error"] == "NoCard" and result["message_zh"]


def test_missing_port_is_a_json_error():
    code, result = read_card("--sam", "/dev/ttyNOPE7")
    assert code == 1 and result["error"] == "ReaderUnavailable"


def test_pcsc_read_prints_masked_identity(pcscd):
    from sim.card.ssc_card import VirtualSocialSecurityCard
    from sim.card.ssc_pcscd import VIRTUAL_READER, insert_and_wait, remove_and_wait
    citizen = load_citizens()["young_wang"]
    card = VirtualSocialSecurityCard(citizen)
    insert_and_wait(card)
    try:
        code, result = read_card("--pcsc", VIRTUAL_READER)
    finally:
        remove_and_wait(card)
    assert code == 0, result
    assert result["card"] == "social_security_card" and result["generation"] == 3
    assert result["name"] == "王*" and result["id_number"] == "4401**********4829"
    assert result["birth_date"] == "1978-03-15" and result["sex"] == "女" and result["apdus"] > 0
    assert result["region"] == "440100" and result["card_id"].startswith("440100D156000005")
    assert result["warnings"] == []
    assert citizen.name not in json.dumps(result, ensure_ascii=False)


def test_pcsc_read_of_a_card_with_odd_fields_succeeds_and_lists_the_warnings(pcscd):
    from sim.card.ssc_card import VirtualSocialSecurityCard
    from sim.card.ssc_pcscd import VIRTUAL_READER, insert_and_wait, remove_and_wait
    citizen = load_citizens()["young_wang"]
    # One real card's id with another real card's ATR, and a card type that is not a digit.
    card = VirtualSocialSecurityCard(citizen, card_id="320200D156000005AD932A48BDC3B9E9",
                                     atr="3B6D0000" "0096544CA08684440300506407")
    card.applet.files[5].records = [r[:2] + b"X" if r[0] == 0x02 else r for r in card.applet.files[5].records]
    insert_and_wait(card)
    try:
        code, result = read_card("--pcsc", VIRTUAL_READER)
    finally:
        remove_and_wait(card)
    assert code == 0, result
    assert result["name"] == "王*" and result["id_number"] == "4401**********4829"
    assert result["region"] == "320200" and result["card_id"] == "320200D156000005AD932A48BDC3B9E9"
    assert result["warnings"] == ["卡类别 card type: 'X' is not one ASCII digit",
                                  "ATR: historical bytes 8-9 carry region 4403, 卡识别码 starts 3202",
                                  "ATR: historical bytes 10-13 differ from chip serial bytes 1-4 of 卡识别码"]
    assert citizen.name not in json.dumps(result, ensure_ascii=False)
    assert citizen.id_number not in json.dumps(result)


def test_pcsc_unknown_reader_is_a_json_error(pcscd):
    code, result = read_card("--pcsc", "No Such Reader 99")
    assert code == 1 and result["error"] == "ReaderUnavailable"
