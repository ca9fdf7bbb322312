"""A kiosk on a hall server keeps issuing when the server goes away, and hands everything over when
it comes back: a real uvicorn on 127.0.0.1 stopped and started again on the same port, the
kiosk's OfflineHall (HttpHall + its outbox) in front of it."""
from __future__ import annotations

import socket
import time
import uuid

import pytest

from kiosk.hall.http_hall import HttpHall
from kiosk.hall.model import Citizen, TicketKind, TicketRequest, TicketState
from kiosk.hall.offline import OfflineHall
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.server.accounts import Accounts
from kiosk.server.app import create_app
from tests.unit.test_hall_fixtures import Clock, small_config
from sim.served import Served as Server

pytestmark = pytest.mark.wire


class Hall:
    """The hall server, which a test can stop and start again on the same address."""

    def __init__(self, tmp_path, settings=None):
        self.clock = Clock()
        self.settings = settings or small_config(tmp_path / "config")
        self.hall = SqliteHall(self.settings, tmp_path / "hall.sqlite", clock=self.clock)
        self.accounts = Accounts(tmp_path / "hall.sqlite")
        self.app = create_app(self.hall, self.accounts, clock=self.clock)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> None:
        self.server = Server(self.app, self.port).__enter__()

    def stop(self) -> None:
        self.server.__exit__(None, None, None)

    def close(self) -> None:
        if self.server is not None and self.server.thread.is_alive():
            self.stop()
        self.hall.close()
        self.accounts.close()


@pytest.fixture
def hall_and_kiosk(tmp_path):
    hall = Hall(tmp_path)
    hall.start()
    token = hall.accounts.create_kiosk_token("kiosk-7", hall.clock())
    kiosk = OfflineHall(HttpHall(hall.url, token, connect_timeout_s=0.5, read_timeout_s=2), hall.settings,
                        tmp_path / "kiosk" / "offline.sqlite", "kiosk-7", 7, clock=hall.clock, retry_s=0.2)
    yield hall, kiosk
    kiosk.close()
    hall.close()


def issue(kiosk, item="GA01"):
    reservation = kiosk.reserve_ticket(TicketRequest(item, TicketKind.ACCEPT, Citizen(), "kiosk-7", uuid.uuid4().hex))
    kiosk.start_printing(reservation.reservation_id)
    return kiosk.confirm_ticket(reservation.reservation_id)


