"""A simulated provincial 好差评 receiver over HTTP, that can be down, slow, or lose its replies.

`POST /evaluations` with the evaluation as JSON and its id as Idempotency-Key: stored once,
200 the first time and 200 again for a copy (counted in `copies`), 400 for an evaluation the
province would refuse. The test's switches: `down()` closes the port (connections refused)
and `up()` opens it again on the same port; `slow_s` delays every answer; `lose_replies`
stores the evaluation and then drops the connection without answering, as a network cut
after the province acted would.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from sim.http_service import SwitchableService

REQUIRED = {"evaluation_id": str, "made_at": str, "channel": str, "kiosk_id": str, "level": int,
            "tags": list, "comment": str, "content_version": str, "real_name": bool, "person_hash": str}


def refusal(payload, key: str) -> str:
    """Why the province would refuse this evaluation ("" when it is fine)."""
    if not isinstance(payload, dict):
        return "not a JSON object"
    for name, kind in REQUIRED.items():
        if not isinstance(payload.get(name), kind):
            return f"{name}: missing or not {kind.__name__}"
    if payload["level"] not in (1, 2, 3, 4, 5):
        return "level must be 1-5"
    if payload["evaluation_id"] != key:
        return "Idempotency-Key differs from evaluation_id"
    if payload["level"] <= 2 and not payload["tags"] and not payload["comment"].strip():
        return "a bad rating needs a reason"
    if payload["real_name"] != bool(payload["person_hash"]):
        return "real_name without person_hash"
    return ""


class ProvinceReceiver(SwitchableService):
    name = "province-receiver"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.stored: dict[str, dict] = {}       # evaluation id → the first copy received
        self.copies = 0                         # repeats of an evaluation already stored
        self.refused = 0
        self.slow_s = 0.0
        self.lose_replies = False
        self._lock = threading.Lock()
        super().__init__(host, port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/evaluations"

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.command != "POST" or request.path != "/evaluations":
            return self._answer(request, 404, {"error": "no such path"})
        length = int(request.headers.get("Content-Length") or 0)
        try:
            payload = json.loads(request.rfile.read(length) or b"null")
        except ValueError:
            payload = None
        why = refusal(payload, request.headers.get("Idempotency-Key", ""))
        if self.slow_s:
            time.sleep(self.slow_s)
        if why:
            with self._lock:
                self.refused += 1
            return self._answer(request, 400, {"error": why})
        with self._lock:
            if payload["evaluation_id"] in self.stored:
                self.copies += 1
            else:
                self.stored[payload["evaluation_id"]] = payload
        if self.lose_replies:
            request.close_connection = True
            request.connection.close()      # acted, but the kiosk never hears so
            return
        self._answer(request, 200, {"stored": payload["evaluation_id"]})

    def _answer(self, request, status: int, body: dict) -> None:
        self.send(request, status, json.dumps(body).encode())
