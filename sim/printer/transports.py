"""Real wires for the virtual printer: a pseudo-terminal (what a USB-serial printer looks like)
and a TCP port (a network printer on 9100). Each runs one background thread per connection and
passes bytes straight through VirtualPrinter.feed().

Stopping a server is how a dead or unplugged printer is simulated: the driver's reads then fail
exactly as they do when a cable is pulled.
"""
from __future__ import annotations

import os
import select
import socket
import threading
import tty

from sim.printer.virtual_printer import VirtualPrinter


class PtyPrinterServer:
    def __init__(self, printer: VirtualPrinter):
        self.printer = printer
        self.path: str | None = None
        self._master = self._slave = -1
        self._wake: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Open a pseudo-terminal and serve it; returns the device path (e.g. /dev/pts/7)."""
        self._master, self._slave = os.openpty()
        # Raw mode: no echo, no CR/LF translation - the line must carry bytes untouched. We keep
        # the slave open too, so the pty does not hang up when the driver closes and reopens it.
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._wake = os.pipe()
        self._thread = threading.Thread(target=self._serve, name=f"pty-printer {self.path}", daemon=True)
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
            reply = self.printer.feed(data)
            if reply:
                try:
                    os.write(self._master, reply)
                except OSError:
                    return

    def stop(self) -> None:
        """Close the pty: the driver's port reports an error, like an unplugged adapter."""
        if self._thread is None:
            return
        assert self._wake is not None
        os.write(self._wake[1], b"x")
        self._thread.join(timeout=5)
        for fd in (self._master, self._slave, *self._wake):
            try:
                os.close(fd)
            except OSError:
                pass
        self._thread, self._wake = None, None
        self._master = self._slave = -1
        self.printer.connection_reset()

    def __enter__(self) -> "PtyPrinterServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class TcpPrinterServer:
    def __init__(self, printer: VirtualPrinter, host: str = "127.0.0.1", port: int = 0):
        self.printer = printer
        self.host = host
        self.port = port
        self._listener: socket.socket | None = None
        self._wake: tuple[int, int] | None = None
        self._threads: list[threading.Thread] = []
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> int:
        """Listen and serve; returns the bound port. After stop(), start() again reuses that port."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(4)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._wake = os.pipe()
        self._spawn(self._accept_loop, f"tcp-printer :{self.port}")
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
            self._spawn(self._serve, f"tcp-printer conn :{self.port}", conn)

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
                reply = self.printer.feed(data)
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
            # A network printer starts afresh with each connection.
            self.printer.connection_reset()

    def stop(self) -> None:
        """Close the port and every connection: the driver sees the printer vanish."""
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
        for fd in self._wake:
            os.close(fd)
        self._listener, self._wake = None, None
        with self._lock:
            self._threads.clear()

    def __enter__(self) -> "TcpPrinterServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
