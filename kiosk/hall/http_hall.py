"""The kiosk's side of a hall server: KioskHall over HTTPS with `requests`.

The flows call it exactly as they call the embedded SqliteHall (same dataclasses, same
exceptions: kiosk.server.wire), always off the Qt thread. Every call has a connect and a read
timeout, so a server that is gone costs a few seconds and a HallUnavailable, never a frozen
kiosk. The hall's CA is pinned (`ca_file`): the kiosk trusts that CA only, not the system's.
The kiosk holds a bearer token, never database credentials. A write that may have reached the
server before the connection dropped is simply sent again: every write carries its idempotency
key (or acts on one reservation id), so the server answers the same ticket rather than a second.
"""
from __future__ import annotations

import base64
import logging
import threading
from datetime import datetime

import requests

from kiosk.hall.model import Appointment, Citizen, HallUnavailable, OfflineTicket, Reservation, Ticket, TicketRequest
from kiosk.hall.service import KioskHall
from kiosk.hall.wire import from_json, raise_error, to_json
from kiosk.version import version

log = logging.getLogger(__name__)


class HttpHall(KioskHall):
    def __init__(self, url: str, token: str, ca_file: str | None = None, *, connect_timeout_s: float = 2.0,
                 read_timeout_s: float = 5.0):
        self.url = url.rstrip("/")
        self._timeout = (connect_timeout_s, read_timeout_s)
        self._verify = ca_file if ca_file else True
        self._token = token
        self._local = threading.local()        # a requests.Session is not shared between threads

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["Authorization"] = f"Bearer {self._token}"
            # The hall server is on the hall's own network, reached directly and trusted through
            # its pinned CA only: no proxy or CA bundle from the environment applies (reading the
            # environment's proxies was also a seventh of this client's time per request).
            session.trust_env = False
            session.verify = self._verify
        return session

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None, tries: int = 2):
        """One request; a connection that failed or dropped is tried once more (every write is
        idempotent). HallUnavailable when the server cannot be reached or answers nonsense."""
        for attempt in range(tries):
            try:
                reply = self._session().request(method, self.url + path, json=body, params=params,
                                                timeout=self._timeout)
                break
            except (requests.ConnectionError, requests.Timeout) as e:
                # A timeout is tried once only: a second wait would double the time before the kiosk
                # goes offline. A connection dropped mid-request is retried (the same key: the
                # server answers what it already did).
                if attempt + 1 == tries or isinstance(e, requests.Timeout):
                    raise HallUnavailable(f"hall server {self.url}: {type(e).__name__}: {e}") from None
                log.info("hall server %s: %s, trying once more", self.url, type(e).__name__)
        if reply.status_code == 204:
            return None
        try:
            data = reply.json()
        except ValueError:
            raise HallUnavailable(f"hall server {self.url}{path} answered {reply.status_code}, not JSON") from None
        if reply.status_code >= 400:
            raise_error(reply.status_code, data.get("detail", data) if reply.status_code in (401, 403) else data)
        return data

    # ---------------------------------------------------------------- numbers
    def reserve_ticket(self, request: TicketRequest, now: datetime | None = None) -> Reservation:
        body = {"item_code": request.item_code, "kind": request.kind.value, "idempotency_key": request.idempotency_key,
                "citizen": to_json(request.citizen, Citizen)}
        return from_json(self._call("POST", "/v1/reservations", body), Reservation)

    def start_printing(self, reservation_id: str) -> None:
        self._call("POST", f"/v1/reservations/{reservation_id}/printing")

    def confirm_ticket(self, reservation_id: str) -> Ticket:
        return from_json(self._call("POST", f"/v1/reservations/{reservation_id}/confirm"), Ticket)

    def void_reservation(self, reservation_id: str, reason: str) -> None:
        self._call("POST", f"/v1/reservations/{reservation_id}/void", {"reason": reason[:200]})

    def spoil_reservation(self, reservation_id: str, reason: str) -> None:
        self._call("POST", f"/v1/reservations/{reservation_id}/spoil", {"reason": reason[:200]})

    def spoiled_today(self, now: datetime | None = None) -> list:
        from kiosk.hall.sqlite_hall import JournalEntry
        return [JournalEntry(0, datetime.fromisoformat(e["at"]), "spoiled", None, e["ticket_id"], e["number"], None,
                             e["reason"]) for e in self._call("GET", "/v1/spoiled-today")]

    def accept_offline(self, kiosk_id: str, ticket: OfflineTicket) -> Ticket:
        body = {"idempotency_key": ticket.idempotency_key, "number": ticket.number, "series": ticket.series,
                "seq": ticket.seq, "kind": ticket.kind.value, "item_code": ticket.item_code,
                "issued_at": ticket.issued_at.isoformat(), "citizen": to_json(ticket.citizen, Citizen),
                "ticket_id": ticket.ticket_id, "window_group": ticket.window_group,
                "appointment_id": ticket.appointment_id, "token_nonce": ticket.token_nonce}
        return from_json(self._call("POST", "/v1/offline-tickets", body), Ticket)

    def report_health(self, kiosk_id: str, devices: list) -> None:
        """This kiosk's devices as its technician screen shows them, for the hall's /admin."""
        self._call("POST", f"/v1/kiosks/{kiosk_id}/health", {"version": version(), "devices": [
            {"role": h.role, "name": h.name, "state": h.state, "reason_zh": str(h.reason)} for h in devices]}, tries=1)

    def answer_command(self, kiosk_id: str, command_id: str, ok: bool, result: str) -> None:
        """What this kiosk did about a command from /admin (a test print, a restart), for its journal."""
        self._call("POST", f"/v1/kiosks/{kiosk_id}/commands/{command_id}", {"ok": ok, "result": result[:500]}, tries=2)

    def ask_for_help(self, kiosk_id: str) -> None:
        """Page the hall's staff: a citizen at this kiosk needs someone (请工作人员帮忙)."""
        self._call("POST", f"/v1/kiosks/{kiosk_id}/help", tries=1)

    def catalogue(self) -> dict:
        """The hall's public settings and their version (kiosk.hall.hall_catalogue)."""
        return self._call("GET", "/v1/catalogue", tries=1)

    def server_time(self) -> datetime:
        """The hall's clock now (the server's, from /v1/health), for the kiosk's offset."""
        return datetime.fromisoformat(self._call("GET", "/v1/health", tries=1)["time"])

    # ---------------------------------------------------------------- appointments
    def appointment_for_token(self, token: bytes, now: datetime | None = None) -> Appointment:
        body = {"token": base64.b64encode(token).decode()}
        return from_json(self._call("POST", "/v1/appointments/lookup", body), Appointment)

    def appointments_today(self) -> list[Appointment]:
        return from_json(self._call("GET", "/v1/appointments/today", tries=1), list[Appointment])

    def appointments_for(self, person_key: str, now: datetime | None = None) -> list[Appointment]:
        return from_json(self._call("GET", "/v1/appointments", params={"person_key": person_key}), list[Appointment])

    def check_in(self, appointment_id: str, kiosk_id: str, idempotency_key: str, now: datetime | None = None,
                 token_nonce: str | None = None, citizen: Citizen | None = None) -> Reservation:
        body = {"idempotency_key": idempotency_key, "token_nonce": token_nonce,
                "citizen": to_json(citizen, Citizen) if citizen is not None else None}
        return from_json(self._call("POST", f"/v1/appointments/{appointment_id}/check-in", body), Reservation)

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
