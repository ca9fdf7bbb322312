"""The hall server's HTTP API: the hall core (kiosk.hall.service.HallService) behind /v1.

Every route is a thin translation: JSON in → one hall call → JSON out (kiosk.server.wire), so the
rules stay in one place, the core. Who calls is decided by the bearer token (kiosk.server.accounts):
kiosk routes need a kiosk token, and the kiosk id written into a ticket is the token's, not
whatever the body says; window routes need a staff session. A refusal is a 409 with its reason,
a bad request a 4xx saying what is wrong, never a 500.

Besides /v1, kiosk-hall serves the staff's pages (kiosk/server/pages/): /window (a window's
calling screen), /admin (windows, queues, kiosks and their devices) and /display (the hall's
board of called numbers). They push through server-sent events (kiosk.server.push): /v1/events
for kiosks and staff, /display/events for the board, which needs no login and so carries only
what the hall shows anyway: numbers called, window names, queue lengths.
"""
# No `from __future__ import annotations`: FastAPI reads the routes' annotations, which name
# dependencies defined inside create_app.

import asyncio
import base64
import functools
import binascii
import itertools
import logging
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Callable

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from kiosk.config import ConfigError, load_hall_settings
from kiosk.hall.hall_catalogue import public_part
from kiosk.hall.model import (Appointment, HallRefusal, HallUnavailable, OfflineTicket, Reservation, Ticket,
                              TicketRequest, TicketState, WindowGroupLoad)
from kiosk.hall.offline_tickets import conflict_zh
from kiosk.hall.service import HallService
from kiosk.hall.tokens import TokenRefusal
from kiosk.hall.wire import error_body, to_json
from kiosk.server.accounts import Accounts, Caller, LoginRefused
from kiosk.server.bodies import (CheckInIn, CompleteIn, ConvertIn, KioskAnswerIn, KioskCommandIn, KioskHealthIn, LockIn,
                                 LoginIn, OfflineTicketIn, ReasonIn, ReserveIn, TokenIn, TransferIn)
from kiosk.server.push import Hub, end_streams_on_shutdown, sse

log = logging.getLogger(__name__)
CALLED_NUMBER = re.compile(r"[A-Z](-\d{2})?-?\d{3,4}")      # A012, A-07-012


@functools.lru_cache(maxsize=1)
def board_voice():
    """The hall board's voice: the kiosks' own normaliser, pinyin and espeak-ng, with its cache."""
    from kiosk.config import VoiceSettings
    from kiosk.speech.voice import Voice
    return Voice(VoiceSettings())
COMMAND_FRESH = timedelta(minutes=2)     # a command a kiosk missed while away is still done this soon after
MAX_BODY = 64 * 1024            # every request of this API is small; a bigger one is refused unread


