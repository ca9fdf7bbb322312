"""Lock-board frames against vectors published by people who drive these boards (not made by our
simulator), and both parsers fuzzed: any bytes give a door state or a FrameError, nothing else."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.locker import frames
from drivers.locker.frames import FrameError, Sense


# Published for the generic "8A" boards (a C# locker cabinet's OpenDoor, and a board's Chinese
# command sheet): open board 1 lock 1, open all, read one, read all, and the "door opened" reply.
@pytest.mark.parametrize("built, published", [
    (frames.generic_open(1, 1), "8A 01 01 11 9B"),
    (frames.generic_open_all(1), "8A 01 00 11 9A"),          # CHK by hand: 8A^01^00^11 = 9A
    (frames.generic_read_one(1, 1), "80 01 01 33 B3"),
    (frames.generic_read_all(1), "80 01 00 33 B2"),
])
def test_generic_commands_match_the_published_bytes(built, published):
    assert built == bytes.fromhex(published)


def test_the_published_door_opened_reply_reads_as_open():
    assert frames.parse_generic_one(bytes.fromhex("8A 01 01 00 8A"), frames.generic_open(1, 1)) is True
    assert frames.parse_generic_one(bytes.fromhex("8A 01 01 11 9B"), frames.generic_open(1, 1)) is False


def test_open_all_accepts_an_echo_shaped_reply_and_nothing_that_is_another_command():
    command = frames.generic_open_all(1)
    # The shape is not documented: the echo itself, or "8A 01 00 SS CHK" with any status byte.
    assert frames.parse_generic_open_all(bytes.fromhex("8A 01 00 11 9A"), command) is None
    assert frames.parse_generic_open_all(bytes.fromhex("8A 01 00 00 8B"), command) is None
    assert frames.generic_reply_open_all(command) == bytes.fromhex("8A 01 00 11 9A")
    for other in ("8A 01 00 11 00",          # bad checksum
                  "8A 02 00 11 99",          # board 2's
                  "8A 01 05 11 9F",          # an open of lock 5
                  "80 01 00 33 B2",          # a read
                  "8A 01 00 11"):            # short
        with pytest.raises(FrameError):
            frames.parse_generic_open_all(bytes.fromhex(other), command)


def test_a_reversed_board_reads_right_with_its_sense_configured():
    reversed_sense = Sense(open_byte=0x11, closed_byte=0x00, bit_set_means_closed=False)
    assert frames.parse_generic_one(bytes.fromhex("8A 01 01 11 9B"), frames.generic_open(1, 1), reversed_sense)
    reply = frames.generic_reply_all(3, {1: True, 9: True, 24: True} | {n: False for n in range(2, 24) if n != 9},
                                     reversed_sense)
    doors = frames.parse_generic_all(reply, 3, reversed_sense).open
    assert [n for n, is_open in doors.items() if is_open] == [1, 9, 24]


def test_generic_read_all_bitmap_order_s3_s2_s1():
    # Locks 1 and 17 closed (bit set = closed), the rest open: S3=01 (17-24), S2=00, S1=01 (1-8).
    reply = bytes([0x80, 0x02, 0x01, 0x00, 0x01, 0x33])
    reply += bytes([frames.xor(reply)])
    doors = frames.parse_generic_all(reply, 2).open
    assert doors[1] is False and doors[17] is False and doors[2] is True and doors[24] is True


# Kerong KR-CU16, from its protocol as a public Python client implements it (STX ADDR CMD ETX SUM,
# SUM the low byte of the sum): unlock lock 1 of board 0, status of all, lock 16 of board 1.
@pytest.mark.parametrize("built, expected", [
    (frames.kerong_command(0, 1, frames.KR_UNLOCK), "02 00 31 03 36"),
    (frames.kerong_command(0, 0, frames.KR_STATUS_ALL), "02 00 32 03 37"),
    (frames.kerong_command(1, 16, frames.KR_STATUS), "02 1F 30 03 54"),
    # Unlock all, ADDR = board × 16; SUM by hand: 02+00+33+03 = 38, 02+10+33+03 = 48, 02+F0+33+03 = 128 → 28.
    (frames.kerong_open_all(0), "02 00 33 03 38"),
    (frames.kerong_open_all(1), "02 10 33 03 48"),
    (frames.kerong_open_all(15), "02 F0 33 03 28"),
])
def test_kerong_commands(built, expected):
    assert built == bytes.fromhex(expected)


def test_kerong_reply_bits_hooks_closed_and_items_present():
    command = frames.kerong_command(0, 0, frames.KR_STATUS_ALL)
    # H1=FE: lock 1's hook open, 2-8 closed; H2=FF; I1=02: an item in lock 2; I2=80: in lock 16.
    body = bytes([0x02, 0x00, 0x32, 0xFE, 0xFF, 0x02, 0x80, 0x03])
    doors = frames.parse_kerong(body + bytes([sum(body) & 0xFF]), command)
    assert doors.open[1] is True and not any(doors.open[n] for n in range(2, 17))
    assert [n for n, here in doors.items.items() if here] == [2, 16]


def test_kerong_open_all_is_answered_with_the_status_shape_and_cmd_33():
    command = frames.kerong_open_all(1)
    # Board 1 after unlock-all: lock 3's hook still closed (jammed), the rest open; no items.
    body = bytes([0x02, 0x10, 0x33, 0x04, 0x00, 0x00, 0x00, 0x03])
    doors = frames.parse_kerong(body + bytes([sum(body) & 0xFF]), command)
    assert [n for n, is_open in doors.open.items() if not is_open] == [3]
    status_all = frames.kerong_reply(frames.kerong_command(1, 0, frames.KR_STATUS_ALL), doors.open, {})
    with pytest.raises(FrameError):
        frames.parse_kerong(status_all, command)        # a status-all reply is not open-all's answer


@pytest.mark.parametrize("bad", ["02 00 32 FE FF 02 80 03 00", "02 00 32 FE FF 02 80", "02 10 32 FE FF 02 80 03 B6"])
def test_kerong_bad_checksum_short_or_other_board_is_a_frame_error(bad):
    with pytest.raises(FrameError):
        frames.parse_kerong(bytes.fromhex(bad), frames.kerong_command(0, 0, frames.KR_STATUS_ALL))


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=12), st.integers(0, 255), st.integers(0, 24))
def test_generic_parsers_never_raise_anything_but_frame_error(data, board, lock):
    for parse, kind in ((lambda: frames.parse_generic_one(data, frames.generic_read_one(board, lock)), bool),
                        (lambda: frames.parse_generic_all(data, board), frames.Doors),
                        (lambda: frames.parse_generic_open_all(data, frames.generic_open_all(board)), type(None))):
        try:
            assert isinstance(parse(), kind)
        except FrameError:
            pass


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=12), st.integers(0, 15), st.integers(0, 16))
def test_kerong_parser_never_raises_anything_but_frame_error(data, board, lock):
    try:
        doors = frames.parse_kerong(data, frames.kerong_command(board, lock, frames.KR_STATUS))
        assert len(doors.open) == 16 and len(doors.items) == 16
    except FrameError:
        pass


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.integers(1, 16), st.booleans()), st.dictionaries(st.integers(1, 16), st.booleans()),
       st.integers(0, 15))
def test_kerong_reply_and_parse_agree(doors_open, items, board):
    command = frames.kerong_command(board, 0, frames.KR_STATUS_ALL)
    doors_open = {n: doors_open.get(n, False) for n in range(1, 17)}
    doors = frames.parse_kerong(frames.kerong_reply(command, doors_open, items), command)
    assert all(doors.open[n] == doors_open.get(n, False) for n in range(1, 17))
    assert all(doors.items[n] == items.get(n, False) for n in range(1, 17))
