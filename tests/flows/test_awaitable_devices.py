"""A flow can await a device: the next card on a reader, with a timeout, on the flow's own
event loop while the reader polls on its thread (the locker's door → closed journey needs the
same)."""
from __future__ import annotations

import asyncio
import threading

import pytest


def test_a_flow_awaits_the_next_card_laid_on_the_id_reader(kiosk):
    reader = kiosk.roles.one("id_card_reader")
    threading.Timer(0.3, kiosk.simulators.place_id_card, args=("elder_zhang",)).start()
    identity = asyncio.run(reader.next_card(timeout=8))
    assert identity.masked_name == "张*国" and identity.source == "id_card"


def test_no_card_within_the_time_is_a_timeout_and_leaves_no_listener_behind(kiosk):
    reader = kiosk.roles.one("id_card_reader")
    listening = len(reader._listeners)
    with pytest.raises(TimeoutError):
        asyncio.run(reader.next_card(timeout=0.5))
    assert len(reader._listeners) == listening
