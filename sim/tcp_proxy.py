"""A TCP proxy on 127.0.0.1 that plays the hall's network on a bad day, between a kiosk and
kiosk-hall: it forwards, or cuts every open connection and refuses new ones (`cut()`), or
swallows what is sent without answering (`silent()`: packets lost), or lets one request through
to the server and drops the connection before the answer comes back (`drop_next_reply()`: the
server acted, the kiosk never heard). `heal()` forwards again."""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target_port: int, host: str = "127.0.0.1"):
        self.target = (host, target_port)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self.mode = "forward"               # forward | cut | silent
        self._drop_replies = 0
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    # ---------------------------------------------------------------- what a test does
    def cut(self) -> None:
        """The cable pulled: every connection reset, new ones refused."""
        self.mode = "cut"
        self._close_all()

    def silent(self) -> None:
        """Packets lost: connections are accepted and nothing ever comes back."""
        self.mode = "silent"
        self._close_all()

    def drop_next_reply(self, count: int = 1) -> None:
        self._drop_replies += count

    def heal(self) -> None:
        self.mode = "forward"

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self._close_all()

    # ---------------------------------------------------------------- the wire
    def _close_all(self) -> None:
        with self._lock:
            sockets, self._open = self._open, []
        for s in sockets:
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")   # RST
                s.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "cut":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()                  # reset at once: as good as refused
                continue
            with self._lock:
                self._open.append(client)
            if self.mode == "silent":
                continue                        # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.append(upstream)
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, replies: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if replies and self._drop_replies > 0:
                    self._drop_replies -= 1     # the server answered; the kiosk never hears it
                    break
                if self.mode != "forward":
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass
