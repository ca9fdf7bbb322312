"""kiosk-hall over real HTTP: a real uvicorn on 127.0.0.1 serving the hall core, and the kiosk's
HttpHall calling it exactly as the flows call the embedded hall. Tokens decide who may do what,
refusals come back as the same exceptions, bad requests get a 4xx with a reason (never a 500),
a replayed request gets the same ticket, and concurrent kiosks never share a number."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from kiosk.hall.http_hall import HttpHall
from kiosk.hall.model import Citizen, HallRefusal, HallUnavailable, RefusalReason, TicketKind, TicketRequest
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.server.accounts import Accounts
from kiosk.server.app import create_app
from kiosk.wording import say
from sim.served import Served
from tests.unit.test_hall_fixtures import Clock, small_config

pytestmark = pytest.mark.wire


Server = Served         # uvicorn on 127.0.0.1 in a thread (sim/served.py)


@pytest.fixture
def hall_server(tmp_path):
    clock = Clock()
    settings = small_config(tmp_path / "config")
    hall = SqliteHall(settings, tmp_path / "hall.sqlite", clock=clock)
    accounts = Accounts(tmp_path / "hall.sqlite")
    with Server(create_app(hall, accounts, clock=clock)) as server:
        server.hall, server.accounts, server.clock = hall, accounts, clock
        yield server
    hall.close()
    accounts.close()


def kiosk(server, kiosk_id: str = "kiosk-7") -> HttpHall:
    return HttpHall(server.url, server.accounts.create_kiosk_token(kiosk_id, server.clock()))


def request(item: str = "SB01", key: str | None = None, person: str | None = None) -> TicketRequest:
    return TicketRequest(item, TicketKind.ACCEPT, Citizen(person), "ignored", key or uuid.uuid4().hex)


def issue(hall: HttpHall, **kw):
    reservation = hall.reserve_ticket(request(**kw))
    hall.start_printing(reservation.reservation_id)
    return hall.confirm_ticket(reservation.reservation_id)


def test_a_kiosk_takes_numbers_through_the_server_attributed_to_its_token(hall_server):
    first, second = kiosk(hall_server, "kiosk-1"), kiosk(hall_server, "kiosk-2")
    a, b = issue(first), issue(second)
    assert (a.number, b.number) == ("A001", "A002")
    with hall_server.hall.transaction(write=False) as conn:
        kiosks = dict(conn.execute("SELECT t.number, r.kiosk_id FROM reservations r "
                                   "JOIN tickets t USING (ticket_id)").fetchall())
    assert kiosks == {"A001": "kiosk-1", "A002": "kiosk-2"}, "the token's kiosk, not the body's"


def test_a_replayed_request_gets_the_same_ticket(hall_server):
    hall = kiosk(hall_server)
    once = hall.reserve_ticket(request(key="replay-key-0001"))
    again = hall.reserve_ticket(request(key="replay-key-0001"))
    assert again == once
    hall.start_printing(once.reservation_id)
    assert hall.confirm_ticket(once.reservation_id) == hall.confirm_ticket(once.reservation_id)


def test_a_refusal_comes_back_as_the_halls_own_with_its_sentence(hall_server):
    hall = kiosk(hall_server)
    for _ in range(3):
        issue(hall, item="SB02")                     # its daily cap is 3
    with pytest.raises(HallRefusal) as refused:
        hall.reserve_ticket(request(item="SB02"))
    assert refused.value.reason == RefusalReason.DAILY_CAP
    hall_server.clock.now = hall_server.clock.now.replace(hour=20)
    with pytest.raises(HallRefusal) as closed:
        hall.reserve_ticket(request())
    with pytest.raises(HallRefusal) as local:
        hall_server.hall.reserve_ticket(request())
    assert closed.value.reason == RefusalReason.CLOSED
    for language in ("zh_CN", "en"):               # what the citizen reads, in either language
        assert say(closed.value.message, language) == say(local.value.message, language)
    assert "09:00" in say(closed.value.message, "en")


def test_tokens_decide_who_may_do_what(hall_server):
    url = hall_server.url
    assert requests.post(f"{url}/v1/reservations", json={}, timeout=5).status_code == 401
    hall = kiosk(hall_server, "kiosk-9")
    issue(hall)
    token = hall._token
    staff_call = requests.post(f"{url}/v1/windows/W01/call-next", headers={"Authorization": f"Bearer {token}"},
                               timeout=5)
    assert staff_call.status_code == 403, "a kiosk token cannot call a window's operations"
    hall_server.accounts.add_staff("W01-wang", "correct horse")
    login = requests.post(f"{url}/v1/staff/login", json={"staff_id": "W01-wang", "password": "correct horse"},
                          timeout=5)
    called = requests.post(f"{url}/v1/windows/W01/call-next", timeout=5,
                           headers={"Authorization": f"Bearer {login.json()['token']}"})
    assert called.status_code == 200 and called.json()["number"] == "A001" and called.json()["state"] == "called"
    assert hall_server.accounts.revoke_kiosk("kiosk-9", hall_server.clock()) == 1
    with pytest.raises(HallUnavailable, match="401"):
        hall.reserve_ticket(request())


def test_five_wrong_passwords_lock_the_staff_login(hall_server):
    hall_server.accounts.add_staff("W02-li", "right password")
    answers = [requests.post(f"{hall_server.url}/v1/staff/login", json={"staff_id": "W02-li", "password": "nope"},
                             timeout=10).status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    right = requests.post(f"{hall_server.url}/v1/staff/login", json={"staff_id": "W02-li", "password": "right password"},
                          timeout=10)
    assert right.status_code == 429 and right.json()["detail"]["reason"] == "locked"


@pytest.mark.parametrize("body, status", [
    (b"{not json", 422),
    ({"item_code": "SB01"}, 422),                                                    # no kind, no key
    ({"item_code": "SB01", "kind": "lunch", "idempotency_key": "k" * 16}, 422),      # no such kind
    ({"item_code": "SB01" * 100, "kind": "accept", "idempotency_key": "k" * 16}, 422),
    ({"item_code": "NOPE", "kind": "accept", "idempotency_key": "k" * 16}, 409),     # unknown item: a refusal
    (b"x" * 100_000, 413),
])
def test_bad_requests_get_a_reason_never_a_500(hall_server, body, status):
    token = hall_server.accounts.create_kiosk_token("kiosk-4", hall_server.clock())
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    data = body if isinstance(body, bytes) else None
    reply = requests.post(f"{hall_server.url}/v1/reservations", headers=headers, data=data,
                          json=None if data is not None else body, timeout=5)
    assert reply.status_code == status, reply.text
    assert reply.json().get("error") or reply.json().get("detail")


def test_unknown_reservations_and_tickets_are_4xx(hall_server):
    hall = kiosk(hall_server)
    with pytest.raises(KeyError):                  # as the embedded hall says it
        hall.confirm_ticket("no-such-reservation")
    hall_server.accounts.add_staff("W03-zhao", "another password")
    token = requests.post(f"{hall_server.url}/v1/staff/login", timeout=10,
                          json={"staff_id": "W03-zhao", "password": "another password"}).json()["token"]
    reply = requests.get(f"{hall_server.url}/v1/tickets/nope", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert reply.status_code == 404
    reply = requests.post(f"{hall_server.url}/v1/windows/W99/call-next", timeout=5,
                          headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 404


def test_the_openapi_document_lists_the_api(hall_server):
    paths = requests.get(f"{hall_server.url}/openapi.json", timeout=5).json()["paths"]
    assert {"/v1/reservations", "/v1/reservations/{reservation_id}/confirm", "/v1/appointments/lookup",
            "/v1/windows/{window_id}/call-next", "/v1/staff/login"} <= set(paths)


def test_eight_kiosks_at_once_never_share_a_number(hall_server):
    halls = [kiosk(hall_server, f"kiosk-{n}") for n in range(8)]
    with ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(lambda n: issue(halls[n % 8]), range(200)))
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 200 and sorted(numbers) == [f"A{n:03d}" for n in range(1, 201)]


def test_a_server_that_is_gone_is_unavailable_within_the_timeouts(hall_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]            # nothing listens here
    hall = HttpHall(f"http://127.0.0.1:{port}", "kt_whatever", connect_timeout_s=0.5, read_timeout_s=1)
    started = time.monotonic()
    with pytest.raises(HallUnavailable):
        hall.reserve_ticket(request())
    assert time.monotonic() - started < 3


def test_two_simulated_kiosks_share_one_queue_on_the_server(tmp_path):
    """Two `kiosk --sim` cores configured with `hall_server:` take numbers from one kiosk-hall:
    one series, no number twice, each ticket printed by the kiosk that asked for it."""
    from kiosk.app import build_core
    from kiosk.config import HallServer, load_config
    config = load_config()
    clock = Clock()
    hall = SqliteHall(config.hall_settings(), tmp_path / "server.sqlite", clock=clock)
    accounts = Accounts(tmp_path / "server.sqlite")
    cores = []
    try:
        with Server(create_app(hall, accounts, clock=clock)) as server:
            for n in (1, 2):
                server_settings = HallServer(url=server.url, token=accounts.create_kiosk_token(f"kiosk-{n}", clock()),
                                             kiosk_number=n)
                kiosk_config = config.model_copy(update={"kiosk": config.kiosk.model_copy(
                    update={"id": f"kiosk-{n}", "hall_server": server_settings})}).with_devices(ssc_reader=None)
                cores.append(build_core(kiosk_config, sim=True, out_dir=tmp_path / f"kiosk-{n}"))
            tickets = [cores[n % 2].take_number("SM001", TicketKind.ACCEPT).result(timeout=20) for n in range(4)]
            assert [t.number for t in tickets] == ["A001", "A002", "A003", "A004"]
            assert [t.number for t in hall.tickets_today()] == ["A001", "A002", "A003", "A004"]
            for n, core in enumerate(cores):          # each slip came out of the kiosk that asked
                printed = core.simulators.printer.wait_for_tickets(2, timeout=10)
                assert [t.number in p.text for t, p in zip(tickets[n::2], printed)] == [True, True]
    finally:
        for core in cores:
            core.stop()
        hall.close()
        accounts.close()


def kiosk_hall(*args, stdin: str = "") -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "kiosk.server.cli", *args], input=stdin, capture_output=True,
                         text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def test_kiosk_hall_serves_https_with_the_halls_own_ca_and_the_kiosk_pins_it(tmp_path):
    """As an operator sets it up: the hall's CA and certificate, a kiosk token, `kiosk-hall serve`
    over TLS; the kiosk trusts that CA only."""
    db = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    made = kiosk_hall("tls", "create", "--out", str(tmp_path / "tls"), "--host", "127.0.0.1")
    assert made.returncode == 0 and (tmp_path / "tls" / "ca.pem").exists()
    assert kiosk_hall("init-db", "--db", db).returncode == 0
    token = kiosk_hall("token", "create", "--kiosk", "kiosk-5", "--db", db).stdout.strip()
    assert token.startswith("kt_") and token.encode() not in (tmp_path / "hall.sqlite").read_bytes()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "kiosk.server.cli", "serve", "--db", db, "--port", str(port),
                               "--tls-cert", str(tmp_path / "tls" / "server.pem"),
                               "--tls-key", str(tmp_path / "tls" / "server-key.pem")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                health = requests.get(f"{url}/v1/health", verify=str(tmp_path / "tls" / "ca.pem"), timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "kiosk-hall serve did not answer within 15 s"
                time.sleep(0.1)
        assert health.json()["ok"] is True
        pinned = HttpHall(url, token, str(tmp_path / "tls" / "ca.pem"))
        assert pinned.appointments_for("0" * 32) == []
        with pytest.raises(HallUnavailable, match="SSL|certificate"):
            HttpHall(url, token).appointments_for("0" * 32)           # the system's CAs do not vouch for it
        other = kiosk_hall("tls", "create", "--out", str(tmp_path / "other"), "--host", "127.0.0.1")
        assert other.returncode == 0
        with pytest.raises(HallUnavailable, match="SSL|certificate"):
            HttpHall(url, token, str(tmp_path / "other" / "ca.pem")).appointments_for("0" * 32)
        revoked = kiosk_hall("token", "revoke", "--kiosk", "kiosk-5", "--db", db)
        assert revoked.returncode == 0 and "1 token" in revoked.stdout
        with pytest.raises(HallUnavailable, match="401"):
            pinned.appointments_for("0" * 32)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_server_keeps_the_halls_day_on_a_machine_set_to_utc(tmp_path):
    """Servers often run on UTC: the hall's day (and A001 each morning) must still turn at the
    hall's own midnight, not at 08:00 Beijing time."""
    from datetime import datetime, timedelta, timezone
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**__import__("os").environ, "TZ": "UTC"}
    server = subprocess.Popen([sys.executable, "-m", "kiosk.server.cli", "serve", "--db", str(tmp_path / "h.sqlite"),
                               "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).json()
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "kiosk-hall serve did not start"
                time.sleep(0.1)
        beijing = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
        assert abs((datetime.fromisoformat(health["time"]) - beijing).total_seconds()) < 60
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_an_unknown_time_zone_is_a_configuration_error_naming_the_key(config_dir):
    from kiosk.config import ConfigError, load_config
    hall_yaml = config_dir / "hall.yaml"
    hall_yaml.write_text(hall_yaml.read_text(encoding="utf-8").replace("Asia/Shanghai", "Asia/Beijing"),
                         encoding="utf-8")
    with pytest.raises(ConfigError, match="timezone"):
        load_config(config_dir)
