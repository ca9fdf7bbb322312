"""Real wires for the simulated devices: a pseudo-terminal (what a USB-serial device looks like)
and a TCP port (a device on the hall network, or behind a serial-to-Ethernet converter).

`device` is anything with `feed(data: bytes) -> bytes` (bytes in from the host, the answer out)
and optionally `connection_reset()`, called when the line drops so the device forgets any
half-received frame. The virtual printer and the virtual SAM reader both fit.

Stopping a server is how a dead or unplugged device is simulated: the driver's reads then fail
exactly as they do when a cable is pulled.
"""
from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from typing import Protocol, Self

BITS_PER_BYTE = 10          # start + 8 data + stop (8N1)
CHUNK = 32                  # bytes handed to the pty at a time when pacing


class Device(Protocol):
    def feed(self, data: bytes) -> bytes: ...


def _reset(device: Device) -> None:
    reset = getattr(device, "connection_reset", None)
    if reset is not None:
        reset()


def _close_all(*fds: int) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


class PtyServer:
    """Serves `device` on a pseudo-terminal; start() returns its path (e.g. /dev/pts/7).

    With `baud_pacing=True` the line runs at the speed of a real serial line: a request is
    answered only after its bytes would have crossed the wire (and the device's own
    `reply_delay()`, if it has one), and the answer's bytes reach the host at `baudrate`.
    Without pacing the pty is as fast as the machine.
    """

    def __init__(self, device: Device, *, name: str, baud_pacing: bool = False, baudrate: int = 115200):
        self.device = device
        self.name = name
        self.baud_pacing = baud_pacing
        self.baudrate = baudrate
        self.path: str | None = None
        self._master = self._slave = -1
        self._wake: tuple[int, int] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Open a pseudo-terminal and serve it; returns the device path."""
        self._master, self._slave = os.openpty()
        # Raw mode: no echo, no CR/LF translation - the line must carry bytes untouched. We keep
        # the slave open too, so the pty does not hang up when the driver closes and reopens it.
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._wake = os.pipe()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"pty-{self.name} {self.path}", daemon=True)
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
            reply = self.device.feed(data)
            if not reply:
                continue
            try:
                if self.baud_pacing:
                    # A device may take its time to answer (a lock board's turnaround).
                    turnaround = self.device.reply_delay() if hasattr(self.device, "reply_delay") else 0.0
                    if not self._paced_write(reply, received + self._line_time(len(data)) + turnaround):
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
            delay = start + self._line_time(i + len(chunk)) - time.monotonic()
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
        _close_all(self._master, self._slave, *self._wake)
        self._thread, self._wake = None, None
        self._master = self._slave = -1
        _reset(self.device)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class TcpServer:
    """Serves `device` on a TCP port, one thread per connection; start() returns the port.
    After stop(), start() again listens on that same port, as a restarted device would."""

    def __init__(self, device: Device, host: str = "127.0.0.1", port: int = 0, *, name: str):
        self.device = device
        self.name = name
        self.host, self.port = host, port
        self._listener: socket.socket | None = None
        self._wake: tuple[int, int] | None = None
        self._threads: list[threading.Thread] = []
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> int:
        """Listen and serve; returns the bound port."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(4)
        self.port = listener.getsockname()[1]
        self._listener, self._wake = listener, os.pipe()
        self._spawn(self._accept_loop, f"tcp-{self.name} :{self.port}")
        return self.port

    def _spawn(self, target, name: str, *args) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads = [old for old in self._threads if old.is_alive()]
            self._threads.append(t)
        t.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None and self._wake is not None
        while True:
            ready, _, _ = select.select([self._listener, self._wake[0]], [], [])
            if self._wake[0] in ready:
                return
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._conns.add(conn)
            self._spawn(self._serve, f"tcp-{self.name} conn :{self.port}", conn)

    def _serve(self, conn: socket.socket) -> None:
        assert self._wake is not None
        wake = self._wake[0]
        try:
            while True:
                ready, _, _ = select.select([conn, wake], [], [])
                if wake in ready:
                    return
                data = conn.recv(65536)
                if not data:
                    return
                reply = self.device.feed(data)
                if reply:
                    conn.sendall(reply)
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass
            # A network device starts afresh with each connection.
            _reset(self.device)

    def stop(self) -> None:
        """Close the port and every connection: the driver sees the device vanish, like a
        pulled network cable."""
        if self._listener is None:
            return
        assert self._wake is not None
        os.write(self._wake[1], b"x")
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in threads:
            t.join(timeout=5)
        self._listener.close()
        _close_all(*self._wake)
        self._listener, self._wake = None, None
        with self._lock:
            self._threads.clear()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
