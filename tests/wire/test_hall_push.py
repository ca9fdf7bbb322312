"""kiosk-hall's push over real HTTP: server-sent events read with plain requests from a real
uvicorn on 127.0.0.1. A stream starts with the whole state, carries each call with what the hall
announces, the queue lengths after each change, and a heartbeat with the boot id; the display's
stream needs no login and carries nothing personal; a server shutting down ends every stream at
once instead of waiting out its graceful-shutdown timeout; a subscriber that falls behind is
dropped without holding anyone else up."""
from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
import uuid

import pytest
import requests

from kiosk.hall.http_hall import HttpHall
from kiosk.hall.model import Citizen, TicketKind, TicketRequest
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.server.accounts import Accounts
from kiosk.server.app import create_app
from kiosk.server.push import QUEUE_SIZE, Hub
from sim.served import Served
from tests.unit.test_hall_fixtures import Clock, small_config

pytestmark = pytest.mark.wire


LiveServer = Served     # uvicorn on 127.0.0.1 in a thread (sim/served.py)


class Hall:
    """A small hall (tests.unit.test_hall_fixtures) behind a live kiosk-hall, in opening hours."""

    def __init__(self, directory, heartbeat_s: float = 10.0, graceful_s: float = 1.0, factory: bool = False):
        self.clock = Clock()
        self.hall = SqliteHall(small_config(directory / "config"), directory / "hall.sqlite", clock=self.clock)
        self.accounts = Accounts(directory / "hall.sqlite")
        self.app = create_app(self.hall, self.accounts, clock=self.clock, heartbeat_s=heartbeat_s)
        self.server = LiveServer(self.app, graceful_s=graceful_s, factory=factory)
        self.url = self.server.url

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        self.server.stop()
        self.hall.close()
        self.accounts.close()

    def kiosk_token(self, kiosk_id: str = "kiosk-7") -> str:
        return self.accounts.create_kiosk_token(kiosk_id, self.clock())

    def issue(self, token: str, item: str = "SB01", person: str | None = None) -> str:
        kiosk = HttpHall(self.url, token)
        request = TicketRequest(item, TicketKind.ACCEPT, Citizen(person), "ignored", uuid.uuid4().hex)
        reservation = kiosk.reserve_ticket(request)
        kiosk.start_printing(reservation.reservation_id)
        return kiosk.confirm_ticket(reservation.reservation_id).number

    def staff_token(self, staff_id: str = "W01-wang", password: str = "correct horse") -> str:
        self.accounts.add_staff(staff_id, password)
        reply = requests.post(f"{self.url}/v1/staff/login", json={"staff_id": staff_id, "password": password},
                              timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()["token"]

    def post(self, path: str, token: str, body: dict | None = None) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5)

    def get(self, path: str, token: str) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5)


