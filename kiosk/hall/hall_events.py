"""What the hall server pushes to a kiosk (server-sent events on /v1/events), and what the kiosk
does about it: a lock from /admin takes the kiosk out of use until it is unlocked; a test print
or a restart asked from /admin is done (kiosk.core.do_asked) and answered; the queues'
lengths after every change become the waits the kiosk shows before a number is taken; a new
catalogue version (the operator reloaded the hall's files) is fetched and taken over.

Push is a hint, never the only source: on every (re)connect the kiosk reads its state
(GET /v1/kiosks/{id}/state), so a lock set or a catalogue reloaded while it was away still
holds. It reads it once the stream has begun (its first event), not before: a change made
between the read and the subscription would otherwise reach neither. The
stream is read on a thread of its own with a read timeout longer than the server's heartbeat;
a stream that goes quiet or breaks is opened again after a pause.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
from typing import Callable

import requests

from kiosk.hall.model import WindowGroupLoad
from kiosk.hall.wire import from_json

log = logging.getLogger(__name__)
RECONNECT_S = 2.0
QUIET_S = 35.0               # three missed heartbeats (the server beats every 10 s)


class HallEvents:
    def __init__(self, url: str, token: str, kiosk_id: str, verify, on_lock: Callable[[bool, str], None],
                 on_loads: Callable[[list[WindowGroupLoad]], None] = lambda loads: None,
                 on_catalogue: Callable[[str], None] = lambda version: None,
                 on_command: Callable[[str, str], None] = lambda command_id, command: None):
        self._url, self._kiosk, self._verify, self._on_lock = url.rstrip("/"), kiosk_id, verify, on_lock
        self._on_loads, self._on_catalogue, self._on_command = on_loads, on_catalogue, on_command
        self._headers = {"Authorization": f"Bearer {token}"}
        self._stop = threading.Event()
        self._response = None
        self._thread = threading.Thread(target=self._run, name="hall-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        response = self._response
        if response is not None:
            # Closing the response does not end a read already waiting on the socket (it waited
            # for the next heartbeat, up to 10 s, at every kiosk's stop): shutting the socket does.
            sock = _socket_of(response)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            response.close()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as e:      # a broken stream (or stop() closing it under the read)
                if self._stop.is_set():
                    return
                log.debug("hall events: %s: %s", type(e).__name__, e)
            self._stop.wait(RECONNECT_S)

    def _read_state(self) -> None:
        state = requests.get(f"{self._url}/v1/kiosks/{self._kiosk}/state", headers=self._headers,
                             verify=self._verify, timeout=(2, 5))
        if state.ok:
            self._on_lock(bool(state.json()["locked"]), state.json()["reason"])
            self._on_catalogue(state.json().get("catalogue_version") or "")
            for command in state.json().get("commands", []):       # asked while the kiosk was away
                self._on_command(command["command_id"], command["command"])

    def _listen(self) -> None:
        with requests.get(f"{self._url}/v1/events", headers=self._headers, verify=self._verify, stream=True,
                          timeout=(2, QUIET_S)) as response:
            self._response = response
            event = None
            # chunk_size=None: each event as it arrives (the default waits for 512 bytes, which
            # held a short event back until the next heartbeat came to fill the chunk).
            for line in response.iter_lines(chunk_size=None, decode_unicode=True):
                if self._stop.is_set():
                    return
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: ") and event in ("kiosk_lock", "loads", "state", "catalogue",
                                                                  "kiosk_command"):
                    data = json.loads(line[len("data: "):])
                    if event == "state":                # the stream's first event: subscribed now
                        self._read_state()
                    if event == "catalogue":
                        self._on_catalogue(data.get("version", ""))
                    elif event == "kiosk_command" and data.get("kiosk_id") == self._kiosk:
                        self._on_command(data["command_id"], data["command"])
                    elif event == "kiosk_lock" and data.get("kiosk_id") == self._kiosk:
                        self._on_lock(bool(data["locked"]), data.get("reason", ""))
                    elif event == "loads" or event == "state":      # the queues: the kiosk shows live waits
                        self._on_loads(from_json(data if event == "loads" else data.get("loads", []),
                                                 list[WindowGroupLoad]))


def _socket_of(response):
    """The socket under a streamed requests response (urllib3 2: its connection's, else the
    http.client response's), or None."""
    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    if sock is None:
        fp = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    return sock
