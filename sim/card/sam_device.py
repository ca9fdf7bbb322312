"""A virtual ID-card SAM reader: the protocol engine, with no transport.

`feed(bytes)` takes what the host sent and returns the reader's answer frames, byte-exact
(frames from drivers.card.sam_frame). A card is placed or removed at any time, like a citizen's
hand would. As on real readers, a card that has been read is not found again until it leaves
the field and comes back (`one_read_per_placement`).

Faults (names in FAULTS), given at start or injected later:
  persistent until clear_faults():
    no_card            find answers 80 even with a card on the reader
    sam_self_test      SAM status / reset answer 60 (SAM self-test failed)
    sam_not_authorised SAM status / reset answer 66
    unknown_card       read answers 40 (unknown card type)
  one-shot (the next answer only):
    bad_checksum       the answer's CHK byte is corrupted
    garbage            random junk instead of an answer
    silent             no answer at all
    removed_after_select  the next read answers 41 and the card is gone
"""
from __future__ import annotations

import random
import threading
from collections.abc import Iterable

from drivers.card.errors import ReaderProtocolError
from drivers.card.sam_frame import (
    FIND_CARD, READ_TEXT_PHOTO, READ_WITH_FINGERPRINT, RESET_SAM, SAM_ID, SAM_STATUS, SELECT_CARD, SW_CHECKSUM,
    SW_COMMAND, SW_FOUND, SW_NO_CARD, SW_OK, SW_READ_FAILED, SW_SAM_NOT_AUTHORISED, SW_SAM_SELF_TEST,
    SW_SELECT_FAILED, SW_UNKNOWN_CARD, FrameSplitter, build_response, parse_request,
)
from sim.card.sam_cards import card_text, photo_for
from sim.citizens import SimCitizen

PERSISTENT_FAULTS = frozenset({"no_card", "sam_self_test", "sam_not_authorised", "unknown_card"})
ONE_SHOT_FAULTS = frozenset({"bad_checksum", "garbage", "silent", "removed_after_select"})
FAULTS = PERSISTENT_FAULTS | ONE_SHOT_FAULTS

# 05.01-20101011-0012345678-1234567890 as vendor tools print it.
DEFAULT_SAM_ID = (bytes([5, 0, 1, 0]) + (20101011).to_bytes(4, "little") + (12345678).to_bytes(4, "little")
                  + (1234567890).to_bytes(4, "little"))


class VirtualSamReader:
    def __init__(self, citizen: SimCitizen | None = None, faults: Iterable[str] = (), *,
                 reset_para: int = 0xFF, sam_id: bytes = DEFAULT_SAM_ID, one_read_per_placement: bool = True,
                 seed: int = 0):
        self.reset_para = reset_para
        self.sam_id = sam_id
        self.one_read_per_placement = one_read_per_placement
        self.requests: list[tuple[int, int]] = []    # (CMD, PARA) of every well-formed request
        self._lock = threading.RLock()
        self._splitter = FrameSplitter()
        self._random = random.Random(seed)
        self._faults: set[str] = set()
        self._citizen: SimCitizen | None = None
        self._found = self._selected = self._halted = False
        self.inject(*faults)
        if citizen is not None:
            self.place_card(citizen)

    # ------------------------------------------------------------ the citizen's hand
    def place_card(self, citizen: SimCitizen) -> None:
        with self._lock:
            self._citizen = citizen
            self._found = self._selected = self._halted = False

    def remove_card(self) -> None:
        with self._lock:
            self._citizen = None
            self._found = self._selected = self._halted = False

    @property
    def citizen(self) -> SimCitizen | None:
        return self._citizen

    # ------------------------------------------------------------ faults
    def inject(self, *faults: str) -> None:
        unknown = set(faults) - FAULTS
        if unknown:
            raise ValueError(f"unknown SAM reader fault(s) {sorted(unknown)}; known: {', '.join(sorted(FAULTS))}")
        with self._lock:
            self._faults |= set(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._faults)

    def connection_reset(self) -> None:
        with self._lock:
            self._splitter.reset()

    # ------------------------------------------------------------ the wire
    def feed(self, data: bytes) -> bytes:
        """Bytes from the host → the reader's answers (possibly none yet: an incomplete frame)."""
        with self._lock:
            return b"".join(self._answer(frame) for frame in self._splitter.feed(data))

    def _answer(self, frame: bytes) -> bytes:
        try:
            request = parse_request(frame)
        except ReaderProtocolError:
            reply = build_response(SW_CHECKSUM)
        else:
            self.requests.append((request.cmd, request.para))
            reply = self._respond(request.cmd, request.para)
        return self._disturb(reply)

    def _respond(self, cmd: int, para: int) -> bytes:
        faults = self._faults
        if (cmd, para) in ((SAM_STATUS.cmd, SAM_STATUS.para), (RESET_SAM.cmd, self.reset_para)):
            if "sam_self_test" in faults:
                return build_response(SW_SAM_SELF_TEST)
            if "sam_not_authorised" in faults:
                return build_response(SW_SAM_NOT_AUTHORISED)
            return build_response(SW_OK)
        if (cmd, para) == (SAM_ID.cmd, SAM_ID.para):
            return build_response(SW_OK, self.sam_id)
        if (cmd, para) == (FIND_CARD.cmd, FIND_CARD.para):
            self._selected = False
            self._found = self._citizen is not None and not self._halted and "no_card" not in faults
            return build_response(SW_FOUND, bytes(4)) if self._found else build_response(SW_NO_CARD)
        if (cmd, para) == (SELECT_CARD.cmd, SELECT_CARD.para):
            self._selected = self._found and self._citizen is not None
            return build_response(SW_OK, bytes(8)) if self._selected else build_response(SW_SELECT_FAILED)
        if (cmd, para) in ((READ_TEXT_PHOTO.cmd, READ_TEXT_PHOTO.para),
                           (READ_WITH_FINGERPRINT.cmd, READ_WITH_FINGERPRINT.para)):
            return self._read(with_fingerprint=para == READ_WITH_FINGERPRINT.para)
        return build_response(SW_COMMAND)     # includes reset SAM with another vendor's PARA

    def _read(self, with_fingerprint: bool) -> bytes:
        selected, self._selected, self._found = self._selected, False, False
        if "removed_after_select" in self._faults:
            self._faults.discard("removed_after_select")
            self._citizen = None
            return build_response(SW_READ_FAILED)
        if not selected or self._citizen is None:
            return build_response(SW_READ_FAILED)
        if "unknown_card" in self._faults:
            return build_response(SW_UNKNOWN_CARD)
        text, photo = card_text(self._citizen), photo_for(self._citizen)
        lengths = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
        if with_fingerprint:               # a card without fingerprints: length 0
            lengths += bytes(2)
        self._halted = self.one_read_per_placement
        return build_response(SW_OK, lengths + text + photo)

    def _disturb(self, reply: bytes) -> bytes:
        faults = self._faults
        if "silent" in faults:
            faults.discard("silent")
            return b""
        if "garbage" in faults:
            faults.discard("garbage")
            junk = self._random.randbytes(self._random.randint(16, 48))
            return bytes([junk[0] & 0x7F]) + junk[1:]      # never starts like a preamble (AA)
        if "bad_checksum" in faults:
            faults.discard("bad_checksum")
            return reply[:-1] + bytes([reply[-1] ^ 0xFF])
        return reply