class BodyLimit:
    """413 for a body declared bigger than MAX_BODY, before it is read. Plain ASGI: Starlette's
    @app.middleware("http") runs each request through a task and a stream of its own, which cost
    a twentieth of the server's time under load."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
                refusal = {"error": "too_large", "detail": f"a request body is at most {MAX_BODY} bytes"}
                return await JSONResponse(refusal, status_code=413)(scope, receive, send)
        await self.app(scope, receive, send)
PAGES = Path(__file__).with_name("pages")


def window_name_en(name: str) -> str:
    """'3号窗口' → 'Window 3'; a name of another shape is kept as it is."""
    numbered = re.fullmatch(r"\s*(\d+)\s*号窗口\s*", name)
    return f"Window {numbered.group(1)}" if numbered else name


def create_app(hall: HallService, accounts: Accounts, clock: Callable = None, settings=None,
               heartbeat_s: float = 10.0) -> FastAPI:
    """`settings` (kiosk.config.HallSettings, by default the hall's own) names the hall, its
    windows and window groups for the pages; `heartbeat_s` is how often an event stream says
    it is alive."""
    clock = clock or getattr(hall, "clock")
    settings = settings if settings is not None else getattr(hall, "settings", None)
    boot_id = uuid.uuid4().hex
    app = FastAPI(title="kiosk-hall", version="1", description=__doc__)
    hub = app.state.push = Hub()
    end_streams_on_shutdown()
    windows: dict = {}                          # (filled by take_settings, again at every reload)
    groups: dict = {}
    public: dict = {}                           # the hall's public part, as kiosks take it over (version first)

    def take_settings(new) -> None:
        """The hall's files read again: the core, the pages and the kiosks follow."""
        nonlocal settings
        settings = new
        if hasattr(hall, "apply_settings") and new is not getattr(hall, "settings", None):
            hall.apply_settings(new)
        windows.clear(), windows.update({w.id: w for w in new.windows})
        groups.clear(), groups.update(new.window_groups)
        public.clear(), public.update(public_part(new))
    if settings is not None:
        take_settings(settings)

    def reload_settings() -> bool:
        """hall.yaml and catalogue.yaml from disk; True if they changed. ConfigError (naming the
        file and key) leaves everything as it was."""
        new = load_hall_settings(settings.directory)
        if new == settings:         # (the whole files: keys and rules too, not only what kiosks see)
            return False
        take_settings(new)
        return True

    def follow_reload(event: str, data: dict) -> None:          # a server process reloaded: all do
        if event == "catalogue" and settings is not None:
            try:
                reload_settings()
            except ConfigError as e:
                log.error("the hall's files changed again and cannot be read: %s", e)
    hub.observe(follow_reload)
    last_calls: dict[str, dict] = {}            # window id → the number it called last, and when (a sequence)
    call_order = itertools.count(1)
    health_reports: dict[str, dict] = {}        # kiosk id → its devices as it last reported them

    def remember_health(event: str, data: dict) -> None:       # (reported to any server process)
        if event == "kiosk_health":
            health_reports[data["kiosk_id"]] = {k: v for k, v in data.items() if k != "kiosk_id"}
    hub.observe(remember_health)
    if hasattr(hall, "listen"):             # PostgreSQL: every server process hears every event
        hub.relay_through(hall)

    app.add_middleware(BodyLimit)

    for kind in (HallRefusal, TokenRefusal, HallUnavailable):
        @app.exception_handler(kind)
        async def hall_said_no(request: Request, error: Exception):
            status, body = error_body(error)
            if status >= 500:
                log.error("%s %s: %s", request.method, request.url.path, error)
            return JSONResponse(body, status_code=status)

    @app.exception_handler(ConfigError)
    async def bad_config(request: Request, error: ConfigError):
        return JSONResponse({"error": "config", "detail": str(error), "file": error.file, "key": error.key},
                            status_code=422)

    @app.exception_handler(KeyError)
    async def not_found(request: Request, error: KeyError):
        return JSONResponse({"error": "not_found", "detail": str(error.args[0]) if error.args else ""}, status_code=404)

    @app.exception_handler(ValueError)
    async def conflict(request: Request, error: ValueError):
        return JSONResponse({"error": "conflict", "detail": str(error)}, status_code=409)

    def caller(authorization: Annotated[str | None, Header()] = None) -> Caller:
        scheme, _, token = (authorization or "").partition(" ")
        who = accounts.who(token.strip(), clock()) if scheme.lower() == "bearer" and token else None
        if who is None:
            raise HTTPException(401, {"error": "unauthorized", "detail": "a valid bearer token is needed"},
                                headers={"WWW-Authenticate": "Bearer"})
        return who

    def kiosk(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.kind != "kiosk":
            raise HTTPException(403, {"error": "forbidden", "detail": "kiosk operations need a kiosk token"})
        return who

    def staff(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.kind != "staff":
            raise HTTPException(403, {"error": "forbidden", "detail": "window operations need a staff login"})
        return who

    Kiosk = Annotated[Caller, Depends(kiosk)]
    Staff = Annotated[Caller, Depends(staff)]

    # ---------------------------------------------------------------- what the pages and streams show
    def hall_info() -> dict:
        about = settings.hall if settings is not None else None
        return {"hall": {"id": about.id, "name": about.name, "name_en": about.name_en} if about else
                        {"id": "", "name": "", "name_en": ""},
                "windows": [{"id": w.id, "name": w.name, "name_en": window_name_en(w.name), "group": w.group}
                            for w in windows.values()],
                "groups": [{"id": g.id, "name": g.name, "name_en": g.name_en} for g in groups.values()]}

    def loads() -> list:
        return [{**to_json(load, WindowGroupLoad), "name_en": groups[load.group_id].name_en
                 if load.group_id in groups else ""} for load in hall.group_loads()]

    def board(window_id: str, number: str, serving: bool) -> dict:
        name = windows[window_id].name if window_id in windows else window_id
        last = last_calls.get(window_id)
        return {"window_id": window_id, "window_name": name, "window_name_en": window_name_en(name),
                "number": number, "serving": serving,
                "seq": last["seq"] if last is not None and last["number"] == number else 0,
                "text_zh": f"请 {number} 号到 {name} 办理",
                "text_en": f"Number {number}, please go to {window_name_en(name)}."}

    def snapshot() -> dict:
        """The whole picture a stream starts with: what each window called, and the queues."""
        called = {t.window: t for t in hall.tickets_today() if t.state == TicketState.CALLED and t.window}
        boards = []
        for window_id in list(windows) + [w for w in called if w not in windows]:
            if window_id in called:
                boards.append(board(window_id, called[window_id].number, True))
            elif window_id in last_calls:
                boards.append(board(window_id, last_calls[window_id]["number"], False))
        return {"boot_id": boot_id, "time": clock().isoformat(timespec="seconds"), "windows": boards,
                "loads": loads()}

    def publish_loads() -> None:
        if not hub.listening:
            return
        try:
            hub.publish("loads", loads())
        except (HallUnavailable, OSError) as e:   # the change itself is done; the streams catch up on reconnect
            log.warning("queue lengths not pushed: %s", e)

    def announce(ticket: Ticket, recall: bool = False) -> dict:
        """A window calls (or calls again) a number: the board's line, and what is said in the hall."""
        last_calls[ticket.window] = {"number": ticket.number, "seq": next(call_order)}
        event = {**board(ticket.window, ticket.number, True), "recall": recall}
        hub.publish("call", event)
        return event

    def window_left(ticket: Ticket, window_id: str | None) -> None:
        """The window's number was served, did not come, or was sent to another group."""
        if window_id and last_calls.get(window_id, {}).get("number") == ticket.number:
            hub.publish("window", board(window_id, ticket.number, False))

    async def event_stream(request: Request, public: bool) -> StreamingResponse:
        subscriber = hub.subscribe(public)           # before the snapshot: nothing falls between the two
        try:
            first = "retry: 2000\n" + sse("state", await run_in_threadpool(snapshot))
        except BaseException:
            hub.unsubscribe(subscriber)
            raise

        async def events():
            loop = asyncio.get_running_loop()
            beat = loop.time() + heartbeat_s
            try:
                yield first
                while not hub.closed:
                    message = await subscriber.next(timeout=max(0.0, min(1.0, beat - loop.time())))
                    if message is None or await request.is_disconnected():
                        break
                    if message:
                        yield message
                    if loop.time() >= beat:
                        beat = loop.time() + heartbeat_s
                        yield sse("heartbeat", {"boot_id": boot_id, "time": clock().isoformat(timespec="seconds")})
            finally:
                hub.unsubscribe(subscriber)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    # ---------------------------------------------------------------- anyone
    @app.get("/v1/health")
    def health() -> dict:
        """Alive, and which boot: a new boot id means the server restarted (clients re-fetch)."""
        return {"ok": True, "boot_id": boot_id, "time": clock().isoformat(timespec="seconds")}

    @app.get("/display/hall")
    def display_hall() -> dict:
        """The hall, its windows and window groups (public: what the signs in the hall say)."""
        return hall_info()

    @app.get("/display/state")
    def display_state() -> dict:
        """What the hall's board shows: the numbers each window called, the queue lengths."""
        return snapshot()

    @app.get("/display/speech/{window_id}/{number}.wav", include_in_schema=False)
    def display_speech(window_id: str, number: str) -> Response:
        """The call said aloud (请 A 零幺二 号到四号窗口办理), rendered offline by espeak-ng and kept:
        the board plays it after the chime. Only a known window and a number's shape: nobody can
        have the server say anything else."""
        if window_id not in windows or not CALLED_NUMBER.fullmatch(number):
            raise HTTPException(404, "no such window or number")
        try:
            wav = board_voice().utterance(f"请 {number} 号到 {windows[window_id].name} 办理").wav
        except Exception as e:          # espeak-ng missing or failing: the board shows and chimes
            log.warning("the board's call could not be spoken: %s", e)
            raise HTTPException(503, "speech unavailable on this server") from None
        return Response(wav, media_type="audio/wav", headers={"Cache-Control": "max-age=3600"})

    @app.get("/display/events")
    async def display_events(request: Request) -> StreamingResponse:
        """The board's events (state, call, window, loads, heartbeat): no login, public data only."""
        return await event_stream(request, public=True)

    for page in ("window", "admin", "display"):
        def serve_page(page: str = page) -> FileResponse:
            return FileResponse(PAGES / f"{page}.html", headers={"Cache-Control": "no-cache"})
        app.get(f"/{page}", include_in_schema=False)(serve_page)
    app.mount("/pages", StaticFiles(directory=PAGES), name="pages")

    # ---------------------------------------------------------------- kiosks
    @app.post("/v1/reservations")
    def reserve(body: ReserveIn, who: Kiosk) -> dict:
        request = TicketRequest(body.item_code, body.kind, body.citizen.citizen(), who.id, body.idempotency_key)
        return to_json(hall.reserve_ticket(request), Reservation)

    @app.post("/v1/reservations/{reservation_id}/printing", status_code=204)
    def start_printing(reservation_id: str, who: Kiosk) -> Response:
        hall.start_printing(reservation_id)
        return Response(status_code=204)

    @app.post("/v1/reservations/{reservation_id}/confirm")
    def confirm(reservation_id: str, who: Kiosk) -> dict:
        ticket = to_json(hall.confirm_ticket(reservation_id), Ticket)
        publish_loads()
        return ticket

    @app.post("/v1/reservations/{reservation_id}/void", status_code=204)
    def void(reservation_id: str, body: ReasonIn, who: Kiosk) -> Response:
        hall.void_reservation(reservation_id, f"{who}: {body.reason}")
        return Response(status_code=204)

    @app.post("/v1/reservations/{reservation_id}/spoil", status_code=204)
    def spoil(reservation_id: str, body: ReasonIn, who: Kiosk) -> Response:
        hall.spoil_reservation(reservation_id, f"{who}: {body.reason}")
        return Response(status_code=204)

    @app.get("/v1/spoiled-today")
    def spoiled_today(who: Kiosk) -> list:
        return [{"number": e.number, "at": e.at.isoformat(), "reason": e.reason, "ticket_id": e.ticket_id}
                for e in hall.spoiled_today()]

    @app.post("/v1/offline-tickets")
    def offline_ticket(body: OfflineTicketIn, who: Kiosk) -> dict:
        """A ticket this kiosk printed while it could not reach the hall, replayed in order."""
        ticket = OfflineTicket(body.idempotency_key, body.number, body.series, body.seq, body.kind, body.item_code,
                               body.issued_at, body.citizen.citizen(), body.ticket_id, body.window_group,
                               body.appointment_id, body.token_nonce)
        taken = hall.accept_offline(who.id, ticket)
        publish_loads()
        return to_json(taken, Ticket)

    @app.post("/v1/appointments/lookup")
    def appointment_for_token(body: TokenIn, who: Kiosk) -> dict:
        try:
            token = base64.b64decode(body.token, validate=True)
        except (binascii.Error, ValueError):
            raise HTTPException(422, {"error": "bad_request", "detail": "token is not base64"}) from None
        return to_json(hall.appointment_for_token(token), Appointment)

    @app.get("/v1/appointments/today")
    def appointments_today(who: Kiosk) -> list:
        """Today's appointments (person keys, never ID numbers): a kiosk keeps them to check in
        while it cannot reach the hall."""
        return to_json(hall.appointments_today(), list[Appointment])

    @app.get("/v1/appointments")
    def appointments_for(person_key: str, who: Kiosk) -> list:
        return to_json(hall.appointments_for(person_key), list[Appointment])

    @app.post("/v1/appointments/{appointment_id}/check-in")
    def check_in(appointment_id: str, body: CheckInIn, who: Kiosk) -> dict:
        return to_json(hall.check_in(appointment_id, who.id, body.idempotency_key, token_nonce=body.token_nonce,
                                     citizen=body.citizen.citizen() if body.citizen else None), Reservation)

    @app.post("/v1/kiosks/{kiosk_id}/health", status_code=204)
    def kiosk_health(kiosk_id: str, body: KioskHealthIn, who: Kiosk) -> Response:
        """The kiosk's devices as it sees them, shown on /admin (kept in memory until the next report)."""
        if who.id != kiosk_id:
            raise HTTPException(403, {"error": "forbidden", "detail": "a kiosk reports its own health only"})
        hub.publish("kiosk_health", {"kiosk_id": kiosk_id, "at": clock().isoformat(timespec="seconds"),
                                     "version": body.version,
                                     "devices": [d.model_dump(by_alias=True) for d in body.devices]}, public=False)
        return Response(status_code=204)

    # ---------------------------------------------------------------- kiosks and windows
    @app.get("/v1/group-loads")
    def group_loads(who: Annotated[Caller, Depends(caller)]) -> list:
        return to_json(hall.group_loads(), list[WindowGroupLoad])

    @app.get("/v1/hall")
    def hall_windows(who: Annotated[Caller, Depends(caller)]) -> dict:
        """The hall, its windows (id, name, group) and window groups (id, name)."""
        return hall_info()

    @app.get("/v1/events")
    async def events(request: Request, who: Annotated[Caller, Depends(caller)]) -> StreamingResponse:
        """Server-sent events: `state` (the whole picture, first on every connection), `call`
        (a window called or recalled a number, with what is announced), `window` (its number
        left it), `loads` (queue lengths after any change), `kiosk_health`, and `heartbeat`
        (every few seconds, with the boot id). A hint to re-read, never the only source."""
        return await event_stream(request, public=False)

    # ---------------------------------------------------------------- staff windows
    @app.post("/v1/staff/login")
    def login(body: LoginIn) -> dict:
        try:
            return {"token": accounts.login(body.staff_id, body.password, clock())}
        except LoginRefused as e:
            detail = {"error": "login_refused", "reason": e.reason}
            if e.until is not None:
                detail["until"] = e.until.isoformat(timespec="seconds")
            raise HTTPException(429 if e.reason == "locked" else 401, detail) from None

    @app.post("/v1/windows/{window_id}/call-next")
    def call_next(window_id: str, who: Staff) -> dict | None:
        ticket = hall.call_next(window_id)
        if ticket is None:
            return None
        announce(ticket)
        publish_loads()
        return to_json(ticket, Ticket)

    @app.post("/v1/windows/{window_id}/recall")
    def recall(window_id: str, who: Staff) -> dict:
        """Announce the window's called number again (the citizen did not hear it)."""
        if windows and window_id not in windows:
            raise KeyError(f"unknown window {window_id!r} (not in hall.yaml)")
        called = [t for t in hall.tickets_today() if t.state == TicketState.CALLED and t.window == window_id]
        if not called:
            raise KeyError(f"window {window_id} has no called number to announce again")
        announce(called[-1], recall=True)
        return to_json(called[-1], Ticket)

    @app.post("/v1/tickets/{ticket_id}/complete")
    def complete(ticket_id: str, body: CompleteIn, who: Staff) -> dict:
        ticket = hall.complete(ticket_id, no_show=body.no_show)
        window_left(ticket, ticket.window)
        return to_json(ticket, Ticket)

    @app.post("/v1/tickets/{ticket_id}/convert")
    def convert(ticket_id: str, body: ConvertIn, who: Staff) -> dict:
        ticket = hall.convert(ticket_id, body.kind)
        publish_loads()
        return to_json(ticket, Ticket)

    @app.post("/v1/tickets/{ticket_id}/transfer")
    def transfer(ticket_id: str, body: TransferIn, who: Staff) -> dict:
        before = hall.ticket(ticket_id)
        ticket = hall.transfer(ticket_id, body.group_id, body.window_id)
        if before.state == TicketState.CALLED:
            window_left(ticket, before.window)
        publish_loads()
        return to_json(ticket, Ticket)

    @app.get("/v1/tickets/{ticket_id}")
    def ticket(ticket_id: str, who: Staff) -> dict:
        return to_json(hall.ticket(ticket_id), Ticket)

    @app.get("/v1/conflicts")
    def conflicts(who: Staff) -> list:
        """Today's offline tickets that brought something no kiosk could check alone."""
        return [{"number": e.number, "at": e.at.isoformat(), "kiosk": e.actor, "reason": e.reason,
                 "reason_zh": conflict_zh(e.reason), "ticket_id": e.ticket_id} for e in hall.conflicts_today()]

    @app.get("/v1/tickets")
    def tickets_today(who: Staff) -> list:
        return to_json(hall.tickets_today(), list[Ticket])

    # ---------------------------------------------------------------- a kiosk taken out of use
    @app.post("/v1/kiosks/{kiosk_id}/lock", status_code=204)
    def lock_kiosk(kiosk_id: str, body: LockIn, who: Staff) -> Response:
        """Staff take a kiosk out of use (a jam being cleared, the hall closing early): its home
        screen says why until unlocked. Kept in the database: a server restart keeps it locked."""
        accounts.lock_kiosk(kiosk_id, body.reason, who.id, clock())
        hub.publish("kiosk_lock", {"kiosk_id": kiosk_id, "locked": True, "reason": body.reason}, public=False)
        return Response(status_code=204)

    @app.post("/v1/kiosks/{kiosk_id}/unlock", status_code=204)
    def unlock_kiosk(kiosk_id: str, who: Staff) -> Response:
        accounts.unlock_kiosk(kiosk_id)
        hub.publish("kiosk_lock", {"kiosk_id": kiosk_id, "locked": False, "reason": ""}, public=False)
        return Response(status_code=204)

    @app.get("/v1/kiosks/{kiosk_id}/state")
    def kiosk_state(kiosk_id: str, who: Kiosk) -> dict:
        """What a kiosk fetches on every (re)connect: push is a hint, this is the truth."""
        if who.id != kiosk_id:
            raise HTTPException(403, {"error": "forbidden", "detail": "a kiosk reads its own state only"})
        lock = accounts.kiosk_locks().get(kiosk_id)
        return {"locked": lock is not None, "reason": lock["reason"] if lock else "",
                "catalogue_version": public.get("version"),
                "commands": [{"command_id": c["command_id"], "command": c["command"]} for c in
                             accounts.kiosk_commands(kiosk_id, since=clock() - COMMAND_FRESH, open_only=True)]}

    # ---------------------------------------------------------------- asked of a kiosk from /admin
    @app.post("/v1/kiosks/{kiosk_id}/commands", status_code=201)
    def ask_kiosk(kiosk_id: str, body: KioskCommandIn, who: Staff) -> dict:
        """A technician asks a kiosk for a test print or a restart; journalled with who asked and,
        once the kiosk answers, what it said. The kiosk hears it pushed (and reads what it missed
        on reconnect, for COMMAND_FRESH)."""
        command_id = accounts.ask_kiosk(kiosk_id, body.command, who.id, clock())
        log.warning("%s asked kiosk %s for %s (%s)", who.id, kiosk_id, body.command, command_id)
        hub.publish("kiosk_command", {"kiosk_id": kiosk_id, "command_id": command_id, "command": body.command},
                    public=False)
        return {"command_id": command_id}

    @app.post("/v1/kiosks/{kiosk_id}/commands/{command_id}", status_code=204)
    def kiosk_answers(kiosk_id: str, command_id: str, body: KioskAnswerIn, who: Kiosk) -> Response:
        if who.id != kiosk_id:
            raise HTTPException(403, {"error": "forbidden", "detail": "a kiosk answers its own commands only"})
        if not accounts.kiosk_answered(kiosk_id, command_id, body.ok, body.result, clock()):
            raise HTTPException(404, {"error": "not_found", "detail": "no such open command for this kiosk"})
        log.info("kiosk %s: %s %s", kiosk_id, command_id, body.result)
        hub.publish("kiosk_command_result", {"kiosk_id": kiosk_id, "command_id": command_id, "ok": body.ok},
                    public=False)
        return Response(status_code=204)

    @app.post("/v1/kiosks/{kiosk_id}/help", status_code=204)
    def kiosk_help(kiosk_id: str, who: Kiosk) -> Response:
        """A citizen at this kiosk pressed 请工作人员帮忙 (长辈模式): every window page and /admin
        shows which kiosk, until a member of staff says they are going."""
        if who.id != kiosk_id:
            raise HTTPException(403, {"error": "forbidden", "detail": "a kiosk asks for help for itself only"})
        hub.publish("help", {"kiosk_id": kiosk_id, "at": clock().isoformat(timespec="seconds")}, public=False)
        return Response(status_code=204)

    @app.get("/v1/catalogue")
    def catalogue(who: Annotated[Caller, Depends(caller)]) -> dict:
        """The hall, its departments, window groups, windows and catalogue (nothing secret), with
        the version a kiosk compares against the one pushed."""
        if not public:
            raise HTTPException(404, {"error": "not_found", "detail": "this server has no catalogue"})
        return public

    # ---------------------------------------------------------------- the hall's administrator
    @app.post("/v1/admin/reload")
    def reload(who: Staff) -> dict:
        """The operator changed hall.yaml or catalogue.yaml: every server process and every kiosk
        takes the new files, without a restart. A file with a mistake is refused (422, naming
        the file and the key) and the hall goes on as it was."""
        if settings is None:
            raise HTTPException(404, {"error": "not_found", "detail": "this server has no configuration files"})
        changed = reload_settings()
        if changed:
            log.warning("hall files reloaded by %s: catalogue version %s", who, public["version"])
            hub.publish("catalogue", {"version": public["version"]}, public=False)
        return {"version": public["version"], "changed": changed, "items": len(settings.items)}

    @app.get("/v1/admin/kiosks")
    def admin_kiosks(who: Staff) -> list:
        """Every kiosk that has had a token: how many (and how many still work), when made and
        revoked, and its devices as it last reported them."""
        listed = {k.kiosk_id: {"kiosk_id": k.kiosk_id, "tokens": k.tokens, "active_tokens": k.active_tokens,
                               "created_at": k.created_at.isoformat(timespec="seconds"),
                               "revoked_at": k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else None}
                  for k in accounts.kiosks()}
        for kiosk_id in health_reports:
            listed.setdefault(kiosk_id, {"kiosk_id": kiosk_id, "tokens": 0, "active_tokens": 0,
                                         "created_at": None, "revoked_at": None})
        locks = accounts.kiosk_locks()
        return [{**entry, "health": health_reports.get(kiosk_id), "lock": locks.get(kiosk_id),
                 "commands": accounts.kiosk_commands(kiosk_id)[:3]}
                for kiosk_id, entry in sorted(listed.items())]

    return app
