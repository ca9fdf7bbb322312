"""`kiosk-hall serve --workers 2` on a real PostgreSQL, as a hall with many windows would run it:
two server processes, and still every display stream hears every call whichever process the
window's request reached, and /admin sees a kiosk's health report whichever process took it
(events travel between the processes through PostgreSQL's NOTIFY)."""
from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from kiosk.hall.http_hall import HttpHall
from kiosk.hall.model import Citizen, TicketKind, TicketRequest
from tests.benchmarks.test_hall_server_speed import always_open

pytestmark = pytest.mark.wire


def kiosk_hall(*args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "kiosk.server.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def two_workers(postgres, tmp_path):
    db = postgres.fresh_url(uri=True)
    config = always_open(tmp_path / "config")
    kiosk_hall("init-db", "--db", db, "--config", str(config))
    token = kiosk_hall("token", "create", "--kiosk", "kiosk-1", "--db", db, "--config", str(config))
    kiosk_hall("staff", "add", "--id", "W01-wang", "--db", db, "--config", str(config), stdin="a long password\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "kiosk.server.cli", "serve", "--db", db, "--port", str(port),
                               "--workers", "2", "--config", str(config)], stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{url}/v1/health", timeout=2)
            break
        except requests.ConnectionError:
            assert server.poll() is None and time.monotonic() < deadline, "kiosk-hall serve --workers 2 did not start"
            time.sleep(0.1)
    yield url, token
    server.terminate()
    server.wait(timeout=20)


def listen(url: str, heard: queue.Queue) -> None:
    with requests.get(f"{url}/display/events", stream=True, timeout=30) as reply:
        event = None
        for line in reply.iter_lines(decode_unicode=True):
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "call":
                heard.put(json.loads(line[6:])["number"])


def test_every_display_hears_every_call_and_admin_sees_every_report(two_workers):
    url, token = two_workers
    streams = [queue.Queue() for _ in range(4)]          # new connections: spread over the two processes
    for heard in streams:
        threading.Thread(target=listen, args=(url, heard), daemon=True).start()
    time.sleep(1.0)
    kiosk = HttpHall(url, token)
    numbers = []
    for _ in range(6):
        reservation = kiosk.reserve_ticket(TicketRequest("SM001", TicketKind.ACCEPT, Citizen(),
                                                         idempotency_key=uuid.uuid4().hex))
        numbers.append(kiosk.confirm_ticket(reservation.reservation_id).number)
    called = []
    for _ in range(6):                                   # a new connection each: either process answers
        login = requests.post(f"{url}/v1/staff/login", json={"staff_id": "W01-wang", "password": "a long password"},
                              timeout=10).json()["token"]
        reply = requests.post(f"{url}/v1/windows/W01/call-next", headers={"Authorization": f"Bearer {login}"},
                              timeout=10)
        called.append(reply.json()["number"])
        requests.post(f"{url}/v1/tickets/{reply.json()['ticket_id']}/complete", json={},
                      headers={"Authorization": f"Bearer {login}"}, timeout=10)
    assert sorted(called) == sorted(numbers)
    for heard in streams:
        got = [heard.get(timeout=5) for _ in range(6)]
        assert got == called, "a display missed a call made through the other process"
    requests.post(f"{url}/v1/kiosks/kiosk-1/health", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                  json={"devices": [{"role": "ticket_printer", "name": "票据打印机", "state": "ok", "reason_zh": ""}]})
    time.sleep(0.5)
    for _ in range(4):
        login = requests.post(f"{url}/v1/staff/login", json={"staff_id": "W01-wang", "password": "a long password"},
                              timeout=10).json()["token"]
        kiosks = requests.get(f"{url}/v1/admin/kiosks", headers={"Authorization": f"Bearer {login}"}, timeout=10).json()
        assert kiosks[0]["health"]["devices"][0]["role"] == "ticket_printer"
