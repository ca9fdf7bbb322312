"""The virtual SAM reader on a pseudo-terminal: what a USB-serial ID-card reader looks like.

With `baud_pacing=True` the line runs at the speed of a real serial line: a request is answered
only after its bytes would have crossed the wire, and an answer's bytes reach the host at
`baudrate` (10 bits a byte for 8N1), so a 1295-byte read takes ~112 ms at 115200 baud as it
does on the counter. Without pacing the pty is as fast as the machine.

Stopping the server is how an unplugged reader is simulated.
"""
from __future__ import annotations

import os
import select
import threading
import time
import tty

from sim.card.sam_device import VirtualSamReader

BITS_PER_BYTE = 10          # start + 8 data + stop
CHUNK = 32                  # bytes handed to the pty at a time when pacing


class PtySamServer:
    def __init__(self, reader: VirtualSamReader, *, baud_pacing: bool = False, baudrate: int = 115200):
        self.reader = reader
        self.baud_pacing = baud_pacing
        self.baudrate = baudrate
        self.path: str | None = None
        self._master = self._slave = -1
        self._wake: tuple[int, int] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Open a pseudo-terminal and serve it; returns the device path (e.g. /dev/pts/7)."""
        self._master, self._slave = os.openpty()
        # Raw mode: the line carries bytes untouched. The slave stays open here too, so the pty
        # does not hang up when the driver closes and reopens it.
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._wake = os.pipe()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"pty-sam {self.path}", daemon=True)
        self._thread.start()
        return self.path

    def _serve(self) -> None:
        assert self._wake is not None
        while True:
            ready, _, _ = select.select([self._master, self._wake[0]], [], [])
            if self._wake[0] in ready:
                return
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            received = time.monotonic()
            reply = self.reader.feed(data)
            if not reply:
                continue
            try:
                if self.baud_pacing:
                    if not self._paced_write(reply, received + self._line_time(len(data))):
                        return
                else:
                    os.write(self._master, reply)
            except OSError:
                return

    def _line_time(self, count: int) -> float:
        return count * BITS_PER_BYTE / self.baudrate

    def _paced_write(self, reply: bytes, start: float) -> bool:
        """Each chunk goes out when its last byte would have finished crossing the line.
        False when the server is stopping."""
        for i in range(0, len(reply), CHUNK):
            chunk = reply[i:i + CHUNK]
            due = start + self._line_time(i + len(chunk))
            delay = due - time.monotonic()
            if delay > 0 and self._stopping.wait(delay):
                return False
            os.write(self._master, chunk)
        return True

    def stop(self) -> None:
        """Close the pty: the driver's port reports an error, like an unplugged adapter."""
        if self._thread is None:
            return
        assert self._wake is not None
        self._stopping.set()
        os.write(self._wake[1], b"x")
        self._thread.join(timeout=5)
        for fd in (self._master, self._slave, *self._wake):
            try:
                os.close(fd)
            except OSError:
                pass
        self._thread, self._wake = None, None
        self._master = self._slave = -1
        self.reader.connection_reset()

    def __enter__(self) -> "PtySamServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
