"""Watch PC/SC readers for cards coming and going, on a background thread.

    >>> monitor = PcscMonitor(on_card_inserted=lambda reader, atr: ...,
    ...                       on_card_removed=lambda reader: ...,
    ...                       on_readers_changed=lambda names: ...)
    >>> monitor.start()      # returns at once
    >>> monitor.stop()       # wakes the thread with SCardCancel and joins it

One thread blocks in SCardGetStatusChange on every reader plus pcsc-lite's "\\\\?PnP?\\Notification"
pseudo-reader, so a card, a reader, or pcscd itself coming or going all wake it. No Qt: the
callbacks run on the monitor thread; a GUI layer re-posts them to its own thread. A callback
that raises is logged and does not stop the watching.

- A card already in a reader when the monitor starts is reported as inserted.
- A card in the slot that gives no ATR (pcscd: MUTE) is reported as inserted with atr=b"";
  reading it raises CardUpsideDown.
- If pcscd stops, readers are reported as [] and the monitor reconnects every `retry_s`.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from smartcard import scard

from drivers.callbacks import call_safely

log = logging.getLogger(__name__)

PNP_READER = "\\\\?PnP?\\Notification"
_SEEN = scard.SCARD_STATE_PRESENT | scard.SCARD_STATE_MUTE


class PcscMonitor:
    def __init__(self, on_card_inserted: Callable[[str, bytes], None] | None = None,
                 on_card_removed: Callable[[str], None] | None = None,
                 on_readers_changed: Callable[[list[str]], None] | None = None, *,
                 wait_ms: int = 2000, retry_s: float = 1.0):
        self.on_card_inserted = on_card_inserted
        self.on_card_removed = on_card_removed
        self.on_readers_changed = on_readers_changed
        self.wait_ms, self.retry_s = wait_ms, retry_s
        self._stop = threading.Event()
        self._context: int | None = None
        self._context_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._readers: list[str] = []
        self._cards: dict[str, bytes] = {}       # reader → ATR of the card in it

    @property
    def readers(self) -> list[str]:
        return list(self._readers)

    @property
    def cards(self) -> dict[str, bytes]:
        """Reader → ATR of the card it holds now (b"" for a mute card)."""
        return dict(self._cards)

    def start(self) -> "PcscMonitor":
        if self._thread is not None:
            raise RuntimeError("monitor already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-monitor", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        deadline = time.monotonic() + timeout
        # SCardCancel only wakes a wait already in progress: the thread may be between two
        # waits, so keep cancelling until it has noticed the stop flag.
        while thread.is_alive() and time.monotonic() < deadline:
            with self._context_lock:
                if self._context is not None:
                    scard.SCardCancel(self._context)
            thread.join(0.05)

    def __enter__(self) -> "PcscMonitor":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------ the thread
    def _run(self) -> None:
        while not self._stop.is_set():
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                self._lost_service()
                self._stop.wait(self.retry_s)
                continue
            with self._context_lock:
                self._context = context
            try:
                self._watch(context)
            finally:
                with self._context_lock:
                    self._context = None
                scard.SCardReleaseContext(context)
            if not self._stop.is_set():
                self._lost_service()
                self._stop.wait(self.retry_s)

    def _watch(self, context: int) -> None:
        """Returns when stopped or when pcscd is gone."""
        known: dict[str, int] = {PNP_READER: scard.SCARD_STATE_UNAWARE}
        while not self._stop.is_set():
            hresult, names = scard.SCardListReaders(context, [])
            if hresult != scard.SCARD_S_SUCCESS:
                if _u32(hresult) != _u32(scard.SCARD_E_NO_READERS_AVAILABLE):
                    return
                names = []
            self._set_readers(list(names))
            known = {n: known.get(n, scard.SCARD_STATE_UNAWARE) for n in [PNP_READER, *names]}
            hresult, states = scard.SCardGetStatusChange(context, self.wait_ms, list(known.items()))
            code = _u32(hresult)
            if code in (_u32(scard.SCARD_E_TIMEOUT),):
                continue
            if code == _u32(scard.SCARD_E_CANCELLED):
                return
            if code == _u32(scard.SCARD_E_UNKNOWN_READER):
                continue                         # a reader vanished between list and wait
            if hresult != scard.SCARD_S_SUCCESS:
                log.warning("pcscd stopped answering: %s", scard.SCardGetErrorMessage(hresult))
                return
            for name, state, atr in states:
                known[name] = state & ~scard.SCARD_STATE_CHANGED
                if name != PNP_READER:
                    self._set_card(name, state, bytes(atr))

    def _set_readers(self, names: list[str]) -> None:
        if names == self._readers:
            return
        for gone in [r for r in self._cards if r not in names]:
            self._set_card(gone, 0, b"")
        self._readers = names
        call_safely(self.on_readers_changed, list(names))

    def _set_card(self, name: str, state: int, atr: bytes) -> None:
        present = bool(state & _SEEN)
        if state & scard.SCARD_STATE_MUTE:
            atr = b""
        had = self._cards.get(name)
        if had is not None and (not present or atr != had):
            del self._cards[name]
            call_safely(self.on_card_removed, name)
        if present and name not in self._cards:
            self._cards[name] = atr
            call_safely(self.on_card_inserted, name, atr)

    def _lost_service(self) -> None:
        self._set_readers([])


def _u32(hresult: int) -> int:
    return hresult & 0xFFFFFFFF
