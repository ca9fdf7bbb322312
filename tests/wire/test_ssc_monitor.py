"""PcscMonitor through the real pcscd: a virtual card going in and out of vpcd's slots is reported
on the monitor's own thread, without blocking the caller, and the monitor stops promptly."""
from __future__ import annotations

import queue
import threading
import time

import pytest

from drivers.card.pcsc_monitor import PcscMonitor
from drivers.card.ssc_reader import SocialSecurityCardReader
from sim.card.ssc_card import SscFaults, VirtualSocialSecurityCard
from sim.card.ssc_pcscd import VIRTUAL_READER, VIRTUAL_READER_SLOT1, wait_for_slot
from sim.citizens import load_citizens

pytestmark = pytest.mark.wire

CITIZENS = load_citizens()
EVENT_TIMEOUT = 3.0       # pcscd polls vpcd every 0.4 s


@pytest.fixture
def events(pcscd):
    """(queue of events, the running monitor). Events: ("in", reader, atr, thread name),
    ("out", reader, thread name), ("readers", names, thread name)."""
    wait_for_slot(VIRTUAL_READER, occupied=False)
    wait_for_slot(VIRTUAL_READER_SLOT1, occupied=False)
    got: queue.Queue = queue.Queue()
    name = lambda: threading.current_thread().name      # noqa: E731
    monitor = PcscMonitor(on_card_inserted=lambda r, atr: got.put(("in", r, atr, name())),
                          on_card_removed=lambda r: got.put(("out", r, name())),
                          on_readers_changed=lambda names: got.put(("readers", names, name())))
    started = time.perf_counter()
    monitor.start()
    assert time.perf_counter() - started < 0.1          # start() does not wait for pcscd
    yield got, monitor
    monitor.stop()


def next_event(got: queue.Queue, kind: str):
    deadline = time.monotonic() + EVENT_TIMEOUT
    while time.monotonic() < deadline:
        try:
            event = got.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if event[0] == kind:
            return event
    pytest.fail(f"no {kind!r} event within {EVENT_TIMEOUT} s")


def test_readers_are_reported_first(events):
    got, monitor = events
    _, names, thread = next_event(got, "readers")
    assert VIRTUAL_READER in names and VIRTUAL_READER_SLOT1 in names
    assert thread == "pcsc-monitor" and monitor.readers == names


def test_insert_and_remove_are_reported_with_the_atr(events):
    got, monitor = events
    card = VirtualSocialSecurityCard(CITIZENS["elder_zhang"])
    card.insert()
    try:
        _, reader, atr, thread = next_event(got, "in")
        assert (reader, atr, thread) == (VIRTUAL_READER, card.atr, "pcsc-monitor")
        assert monitor.cards == {VIRTUAL_READER: card.atr}
        # what a kiosk does on the event: read the card in the reader that reported it
        assert SocialSecurityCardReader(reader).read().name == "张建国"
    finally:
        card.remove()
    assert next_event(got, "out")[1] == VIRTUAL_READER
    assert monitor.cards == {}


def test_a_card_in_slot_1_is_reported_for_that_reader(events):
    got, _ = events
    card = VirtualSocialSecurityCard(CITIZENS["young_wang"])
    card.insert(35964)
    try:
        assert next_event(got, "in")[1] == VIRTUAL_READER_SLOT1
    finally:
        card.remove()
    assert next_event(got, "out")[1] == VIRTUAL_READER_SLOT1


def test_a_mute_card_is_reported_with_an_empty_atr(events):
    got, _ = events
    card = VirtualSocialSecurityCard(CITIZENS["elder_zhang"], SscFaults(mute=True))
    card.insert()
    try:
        assert next_event(got, "in")[1:3] == (VIRTUAL_READER, b"")
    finally:
        card.remove()
    next_event(got, "out")


def test_a_card_already_in_the_reader_is_reported_at_start(pcscd):
    card = VirtualSocialSecurityCard(CITIZENS["student_li"])
    card.insert()
    try:
        wait_for_slot(VIRTUAL_READER, occupied=True)
        got: queue.Queue = queue.Queue()
        with PcscMonitor(on_card_inserted=lambda r, atr: got.put(("in", r, atr))):
            assert next_event(got, "in")[1:] == (VIRTUAL_READER, card.atr)
    finally:
        card.remove()
        wait_for_slot(VIRTUAL_READER, occupied=False)


def test_stop_returns_promptly_and_a_failing_callback_does_not_kill_the_thread(pcscd):
    got: queue.Queue = queue.Queue()

    def explode(names):
        got.put(("readers", names))
        raise RuntimeError("a broken screen handler")

    monitor = PcscMonitor(on_card_inserted=lambda r, atr: got.put(("in", r)),
                          on_readers_changed=explode, wait_ms=60_000).start()
    next_event(got, "readers")
    card = VirtualSocialSecurityCard(CITIZENS["elder_zhang"])
    card.insert()
    try:
        next_event(got, "in")                # still watching after the exception
    finally:
        card.remove()
    started = time.perf_counter()
    monitor.stop()                           # SCardCancel wakes the 60 s wait at once
    assert time.perf_counter() - started < 1.0
    wait_for_slot(VIRTUAL_READER, occupied=False)