def wait_until(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"not within {timeout} s: {what}"
        time.sleep(0.05)
    return time.monotonic() - started


def test_the_kiosk_issues_its_own_series_while_the_server_is_gone_and_replays_in_order(hall_and_kiosk):
    hall, kiosk = hall_and_kiosk
    assert issue(kiosk).number == "A001"
    hall.stop()                                            # the server goes away
    started = time.monotonic()
    first = issue(kiosk)
    took = time.monotonic() - started
    assert first.number == "A-07-001" and took < 3, f"offline ticket after {took:.1f} s"
    hall.clock.advance(minutes=1)
    offline = [first] + [issue(kiosk) for _ in range(2)]
    assert [t.number for t in offline] == ["A-07-001", "A-07-002", "A-07-003"]
    health = kiosk.health()
    assert health.state == "warning" and health.details["to_replay"] == 3
    hall.clock.advance(minutes=1)
    hall.start()                                           # back: another kiosk issues at once, the replay follows
    later = hall.hall.confirm_ticket(hall.hall.reserve_ticket(
        TicketRequest("GA01", TicketKind.ACCEPT, Citizen(), "kiosk-2", "k-2")).reservation_id)
    wait_until(lambda: not kiosk.offline and kiosk.waiting_to_replay() == 0, 5, "the replay")
    queue = hall.hall.tickets_today()
    assert [t.number for t in queue] == ["A001", "A-07-001", "A-07-002", "A-07-003", later.number]
    assert {t.ticket_id for t in queue} >= {t.ticket_id for t in offline}, "the QR codes printed are the hall's ids"
    assert kiosk.health().state == "ok"
    kiosk.sync()                                           # a second replay doubles nothing
    assert len(hall.hall.tickets_today()) == 5
    assert issue(kiosk).number == "A003", "online again: the hall's own series"


def test_a_ticket_printed_whole_as_the_server_went_away_is_confirmed_when_it_is_back(hall_and_kiosk):
    hall, kiosk = hall_and_kiosk
    reservation = kiosk.reserve_ticket(TicketRequest("GA01", TicketKind.ACCEPT, Citizen(), "kiosk-7", "k-late-1"))
    kiosk.start_printing(reservation.reservation_id)
    hall.stop()                                            # mid-print
    printed = kiosk.confirm_ticket(reservation.reservation_id)
    assert printed.number == "A001" and kiosk.waiting_to_replay() == 1
    hall.clock.advance(minutes=3)                          # long enough for the server's sweep to spoil it
    hall.start()
    hall.hall.reserve_ticket(TicketRequest("GA01", TicketKind.ACCEPT, Citizen(), "kiosk-2", "k-sweep"))
    wait_until(lambda: kiosk.waiting_to_replay() == 0, 5, "the late confirm")
    assert hall.hall.ticket(printed.ticket_id).state == TicketState.WAITING


def test_a_simulated_kiosk_prints_its_own_number_when_the_server_is_gone(tmp_path):
    """The whole kiosk (`kiosk --sim` configured with hall_server:), as a citizen meets it: the
    server stops, the next tap still prints a number, and the hall gets it when it is back."""
    from kiosk.app import build_core
    from kiosk.config import HallServer, load_config
    config = load_config().with_devices(ssc_reader=None)
    hall = Hall(tmp_path, config.hall_settings())
    hall.start()
    server = HallServer(url=hall.url, token=hall.accounts.create_kiosk_token("kiosk-3", hall.clock()), kiosk_number=3,
                        connect_timeout_s=0.5, read_timeout_s=2)
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"id": "kiosk-3", "hall_server": server})})
    core = build_core(config, sim=True, out_dir=tmp_path / "kiosk", clock=hall.clock)
    try:
        assert core.take_number("SM001", TicketKind.ACCEPT).result(timeout=20).number == "A001"
        hall.stop()
        offline = core.take_number("SM001", TicketKind.ACCEPT).result(timeout=20)
        assert offline.number == "A-03-001"
        printed = core.simulators.printer.wait_for_tickets(2, timeout=10)
        assert "A-03-001" in printed[-1].text and "离线号" in printed[-1].text
        assert "前面约" not in printed[-1].text, "the kiosk cannot know the queue: the slip does not guess"
        assert next(h for h in core.health() if h.role == "hall_server").state == "warning"
        hall.start()
        wait_until(lambda: any(t.number == "A-03-001" for t in hall.hall.tickets_today()), 10, "the replay")
    finally:
        core.stop()
        hall.close()


def test_a_kiosk_clock_ten_minutes_slow_still_places_its_offline_tickets_right(tmp_path):
    from datetime import timedelta

    hall = Hall(tmp_path)
    hall.start()
    slow = lambda: hall.clock() - timedelta(minutes=10)          # noqa: E731 (the kiosk's own clock)
    kiosk = OfflineHall(HttpHall(hall.url, hall.accounts.create_kiosk_token("kiosk-7", hall.clock()),
                                 connect_timeout_s=0.5, read_timeout_s=2), hall.settings,
                        tmp_path / "kiosk" / "offline.sqlite", "kiosk-7", 7, clock=slow, retry_s=0.2)
    try:
        wait_until(lambda: kiosk.health().details.get("clock_offset_s", 0) > 590, 5, "the clock offset measured")
        hall.stop()
        printed = issue(kiosk)
        assert abs((printed.issued_at - hall.clock()).total_seconds()) < 5, "issued on the hall's clock"
        hall.clock.advance(minutes=2)
        hall.start()
        wait_until(lambda: kiosk.waiting_to_replay() == 0 and not kiosk.offline, 5, "the replay")
        [taken] = hall.hall.tickets_today()
        assert abs((taken.issued_at - (hall.clock() - timedelta(minutes=2))).total_seconds()) < 5
    finally:
        kiosk.close()
        hall.close()


