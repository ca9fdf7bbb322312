"""The virtual SAM reader behind a TCP port, as a reader with a serial-to-Ethernet converter or
its own network port looks. One connection at a time (the reader has one host); stopping the
server closes it, like pulling the network cable."""
from __future__ import annotations

import os
import select
import socket
import threading

from sim.card.sam_device import VirtualSamReader


class TcpSamServer:
    def __init__(self, reader: VirtualSamReader, host: str = "127.0.0.1", port: int = 0):
        self.reader = reader
        self.host, self.port = host, port
        self._listener: socket.socket | None = None
        self._wake: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Listen and serve; returns the bound port."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(1)
        self.port = listener.getsockname()[1]
        self._listener, self._wake = listener, os.pipe()
        self._thread = threading.Thread(target=self._serve, name=f"tcp-sam :{self.port}", daemon=True)
        self._thread.start()
        return self.port

    def _serve(self) -> None:
        assert self._listener is not None and self._wake is not None
        wake = self._wake[0]
        while True:
            if wake in select.select([self._listener, wake], [], [])[0]:
                return
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                while True:
                    if wake in select.select([conn, wake], [], [])[0]:
                        return
                    data = conn.recv(65536)
                    if not data:
                        break
                    reply = self.reader.feed(data)
                    if reply:
                        conn.sendall(reply)
            except OSError:
                pass
            finally:
                conn.close()
                self.reader.connection_reset()

    def stop(self) -> None:
        if self._thread is None:
            return
        assert self._wake is not None and self._listener is not None
        os.write(self._wake[1], b"x")
        self._thread.join(timeout=5)
        self._listener.close()
        for fd in self._wake:
            os.close(fd)
        self._thread = self._listener = self._wake = None

    def __enter__(self) -> "TcpSamServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
