"""The card's end of vsmartcard's vpcd link (docs/social-security-card.md, "Simulation: vpcd").

pcscd's vpcd driver listens on TCP 35963 (slot 0) / 35964 (slot 1); a virtual card connects to
it. Every message both ways is a 2-byte big-endian length and a payload. A 1-byte payload from
vpcd is a control code (00 power off, 01 power on, 02 reset, 04 "send your ATR"); anything
longer is a command APDU, answered with the response APDU.

Latency trap: vpcd writes the length and the body separately, so with Nagle on our side and
delayed ACKs on both, every APDU would wait ~40 ms. TCP_NODELAY is set once; TCP_QUICKACK is
switched off by the kernel after each exchange, so it is re-armed before every recv.
"""
from __future__ import annotations

import logging
import socket
import struct
import threading
from typing import Protocol

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT_SLOT0, VPCD_PORT_SLOT1 = 35963, 35964
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04


class VpcdCard(Protocol):
    """What the link asks of a card. Returning PULL from `on_apdu` / `on_atr_request` pulls the
    card out (closes the socket) instead of answering. Never return None there: vpcd waits for
    an answer with no timeout, and a silent card would hang that pcscd slot."""

    def on_power(self, code: int) -> None: ...
    def on_atr_request(self) -> bytes | None: ...
    def on_apdu(self, apdu: bytes) -> bytes | None: ...


class _Pull:
    """Returned by a card's handler to pull itself out of the reader mid-conversation."""

    def __repr__(self) -> str:
        return "PULL"


PULL = _Pull()


def frame(payload: bytes) -> bytes:
    return struct.pack(">H", len(payload)) + payload


class VpcdLink:
    def __init__(self, card: VpcdCard, port: int = VPCD_PORT_SLOT0, host: str = VPCD_HOST, *,
                 low_latency: bool = True):
        self.card, self.port, self.host = card, port, host
        self.low_latency = low_latency      # False only to measure the trap (benchmarks)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self.closed = threading.Event()     # set when the link is gone, whoever closed it

    @property
    def connected(self) -> bool:
        return self._sock is not None and not self.closed.is_set()

    def connect(self, timeout: float = 2.0) -> None:
        """Connect to vpcd (= insert the card). ConnectionError when pcscd is not listening."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        if self.low_latency:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        self._sock = sock
        self._closing.clear()
        self.closed.clear()
        self._thread = threading.Thread(target=self._serve, name=f"vpcd-card:{self.port}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Close the socket (= pull the card). Safe to call twice and from the serving thread."""
        self._closing.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self.closed.set()

    # ------------------------------------------------------------ serving
    def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            # Re-armed every time: the kernel drops quick-ACK mode after it sends an ACK.
            if self.low_latency:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def _serve(self) -> None:
        sock = self._sock
        try:
            while sock is not None and not self._closing.is_set():
                head = self._recv_exact(sock, 2)
                if head is None:
                    break
                body = self._recv_exact(sock, struct.unpack(">H", head)[0])
                if body is None:
                    break
                reply = self._dispatch(body)
                if reply is PULL:
                    break
                if reply is not None:
                    sock.sendall(frame(reply))
        except OSError as e:
            if not self._closing.is_set():
                log.debug("vpcd link on port %d ended: %s", self.port, e)
        finally:
            if not self._closing.is_set():
                self.close()
            self.closed.set()

    def _dispatch(self, body: bytes):
        if len(body) == 1:
            code = body[0]
            if code == CTRL_ATR:
                return self.card.on_atr_request()
            self.card.on_power(code)
            return None
        return self.card.on_apdu(body)
