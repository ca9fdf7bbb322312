"""The two lock-board protocols as pure functions: frames to send, replies to read.

Shared by the driver (drivers/locker/bus.py) and the simulator (sim/locker/), and fuzzed on
their own. docs/lock-boards.md has the byte-level facts.

Generic 24-lock board (9600 8N1), 5-byte commands `HDR BOARD LOCK FUNC CHK`, CHK = XOR of the
first four:
    open      8A bb ll 11  →  8A bb ll SS CHK
    open all  8A bb 00 11  →  not documented: an echo-shaped `8A bb 00 xx CHK`, or nothing
    read one  80 bb ll 33  →  80 bb ll SS CHK
    read all  80 bb 00 33  →  80 bb S3 S2 S1 33 CHK    (S1: locks 1-8, S2: 9-16, S3: 17-24, bit0 lowest)
SS and the bitmap's sense differ between vendors: both are settings (`Sense`).

Kerong KR-CU16 (19200 8N1): `02 ADDR CMD 03 SUM`, SUM = low byte of the sum of the bytes
before it, ADDR = board × 16 + lock index (0-15). CMD 30 status of one, 31 unlock one, 32 status
of all, 33 unlock all (ADDR = board × 16). Every reply is `02 ADDR CMD H1 H2 I1 I2 03 SUM`: H1/H2 the hooks of locks
1-8/9-16 (bit set = hook closed), I1/I2 the infrared "item present" bits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce

GENERIC_LOCKS = 24
KERONG_LOCKS = 16


class FrameError(ValueError):
    """Bytes that are not a valid reply to the command sent (length, header, checksum, address)."""


@dataclass(frozen=True)
class Sense:
    """How a generic board reports a door: its single-lock status byte for "open", and whether a
    set bit in the all-locks bitmap means closed (the default) or open."""
    open_byte: int = 0x00
    closed_byte: int = 0x11
    bit_set_means_closed: bool = True


@dataclass(frozen=True)
class Doors:
    """One board's doors: lock number (1-based) → open?; and, on boards with item sensors,
    lock number → item present?"""
    open: dict[int, bool]
    items: dict[int, bool] = field(default_factory=dict)


# ---------------------------------------------------------------- generic board
GENERIC_OPEN, GENERIC_READ = 0x8A, 0x80
FUNC_OPEN, FUNC_READ = 0x11, 0x33


def xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def generic_command(header: int, board: int, lock: int, func: int) -> bytes:
    body = bytes([header, board, lock, func])
    return body + bytes([xor(body)])


def generic_open(board: int, lock: int) -> bytes:
    return generic_command(GENERIC_OPEN, board, lock, FUNC_OPEN)


def generic_read_one(board: int, lock: int) -> bytes:
    return generic_command(GENERIC_READ, board, lock, FUNC_READ)


def generic_read_all(board: int) -> bytes:
    return generic_command(GENERIC_READ, board, 0, FUNC_READ)


def generic_open_all(board: int) -> bytes:
    """Open every lock of a board: lock 00 with the open function."""
    return generic_command(GENERIC_OPEN, board, 0, FUNC_OPEN)


def parse_generic_open_all(reply: bytes, command: bytes) -> None:
    """Accept a board's answer to open-all. Its shape is not documented: we take a 5-byte frame
    echoing `8A bb 00` with a good checksum, whatever its fourth byte (boards differ), and
    FrameError for anything else. It says nothing about the doors: only a read does."""
    if len(reply) != 5:
        raise FrameError(f"generic open-all reply of {len(reply)} bytes, expected 5")
    if xor(reply[:4]) != reply[4]:
        raise FrameError(f"generic reply checksum {reply[4]:02X}, computed {xor(reply[:4]):02X}")
    if reply[:3] != command[:3]:
        raise FrameError(f"generic reply {reply[:3].hex(' ')} answers another command than {command[:3].hex(' ')}")


def parse_generic_one(reply: bytes, command: bytes, sense: Sense = Sense()) -> bool:
    """The door's state (True: open) from the 5-byte reply to an open or read-one command."""
    if len(reply) != 5:
        raise FrameError(f"generic reply of {len(reply)} bytes, expected 5")
    if xor(reply[:4]) != reply[4]:
        raise FrameError(f"generic reply checksum {reply[4]:02X}, computed {xor(reply[:4]):02X}")
    if reply[:3] != command[:3]:
        raise FrameError(f"generic reply {reply[:3].hex(' ')} answers another command than {command[:3].hex(' ')}")
    if reply[3] == sense.open_byte:
        return True
    if reply[3] == sense.closed_byte:
        return False
    raise FrameError(f"generic status byte {reply[3]:02X} is neither open ({sense.open_byte:02X}) "
                     f"nor closed ({sense.closed_byte:02X})")


