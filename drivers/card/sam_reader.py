"""Driver for resident-ID-card readers with the Ministry of Public Security SAM (docs/id-card-sam.md).

    reader = SamIdReader.open_serial("/dev/ttyUSB0")
    card = reader.read_if_present()          # find → select → read; None when no card is there
    card.name, card.id_number, card.valid_to ...

Each exchange writes one request frame and reads one answer frame by its LEN field, so a 1295-byte
read is decoded the moment its last byte arrives; the timeout only matters when the reader says
nothing. Errors are typed (drivers/card/errors.py): silence or a lost port → ReaderUnavailable,
broken frames → ReaderProtocolError, the reader's SW3 codes → see sam_frame.error_for_sw3. Error
details never carry personal data, and the photo is never written anywhere.
"""
from __future__ import annotations

import logging
import time

from drivers.card.errors import CardDataInvalid, CardError, CardRemovedTooEarly, ReaderProtocolError, ReaderUnavailable
from drivers.card.id_text import TEXT_LEN, ResidentIdCard, decode_text
from drivers.card.sam_frame import (
    FIND_CARD, HEADER_LEN, READ_TEXT_PHOTO, RESET_SAM, SAM_ID, SAM_STATUS, SELECT_CARD, SW_FOUND, SW_NO_CARD,
    SW_READ_FAILED, Command, Response, build_request, error_for_sw3, expected_sw3, frame_length, parse_response,
)
from drivers.card.sam_transport import SamTransport, SerialTransport, TcpTransport, TransportLost
from drivers.one_thread import one_thread
from drivers.sentence import Sentence

log = logging.getLogger(__name__)