def test_a_network_that_drops_replies_goes_silent_and_is_cut_loses_and_doubles_nothing(hall_and_kiosk, tmp_path):
    """Between kiosk and server, a TCP proxy plays the hall's network on a bad day."""
    from sim.tcp_proxy import TcpProxy
    hall, _ = hall_and_kiosk
    proxy = TcpProxy(hall.port)
    kiosk = OfflineHall(HttpHall(proxy.url, hall.accounts.create_kiosk_token("kiosk-8", hall.clock()),
                                 connect_timeout_s=0.5, read_timeout_s=1), hall.settings,
                        tmp_path / "kiosk-8" / "offline.sqlite", "kiosk-8", 8, clock=hall.clock, retry_s=0.2)
    try:
        proxy.drop_next_reply()               # the server reserves A001; the kiosk never hears it
        assert issue(kiosk).number == "A001", "the retry with the same key got the same number"
        assert issue(kiosk).number == "A002"
        proxy.silent()                        # packets lost: one read timeout, then offline
        started = time.monotonic()
        assert issue(kiosk).number == "A-08-001"
        assert time.monotonic() - started < 3
        proxy.cut()                           # cable pulled: refused at once
        assert issue(kiosk).number == "A-08-002"
        proxy.heal()
        wait_until(lambda: not kiosk.offline and kiosk.waiting_to_replay() == 0, 5, "the replay")
        numbers = [t.number for t in hall.hall.tickets_today()]
        assert numbers == ["A001", "A002", "A-08-001", "A-08-002"], numbers
    finally:
        kiosk.close()
        proxy.close()


def test_staff_take_a_kiosk_out_of_use_from_the_server_and_put_it_back(tmp_path):
    """A lock from /admin reaches the kiosk's home screen by push; one set while the kiosk was
    away holds when it connects (push is a hint, the state is read on every connect)."""
    import requests
    from kiosk.app import build_core
    from kiosk.config import HallServer, load_config
    from kiosk.wording import say
    config = load_config().with_devices(ssc_reader=None)
    hall = Hall(tmp_path, config.hall_settings())
    hall.start()
    hall.accounts.add_staff("W01-wang", "a long password")
    staff = {"Authorization": "Bearer " + requests.post(f"{hall.url}/v1/staff/login", timeout=10, json={
        "staff_id": "W01-wang", "password": "a long password"}).json()["token"]}
    requests.post(f"{hall.url}/v1/kiosks/kiosk-4/lock", json={"reason": "打印机换纸"}, headers=staff, timeout=5)
    server = HallServer(url=hall.url, token=hall.accounts.create_kiosk_token("kiosk-4", hall.clock()), kiosk_number=4)
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"id": "kiosk-4", "hall_server": server})})
    core = build_core(config, sim=True, out_dir=tmp_path / "kiosk", clock=hall.clock)
    try:
        wait_until(lambda: not core.ticket_service().available, 5, "locked at start")
        wait_until(lambda: core.expected_wait("SM001") == (0, 0), 5, "the queues pushed with the state")
        assert "打印机换纸" in say(core.ticket_service().reason, "zh_CN")
        requests.post(f"{hall.url}/v1/kiosks/kiosk-4/unlock", headers=staff, timeout=5)
        took = wait_until(lambda: core.ticket_service().available, 5, "unlocked by push")
        assert took < 2
        requests.post(f"{hall.url}/v1/kiosks/kiosk-4/lock", json={"reason": "大厅提前闭厅"}, headers=staff, timeout=5)
        wait_until(lambda: not core.ticket_service().available, 2, "locked by push")
        assert "Please use another kiosk" in say(core.ticket_service().reason, "en")
        kiosks = requests.get(f"{hall.url}/v1/admin/kiosks", headers=staff, timeout=5).json()
        assert next(k for k in kiosks if k["kiosk_id"] == "kiosk-4")["lock"]["reason"] == "大厅提前闭厅"
    finally:
        core.stop()
        hall.close()


def test_the_kiosk_reports_its_devices_to_the_halls_admin(hall_and_kiosk):
    import requests
    from kiosk.devices import DeviceHealth
    from kiosk.wording import Sentence
    hall, kiosk = hall_and_kiosk
    kiosk.report_health([DeviceHealth("ticket_printer", "ESC/POS 80 mm", "fault", Sentence("打印纸用完了"))])
    hall.accounts.add_staff("W01-wang", "a long password")
    staff = {"Authorization": "Bearer " + requests.post(f"{hall.url}/v1/staff/login", timeout=10, json={
        "staff_id": "W01-wang", "password": "a long password"}).json()["token"]}

    def reported():
        kiosks = requests.get(f"{hall.url}/v1/admin/kiosks", headers=staff, timeout=5).json()
        health = next(k for k in kiosks if k["kiosk_id"] == "kiosk-7")["health"]
        return health and health["devices"][0]
    wait_until(reported, 5, "the report on /admin")
    assert reported()["state"] == "fault" and reported()["reason_zh"] == "打印纸用完了"


