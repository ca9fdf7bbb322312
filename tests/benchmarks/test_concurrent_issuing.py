"""10,000 tickets from 8 kiosks at once on one embedded hall database.

Each of the 8 issuer threads has its own SqliteHall on the same file (the harder case: every
write goes through SQLite's BEGIN IMMEDIATE, not just one shared connection). Each ticket is
reserve + confirm, as the take-number flow does around printing. Asserts zero duplicates and zero
lost numbers; prints the throughput (never fails on timing).

    .venv/bin/pytest tests/benchmarks/test_concurrent_issuing.py -m slow -s
"""
from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.config import (Category, Department, HallInfo, KioskConfig, KioskInfo, OpeningHours,
                          ServiceItem, Window, WindowGroup)
from kiosk.hall.model import Citizen, TicketKind, TicketRequest
from kiosk.hall.sqlite_hall import SqliteHall

TICKETS, ISSUERS = 10_000, 8
KINDS = [TicketKind.ACCEPT, TicketKind.CONSULT, TicketKind.PICKUP]
NOW = datetime(2026, 11, 23, 10, 0)       # a Monday morning


def bench_config(directory: Path) -> KioskConfig:
    item = ServiceItem(code="SB01", name="社会保障卡申领", department="rsj", kinds=KINDS, category="c1")
    return KioskConfig(
        directory=directory,
        hall=HallInfo(id="bench", name="基准测试大厅",
                      opening_hours=[OpeningHours(days=["mon"], open="08:00", close="20:00")]),
        departments={"rsj": Department(code="rsj", name="人社")},
        window_groups={g: WindowGroup(id=g, name=g, departments=["rsj"]) for g in ("social", "general")},
        windows=[Window(id=f"W{i}", name=f"{i}号窗口", group="social" if i <= 4 else "general") for i in range(1, 7)],
        categories=[Category(code="c1", name="社保", items=[item])], items={"SB01": item},
        kiosk=KioskInfo(technician_pin="pbkdf2_sha256$1$00$" + "0" * 64), devices={}, printer_profiles={})


@pytest.mark.slow
def test_ten_thousand_tickets_from_eight_kiosks(tmp_path, capsys):
    config = bench_config(tmp_path)
    halls = [SqliteHall(config, tmp_path / "hall.sqlite", clock=lambda: NOW) for _ in range(ISSUERS)]
    issued: list[list] = [[] for _ in range(ISSUERS)]
    errors: list[Exception] = []
    start = threading.Barrier(ISSUERS + 1)

    def kiosk(i: int) -> None:
        start.wait()
        try:
            for n in range(i, TICKETS, ISSUERS):
                request = TicketRequest("SB01", KINDS[n % 3], Citizen(), kiosk_id=f"kiosk-{i}",
                                        idempotency_key=f"{i}-{n}")
                reservation = halls[i].reserve_ticket(request)
                issued[i].append(halls[i].confirm_ticket(reservation.reservation_id))
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(ISSUERS)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began

    assert errors == []
    tickets = [t for per_kiosk in issued for t in per_kiosk]
    numbers = [t.number for t in tickets]
    assert len(tickets) == TICKETS and len(set(numbers)) == TICKETS, "duplicate number"
    stored = halls[0].tickets_today()
    assert sorted(t.ticket_id for t in stored) == sorted(t.ticket_id for t in tickets), "lost or ghost ticket"
    for kind in KINDS:
        expected = sum(1 for n in range(TICKETS) if KINDS[n % 3] is kind)
        seqs = sorted(int(t.number[1:]) for t in tickets if t.number[0] == kind.prefix)
        assert seqs == list(range(1, expected + 1)), f"gap in the {kind.prefix} series"
    for hall in halls:
        hall.close()
    with capsys.disabled():
        print(f"\n[hall benchmark] {TICKETS} tickets (reserve+confirm) from {ISSUERS} threads, one SqliteHall "
              f"each: {elapsed:.1f} s, {TICKETS / elapsed:.0f} tickets/s")
