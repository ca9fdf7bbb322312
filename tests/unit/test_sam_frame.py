"""SAM reader frames (docs/id-card-sam.md §Frames): the exact bytes on the wire, the checks on
what comes back, and the reader's status codes as the typed errors a screen shows."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.card.errors import (
    CardError, CardNotRecognised, NoCard, ReaderProtocolError, ReaderUnavailable,
)
from drivers.card.sam_errors import CardReadFailed
from drivers.card.sam_frame import (
    COMMANDS, FIND_CARD, MAX_LEN, PREAMBLE, READ_TEXT_PHOTO, RESET_SAM, SAM_STATUS, SELECT_CARD, FrameSplitter,
    Response, build_request, build_response, checksum, error_for_sw3, frame_length, parse_request, parse_response,
)
from kiosk.wording import say

# The full requests of docs/id-card-sam.md §Commands, byte for byte.
EXPECTED_REQUESTS = {
    "reset SAM": "AA AA AA 96 69 00 03 10 FF EC",
    "SAM status": "AA AA AA 96 69 00 03 11 FF ED",
    "SAM ID": "AA AA AA 96 69 00 03 12 FF EE",
    "find card": "AA AA AA 96 69 00 03 20 01 22",
    "select card": "AA AA AA 96 69 00 03 20 02 21",
    "read text + photo": "AA AA AA 96 69 00 03 30 01 32",
    "read text + photo + fingerprint": "AA AA AA 96 69 00 03 30 10 23",
}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_request_is_byte_exact(command):
    assert build_request(command) == bytes.fromhex(EXPECTED_REQUESTS[command.name])
    assert parse_request(build_request(command)) == (command.cmd, command.para, b"")


def test_reset_para_of_the_other_vendor():
    frame = build_request(RESET_SAM, para=0x01)
    assert frame == bytes.fromhex("AA AA AA 96 69 00 03 10 01") + bytes([0x03 ^ 0x10 ^ 0x01])


def test_checksum_is_xor_of_len_and_body():
    assert checksum(bytes.fromhex("00 03 20 01")) == 0x22
    found = build_response(0x9F, bytes(4))
    assert found == bytes.fromhex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")


def test_response_round_trip_with_data():
    data = bytes(range(256)) * 5
    frame = build_response(0x90, data)
    assert int.from_bytes(frame[5:7], "big") == len(frame) - 7
    assert parse_response(frame) == Response(0x90, data)


def test_read_answer_is_1295_bytes():
    answer = build_response(0x90, (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + bytes(1280))
    assert len(answer) == 1295


@pytest.mark.parametrize("frame, complaint", [
    (bytes.fromhex("AA AA AA 96 69 00 04 00 00 90 95"), "checksum"),
    (bytes.fromhex("AA AA AB 96 69 00 04 00 00 90 94"), "preamble"),
    (bytes.fromhex("AA AA AA 96 69 00 05 00 00 90 94"), "announces"),       # LEN says one byte more
    (bytes.fromhex("AA AA AA 96 69 00 04 00 00"), "announces"),             # truncated
    (bytes.fromhex("AA AA AA 96 69 00"), "truncated"),
    (bytes.fromhex("AA AA AA 96 69 00 02 00 02"), "impossible frame length"),
    (PREAMBLE + (MAX_LEN + 1).to_bytes(2, "big"), "impossible frame length"),
    (bytes.fromhex("AA AA AA 96 69 00 04 01 00 90") + bytes([0x04 ^ 0x01 ^ 0x90]), "00 00"),
])
def test_broken_frames_are_protocol_errors(frame, complaint):
    with pytest.raises(ReaderProtocolError, match=complaint):
        parse_response(frame)


def test_frame_length_comes_from_the_header_alone():
    assert frame_length(build_response(0x90, bytes(4 + 256 + 1024))[:7]) == 1295


@pytest.mark.parametrize("sw3, error, command", [
    (0x80, NoCard, FIND_CARD),
    (0x81, CardReadFailed, SELECT_CARD),
    (0x41, CardReadFailed, READ_TEXT_PHOTO),
    (0x10, ReaderProtocolError, FIND_CARD),
    (0x11, ReaderProtocolError, FIND_CARD),
    (0x21, ReaderProtocolError, RESET_SAM),
    (0x60, ReaderUnavailable, SAM_STATUS),
    (0x66, ReaderUnavailable, SAM_STATUS),
    (0x40, CardNotRecognised, READ_TEXT_PHOTO),
    (0x23, CardError, READ_TEXT_PHOTO),
    (0x31, CardError, READ_TEXT_PHOTO),
    (0x47, CardError, READ_TEXT_PHOTO),
    (0x91, CardError, READ_TEXT_PHOTO),
    (0x7E, CardError, READ_TEXT_PHOTO),
])
def test_sw3_codes_become_typed_errors(sw3, error, command):
    e = error_for_sw3(sw3, command)
    assert type(e) is error
    assert f"SW3 {sw3:02X}" in str(e) and command.name in str(e)
    assert say(e.message, "zh_CN") and say(e.message, "en")


def test_sam_faults_say_what_to_do():
    assert "power-cycle" in str(error_for_sw3(0x60, SAM_STATUS))
    assert "not authorised" in str(error_for_sw3(0x66, SAM_STATUS))
    assert "读卡器暂时不能使用" in say(error_for_sw3(0x66, SAM_STATUS).message, "zh_CN")


def test_splitter_joins_chunks_and_skips_noise():
    frames = [build_request(FIND_CARD), build_request(SELECT_CARD), build_request(READ_TEXT_PHOTO)]
    stream = b"\x00\x13noise" + frames[0] + b"\xAA\xAA" + frames[1] + frames[2]
    splitter, got = FrameSplitter(), []
    for i in range(0, len(stream), 3):
        got += splitter.feed(stream[i:i + 3])
    assert got == frames
    assert splitter.skipped == 7 + 2


def test_splitter_resynchronises_after_an_impossible_length():
    splitter = FrameSplitter()
    good = build_request(FIND_CARD)
    assert splitter.feed(PREAMBLE + b"\xFF\xFF" + good) == [good]


# ------------------------------------------------------------------ fuzz
@given(st.binary(max_size=64))
def test_any_bytes_parse_to_a_response_or_a_protocol_error(data):
    try:
        response = parse_response(data)
    except ReaderProtocolError:
        return
    assert build_response(response.sw3, response.data) == data


@given(st.integers(0, 255), st.binary(max_size=300), st.integers(0, 400), st.integers(0, 255))
def test_a_corrupted_byte_never_passes_unnoticed_as_another_answer(sw3, data, position, flip):
    frame = bytearray(build_response(sw3, data))
    position %= len(frame)
    frame[position] ^= flip or 1
    try:
        response = parse_response(bytes(frame))
    except ReaderProtocolError:
        return
    pytest.fail(f"corrupted frame accepted as {response}")   # XOR catches every single-byte error


@given(st.lists(st.tuples(st.binary(max_size=20).map(lambda b: b.replace(b"\xAA", b"")),
                          st.integers(0, 255), st.binary(max_size=40)), max_size=6),
       st.integers(1, 50))
def test_splitter_finds_every_frame_between_noise(parts, chunk):
    frames = [build_request((cmd, 0x01), data) for _, cmd, data in parts]
    stream = b"".join(noise + frame for (noise, _, _), frame in zip(parts, frames))
    splitter, got = FrameSplitter(), []
    for i in range(0, len(stream), chunk):
        got += splitter.feed(stream[i:i + chunk])
    assert got == frames


@given(st.binary(max_size=600), st.integers(1, 64))
def test_splitter_survives_any_bytes(stream, chunk):
    splitter = FrameSplitter()
    for i in range(0, len(stream), chunk):
        for frame in splitter.feed(stream[i:i + chunk]):
            assert frame.startswith(PREAMBLE) and frame_length(frame[:7], 3) == len(frame)