def test_appointment_codes_check_in_offline_and_a_code_used_at_two_kiosks_is_flagged(tmp_path):
    """Offline, the kiosk verifies an appointment code itself (the hall's key is in its
    configuration) against today's appointments as last synced; the same code shown at a second
    kiosk during the outage prints there too, and the replay flags it to staff."""
    import base64
    from datetime import datetime
    from kiosk.config import AppointmentKey, AppointmentRules
    from kiosk.hall.model import AppointmentRequest
    from kiosk.hall.tokens import Signer, TokenRefusal
    secret = base64.urlsafe_b64encode(b"the hall's own appointment key!!").decode().rstrip("=")
    signer = Signer("hk1", "hmac-sha256", base64.urlsafe_b64decode(secret + "="))
    at = lambda hhmm: datetime(2026, 11, 23, *map(int, hhmm.split(":")))      # noqa: E731 (a Monday)
    rules = AppointmentRules(keys=[AppointmentKey(id="hk1", algorithm="hmac-sha256", key=secret)])
    hall = Hall(tmp_path, small_config(tmp_path / "config").model_copy(update={"appointments": rules}))
    hall.clock.now = at("09:50")
    hall.start()
    booked = hall.hall.book_appointment(AppointmentRequest("a" * 32, "GA01", at("10:00"), at("10:30")))
    code = signer.token_for(booked, hall.clock()).encode()
    kiosks = [OfflineHall(HttpHall(hall.url, hall.accounts.create_kiosk_token(f"kiosk-{n}", hall.clock()),
                                   connect_timeout_s=0.5, read_timeout_s=2), hall.settings,
                          tmp_path / f"k{n}" / "offline.sqlite", f"kiosk-{n}", n, clock=hall.clock, retry_s=0.2)
              for n in (1, 2)]
    try:
        wait_until(lambda: all(k._appointments for k in kiosks), 5, "today's appointments synced")
        hall.stop()
        slips = []
        for kiosk in kiosks:                               # the same code shown at both kiosks
            found = kiosk.appointment_for_token(code)
            reservation = kiosk.check_in(found.appointment_id, kiosk.kiosk_id, uuid.uuid4().hex,
                                         token_nonce=found.token_nonce)
            kiosk.start_printing(reservation.reservation_id)
            slips.append(kiosk.confirm_ticket(reservation.reservation_id))
        assert [s.number for s in slips] == ["A-01-001", "A-02-001"] and slips[0].appointment_id == booked.appointment_id
        with pytest.raises(TokenRefusal):                  # the same kiosk knows it already used it
            kiosks[0].appointment_for_token(code)
        forged = code[:-3] + (b"AAA" if code[-3:] != b"AAA" else b"BBB")
        with pytest.raises(TokenRefusal):
            kiosks[0].appointment_for_token(forged)
        hall.start()
        wait_until(lambda: all(not k.offline and not k.waiting_to_replay() for k in kiosks), 5, "the replay")
        assert hall.hall.appointment(booked.appointment_id).status.value == "checked_in"
        flagged = [c for c in hall.hall.conflicts_today() if "used twice" in c.reason]
        assert len(flagged) == 1 and flagged[0].number in ("A-01-001", "A-02-001"), \
            "the use replayed second is shown to staff"
        assert len(hall.hall.tickets_today()) == 2, "both citizens hold a slip: both are in the queue"
    finally:
        for kiosk in kiosks:
            kiosk.close()
        hall.close()


