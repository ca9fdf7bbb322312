"""Lock boards on one RS-485 bus (a USB-RS485 adapter is a serial port), either protocol.

What the bus is like, and what this driver does about it:
- half duplex, several boards on one pair: one exchange at a time (one thread owns the bus);
- a board answers nothing to a bad checksum or to another board's address: silence is
  `BoardSilent` after the timeout, never a hang;
- an adapter passes on stray bytes (line noise, a late answer): they are skipped until a
  reply for the command sent is found;
- a read is retried once;
- an open is never repeated blindly: when its reply is lost or says closed, the door is read
  first, and only a door seen closed gets one more open;
- an opening counts only when the door sensor says open (`Opened.open`);
- open-all (`open_board`) is sent once, never again: its reply (undocumented on generic boards)
  may be anything or nothing, and the board is read after it to see which doors opened.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import serial

from drivers.errors import DeviceError
from drivers.locker import frames
from drivers.locker.frames import Doors, FrameError, Sense
from drivers.one_thread import one_thread
from drivers.sentence import Sentence

Protocol = Literal["generic", "kerong"]
BAUDRATES = {"generic": 9600, "kerong": 19200}


class LockerError(DeviceError):
    message = Sentence("取件柜暂时打不开，请到窗口取件，工作人员会帮您。")


class BusUnavailable(LockerError):
    """The serial port is missing or failed (adapter unplugged)."""


class BusBusy(LockerError):
    """Another program holds the port (the kiosk itself, when kiosk-diag asks)."""


class BoardSilent(LockerError):
    """No valid reply from the board within the timeout (off, wrong address, broken line)."""


@dataclass(frozen=True)
class Opened:
    board: int
    lock: int
    open: bool              # the door sensor said open (only then does a pickup count)
    commands: int           # open commands sent: 1, or 2 after a read said closed
    ms: float


class LockerBus:
    """The boards of one bus. `senses`: board → Sense, for generic boards wired the other way."""

    def __init__(self, port: str, protocol: Protocol, *, baudrate: int | None = None, timeout_s: float = 0.3,
                 senses: dict[int, Sense] | None = None, link: serial.Serial | None = None):
        self.port, self.protocol = port, protocol
        self.baudrate = baudrate or BAUDRATES[protocol]
        self.timeout_s = timeout_s
        self.senses = senses or {}
        self._link = link

    # ---------------------------------------------------------------- the wire
    def _serial(self) -> serial.Serial:
        if self._link is None:
            try:
                # Exclusive: a second program on the same bus would interleave frames on the pair.
                self._link = serial.Serial(self.port, self.baudrate, timeout=0.02, exclusive=True)
            except (serial.SerialException, OSError) as e:
                if "lock" in str(e).lower():
                    raise BusBusy(f"{self.port} is held by another program: {e}") from None
                raise BusUnavailable(f"{self.port}: {e}") from None
        return self._link

    def _exchange(self, command: bytes, reply_length: int, parse) -> object:
        """Send, then read until `parse` accepts a reply: the bytes before a frame that parses
        are skipped. BoardSilent at the timeout."""
        link = self._serial()
        try:
            link.reset_input_buffer()
            link.write(command)
            link.flush()
            deadline = time.monotonic() + self.timeout_s
            pending = b""
            while time.monotonic() < deadline:
                pending += link.read(max(1, reply_length - len(pending)))
                while len(pending) >= reply_length:
                    try:
                        return parse(pending[:reply_length])
                    except FrameError:
                        pending = pending[1:]          # a stray byte, or noise: slide on
        except (serial.SerialException, OSError) as e:
            self.close()
            raise BusUnavailable(f"{self.port}: {e}") from None
        raise BoardSilent(f"{self.port}: no reply to {command.hex(' ')} within {self.timeout_s * 1000:.0f} ms"
                          + (f" (skipped {pending.hex(' ')})" if pending else ""))

    def _read_twice(self, command: bytes, reply_length: int, parse):
        try:
            return self._exchange(command, reply_length, parse)
        except BoardSilent:
            return self._exchange(command, reply_length, parse)     # a read may be retried once

    # ---------------------------------------------------------------- the boards
    @one_thread
    def connect(self) -> None:
        """Take the port now, before anything is sent (or journalled by the caller): BusBusy while
        another program holds it, BusUnavailable when it is missing."""
        self._serial()

    @one_thread
    def read_door(self, board: int, lock: int) -> bool:
        """True when the door is open."""
        return self._read_twice(*self._one_door(board, lock, opening=False))

    @one_thread
    def read_board(self, board: int) -> Doors:
        """Every door of one board (and its item sensors, on boards that have them)."""
        if self.protocol == "generic":
            command = frames.generic_read_all(board)
            sense = self.senses.get(board, Sense())
            return self._read_twice(command, 7, lambda r: frames.parse_generic_all(r, board, sense))
        command = frames.kerong_command(board, 0, frames.KR_STATUS_ALL)
        return self._read_twice(command, frames.KERONG_REPLY_LENGTH, lambda r: frames.parse_kerong(r, command))

    @one_thread
    def open_door(self, board: int, lock: int) -> Opened:
        """Open one lock and see the door open. A lost or "closed" answer is checked by reading
        the door before one more open is sent; `Opened.open` False: the door stayed shut (jam)."""
        started = time.monotonic()
        commands = 0
        for _ in range(2):
            commands += 1
            try:
                if self._send_open(board, lock):
                    return Opened(board, lock, True, commands, (time.monotonic() - started) * 1000)
            except BoardSilent:
                pass                    # the open may have happened: the door says
            if self._read_twice(*self._one_door(board, lock, opening=False)):
                return Opened(board, lock, True, commands, (time.monotonic() - started) * 1000)
        return Opened(board, lock, False, commands, (time.monotonic() - started) * 1000)

    @one_thread
    def open_board(self, board: int) -> Doors:
        """Open every lock of one board with ONE command, then read the board: the doors as seen
        after it (a jammed lock's door reads shut). The command is never sent again, even when
        its reply is lost: a second open-all could swing doors a citizen has just closed, and
        only the read says what opened. The reply itself may be silence or bytes of a shape we
        do not know (generic boards do not document it); neither matters. BoardSilent when the
        board does not answer the read either (its doors are then unknown, maybe open)."""
        if self.protocol == "generic":
            command = frames.generic_open_all(board)
            reply_length, parse = 5, lambda r: frames.parse_generic_open_all(r, command)
        else:
            command = frames.kerong_open_all(board)
            reply_length, parse = frames.KERONG_REPLY_LENGTH, lambda r: frames.parse_kerong(r, command)
        try:
            self._exchange(command, reply_length, parse)
        except BoardSilent:
            pass                        # no reply, or none we know: the read after it tells
        return self.read_board(board)

    def _send_open(self, board: int, lock: int) -> bool:
        """The door's state as the reply to the open command reports it."""
        return self._exchange(*self._one_door(board, lock, opening=True))

    def _one_door(self, board: int, lock: int, *, opening: bool):
        """(command, reply length, parse → door open?) for opening or reading one door."""
        if self.protocol == "generic":
            command = (frames.generic_open if opening else frames.generic_read_one)(board, lock)
            sense = self.senses.get(board, Sense())
            return command, 5, lambda r: frames.parse_generic_one(r, command, sense)
        command = frames.kerong_command(board, lock, frames.KR_UNLOCK if opening else frames.KR_STATUS)
        return command, frames.KERONG_REPLY_LENGTH, lambda r: frames.parse_kerong(r, command).open[lock]

    @one_thread
    def close(self) -> None:
        if self._link is not None:
            try:
                self._link.close()
            except (serial.SerialException, OSError):
                pass
        self._link = None
