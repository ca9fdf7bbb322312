"""A bank of simulated lock boards on one bus, speaking the generic or the Kerong protocol.

Each lock has a latch, a door sensor and (Kerong) an item sensor. An opened latch lets the door
spring open; a simulated citizen closes it after `close_after_s` (or a test does). Open-all opens
every latch of a board at once (a generic board echoes it, or answers `open_all_reply`). Faults, as
a bus in a hall has them: a jammed lock (the latch opens, the door stays stuck), a silent board,
stray bytes before a reply, a reply lost on the line, a board wired with the reversed status
sense, and a 20-100 ms turnaround.
The frames are drivers.locker.frames: the driver and the simulator share the protocol's bytes,
and the public vectors in tests/unit/test_locker_frames.py keep both honest.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from drivers.locker import frames
from drivers.locker.frames import Sense


@dataclass
class Lock:
    door_open: bool = False
    item: bool = False
    jammed: bool = False
    opened_count: int = 0            # latch commands obeyed
    door_openings: int = 0           # times the door really swung open: a test's "opened exactly once"


@dataclass
class Board:
    number: int
    locks: dict[int, Lock]
    sense: Sense = field(default_factory=Sense)
    silent: bool = False


class LockerBank:
    """`feed(bytes) -> bytes` for sim.wire.PtyServer."""

    def __init__(self, protocol: str, boards: dict[int, int], *, turnaround_s: tuple[float, float] = (0.02, 0.1),
                 close_after_s: float | None = 3.0, seed: int = 0):
        self.protocol = protocol
        self.boards = {n: Board(n, {lock: Lock() for lock in range(1, count + 1)}) for n, count in boards.items()}
        self.turnaround_s = turnaround_s
        self.close_after_s = close_after_s
        self.stray_before_reply = b""
        self.drop_replies = 0            # the next N answers are lost on the line (the command still acts)
        self.received: list[bytes] = []  # every well-formed command, in order
        # A generic board's answer to open-all is not documented: None echoes the command, bytes
        # are answered instead (b"": nothing, or an odd frame).
        self.open_all_reply: bytes | None = None
        self._rng = random.Random(seed)
        self._pending = b""
        self._lock = threading.Lock()

    # ------------------------------------------------------------ what a test (or the console) does
    def lock(self, board: int, lock: int) -> Lock:
        return self.boards[board].locks[lock]

    def close_door(self, board: int, lock: int, item: bool | None = None) -> None:
        """Close a door; `item`: whether a document lies in the cell now (None: as it was)."""
        with self._lock:
            target = self.lock(board, lock)
            target.door_open = False
            if item is not None:
                target.item = item

    def _person_closes(self, board: int, lock: int) -> None:
        """The simulated person who had the door opened: a citizen takes the document out, staff
        put one in; either way the cell's content changes before they close it."""
        target = self.lock(board, lock)
        if target.door_open:
            self.close_door(board, lock, item=not target.item)

    def open_by_hand(self, board: int, lock: int) -> None:
        """A door opened with no command (forced, or left unlatched)."""
        with self._lock:
            self.lock(board, lock).door_open = True

    def reverse_sense(self, board: int) -> None:
        self.boards[board].sense = Sense(open_byte=0x11, closed_byte=0x00, bit_set_means_closed=False)

    # ------------------------------------------------------------ the wire
    def connection_reset(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        self._pending += data
        replies = b""
        size = 5
        while len(self._pending) >= size:
            command, self._pending = self._pending[:size], self._pending[size:]
            self.received.append(command)
            reply = self._answer(command)
            if reply and self.drop_replies > 0:
                self.drop_replies -= 1
                continue
            if reply:
                replies += self.stray_before_reply + reply
        return replies

    def reply_delay(self) -> float:
        """The board's turnaround before it answers (sim.wire.PtyServer waits it when pacing)."""
        low, high = self.turnaround_s
        return self._rng.uniform(low, high) if high > 0 else 0.0

    def _answer(self, command: bytes) -> bytes:
        if self.protocol == "generic":
            return self._generic(command)
        return self._kerong(command)

    def _generic(self, command: bytes) -> bytes:
        if frames.xor(command[:4]) != command[4]:
            return b""                                  # bad checksum: a board stays silent
        header, board_no, lock_no, func = command[:4]
        board = self.boards.get(board_no)
        if board is None or board.silent:
            return b""
        if header == frames.GENERIC_OPEN and func == frames.FUNC_OPEN:
            if lock_no == 0:                            # open all: every latch, jammed doors stay shut
                for n in board.locks:
                    self._unlatch(board_no, n)
                return frames.generic_reply_open_all(command) if self.open_all_reply is None \
                    else self.open_all_reply
            if lock_no not in board.locks:
                return b""
            self._unlatch(board_no, lock_no)
            return frames.generic_reply_one(command, board.locks[lock_no].door_open, board.sense)
        if header == frames.GENERIC_READ and func == frames.FUNC_READ:
            if lock_no == 0:
                return frames.generic_reply_all(board_no, {n: lk.door_open for n, lk in board.locks.items()},
                                                board.sense)
            if lock_no in board.locks:
                return frames.generic_reply_one(command, board.locks[lock_no].door_open, board.sense)
        return b""

    def _kerong(self, command: bytes) -> bytes:
        if command[0] != frames.STX or command[3] != frames.ETX or frames.checksum(command[:4]) != command[4]:
            return b""
        board_no, index, cmd = command[1] >> 4, command[1] & 0x0F, command[2]
        board = self.boards.get(board_no)
        if board is None or board.silent:
            return b""
        if cmd == frames.KR_UNLOCK:
            self._unlatch(board_no, index + 1)
        elif cmd == frames.KR_UNLOCK_ALL:                # the reply: the status after it, with CMD 33
            for n in board.locks:
                self._unlatch(board_no, n)
        elif cmd not in (frames.KR_STATUS, frames.KR_STATUS_ALL):
            return b""
        return frames.kerong_reply(command, {n: lk.door_open for n, lk in board.locks.items()},
                                   {n: lk.item for n, lk in board.locks.items()})

    def _unlatch(self, board: int, lock: int) -> None:
        with self._lock:
            target = self.boards[board].locks.get(lock)
            if target is None:
                return
            target.opened_count += 1
            if target.jammed:
                return                                   # the latch clicks, the door stays stuck
            if not target.door_open:
                target.door_openings += 1
            target.door_open = True
        if self.close_after_s == 0:
            return                                       # accelerated: the test closes it at once
        if self.close_after_s is not None:
            timer = threading.Timer(self.close_after_s, self._person_closes, (board, lock))
            timer.daemon = True
            timer.start()
