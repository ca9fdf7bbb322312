"""The real SAM reader driver against the virtual reader over a real pseudo-terminal: every
citizen's card, every fault the counter sees, and recovery afterwards."""
from __future__ import annotations

import logging
import os
import sys
import threading
import time

import pytest

from drivers.card.errors import (
    CardNotRecognised, CardRemovedTooEarly, ReaderProtocolError, ReaderUnavailable,
)
from drivers.card.sam_errors import CardReadFailed
from drivers.card.sam_reader import SamIdReader
from kiosk.wording import say
from sim.card.sam_cards import card_for
from sim.card.sam_device import VirtualSamReader
from sim.card.sam_pty import PtySamServer
from sim.citizens import load_citizens

pytestmark = pytest.mark.wire

CITIZENS = load_citizens()
TIMEOUT = 0.3          # seconds the driver waits for an answer in these tests


@pytest.fixture
def virtual_reader() -> VirtualSamReader:
    return VirtualSamReader()


@pytest.fixture
def server(virtual_reader):
    server = PtySamServer(virtual_reader)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def reader(server):
    driver = SamIdReader.open_serial(server.path, timeout=TIMEOUT)
    yield driver
    driver.close()


@pytest.mark.parametrize("key", list(CITIZENS))
def test_reads_every_citizen(key, virtual_reader, reader):
    virtual_reader.place_card(CITIZENS[key])
    card = reader.read_if_present()
    expected = card_for(CITIZENS[key])
    assert card == expected
    assert card.photo == expected.photo and len(card.photo) == 1024
    assert card.frames == 3                       # find, select, read
    assert card.ms > 0


def test_no_card_is_none_and_sam_answers(virtual_reader, reader):
    assert reader.read_if_present() is None
    assert reader.find_card() is False
    assert reader.sam_id() == "05.01-20101011-0012345678-1234567890"
    reader.sam_status()
    reader.reset_sam()
    assert virtual_reader.requests[-3:] == [(0x12, 0xFF), (0x11, 0xFF), (0x10, 0xFF)]


def test_the_card_carries_the_sam_id_once_known(virtual_reader, reader):
    reader.sam_id()
    virtual_reader.place_card(CITIZENS["elder_chen"])
    assert reader.read_if_present().sam_id == "05.01-20101011-0012345678-1234567890"


