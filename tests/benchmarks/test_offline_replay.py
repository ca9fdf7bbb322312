"""Offline issuing, measured: how long a kiosk takes to issue its own number once the hall server
is gone (the connection refused, or the server silent: packets dropped), and how long 1,000
offline tickets take to reach the hall when it is back (0 lost, 0 doubled).

    .venv/bin/python tests/benchmarks/test_offline_replay.py --tickets 1000
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from kiosk.hall.http_hall import HttpHall  # noqa: E402
from kiosk.hall.model import Citizen, TicketKind, TicketRequest  # noqa: E402
from kiosk.hall.offline import OfflineHall  # noqa: E402
from kiosk.hall.sqlite_hall import SqliteHall  # noqa: E402
from kiosk.server.accounts import Accounts  # noqa: E402
from kiosk.server.app import create_app  # noqa: E402
from tests.unit.test_hall_fixtures import Clock, small_config  # noqa: E402
from sim.served import Served as Server  # noqa: E402


def issue(kiosk: OfflineHall):
    reservation = kiosk.reserve_ticket(TicketRequest("GA01", TicketKind.ACCEPT, Citizen(), "kiosk-7", uuid.uuid4().hex))
    kiosk.start_printing(reservation.reservation_id)
    return kiosk.confirm_ticket(reservation.reservation_id)


def run(tickets: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="offline-replay-"))
    clock = Clock()
    settings = small_config(folder / "config", cap=None)
    hall = SqliteHall(settings, folder / "hall.sqlite", clock=clock)
    accounts = Accounts(folder / "hall.sqlite")
    app = create_app(hall, accounts, clock=clock)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(app, port).__enter__()
    token = accounts.create_kiosk_token("kiosk-7", clock())
    kiosk = OfflineHall(HttpHall(server.url, token, connect_timeout_s=1.0, read_timeout_s=2.0), settings,
                        folder / "kiosk" / "offline.sqlite", "kiosk-7", 7, clock=clock, retry_s=0.1)
    try:
        issue(kiosk)
        server.__exit__(None, None, None)                  # gone: connections refused
        started = time.perf_counter()
        issue(kiosk)
        refused_s = time.perf_counter() - started
        per_ticket = []
        for _ in range(tickets - 1):
            t0 = time.perf_counter()
            issue(kiosk)
            per_ticket.append(time.perf_counter() - t0)
        server = Server(app, port).__enter__()            # back
        started = time.perf_counter()
        while kiosk.offline or kiosk.waiting_to_replay():
            time.sleep(0.01)
        replay_s = time.perf_counter() - started
        numbers = [t.number for t in hall.tickets_today()]
        return {"offline_after_refused_s": round(refused_s, 3),
                "offline_ticket_median_ms": round(statistics.median(per_ticket) * 1000, 2) if per_ticket else None,
                "replayed": sum(n.startswith("A-07-") for n in numbers), "replay_s": round(replay_s, 2),
                "duplicates": len(numbers) - len(set(numbers)), "lost": tickets - sum(n.startswith("A-07-") for n in numbers)}
    finally:
        kiosk.close()
        server.__exit__(None, None, None)
        hall.close()
        accounts.close()


def test_offline_tickets_reach_the_hall_when_it_is_back_none_lost_none_doubled():
    result = run(tickets=50)
    print(result)
    assert result["replayed"] == 50 and result["lost"] == 0 and result["duplicates"] == 0, result


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=1000)
    for key, value in run(**vars(p.parse_args())).items():
        print(f"{key:26} {value}")
