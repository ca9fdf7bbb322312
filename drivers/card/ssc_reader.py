"""Read a social-security card (社会保障卡) in a PC/SC reader, through pcscd and pyscard.

    >>> reader = SocialSecurityCardReader()                 # first reader holding a card
    >>> card = reader.read()
    >>> card
    SocialSecurityCard(spec 2.00, region 441900, card_number A******78, id_number 4419**********1236, ...)
    >>> card.name, card.id_number, card.birth_date
    >>> card.card_id.text, card.region, card.warnings
    ('441900D156000005...', '441900', ())

Each read() opens its own PC/SC context and lets go of everything before returning (no handle
is held between reads, so a restarted pcscd or a re-plugged reader simply works next time).
Every failure is a typed CardError with a sentence for the citizen:

- pcscd not running, no reader, reader name unknown        → ReaderUnavailable
- reader empty                                             → NoCard
- something in the slot but no ATR (pcscd: MUTE/unpowered) → CardUpsideDown. Heuristic: a
  reader's switch sees the card, but its contacts touch nothing. At a kiosk that is almost
  always a card inserted the wrong way round; a dead chip looks the same, and the advice
  (insert chip first, facing up) is right for both.
- ATR not 3B 6D 00 00 ..., or no SSSE application          → CardNotRecognised
- card gone while we talk to it                            → CardRemovedTooEarly
- 6982 and no (or wrong) access rules configured           → CardAccessDenied
- ID number missing, undecodable or failing its GB 11643 check, or no name → CardDataInvalid

Any other record of an unexpected shape (卡识别码, card type, spec version, dates, ...) or an ATR
that does not echo 卡识别码 is NOT a failure: the card is read, the oddities are logged (masked)
and carried in card.warnings for the technician. Byte layouts: docs/social-security-card.md.
"""
from __future__ import annotations

import logging
import time

from smartcard import scard

from drivers.card.errors import (CardDataInvalid, CardNotRecognised, CardRemovedTooEarly,
                                 CardUpsideDown, NoCard, ReaderUnavailable)
from drivers.card.ssc_apdu import ADDRESSINGS, ATR_PREFIX, BY_TAG_SFI, atr_looks_like_ssc, select_by_name
from drivers.card.ssc_fields import SocialSecurityCard, decode_card
from drivers.card.ssc_protocol import LE_POLICIES, SscAccessRules, SscConversation

__all__ = ["SocialSecurityCardReader", "SscAccessRules", "SocialSecurityCard", "list_readers"]

log = logging.getLogger(__name__)

# pcscd's answers when the card is no longer there to talk to.
_GONE = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_RESET_CARD,
         scard.SCARD_E_NOT_TRANSACTED, scard.SCARD_F_COMM_ERROR, scard.SCARD_W_UNPOWERED_CARD,
         scard.SCARD_W_UNRESPONSIVE_CARD}
_NO_SERVICE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_E_NO_READERS_AVAILABLE,
               scard.SCARD_E_READER_UNAVAILABLE, scard.SCARD_E_UNKNOWN_READER}
_MUTE = scard.SCARD_STATE_MUTE
_PRESENT = scard.SCARD_STATE_PRESENT


def _u32(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


def _describe(hresult: int) -> str:
    return f"{scard.SCardGetErrorMessage(hresult)} (0x{_u32(hresult):08X})"


class _Pcsc:
    """One PC/SC context for the length of one operation."""

    def __init__(self):
        hresult, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"pcscd not reachable: {_describe(hresult)}")

    def release(self) -> None:
        scard.SCardReleaseContext(self.context)

    def readers(self) -> list[str]:
        hresult, names = scard.SCardListReaders(self.context, [])
        if _u32(hresult) == _u32(scard.SCARD_E_NO_READERS_AVAILABLE):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"cannot list readers: {_describe(hresult)}")
        return list(names)

    def states(self, names: list[str]) -> list[tuple[str, int, bytes]]:
        """(reader, event state, ATR) for each reader, without waiting."""
        hresult, states = scard.SCardGetStatusChange(
            self.context, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names])
        if hresult != scard.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"cannot ask the reader's state: {_describe(hresult)}")
        return [(name, state, bytes(atr)) for name, state, atr in states]


def list_readers() -> list[str]:
    """Names pcscd knows, e.g. ['Virtual PCD 00 00', 'Virtual PCD 00 01']."""
    pcsc = _Pcsc()
    try:
        return pcsc.readers()
    finally:
        pcsc.release()


