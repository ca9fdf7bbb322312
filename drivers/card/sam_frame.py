"""Frames of the resident-ID-card SAM reader protocol (docs/id-card-sam.md §Frames, §Commands,
§SW3 status), pure functions shared by the driver and the simulated reader.

    host → reader : AA AA AA 96 69 | LEN(2, big-endian) | CMD | PARA | DATA… | CHK
    reader → host : AA AA AA 96 69 | LEN(2)             | 00 | 00 | SW3 | DATA… | CHK

LEN counts every byte after itself, CHK included; CHK is the XOR of the two LEN bytes and the
body. A receiver learns the whole frame's size from its first 7 bytes, so a frame is read by
its LEN and never ended by a timeout.
"""
from __future__ import annotations

from functools import reduce
from typing import NamedTuple

from drivers.card.errors import CardError, CardNotRecognised, NoCard, ReaderProtocolError, ReaderUnavailable
from drivers.card.sam_errors import CardReadFailed

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
# The longest real answer (30 10: text + photo + two fingerprints) is about 2.3 KB; anything
# announcing more is line noise, and waiting for 64 KB of it would stall the reader for seconds.
MAX_LEN = 0x1000
MIN_REQUEST_LEN = 3      # CMD PARA CHK
MIN_RESPONSE_LEN = 4     # 00 00 SW3 CHK


class Command(NamedTuple):
    cmd: int
    para: int
    name: str


# Reset SAM: PARA varies by vendor → SamIdReader(reset_para=...), see docs/id-card-sam.md §Commands.
RESET_SAM = Command(0x10, 0xFF, "reset SAM")
SAM_STATUS = Command(0x11, 0xFF, "SAM status")
SAM_ID = Command(0x12, 0xFF, "SAM ID")
FIND_CARD = Command(0x20, 0x01, "find card")
SELECT_CARD = Command(0x20, 0x02, "select card")
READ_TEXT_PHOTO = Command(0x30, 0x01, "read text + photo")
READ_WITH_FINGERPRINT = Command(0x30, 0x10, "read text + photo + fingerprint")
COMMANDS = (RESET_SAM, SAM_STATUS, SAM_ID, FIND_CARD, SELECT_CARD, READ_TEXT_PHOTO, READ_WITH_FINGERPRINT)

# SW3, the reader's status byte.
SW_OK, SW_FOUND = 0x90, 0x9F
SW_NO_CARD, SW_SELECT_FAILED, SW_READ_FAILED = 0x80, 0x81, 0x41
SW_CHECKSUM, SW_LENGTH, SW_COMMAND = 0x10, 0x11, 0x21
SW_UNKNOWN_CARD, SW_SAM_SELF_TEST, SW_SAM_NOT_AUTHORISED = 0x40, 0x60, 0x66
SW3_MEANING = {
    0x90: "ok", 0x9F: "card found", 0x80: "no card found", 0x81: "card select failed",
    0x41: "card read failed", 0x10: "checksum error in the request", 0x11: "length error in the request",
    0x21: "command error (unknown command or parameter)", 0x23: "unauthorised command",
    0x24: "unknown error", 0x31: "card authentication of the SAM failed",
    0x32: "SAM authentication of the card failed", 0x33: "information verification failed",
    0x40: "unknown card type", 0x47: "random number request failed", 0x60: "SAM self-test failed",
    0x66: "SAM not authorised", 0x91: "item empty (e.g. no fingerprint on the card)",
}


class Request(NamedTuple):
    cmd: int
    para: int
    data: bytes


class Response(NamedTuple):
    sw3: int
    data: bytes


def checksum(len_and_body: bytes) -> int:
    return reduce(lambda a, b: a ^ b, len_and_body, 0)


