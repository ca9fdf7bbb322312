"""The issue's round trip with every part real: `kiosk-hall serve` on PostgreSQL in its own
process, two simulated kiosks sharing its queue, the server killed (SIGKILL: no goodbye) while
they keep issuing from their own series, then started again: everything printed reaches the
queue, no number twice."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from kiosk.hall.model import TicketKind
from tests.benchmarks.test_hall_server_speed import always_open
from tests.wire.test_hall_server_workers import kiosk_hall

pytestmark = pytest.mark.wire


def serve(db: str, config, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "kiosk.server.cli", "serve", "--db", db, "--port", str(port),
                               "--config", str(config)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)
            return server
        except requests.ConnectionError:
            assert server.poll() is None and time.monotonic() < deadline, "kiosk-hall serve did not start"
            time.sleep(0.1)


def test_two_kiosks_go_on_through_a_killed_server_and_nothing_is_lost_or_doubled(postgres, tmp_path):
    from kiosk.app import build_core
    from kiosk.config import HallServer, load_config
    db, config_dir = postgres.fresh_url(uri=True), always_open(tmp_path / "config")
    kiosk_hall("init-db", "--db", db, "--config", str(config_dir))
    from datetime import datetime
    from kiosk.server.cli import open_hall
    hall, accounts = open_hall(db, str(config_dir), pool_size=1)       # tokens and a login, as the CLI makes them
    tokens = [accounts.create_kiosk_token(f"kiosk-{n}", datetime.now()) for n in (1, 2)]
    accounts.add_staff("W01-wang", "a long password")
    hall.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = serve(db, config_dir, port)
    # The ticket printer is all a number needs: the other devices only slow the start of two kiosks.
    config = load_config(config_dir).with_devices(ssc_reader=None, id_card_reader=None, camera=None, form_printer=None,
                                                  lockers_left=None, lockers_right=None)
    cores = []
    try:
        for n in (1, 2):
            settings = HallServer(url=f"http://127.0.0.1:{port}", token=tokens[n - 1], kiosk_number=n,
                                  connect_timeout_s=0.5, read_timeout_s=2)
            kiosk = config.kiosk.model_copy(update={"id": f"kiosk-{n}", "hall_server": settings})
            cores.append(build_core(config.model_copy(update={"kiosk": kiosk}), sim=True, out_dir=tmp_path / f"k{n}"))

        def take(n: int) -> str:
            return cores[n % 2].take_number("SM001", TicketKind.ACCEPT).result(timeout=20).number
        before = [take(n) for n in range(4)]
        server.send_signal(signal.SIGKILL)                 # the server dies without a word
        server.wait(timeout=10)
        during = [take(n) for n in range(4)]
        server = serve(db, config_dir, port)
        after = [take(n) for n in range(2)]
        assert before == ["A001", "A002", "A003", "A004"]
        assert sorted(during) == ["A-01-001", "A-01-002", "A-02-001", "A-02-002"]
        deadline = time.monotonic() + 10
        while any(core.hall.waiting_to_replay() or core.hall.offline for core in cores):
            assert time.monotonic() < deadline, "the kiosks did not hand everything over within 10 s"
            time.sleep(0.1)
        login = requests.post(f"http://127.0.0.1:{port}/v1/staff/login", timeout=10,
                              json={"staff_id": "W01-wang", "password": "a long password"}).json()["token"]
        queue = requests.get(f"http://127.0.0.1:{port}/v1/tickets", headers={"Authorization": f"Bearer {login}"},
                             timeout=10).json()
        numbers = [t["number"] for t in queue]
        printed = before + during + after
        assert sorted(numbers) == sorted(printed) and len(set(numbers)) == len(numbers), (numbers, printed)
    finally:
        for core in cores:
            core.stop()
        server.terminate()
        server.wait(timeout=20)
