"""The hall server's HTTP API: the hall core (kiosk.hall.service.HallService) behind /v1.

Every route is a thin translation: JSON in → one hall call → JSON out (kiosk.server.wire), so the
rules stay in one place, the core. Who calls is decided by the bearer token (kiosk.server.accounts):
kiosk routes need a kiosk token, and the kiosk id written into a ticket is the token's, not
whatever the body says; window routes need a staff session. A refusal is a 409 with its reason,
a bad request a 4xx saying what is wrong, never a 500.
"""
# No `from __future__ import annotations`: FastAPI reads the routes' annotations, which name
# dependencies defined inside create_app.

import base64
import binascii
import logging
import uuid
from datetime import date
from typing import Annotated, Callable

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from kiosk.hall.model import (Appointment, Citizen, HallRefusal, HallUnavailable, Reservation, Ticket, TicketKind,
                              TicketRequest, WindowGroupLoad)
from kiosk.hall.service import HallService
from kiosk.hall.tokens import TokenRefusal
from kiosk.server.accounts import Accounts, Caller, LoginRefused
from kiosk.hall.wire import error_body, to_json

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024            # every request of this API is small; a bigger one is refused unread


class CitizenIn(BaseModel):
    person_key: str | None = Field(default=None, max_length=128)
    birth_date: date | None = None

    def citizen(self) -> Citizen:
        return Citizen(self.person_key, self.birth_date)


class ReserveIn(BaseModel):
    item_code: str = Field(max_length=32)
    kind: TicketKind
    citizen: CitizenIn = CitizenIn()
    idempotency_key: str = Field(min_length=8, max_length=64)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=200)


class TokenIn(BaseModel):
    token: str = Field(max_length=4096, description="the scanned QR code's bytes, base64")


class CheckInIn(BaseModel):
    idempotency_key: str = Field(min_length=8, max_length=64)
    token_nonce: str | None = Field(default=None, max_length=64)
    citizen: CitizenIn | None = None


class LoginIn(BaseModel):
    staff_id: str = Field(max_length=64)
    password: str = Field(max_length=256)


class CompleteIn(BaseModel):
    no_show: bool = False


class ConvertIn(BaseModel):
    kind: TicketKind


class TransferIn(BaseModel):
    group_id: str = Field(max_length=64)
    window_id: str = Field(default="", max_length=64, description="the window sending it (for the journal)")


def create_app(hall: HallService, accounts: Accounts, clock: Callable = None) -> FastAPI:
    clock = clock or getattr(hall, "clock")
    boot_id = uuid.uuid4().hex
    app = FastAPI(title="kiosk-hall", version="1", description=__doc__)

    @app.middleware("http")
    async def bounded(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return JSONResponse({"error": "too_large", "detail": f"a request body is at most {MAX_BODY} bytes"},
                                status_code=413)
        return await call_next(request)

    for kind in (HallRefusal, TokenRefusal, HallUnavailable):
        @app.exception_handler(kind)
        async def hall_said_no(request: Request, error: Exception):
            status, body = error_body(error)
            if status >= 500:
                log.error("%s %s: %s", request.method, request.url.path, error)
            return JSONResponse(body, status_code=status)

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

    # ---------------------------------------------------------------- anyone
    @app.get("/v1/health")
    def health() -> dict:
        """Alive, and which boot: a new boot id means the server restarted (clients re-fetch)."""
        return {"ok": True, "boot_id": boot_id, "time": clock().isoformat(timespec="seconds")}

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
        return to_json(hall.confirm_ticket(reservation_id), Ticket)

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

    @app.post("/v1/appointments/lookup")
    def appointment_for_token(body: TokenIn, who: Kiosk) -> dict:
        try:
            token = base64.b64decode(body.token, validate=True)
        except (binascii.Error, ValueError):
            raise HTTPException(422, {"error": "bad_request", "detail": "token is not base64"}) from None
        return to_json(hall.appointment_for_token(token), Appointment)

    @app.get("/v1/appointments")
    def appointments_for(person_key: str, who: Kiosk) -> list:
        return to_json(hall.appointments_for(person_key), list[Appointment])

    @app.post("/v1/appointments/{appointment_id}/check-in")
    def check_in(appointment_id: str, body: CheckInIn, who: Kiosk) -> dict:
        return to_json(hall.check_in(appointment_id, who.id, body.idempotency_key, token_nonce=body.token_nonce,
                                     citizen=body.citizen.citizen() if body.citizen else None), Reservation)

    # ---------------------------------------------------------------- kiosks and windows
    @app.get("/v1/group-loads")
    def group_loads(who: Annotated[Caller, Depends(caller)]) -> list:
        return to_json(hall.group_loads(), list[WindowGroupLoad])

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
        return to_json(ticket, Ticket) if ticket is not None else None

    @app.post("/v1/tickets/{ticket_id}/complete")
    def complete(ticket_id: str, body: CompleteIn, who: Staff) -> dict:
        return to_json(hall.complete(ticket_id, no_show=body.no_show), Ticket)

    @app.post("/v1/tickets/{ticket_id}/convert")
    def convert(ticket_id: str, body: ConvertIn, who: Staff) -> dict:
        return to_json(hall.convert(ticket_id, body.kind), Ticket)

    @app.post("/v1/tickets/{ticket_id}/transfer")
    def transfer(ticket_id: str, body: TransferIn, who: Staff) -> dict:
        return to_json(hall.transfer(ticket_id, body.group_id, body.window_id), Ticket)

    @app.get("/v1/tickets/{ticket_id}")
    def ticket(ticket_id: str, who: Staff) -> dict:
        return to_json(hall.ticket(ticket_id), Ticket)

    @app.get("/v1/tickets")
    def tickets_today(who: Staff) -> list:
        return to_json(hall.tickets_today(), list[Ticket])

    return app
