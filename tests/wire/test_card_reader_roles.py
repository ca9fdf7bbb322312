"""The kiosk's ID card reader role over a real TCP link: unplugged, it says so; back, it reads again."""

import logging

import pytest

from kiosk.roles.id_card_reader import IdCardReaderDevice, IdCardReaderRole
from kiosk.events import CardFailed, CardRead
from kiosk.wording import say
from sim.card.sam_device import VirtualSamReader
from sim.card.sam_tcp import TcpSamServer
from sim.citizens import load_citizens

pytestmark = pytest.mark.wire


def test_reader_unplugged_then_back_recovers_by_itself(wait_until, caplog):
    caplog.set_level(logging.INFO, logger="kiosk.roles")
    device = VirtualSamReader()
    server = TcpSamServer(device)
    port = server.start()
    role = IdCardReaderRole("id_card_reader", IdCardReaderDevice(transport="tcp", host="127.0.0.1", tcp_port=port,
                                               poll_interval_s=0.05, timeout_s=0.5))
    events = []
    role.add_listener(events.append)
    role.start()
    try:
        assert wait_until(lambda: role.health.state == "ok")
        server.stop()                                          # the cable is pulled
        assert wait_until(lambda: role.health.state == "fault"), "an unplugged reader still looked fine"
        assert "读卡器" in say(role.health.reason, "zh_CN") and role.health.details["last_error"]
        server.start()                                         # plugged back, same address
        assert wait_until(lambda: role.health.state == "ok"), "the reader did not come back by itself"
        # the log says when the fault ended and how long it lasted (its repeats were held back)
        assert any(r.getMessage().startswith("id_card_reader: ok again after ") for r in caplog.records)
        device.place_card(load_citizens()["elder_chen"])
        assert wait_until(lambda: any(isinstance(e, CardRead) for e in events))
        identity = next(e.identity for e in events if isinstance(e, CardRead))
        assert identity.masked_name == "陈*芬" and identity.source == "id_card"
        assert role.health.details["reads"] == 1 and role.health.details["failures"] >= 1
    finally:
        role.stop()
        server.stop()


def test_a_social_security_card_with_odd_fields_identifies_and_the_technician_sees_why(pcscd, wait_until):
    """Through the real pcscd: a card whose ATR does not echo its 卡识别码 and whose expiry date
    is not a date still identifies the citizen; the reader's health details show the warnings
    until a clean card is read."""
    from kiosk.roles.ssc_reader import SscReaderDevice, SscReaderRole
    from sim.card.ssc_card import VirtualSocialSecurityCard
    from sim.card.ssc_pcscd import insert_and_wait, remove_and_wait

    citizens = load_citizens()
    odd = VirtualSocialSecurityCard(citizens["elder_zhang"], card_id="440300D1560000050050640776EF3192",
                                    atr="3B6D0000" "0081544C9786843202AD932A48")
    odd.applet.files[5].records = [r[:2] + bytes.fromhex("20261331") if r[0] == 0x06 else r
                                   for r in odd.applet.files[5].records]
    role = SscReaderRole("ssc_reader", SscReaderDevice(reader="Virtual PCD 00 00"))
    events = []
    role.add_listener(events.append)
    role.start()
    try:
        assert wait_until(lambda: role.health.state == "ok")
        insert_and_wait(odd)
        assert wait_until(lambda: any(isinstance(e, CardRead) for e in events)), events
        identity = next(e.identity for e in events if isinstance(e, CardRead))
        assert identity.masked_name == "张*国" and identity.id_number == "441900194910011236"
        assert not any(isinstance(e, CardFailed) for e in events)
        warnings = role.health.details["card_warnings"]
        assert "卡有效期 expiry date: BCD date is not a calendar date" in warnings
        assert "ATR: historical bytes 8-9 carry region 3202, 卡识别码 starts 4403" in warnings
        assert role.health.state == "ok"           # the reader is fine; the card was odd
        remove_and_wait(odd)

        clean = VirtualSocialSecurityCard(citizens["young_wang"])
        insert_and_wait(clean)
        assert wait_until(lambda: role.health.details["reads"] == 2)
        assert "card_warnings" not in role.health.details      # not the previous card's warnings
        remove_and_wait(clean)
    finally:
        role.stop()