def build_frame(body: bytes) -> bytes:
    """Preamble, LEN, body and CHK around `body` (CMD PARA DATA, or 00 00 SW3 DATA)."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise ValueError(f"frame body of {len(body)} bytes does not fit a 2-byte LEN")
    len_and_body = length.to_bytes(2, "big") + body
    return PREAMBLE + len_and_body + bytes([checksum(len_and_body)])


def build_request(command: Command | tuple[int, int], data: bytes = b"", *, para: int | None = None) -> bytes:
    cmd, default_para = command[0], command[1]
    return build_frame(bytes([cmd, default_para if para is None else para]) + data)


def build_response(sw3: int, data: bytes = b"") -> bytes:
    return build_frame(bytes([0x00, 0x00, sw3]) + data)


def frame_length(header: bytes, minimum: int = MIN_RESPONSE_LEN) -> int:
    """Total size of the frame whose first HEADER_LEN bytes are `header`; ReaderProtocolError
    when they are not the start of a frame."""
    if len(header) < HEADER_LEN:
        raise ReaderProtocolError(f"frame header truncated: {len(header)} of {HEADER_LEN} bytes")
    if header[:len(PREAMBLE)] != PREAMBLE:
        raise ReaderProtocolError(f"no frame preamble: got {header[:len(PREAMBLE)].hex(' ')}")
    length = int.from_bytes(header[5:7], "big")
    if not minimum <= length <= MAX_LEN:
        raise ReaderProtocolError(f"impossible frame length {length} (allowed {minimum}..{MAX_LEN})")
    return HEADER_LEN + length


def frame_body(frame: bytes, minimum: int = MIN_RESPONSE_LEN) -> bytes:
    """The body (between LEN and CHK) of one complete frame, after checking preamble, length
    and checksum."""
    total = frame_length(frame[:HEADER_LEN], minimum)
    if len(frame) != total:
        raise ReaderProtocolError(f"frame is {len(frame)} bytes but its LEN announces {total}")
    expected = checksum(frame[5:-1])
    if frame[-1] != expected:
        raise ReaderProtocolError(f"frame checksum {frame[-1]:02X}, computed {expected:02X}")
    return frame[HEADER_LEN:-1]


def parse_response(frame: bytes) -> Response:
    body = frame_body(frame, MIN_RESPONSE_LEN)
    if body[:2] != b"\x00\x00":
        raise ReaderProtocolError(f"answer does not start with 00 00: {body[:2].hex(' ')}")
    return Response(body[2], body[3:])


def parse_request(frame: bytes) -> Request:
    body = frame_body(frame, MIN_REQUEST_LEN)
    return Request(body[0], body[1], body[2:])


def describe_sw3(sw3: int) -> str:
    return f"SW3 {sw3:02X} ({SW3_MEANING.get(sw3, 'undocumented')})"


def error_for_sw3(sw3: int, command: Command) -> CardError:
    """The typed error for a reader's status byte that is not the success the command expects.
    The driver refines SW3 41 after a successful select into CardRemovedTooEarly."""
    detail = f"{command.name}: {describe_sw3(sw3)}"
    if sw3 == SW_NO_CARD:
        return NoCard(detail)
    if sw3 in (SW_SELECT_FAILED, SW_READ_FAILED):
        return CardReadFailed(detail)
    if sw3 in (SW_CHECKSUM, SW_LENGTH, SW_COMMAND):
        # The reader did not understand our frame: a corrupted line, or a vendor that wants
        # another PARA (reset SAM).
        return ReaderProtocolError(detail)
    if sw3 == SW_SAM_SELF_TEST:
        return ReaderUnavailable(f"{detail}: the security module inside the reader is faulty; "
                                 "power-cycle the reader, then call the vendor")
    if sw3 == SW_SAM_NOT_AUTHORISED:
        return ReaderUnavailable(f"{detail}: the security module is not authorised by the Ministry "
                                 "of Public Security for this reader")
    if sw3 == SW_UNKNOWN_CARD:
        return CardNotRecognised(detail)
    return CardError(detail)


def expected_sw3(command: Command) -> int:
    return SW_FOUND if command.cmd == FIND_CARD.cmd and command.para == FIND_CARD.para else SW_OK


class FrameSplitter:
    """Cuts a byte stream into frames for the simulated reader: skips anything before a
    preamble (line noise) and keeps an incomplete frame until its last byte arrives. A frame
    whose LEN is impossible is dropped with its preamble so the stream can resynchronise."""

    def __init__(self, minimum: int = MIN_REQUEST_LEN):
        self.minimum = minimum
        self._buffer = bytearray()
        self.skipped = 0           # bytes thrown away as noise

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        frames = []
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                keep = _partial_preamble(self._buffer)
                self.skipped += len(self._buffer) - keep
                del self._buffer[:len(self._buffer) - keep]
                return frames
            self.skipped += start
            del self._buffer[:start]
            if len(self._buffer) < HEADER_LEN:
                return frames
            try:
                total = frame_length(bytes(self._buffer[:HEADER_LEN]), self.minimum)
            except ReaderProtocolError:
                self.skipped += len(PREAMBLE)
                del self._buffer[:len(PREAMBLE)]
                continue
            if len(self._buffer) < total:
                return frames
            frames.append(bytes(self._buffer[:total]))
            del self._buffer[:total]

    def reset(self) -> None:
        self._buffer.clear()


def _partial_preamble(buffer: bytearray) -> int:
    """How many trailing bytes of `buffer` could be the beginning of a preamble."""
    for keep in range(min(len(PREAMBLE) - 1, len(buffer)), 0, -1):
        if buffer[-keep:] == PREAMBLE[:keep]:
            return keep
    return 0
