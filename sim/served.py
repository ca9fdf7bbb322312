"""An ASGI app (kiosk-hall's) served by a real uvicorn on 127.0.0.1, in a thread of this process:
for the tests, the benchmarks and the pages' tour, which need the server's real HTTP without a
second process. `port=0` takes a free port; the same port again restarts a server there."""
from __future__ import annotations

import socket
import threading
import time

import uvicorn


class Served:
    def __init__(self, app, port: int = 0, graceful_s: float = 1.0, factory: bool = False):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)     # (a restart on the same port)
        self.sock.bind(("127.0.0.1", port))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config((lambda: app) if factory else app, factory=factory,
                                                    log_level="warning", timeout_graceful_shutdown=graceful_s))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "Served":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start within 10 s")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=timeout)
        self.sock.close()

    def __exit__(self, *exc) -> None:
        self.stop()