def parse_generic_all(reply: bytes, board: int, sense: Sense = Sense()) -> Doors:
    """Every door of a board from the 7-byte reply to read-all."""
    if len(reply) != 7:
        raise FrameError(f"generic read-all reply of {len(reply)} bytes, expected 7")
    if xor(reply[:6]) != reply[6]:
        raise FrameError(f"generic reply checksum {reply[6]:02X}, computed {xor(reply[:6]):02X}")
    if reply[0] != GENERIC_READ or reply[1] != board or reply[5] != FUNC_READ:
        raise FrameError(f"generic read-all reply {reply.hex(' ')} is not board {board}'s")
    bitmap = reply[4] | reply[3] << 8 | reply[2] << 16           # S1 locks 1-8 ... S3 locks 17-24
    return Doors({lock: bool(bitmap >> (lock - 1) & 1) != sense.bit_set_means_closed
                  for lock in range(1, GENERIC_LOCKS + 1)})


def generic_reply_one(command: bytes, is_open: bool, sense: Sense = Sense()) -> bytes:
    """What a board answers (the simulator's side)."""
    body = command[:3] + bytes([sense.open_byte if is_open else sense.closed_byte])
    return body + bytes([xor(body)])


def generic_reply_open_all(command: bytes) -> bytes:
    """What a simulated board answers to open-all: the command echoed (real boards may differ)."""
    return bytes(command[:5])


def generic_reply_all(board: int, doors_open: dict[int, bool], sense: Sense = Sense()) -> bytes:
    bitmap = 0
    for lock, is_open in doors_open.items():
        if is_open != sense.bit_set_means_closed:
            bitmap |= 1 << (lock - 1)
    body = bytes([GENERIC_READ, board, bitmap >> 16 & 0xFF, bitmap >> 8 & 0xFF, bitmap & 0xFF, FUNC_READ])
    return body + bytes([xor(body)])


# ---------------------------------------------------------------- Kerong KR-CU16
STX, ETX = 0x02, 0x03
KR_STATUS, KR_UNLOCK, KR_STATUS_ALL, KR_UNLOCK_ALL = 0x30, 0x31, 0x32, 0x33
KERONG_REPLY_LENGTH = 9


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def kerong_address(board: int, lock: int) -> int:
    """ADDR for lock 1-16 of board 0-15 (lock 0: the board itself, for the all-locks commands)."""
    if not 0 <= board <= 15 or not 0 <= lock <= KERONG_LOCKS:
        raise ValueError(f"Kerong board {board} lock {lock} out of range")
    return board * 16 + max(lock - 1, 0)


def kerong_command(board: int, lock: int, command: int) -> bytes:
    body = bytes([STX, kerong_address(board, lock), command, ETX])
    return body + bytes([checksum(body)])


def kerong_open_all(board: int) -> bytes:
    """Unlock every lock of a board (CMD 33, ADDR = board × 16). The reply is the status reply
    shape with CMD 33."""
    return kerong_command(board, 0, KR_UNLOCK_ALL)


def parse_kerong(reply: bytes, command: bytes) -> Doors:
    """The board's 16 hooks and item sensors from any reply (every Kerong reply carries them)."""
    if len(reply) != KERONG_REPLY_LENGTH:
        raise FrameError(f"Kerong reply of {len(reply)} bytes, expected 9")
    if reply[0] != STX or reply[7] != ETX:
        raise FrameError(f"Kerong reply {reply.hex(' ')} lacks STX/ETX")
    if checksum(reply[:8]) != reply[8]:
        raise FrameError(f"Kerong reply checksum {reply[8]:02X}, computed {checksum(reply[:8]):02X}")
    if reply[2] != command[2] or reply[1] >> 4 != command[1] >> 4:
        raise FrameError(f"Kerong reply {reply[1:3].hex(' ')} answers another command than {command[1:3].hex(' ')}")
    hooks = reply[3] | reply[4] << 8
    items = reply[5] | reply[6] << 8
    return Doors({lock: not hooks >> (lock - 1) & 1 for lock in range(1, KERONG_LOCKS + 1)},
                 {lock: bool(items >> (lock - 1) & 1) for lock in range(1, KERONG_LOCKS + 1)})


def kerong_reply(command: bytes, doors_open: dict[int, bool], items: dict[int, bool]) -> bytes:
    """What a KR-CU16 answers (the simulator's side)."""
    hooks = sum(1 << (lock - 1) for lock, is_open in doors_open.items() if not is_open)
    present = sum(1 << (lock - 1) for lock, here in items.items() if here)
    body = bytes([STX, command[1], command[2], hooks & 0xFF, hooks >> 8, present & 0xFF, present >> 8, ETX])
    return body + bytes([checksum(body)])