def test_the_operator_reloads_the_catalogue_and_every_kiosk_takes_it_without_a_restart(tmp_path, config_dir):
    """The operator adds an item to the server's catalogue.yaml and reloads from /admin: a running
    kiosk lists it by push within 2 s and issues a number for it; a kiosk started later takes it
    when it connects; a file with a mistake is refused naming the file and the key, and the hall
    goes on with the catalogue it had."""
    import requests
    from kiosk.app import build_core
    from kiosk.config import HallServer, load_config, load_hall_settings
    config = load_config().with_devices(ssc_reader=None)          # the kiosk's own files: the shipped ones
    hall = Hall(tmp_path, load_hall_settings(config_dir))           # the server's: a copy the operator edits
    hall.start()
    hall.accounts.add_staff("admin", "a long password")
    staff = {"Authorization": "Bearer " + requests.post(f"{hall.url}/v1/staff/login", timeout=10, json={
        "staff_id": "admin", "password": "a long password"}).json()["token"]}
    cores = []

    def kiosk(number: int):
        server = HallServer(url=hall.url, token=hall.accounts.create_kiosk_token(f"kiosk-{number}", hall.clock()),
                            kiosk_number=number)
        kiosk_config = config.model_copy(update={"kiosk": config.kiosk.model_copy(
            update={"id": f"kiosk-{number}", "hall_server": server})})
        cores.append(build_core(kiosk_config, sim=True, out_dir=tmp_path / f"kiosk-{number}", clock=hall.clock))
        return cores[-1]

    catalogue = config_dir / "catalogue.yaml"
    shipped = catalogue.read_text(encoding="utf-8")
    try:
        running = kiosk(1)
        assert "SM099" not in running.config.items
        catalogue.write_text(shipped.replace("      - code: SM002\n", "      - code: SM099\n        name: 社保卡临时挂失\n"
                                             "        department: rsj\n        kinds: [accept]\n"
                                             "      - code: SM002\n", 1), encoding="utf-8")
        reply = requests.post(f"{hall.url}/v1/admin/reload", headers=staff, timeout=10)
        assert reply.status_code == 200 and reply.json()["changed"], reply.text
        took = wait_until(lambda: "SM099" in running.config.items, 5, "the running kiosk took the new catalogue")
        assert took < 2
        assert [i.code for i in running.catalogue.search("临时挂失")] == ["SM099"]
        ticket = issue(running.hall, item="SM099")
        assert ticket.number.startswith("A") and ticket.item_name == "社保卡临时挂失"

        later = kiosk(2)                                       # push is a hint: the connect reads the version
        wait_until(lambda: "SM099" in later.config.items, 5, "a kiosk started later took it at connect")

        catalogue.write_text(shipped.replace("department: rsj", "department: nowhere", 1), encoding="utf-8")
        refused = requests.post(f"{hall.url}/v1/admin/reload", headers=staff, timeout=10)
        assert refused.status_code == 422, refused.text
        assert refused.json()["file"].endswith("catalogue.yaml") and refused.json()["key"].endswith(".department")
        assert "SM099" in {i["code"] for c in requests.get(f"{hall.url}/v1/catalogue", timeout=5, headers={
            "Authorization": f"Bearer {hall.accounts.create_kiosk_token('kiosk-9', hall.clock())}"}).json()[
            "categories"] for i in c["items"]}
        kiosk_token = {"Authorization": f"Bearer {hall.accounts.create_kiosk_token('kiosk-8', hall.clock())}"}
        assert requests.post(f"{hall.url}/v1/admin/reload", headers=kiosk_token, timeout=10).status_code == 403
        time.sleep(0.5)
        assert "SM099" in running.config.items and issue(running.hall, item="SM099").number
    finally:
        for core in cores:
            core.stop()
        hall.close()


def test_a_kiosk_on_the_hall_server_hands_out_locker_documents_even_while_the_server_is_gone(tmp_path):
    """The locker orders and the doors' journal stay in the kiosk's own database, beside its
    boards: 自助取件 works on a kiosk of a shared hall, and goes on while the server is away."""
    from kiosk.app import build_core
    from kiosk.config import HallServer, load_config
    config = load_config().with_devices(ssc_reader=None)
    hall = Hall(tmp_path, config.hall_settings())
    hall.start()
    server = HallServer(url=hall.url, token=hall.accounts.create_kiosk_token("kiosk-3", hall.clock()), kiosk_number=3)
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"id": "kiosk-3", "hall_server": server})})
    core = build_core(config, sim=True, out_dir=tmp_path / "kiosk", clock=hall.clock)
    try:
        assert core.lockers is not None, "自助取件 is off on a kiosk of a shared hall"
        hall.stop()
        [door] = core.lockers.by_code(core.simulators.pickup_codes["elder_chen"]).result(timeout=10)
        assert door.opened, door
        assert core.lockers.desk.pickups.verify_audit() == []
    finally:
        core.stop()
        hall.close()
