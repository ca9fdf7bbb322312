"""A simulated HTTP service that a test can switch off and on: `down()` closes the port, so
clients get "connection refused" as from a server that is gone, and `up()` opens the same port
again. sim.province and sim.query_backends are two of them."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SwitchableService:
    name = "http-service"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host, self.port = host, port
        self._server: ThreadingHTTPServer | None = None
        self.up()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Answer one request (GET or POST)."""
        raise NotImplementedError

    def up(self) -> None:
        if self._server is not None:
            return
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):       # quiet: the tests read the service's own counts
                pass

            def do_GET(self):
                service.handle(self)

            do_POST = do_GET

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll: down() waits for the loop to notice, and every kiosk stop takes both down.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name,
                         daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    stop = down

    @staticmethod
    def send(request: BaseHTTPRequestHandler, status: int, body: bytes, kind: str = "application/json") -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", kind + "; charset=utf-8")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass                # the client gave up waiting (a slow mode): it will ask again