class SocialSecurityCardReader:
    def __init__(self, reader_name: str | None = None, access: SscAccessRules | None = None, *,
                 addressing: str = BY_TAG_SFI, le_policy: str = "record",
                 atr_prefixes: tuple[bytes, ...] = (ATR_PREFIX,)):
        """reader_name: a PC/SC reader name, or None for the first reader holding a card.
        access: VERIFY / EXTERNAL AUTHENTICATE this region demands (None: read freely).
        addressing / le_policy: how READ RECORD is sent (ssc_apdu.ADDRESSINGS, "record" /
        "value" / "zero"); the defaults take the fewest APDUs.
        atr_prefixes: ATRs accepted as social-security cards."""
        self.reader_name = reader_name
        self.access = access
        self.addressing = addressing
        self.le_policy = le_policy
        self.atr_prefixes = atr_prefixes
        if addressing not in ADDRESSINGS:
            raise ValueError(f"addressing must be one of {ADDRESSINGS}")
        if le_policy not in LE_POLICIES:
            raise ValueError(f"le_policy must be one of {LE_POLICIES}")

    def __repr__(self) -> str:
        return f"SocialSecurityCardReader({self.reader_name or 'first reader with a card'}, {self.access!r})"

    def read(self) -> SocialSecurityCard:
        started = time.perf_counter()
        pcsc = _Pcsc()
        try:
            name, atr = self._find_card(pcsc)
            if not atr_looks_like_ssc(atr, self.atr_prefixes):
                raise CardNotRecognised(f"ATR {atr.hex().upper()} is not a social-security card's")
            handle, protocol = self._connect(pcsc, name)
            # Reset, not leave: a VERIFY or EXTERNAL AUTHENTICATE must not outlive this read.
            # But leave a card that is gone: resetting it fails, and pcscd (vpcd at least) then
            # marks the slot empty before its own poll has seen the card go, and misses the next.
            disposition = scard.SCARD_RESET_CARD
            # One transaction for the whole read: another program on this reader (a technician's
            # kiosk-diag, a second kiosk process) must not slip its APDUs between ours and change
            # the selected file under us.
            hresult = scard.SCardBeginTransaction(handle)
            if hresult != scard.SCARD_S_SUCCESS:
                scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
                raise _transmit_error(hresult)
            try:
                conversation = SscConversation(lambda apdu: self._transmit(handle, protocol, apdu),
                                               self.access, addressing=self.addressing,
                                               le_policy=self.le_policy)
                values = conversation.read_values()
            except CardRemovedTooEarly:
                disposition = scard.SCARD_LEAVE_CARD
                raise
            finally:
                scard.SCardEndTransaction(handle, scard.SCARD_LEAVE_CARD)
                scard.SCardDisconnect(handle, disposition)
            card = decode_card(values, atr=atr, apdu_count=conversation.apdu_count,
                               ms=(time.perf_counter() - started) * 1000,
                               unreadable=conversation.unreadable)
            log.info("social-security card read on %s: %r", name, card)
            if card.warnings:
                # Warnings name fields and card-structure bytes, never the holder's data.
                log.warning("social-security card on %s has %d odd field(s), read anyway: %s",
                            name, len(card.warnings), " | ".join(card.warnings))
            return card
        finally:
            pcsc.release()

    # ------------------------------------------------------------ steps
    def _find_card(self, pcsc: _Pcsc) -> tuple[str, bytes]:
        names = pcsc.readers()
        if not names:
            raise ReaderUnavailable("pcscd lists no card reader")
        if self.reader_name is not None:
            if self.reader_name not in names:
                raise ReaderUnavailable(f"reader {self.reader_name!r} not connected (have {names})")
            names = [self.reader_name]
        states = pcsc.states(names)
        for name, state, atr in states:
            if state & _PRESENT and not state & _MUTE:
                return name, atr
        for name, state, _ in states:
            if state & _MUTE:
                raise CardUpsideDown(f"{name}: a card is in the slot but gives no ATR")
        raise NoCard(f"no card in {', '.join(names)}")

    @staticmethod
    def _connect(pcsc: _Pcsc, name: str) -> tuple[int, int]:
        hresult, handle, protocol = scard.SCardConnect(
            pcsc.context, name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        if hresult == scard.SCARD_S_SUCCESS:
            return handle, protocol
        code = _u32(hresult)
        if code in {_u32(scard.SCARD_W_UNPOWERED_CARD), _u32(scard.SCARD_W_UNRESPONSIVE_CARD)}:
            raise CardUpsideDown(f"{name}: card does not power up: {_describe(hresult)}")
        if code in {_u32(c) for c in _NO_SERVICE}:
            raise ReaderUnavailable(f"{name}: {_describe(hresult)}")
        if code in {_u32(scard.SCARD_E_NO_SMARTCARD), _u32(scard.SCARD_W_REMOVED_CARD)}:
            raise CardRemovedTooEarly(f"{name}: card left before we could connect")
        raise CardNotRecognised(f"{name}: cannot connect: {_describe(hresult)}")

    @staticmethod
    def _transmit(handle: int, protocol: int, apdu: bytes) -> tuple[bytes, int]:
        hresult, response = scard.SCardTransmit(handle, protocol, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            raise _transmit_error(hresult)
        if len(response) < 2:
            # vpcd (and some readers) hand back nothing when the card leaves mid-command. One
            # harmless probe tells a card that is gone (fails at once) from one that is babbling.
            hresult, _ = scard.SCardTransmit(handle, protocol, list(select_by_name()))
            if hresult != scard.SCARD_S_SUCCESS:
                raise CardRemovedTooEarly(f"card went silent mid-read: {_describe(hresult)}")
            raise CardDataInvalid(f"card answered {len(response)} bytes, no status word")
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]


def _transmit_error(hresult: int) -> Exception:
    code = _u32(hresult)
    if code in {_u32(c) for c in _GONE}:
        return CardRemovedTooEarly(f"card left during the read: {_describe(hresult)}")
    if code in {_u32(c) for c in _NO_SERVICE}:
        return ReaderUnavailable(f"reader went away during the read: {_describe(hresult)}")
    return CardRemovedTooEarly(f"transmit failed: {_describe(hresult)}")