class EventStream:
    """A server-sent event stream read on a thread of its own: events arrive in a queue, and
    None there means the server ended the stream."""

    def __init__(self, url: str, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.reply = requests.get(url, headers=headers, stream=True, timeout=(5, 30))
        self.events: queue.Queue = queue.Queue()
        self.raw: list[str] = []
        self.ended_at: float | None = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        if self.reply.status_code == 200:
            self.thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for line in self.reply.iter_lines(chunk_size=None, decode_unicode=True):
                self.raw.append(line)
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif not line and data:
                    self.events.put((name, json.loads(data)))
                    name, data = "message", ""
        except Exception:          # the test closed the response under the reader: the stream is over
            pass
        finally:
            self.ended_at = time.monotonic()
            self.events.put(None)

    def next(self, wanted: str, timeout: float = 5.0) -> dict:
        """The data of the next `wanted` event, passing over any others."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {wanted!r} event within {timeout} s") from None
            if item is None:
                raise AssertionError(f"the stream ended before a {wanted!r} event")
            if item[0] == wanted:
                return item[1]

    def close(self) -> None:
        self.reply.close()


@pytest.fixture
def live_hall(tmp_path):
    with Hall(tmp_path, heartbeat_s=0.3) as hall:
        yield hall


def test_a_stream_starts_with_the_whole_state_then_carries_each_call(live_hall):
    kiosk = live_hall.kiosk_token()
    numbers = [live_hall.issue(kiosk) for _ in range(3)]
    staff = live_hall.staff_token()
    assert live_hall.post("/v1/windows/W01/call-next", staff).json()["number"] == numbers[0]

    stream = EventStream(f"{live_hall.url}/v1/events", staff)
    try:
        state = stream.next("state")
        assert [(w["window_id"], w["window_name"], w["number"], w["serving"]) for w in state["windows"]] == [
            ("W01", "1号窗口", "A001", True)]
        assert sum(g["waiting"] for g in state["loads"]) == 2       # SB01 goes to `social` or `general`
        assert all(g["estimated_wait_min"] > 0 for g in state["loads"] if g["waiting"])

        second = live_hall.post("/v1/windows/W02/call-next", staff).json()["number"]
        call = stream.next("call")
        assert (call["number"], call["window_id"], call["window_name"], call["recall"]) == (second, "W02", "2号窗口", False)
        assert call["text_zh"] == f"请 {second} 号到 2号窗口 办理"
        assert call["text_en"] == f"Number {second}, please go to Window 2."
        assert sum(g["waiting"] for g in stream.next("loads")) == 1

        again = live_hall.post("/v1/windows/W01/recall", staff)
        assert again.status_code == 200 and again.json()["number"] == "A001"
        recall = stream.next("call")
        assert (recall["number"], recall["window_id"], recall["recall"]) == ("A001", "W01", True)
        assert live_hall.post("/v1/windows/W03/recall", staff).status_code == 404, "W03 has called nobody"
        assert live_hall.post("/v1/windows/W99/recall", staff).status_code == 404

        done = live_hall.post(f"/v1/tickets/{again.json()['ticket_id']}/complete", staff, {"no_show": False})
        assert done.status_code == 200
        assert stream.next("window") == {**stream_board("W01", "1号窗口", "A001", serving=False), "seq": 3}
    finally:
        stream.close()


def stream_board(window_id: str, name: str, number: str, serving: bool) -> dict:
    return {"window_id": window_id, "window_name": name, "window_name_en": f"Window {name[0]}", "number": number,
            "serving": serving, "text_zh": f"请 {number} 号到 {name} 办理",
            "text_en": f"Number {number}, please go to Window {name[0]}."}


def test_every_stream_beats_with_the_boot_id_and_a_reconnect_gets_the_state_again(live_hall):
    staff = live_hall.staff_token()
    boot_id = requests.get(f"{live_hall.url}/v1/health", timeout=5).json()["boot_id"]
    first = EventStream(f"{live_hall.url}/v1/events", staff)
    try:
        assert first.next("state")["boot_id"] == boot_id
        beats = [first.next("heartbeat", timeout=2)["boot_id"] for _ in range(2)]
        assert beats == [boot_id, boot_id]
    finally:
        first.close()
    hub = live_hall.app.state.push
    deadline = time.monotonic() + 3
    while hub.listening and time.monotonic() < deadline:
        time.sleep(0.02)
    assert hub.listening == 0, "a client that went away is no longer a subscriber"
    live_hall.issue(live_hall.kiosk_token())
    again = EventStream(f"{live_hall.url}/v1/events", staff)
    try:
        assert sum(g["waiting"] for g in again.next("state")["loads"]) == 1
    finally:
        again.close()


def test_the_display_stream_needs_no_login_and_carries_nothing_personal(live_hall):
    kiosk = live_hall.kiosk_token("kiosk-3")
    staff = live_hall.staff_token()
    assert requests.get(f"{live_hall.url}/v1/events", timeout=5, stream=True).status_code == 401
    as_kiosk = EventStream(f"{live_hall.url}/v1/events", kiosk)
    display = EventStream(f"{live_hall.url}/display/events")
    try:
        assert as_kiosk.reply.status_code == 200 and as_kiosk.next("state")["windows"] == []
        assert display.next("state")["windows"] == []
        live_hall.issue(kiosk, person="person-key-of-elder-zhang")
        called = live_hall.post("/v1/windows/W01/call-next", staff).json()
        assert display.next("call")["number"] == as_kiosk.next("call")["number"] == called["number"] == "A001"
        display.next("loads")
        board = "\n".join(display.raw)
        assert "person-key-of-elder-zhang" not in board and called["ticket_id"] not in board
    finally:
        as_kiosk.close()
        display.close()
    hall = requests.get(f"{live_hall.url}/display/hall", timeout=5).json()
    assert [(w["id"], w["name"], w["group"]) for w in hall["windows"]][:2] == [("W01", "1号窗口", "social"),
                                                                                 ("W02", "2号窗口", "social")]
    assert {"id": "police", "name": "公安专区", "name_en": ""} in hall["groups"]
    assert requests.get(f"{live_hall.url}/v1/hall", timeout=5).status_code == 401
    assert requests.get(f"{live_hall.url}/v1/hall", headers={"Authorization": f"Bearer {kiosk}"},
                        timeout=5).json() == hall


@pytest.mark.parametrize("factory", [False, True], ids=["app", "app-factory"])
def test_a_server_shutting_down_ends_every_stream_at_once(tmp_path, factory):
    """uvicorn's graceful timeout here is 30 s: only the hub closing its streams can end them
    sooner, and the server must be gone well within three seconds; whether uvicorn was given
    the app itself or a factory making it (as `kiosk-hall serve --workers` does)."""
    with Hall(tmp_path, graceful_s=30, factory=factory) as hall:
        staff = hall.staff_token()
        streams = [EventStream(f"{hall.url}/v1/events", staff), EventStream(f"{hall.url}/display/events")]
        for stream in streams:
            stream.next("state")
        asked = time.monotonic()
        hall.server.stop(timeout=10)
        stopped = time.monotonic() - asked
        for stream in streams:
            stream.thread.join(timeout=3)
        ended = [None if stream.ended_at is None else round(stream.ended_at - asked, 2) for stream in streams]
    assert not hall.server.thread.is_alive() and stopped < 3, f"the server took {stopped:.2f} s to stop"
    assert None not in ended and max(ended) < 3, f"streams ended {ended} s after the shutdown began"


def test_a_subscriber_that_falls_behind_is_dropped_and_holds_nobody_up():
    async def scenario():
        hub = Hub()
        keeping_up, behind = hub.subscribe(), hub.subscribe(public=True)
        received = []

        async def read():
            while (message := await keeping_up.next(timeout=2)) not in (None, ""):
                received.append(message)
                if len(received) == 3 * QUEUE_SIZE:
                    return

        def publish():                 # as the routes do, from another thread, at a brisk pace
            for n in range(3 * QUEUE_SIZE):
                hub.publish("loads", {"n": n})
                time.sleep(0.001)

        reader = asyncio.create_task(read())
        publisher = threading.Thread(target=publish)
        started = time.monotonic()
        publisher.start()
        await asyncio.wait_for(reader, timeout=5)
        publisher.join()
        elapsed = time.monotonic() - started
        return received, await behind.next(timeout=1), behind.dropped, elapsed, hub.listening

    received, behind_gets, dropped, elapsed, listening = asyncio.run(scenario())
    assert len(received) == 3 * QUEUE_SIZE and '"n":0' in received[0] and f'"n":{3 * QUEUE_SIZE - 1}' in received[-1]
    assert behind_gets is None and dropped, "the subscriber that read nothing is told its stream is over"
    assert listening == 1, "and is forgotten"
    assert elapsed < 2


def test_a_kiosk_reports_its_devices_and_admin_lists_it_with_its_tokens(live_hall):
    token = live_hall.kiosk_token("kiosk-2")
    live_hall.kiosk_token("kiosk-5")
    live_hall.accounts.revoke_kiosk("kiosk-5", live_hall.clock())
    devices = [{"role": "ticket_printer", "name": "ESC/POS 80 mm", "state": "fault", "reason_zh": "打印纸用完了"},
               {"role": "id_card", "name": "SAM", "state": "ok"}]
    assert live_hall.post("/v1/kiosks/kiosk-2/health", token, {"devices": devices}).status_code == 204
    assert live_hall.post("/v1/kiosks/kiosk-9/health", token, {"devices": []}).status_code == 403
    assert live_hall.post("/v1/kiosks/kiosk-2/health", token,
                          {"devices": [{"role": "x", "state": "melted"}]}).status_code == 422
    staff = live_hall.staff_token()
    assert requests.get(f"{live_hall.url}/v1/admin/kiosks", timeout=5,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 403
    listed = {k["kiosk_id"]: k for k in requests.get(f"{live_hall.url}/v1/admin/kiosks", timeout=5,
                                                     headers={"Authorization": f"Bearer {staff}"}).json()}
    assert set(listed) == {"kiosk-2", "kiosk-5"}
    assert (listed["kiosk-2"]["tokens"], listed["kiosk-2"]["active_tokens"], listed["kiosk-2"]["revoked_at"]) == (1, 1, None)
    assert listed["kiosk-2"]["health"]["devices"][0] == devices[0]
    assert listed["kiosk-2"]["health"]["devices"][1]["reason_zh"] == ""
    assert listed["kiosk-5"]["active_tokens"] == 0 and listed["kiosk-5"]["revoked_at"].startswith("2026-11-23T10:00")
    assert listed["kiosk-5"]["health"] is None


def test_a_kiosk_asking_for_help_reaches_every_staff_stream_and_only_for_itself(live_hall):
    staff = live_hall.staff_token()
    stream = EventStream(f"{live_hall.url}/v1/events", staff)
    try:
        stream.next("state")
        HttpHall(live_hall.url, live_hall.kiosk_token("kiosk-3")).ask_for_help("kiosk-3")
        assert stream.next("help")["kiosk_id"] == "kiosk-3"
        other = live_hall.post("/v1/kiosks/kiosk-3/help", live_hall.kiosk_token("kiosk-4"))
        assert other.status_code == 403
    finally:
        stream.reply.close()