def test_a_card_left_on_the_reader_is_read_once(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    assert reader.read_if_present() is not None
    assert reader.read_if_present() is None       # as on real readers: lift it and place it again
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    assert reader.read_if_present().id_number == "441900194910011236"


def test_step_by_step_find_select_read(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["young_wang"])
    assert reader.find_card() is True
    reader.select_card()
    assert reader.read_card().name == "王䶮"


def test_select_or_read_out_of_turn_fails_calmly(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["young_wang"])
    with pytest.raises(CardReadFailed, match="SW3 81"):
        reader.select_card()                       # no find first
    with pytest.raises(CardReadFailed, match="SW3 41"):
        reader.read_card()                         # no select first: not "removed too early"


def test_card_removed_between_select_and_read(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    virtual_reader.inject("removed_after_select")
    with pytest.raises(CardRemovedTooEarly) as e:
        reader.read_if_present()
    assert "读完前请不要拿开" in say(e.value.message, "zh_CN")
    assert reader.read_if_present() is None        # the card is gone
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    assert reader.read_if_present().name == "张建国"


def test_no_card_fault(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    virtual_reader.inject("no_card")
    assert reader.read_if_present() is None
    assert reader.find_card() is False
    virtual_reader.clear_faults()
    assert reader.read_if_present().name == "张建国"


@pytest.mark.parametrize("fault, complaint", [("sam_self_test", "self-test"), ("sam_not_authorised", "not authorised")])
def test_sam_faults_make_the_reader_unavailable(fault, complaint, virtual_reader, reader):
    virtual_reader.inject(fault)
    for call in (reader.sam_status, reader.reset_sam):
        with pytest.raises(ReaderUnavailable, match=complaint) as e:
            call()
        assert "读卡器暂时不能使用" in say(e.value.message, "zh_CN")
    virtual_reader.clear_faults()
    reader.sam_status()


def test_unknown_card_type(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    virtual_reader.inject("unknown_card")
    with pytest.raises(CardNotRecognised):
        reader.read_if_present()


def test_bad_checksum_then_recovery(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["elder_zhang"])
    assert reader.find_card()
    reader.select_card()
    virtual_reader.inject("bad_checksum")           # corrupts the 1295-byte read answer
    with pytest.raises(ReaderProtocolError, match="checksum"):
        reader.read_card()
    virtual_reader.place_card(CITIZENS["elder_zhang"])   # "请重新放一次卡"
    assert reader.read_if_present().name == "张建国"


def test_garbage_answer_then_recovery(virtual_reader, reader):
    virtual_reader.place_card(CITIZENS["young_wang"])
    virtual_reader.inject("garbage")
    with pytest.raises(ReaderProtocolError, match="preamble"):
        reader.find_card()
    assert reader.read_if_present().name == "王䶮"


def test_silence_is_reader_unavailable_after_the_timeout(virtual_reader, reader):
    virtual_reader.inject("silent")
    started = time.monotonic()
    with pytest.raises(ReaderUnavailable, match="no answer"):
        reader.find_card()
    assert TIMEOUT <= time.monotonic() - started < TIMEOUT + 0.5
    assert reader.find_card() is False


def test_unplugged_reader(server, reader):
    server.stop()
    with pytest.raises(ReaderUnavailable):
        reader.find_card()


def test_missing_port():
    with pytest.raises(ReaderUnavailable, match="cannot be opened"):
        SamIdReader.open_serial("/dev/does-not-exist-sam", timeout=TIMEOUT)


def test_reset_para_comes_from_configuration():
    """One vendor's reader only knows reset SAM as 10 01: the default 10 FF is refused."""
    vendor = VirtualSamReader(reset_para=0x01)
    with PtySamServer(vendor) as server:
        default = SamIdReader.open_serial(server.path, timeout=TIMEOUT)
        with pytest.raises(ReaderProtocolError, match="SW3 21"):
            default.reset_sam()
        default.close()
        configured = SamIdReader.open_serial(server.path, timeout=TIMEOUT, reset_para=0x01)
        configured.reset_sam()
        configured.close()


def test_a_frame_ends_by_its_length_not_by_the_timeout(virtual_reader):
    """With a 5 s timeout and a paced 115200-baud line, a read is done in ~120 ms."""
    virtual_reader.place_card(CITIZENS["elder_chen"])
    with PtySamServer(virtual_reader, baud_pacing=True) as server:
        driver = SamIdReader.open_serial(server.path, timeout=5.0)
        card = driver.read_if_present()
        driver.close()
    assert card == card_for(CITIZENS["elder_chen"])
    assert 112 < card.ms < 1000                     # 1295+ bytes need ≥ 112 ms on the line


# ------------------------------------------------------------------ privacy
_writes: list[str] = []
_watching = threading.Event()


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _watching.is_set():
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            _writes.append(str(path))


sys.addaudithook(_audit)      # hooks cannot be removed; it only records while _watching is set


def test_photo_is_never_written_anywhere(virtual_reader, reader, tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    virtual_reader.place_card(CITIZENS["young_wang"])
    _writes.clear()
    _watching.set()
    try:
        with caplog.at_level(logging.DEBUG):
            card = reader.read_if_present()
    finally:
        _watching.clear()
    assert card is not None and len(card.photo) == 1024
    assert _writes == []                             # no file opened for writing during the read
    assert list(tmp_path.iterdir()) == []
    for secret in ("王䶮", "440106197803154829", card.photo.hex()[:32]):
        assert secret not in caplog.text and secret not in repr(card)


# ------------------------------------------------------------------ a network reader
def test_network_reader_reads_each_layout_and_reports_silence_and_unplugging():
    from sim.card.sam_tcp import TcpSamServer

    virtual = VirtualSamReader()
    server = TcpSamServer(virtual)
    driver = SamIdReader.open_tcp("127.0.0.1", server.start(), timeout=TIMEOUT)
    try:
        for key in ("elder_zhang", "hk_resident_ho", "foreign_smith", "foreign_mueller"):
            virtual.place_card(CITIZENS[key])
            assert driver.read_if_present() == card_for(CITIZENS[key])
        virtual.inject("garbage")
        with pytest.raises(ReaderProtocolError):
            driver.find_card()
        virtual.inject("silent")
        with pytest.raises(ReaderUnavailable, match="no answer"):
            driver.find_card()
        assert driver.find_card() is False
        server.stop()
        with pytest.raises(ReaderUnavailable):
            driver.find_card()
    finally:
        driver.close()
        server.stop()


def test_garbage_while_looking_for_a_card_is_marked_as_no_card_involved(virtual_reader, reader):
    virtual_reader.inject("garbage")
    with pytest.raises(ReaderProtocolError) as e:
        reader.read_if_present()
    assert e.value.card_seen is False          # the kiosk need not tell anyone to re-place a card
    assert reader.read_if_present() is None    # the next look is clean
