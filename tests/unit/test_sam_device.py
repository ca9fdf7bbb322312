"""The virtual SAM reader's protocol engine, in-process, and the driver's pure helpers."""
from __future__ import annotations

import pytest

from drivers.card.errors import ReaderProtocolError
from drivers.card.sam_frame import (
    FIND_CARD, READ_TEXT_PHOTO, READ_WITH_FINGERPRINT, SELECT_CARD, build_request, parse_response,
)
from drivers.card.sam_reader import format_sam_id, split_text_and_photo
from sim.card.sam_cards import card_text, photo_for
from sim.card.sam_device import DEFAULT_SAM_ID, VirtualSamReader
from sim.citizens import load_citizens

ZHANG = load_citizens()["elder_zhang"]


def ask(reader: VirtualSamReader, request: bytes):
    return parse_response(reader.feed(request))


def test_a_request_arriving_byte_by_byte_gets_one_answer():
    reader = VirtualSamReader(ZHANG)
    request = build_request(FIND_CARD)
    answers = b"".join(reader.feed(request[i:i + 1]) for i in range(len(request)))
    assert parse_response(answers).sw3 == 0x9F


def test_full_read_answer_layout():
    reader = VirtualSamReader(ZHANG)
    ask(reader, build_request(FIND_CARD))
    ask(reader, build_request(SELECT_CARD))
    raw = reader.feed(build_request(READ_TEXT_PHOTO))
    assert len(raw) == 1295
    answer = parse_response(raw)
    assert answer.sw3 == 0x90 and answer.data[:4] == bytes.fromhex("0100 0400")
    assert split_text_and_photo(answer.data) == (card_text(ZHANG), photo_for(ZHANG))


def test_read_with_fingerprint_reports_none_on_the_card():
    reader = VirtualSamReader(ZHANG)
    ask(reader, build_request(FIND_CARD))
    ask(reader, build_request(SELECT_CARD))
    answer = ask(reader, build_request(READ_WITH_FINGERPRINT))
    assert answer.sw3 == 0x90 and answer.data[4:6] == b"\x00\x00"


def test_corrupted_request_and_unknown_command():
    reader = VirtualSamReader(ZHANG)
    bad = bytearray(build_request(FIND_CARD))
    bad[-1] ^= 0x55
    assert ask(reader, bytes(bad)).sw3 == 0x10
    assert ask(reader, build_request((0x55, 0x01))).sw3 == 0x21


def test_unknown_fault_names_are_refused():
    with pytest.raises(ValueError, match="paper_out"):
        VirtualSamReader(faults=["paper_out"])


def test_one_shot_faults_hit_one_answer_only():
    reader = VirtualSamReader(ZHANG, faults=["bad_checksum"])
    with pytest.raises(ReaderProtocolError, match="checksum"):
        ask(reader, build_request(FIND_CARD))
    assert ask(reader, build_request(FIND_CARD)).sw3 == 0x9F
    assert reader.faults == frozenset()


def test_sam_id_as_vendors_print_it():
    assert format_sam_id(DEFAULT_SAM_ID) == "05.01-20101011-0012345678-1234567890"
    with pytest.raises(ReaderProtocolError):
        format_sam_id(bytes(15))


def test_read_answer_lengths_are_checked():
    with pytest.raises(ReaderProtocolError, match="announces"):
        split_text_and_photo(bytes.fromhex("0100 0400") + bytes(1000))
    with pytest.raises(ReaderProtocolError, match="too short"):
        split_text_and_photo(b"\x01")
