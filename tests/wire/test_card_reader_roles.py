"""The kiosk's ID card reader role over a real TCP link: unplugged, it says so; back, it reads again."""

import pytest

from kiosk.card_readers import IdCardReaderRole
from kiosk.config import IdCardReaderDevice
from sim.card.sam_device import VirtualSamReader
from sim.card.sam_tcp import TcpSamServer
from sim.citizens import load_citizens

pytestmark = pytest.mark.wire


def test_reader_unplugged_then_back_recovers_by_itself(wait_until):
    device = VirtualSamReader()
    server = TcpSamServer(device)
    port = server.start()
    role = IdCardReaderRole(IdCardReaderDevice(transport="tcp", host="127.0.0.1", tcp_port=port,
                                               poll_interval_s=0.05, timeout_s=0.5))
    events = []
    role.add_listener(lambda event, payload: events.append((event, payload)))
    role.start()
    try:
        assert wait_until(lambda: role.health.state == "ok")
        server.stop()                                          # the cable is pulled
        assert wait_until(lambda: role.health.state == "fault"), "an unplugged reader still looked fine"
        assert "读卡器" in role.health.reason_zh and role.health.details["last_error"]
        server.start()                                         # plugged back, same address
        assert wait_until(lambda: role.health.state == "ok"), "the reader did not come back by itself"
        device.place_card(load_citizens()["elder_chen"])
        assert wait_until(lambda: any(e == "identity" for e, _ in events))
        identity = next(p for e, p in events if e == "identity")
        assert identity.masked_name == "陈*芬" and identity.source == "id_card"
        assert role.health.details["reads"] == 1 and role.health.details["failures"] >= 1
    finally:
        role.stop()
        server.stop()
