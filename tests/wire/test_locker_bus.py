"""The lock-board driver against the simulated bank over a real pseudo-terminal, both protocols,
paced at their baud rates: every door opened is seen open, a jam is told, silence is a typed
error, stray bytes are skipped, an open is never sent twice without the door read between, and
open-all is sent once and the board read after it, whatever (if anything) the board answered."""
from __future__ import annotations

import pytest

from drivers.locker import frames
from drivers.locker.bus import BoardSilent, BusUnavailable, LockerBus
from drivers.locker.frames import Sense
from sim.locker.bank import LockerBank
from sim.wire import PtyServer

pytestmark = pytest.mark.wire
BAUD = {"generic": 9600, "kerong": 19200}


@pytest.fixture(params=["generic", "kerong"])
def bank(request):
    protocol = request.param
    boards = {1: 24, 2: 24} if protocol == "generic" else {0: 16, 1: 16}
    simulated = LockerBank(protocol, boards, close_after_s=None, turnaround_s=(0.02, 0.05))
    server = PtyServer(simulated, name="locker", baud_pacing=True, baudrate=BAUD[protocol])
    port = server.start()
    bus = LockerBus(port, protocol, timeout_s=0.3)
    yield simulated, bus, server
    bus.close()
    server.stop()


def first_board(simulated: LockerBank) -> int:
    return min(simulated.boards)


def opens_sent(simulated: LockerBank, board: int, lock: int) -> int:
    if simulated.protocol == "generic":
        return simulated.received.count(frames.generic_open(board, lock))
    return simulated.received.count(frames.kerong_command(board, lock, frames.KR_UNLOCK))


def test_a_door_opened_is_seen_open_and_closed_again(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    opened = bus.open_door(board, 5)
    assert opened.open and opened.commands == 1 and simulated.lock(board, 5).opened_count == 1
    doors = bus.read_board(board).open
    assert doors[5] is True and not any(v for n, v in doors.items() if n != 5)
    simulated.close_door(board, 5)
    assert bus.read_door(board, 5) is False


def test_a_jammed_door_is_reported_shut_after_one_read_and_one_more_open(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    simulated.lock(board, 3).jammed = True
    opened = bus.open_door(board, 3)
    assert opened.open is False and opened.commands == 2
    assert opens_sent(simulated, board, 3) == 2
    first, second = [i for i, c in enumerate(simulated.received) if c in (
        frames.generic_open(board, 3), frames.kerong_command(board, 3, frames.KR_UNLOCK))]
    assert second - first >= 2, "the door was read between the two opens"


def test_a_lost_reply_to_an_open_is_settled_by_reading_the_door_never_by_opening_again(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    simulated.drop_replies = 1
    opened = bus.open_door(board, 7)
    assert opened.open and opens_sent(simulated, board, 7) == 1 and simulated.lock(board, 7).opened_count == 1


def test_a_silent_board_is_a_typed_error_after_one_retry(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    simulated.boards[board].silent = True
    with pytest.raises(BoardSilent):
        bus.read_board(board)
    assert len(simulated.received) == 2, "a read is retried once"
    other = max(simulated.boards)
    assert bus.read_door(other, 1) is False, "the other board on the bus still answers"


def test_stray_bytes_before_a_reply_are_skipped(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    simulated.stray_before_reply = b"\x00\xff\x8a\x02\x55"
    assert bus.open_door(board, 2).open


def test_an_unplugged_adapter_is_a_typed_error_and_the_bus_comes_back(bank):
    simulated, bus, server = bank
    board = first_board(simulated)
    server.stop()
    with pytest.raises((BusUnavailable, BoardSilent)):
        bus.read_door(board, 1)
    port = server.start()
    bus.port = port
    bus.close()
    assert bus.read_door(board, 1) is False


def test_a_generic_board_wired_the_other_way_reads_right_once_configured():
    simulated = LockerBank("generic", {1: 24}, close_after_s=None, turnaround_s=(0.0, 0.0))
    simulated.reverse_sense(1)
    with PtyServer(simulated, name="locker") as server:
        bus = LockerBus(server.path, "generic", senses={1: Sense(0x11, 0x00, bit_set_means_closed=False)})
        try:
            assert bus.read_door(1, 4) is False
            assert bus.open_door(1, 4).open
            assert bus.read_board(1).open[4] is True
        finally:
            bus.close()


def open_alls_sent(simulated: LockerBank, board: int) -> int:
    command = frames.generic_open_all(board) if simulated.protocol == "generic" else frames.kerong_open_all(board)
    return simulated.received.count(command)


def test_open_board_opens_every_door_once_and_a_jammed_one_stays_shut(bank):
    simulated, bus, _ = bank
    board, other = first_board(simulated), max(simulated.boards)
    simulated.lock(board, 3).jammed = True
    doors = bus.open_board(board).open
    locks = simulated.boards[board].locks
    assert len(doors) == len(locks) and doors[3] is False
    assert [n for n, is_open in doors.items() if not is_open] == [3], "every other door is seen open"
    assert open_alls_sent(simulated, board) == 1, "one open-all command, never repeated"
    assert all(lk.opened_count == 1 for lk in locks.values()), "every latch, jammed or not, obeyed once"
    assert simulated.lock(board, 3).door_open is False and simulated.lock(board, 3).door_openings == 0
    assert all(lk.door_open and lk.door_openings == 1 for n, lk in locks.items() if n != 3)
    assert not any(lk.door_open or lk.opened_count for lk in simulated.boards[other].locks.values()), \
        "the other board on the bus stays shut"
    assert bus.read_board(board).open == doors, "what open_board returned is what the doors say"


def test_a_lost_reply_to_open_all_is_never_a_reason_to_send_it_again(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    simulated.drop_replies = 1                  # the open-all acts, its answer is lost on the line
    doors = bus.open_board(board).open
    assert all(doors.values()) and open_alls_sent(simulated, board) == 1
    assert all(lk.opened_count == 1 for lk in simulated.boards[board].locks.values())


@pytest.mark.parametrize("reply", ["8A 01 00 00 8B", "", "8A 01 00", "80 01 FF FF FF 33 B2 8A"],
                         ids=["echo-with-open-byte", "silence", "short", "odd-frame"])
def test_a_generic_board_answering_open_all_oddly_or_not_at_all_is_read_not_reopened(reply):
    simulated = LockerBank("generic", {1: 24}, close_after_s=None, turnaround_s=(0.02, 0.05))
    simulated.open_all_reply = bytes.fromhex(reply)
    simulated.lock(1, 24).jammed = True
    with PtyServer(simulated, name="locker", baud_pacing=True, baudrate=9600) as server:
        bus = LockerBus(server.path, "generic", timeout_s=0.3)
        try:
            doors = bus.open_board(1).open
        finally:
            bus.close()
    assert [n for n, is_open in doors.items() if not is_open] == [24]
    assert simulated.received.count(frames.generic_open_all(1)) == 1
    assert simulated.received[-1] == frames.generic_read_all(1), "the board was read after the open-all"


def test_open_board_on_a_silent_board_is_a_typed_error_after_one_open_all(bank):
    simulated, bus, _ = bank
    board = first_board(simulated)
    simulated.boards[board].silent = True
    with pytest.raises(BoardSilent):
        bus.open_board(board)
    assert open_alls_sent(simulated, board) == 1, "silence is not a reason to open again: only the read retries"