class SamIdReader:
    def __init__(self, transport: SamTransport, *, timeout: float = 1.0, reset_para: int = 0xFF):
        """`timeout`: seconds to wait for an answer to start and complete (a 30 01 read takes
        ~112 ms on the line at 115200 baud). `reset_para`: the PARA byte of reset SAM (10 FF on
        most readers, 10 01 … on one vendor's: it varies, so it comes from configuration)."""
        self.transport = transport
        self.timeout = timeout
        self.reset_para = reset_para
        self.frames = 0                    # answer frames received since opening
        self._selected = False             # select succeeded and no read since
        self._sam_id: str | None = None

    @classmethod
    def open_serial(cls, port: str, baudrate: int = 115200, timeout: float = 1.0, *,
                    reset_para: int = 0xFF) -> "SamIdReader":
        try:
            transport = SerialTransport(port, baudrate)
        except TransportLost as e:
            raise ReaderUnavailable(f"ID card reader port cannot be opened: {e}") from None
        return cls(transport, timeout=timeout, reset_para=reset_para)

    @classmethod
    def open_tcp(cls, host: str, port: int, timeout: float = 1.0, *, reset_para: int = 0xFF) -> "SamIdReader":
        try:
            transport = TcpTransport(host, port, connect_timeout=max(timeout, 0.5))
        except TransportLost as e:
            raise ReaderUnavailable(f"ID card reader cannot be reached: {e}") from None
        return cls(transport, timeout=timeout, reset_para=reset_para)

    @one_thread
    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "SamIdReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ SAM
    @one_thread
    def sam_id(self) -> str:
        """The SAM's serial number as vendors print it, e.g. '05.01-20101011-0012345678-1234567890'."""
        answer = self._command(SAM_ID)
        self._sam_id = format_sam_id(answer.data)
        return self._sam_id

    @one_thread
    def sam_status(self) -> None:
        """Returns when the SAM is working; ReaderUnavailable when its self-test fails."""
        self._command(SAM_STATUS)

    @one_thread
    def reset_sam(self) -> None:
        self._command(RESET_SAM, para=self.reset_para)

    # ------------------------------------------------------------ card
    @one_thread
    def find_card(self) -> bool:
        """True when a card is in the field (9F), False when none is (80)."""
        self._selected = False
        answer = self._exchange(FIND_CARD)
        if answer.sw3 == SW_FOUND:
            return True
        if answer.sw3 == SW_NO_CARD:
            return False
        raise error_for_sw3(answer.sw3, FIND_CARD)

    @one_thread
    def select_card(self) -> None:
        self._selected = False
        self._command(SELECT_CARD)
        self._selected = True

    @one_thread
    def read_card(self) -> ResidentIdCard:
        """Text and photo of the selected card, decoded and checked."""
        started, frames_before = time.perf_counter(), self.frames
        return self._read(started, frames_before)

    @one_thread
    def read_if_present(self) -> ResidentIdCard | None:
        """find → select → read; None when no card lies on the reader."""
        started, frames_before = time.perf_counter(), self.frames
        try:
            if not self.find_card():
                return None
        except CardError as e:
            e.card_seen = False      # a glitch while looking: the next poll looks again
            raise
        self.select_card()
        return self._read(started, frames_before)

    def _read(self, started: float, frames_before: int) -> ResidentIdCard:
        selected, self._selected = self._selected, False
        answer = self._exchange(READ_TEXT_PHOTO)
        if answer.sw3 != expected_sw3(READ_TEXT_PHOTO):
            if answer.sw3 == SW_READ_FAILED and selected:
                raise CardRemovedTooEarly(f"{READ_TEXT_PHOTO.name}: SW3 41 right after a successful select",
                                          message=Sentence("卡片拿开得太早了，请把身份证重新放好，读完前请不要拿开。"))
            raise error_for_sw3(answer.sw3, READ_TEXT_PHOTO)
        card = decode_text(*split_text_and_photo(answer.data))
        card.frames = self.frames - frames_before
        card.sam_id = self._sam_id or ""
        card.ms = (time.perf_counter() - started) * 1000
        log.info("ID card read: %s layout, %d frames, %.0f ms", card.layout, card.frames, card.ms)
        return card

    # ------------------------------------------------------------ frames
    def _command(self, command: Command, *, para: int | None = None) -> Response:
        answer = self._exchange(command, para=para)
        if answer.sw3 != expected_sw3(command):
            raise error_for_sw3(answer.sw3, command)
        return answer

    def _exchange(self, command: Command, *, para: int | None = None) -> Response:
        try:
            # A late answer to an earlier, failed exchange must not be taken for this one's.
            self.transport.discard_input()
            self.transport.write(build_request(command, para=para))
            answer = parse_response(self._read_frame(command))
        except TransportLost as e:
            raise ReaderUnavailable(f"{command.name}: ID card reader connection lost: {e}") from None
        except ReaderProtocolError:
            self._drain()
            raise
        self.frames += 1
        return answer

    def _read_frame(self, command: Command) -> bytes:
        deadline = time.monotonic() + self.timeout
        header = self.transport.read(HEADER_LEN, self.timeout)
        if not header:
            raise ReaderUnavailable(f"{command.name}: no answer from the ID card reader on "
                                    f"{self.transport.address} within {self.timeout:.1f} s")
        total = frame_length(header)      # ReaderProtocolError for noise, before waiting for more
        rest = self.transport.read(total - HEADER_LEN, max(deadline - time.monotonic(), 0.0))
        frame = header + rest
        if len(frame) < total:
            raise ReaderProtocolError(f"{command.name}: answer truncated, {len(frame)} of {total} bytes")
        return frame

    def _drain(self) -> None:
        """After a broken frame, wait briefly for the rest of the noise and throw it away, so
        the next exchange starts on a clean line."""
        try:
            while self.transport.read(4096, 0.02):
                pass
        except TransportLost:
            pass


def split_text_and_photo(data: bytes) -> tuple[bytes, bytes]:
    """A 30 01 answer's data: text length (2, BE), photo length (2, BE), text, photo."""
    if len(data) < 4:
        raise ReaderProtocolError(f"read answer carries {len(data)} bytes, too short for its lengths")
    text_len, photo_len = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
    if len(data) < 4 + text_len + photo_len:
        raise ReaderProtocolError(f"read answer announces {text_len}+{photo_len} bytes but carries {len(data) - 4}")
    if text_len < TEXT_LEN:
        raise CardDataInvalid(f"card text is {text_len} bytes, expected {TEXT_LEN}")
    return data[4:4 + text_len], data[4 + text_len:4 + text_len + photo_len]


def format_sam_id(data: bytes) -> str:
    """16 SAM ID bytes as readers' vendor tools print them: byte 0 '.' byte 2 '-' then three
    little-endian 32-bit numbers (the middle one usually a date)."""
    if len(data) < 16:
        raise ReaderProtocolError(f"SAM ID answer carries {len(data)} bytes, expected 16")
    u32 = [int.from_bytes(data[i:i + 4], "little") for i in (4, 8, 12)]
    return f"{data[0]:02d}.{data[2]:02d}-{u32[0]}-{u32[1]:010d}-{u32[2]:010d}"


__all__ = ["SamIdReader", "ResidentIdCard", "CardError", "format_sam_id", "split_text_and_photo"]
