"""Kiosks in the field have version-1 hall databases: opening one upgrades it to version 2 in place,
keeping today's queue, or leaves it untouched if the upgrade cannot finish."""
from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.hall.model import AppointmentRequest, Citizen, HallUnavailable, TicketKind, TicketRequest
from kiosk.hall.schema import SCHEMA_VERSION
from kiosk.hall.sqlite_hall import SqliteHall
from test_hall_fixtures import MONDAY_10AM, Clock, small_config

V1_SCHEMA = (Path(__file__).parent / "hall_schema_v1.sql").read_text(encoding="utf-8")
DAY = MONDAY_10AM.date().isoformat()


def make_v1_database(path: Path) -> None:
    """What a version-1 kiosk left behind: A001 waiting, A002 called at W04, journal entries."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in V1_SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    issued = (MONDAY_10AM - timedelta(minutes=30)).isoformat(timespec="microseconds")
    for seq, state, window in [(1, "waiting", None), (2, "called", "W04")]:
        conn.execute("INSERT INTO tickets (ticket_id, day, series, seq, number, kind, item_code, department, "
                     "window_group, person_key, priority, state, issued_at, window) "
                     "VALUES (?, ?, 'A', ?, ?, 'accept', 'GA01', 'gaj', 'police', NULL, 0, ?, ?, ?)",
                     (f"old{seq}", DAY, seq, f"A{seq:03d}", state, issued, window))
        conn.execute("INSERT INTO reservations VALUES (?, ?, 'kiosk-1', ?, 0, 'confirmed', ?)",
                     (f"r{seq}", f"old{seq}", f"tap-{seq}", issued))
        conn.execute("INSERT INTO journal (at, action, reservation_id, ticket_id, number, actor, reason) "
                     "VALUES (?, 'confirm', ?, ?, ?, 'kiosk-1', 'printed')", (issued, f"r{seq}", f"old{seq}", f"A{seq:03d}"))
    conn.execute("INSERT INTO number_series VALUES (?, 'A', 2)", (DAY,))
    conn.execute("PRAGMA user_version=1")
    conn.close()


def shape(path: Path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        columns = [row[1:3] for row in conn.execute("PRAGMA table_info(tickets)")]
        objects = sorted(conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
        return conn.execute("PRAGMA user_version").fetchone()[0], columns, objects
    finally:
        conn.close()


@pytest.fixture
def config(tmp_path):
    return small_config(tmp_path / "config")


def open_hall(config, path) -> SqliteHall:
    return SqliteHall(config, path, clock=Clock())


def test_a_version_1_database_is_upgraded_and_keeps_its_queue(config, tmp_path):
    old = tmp_path / "old.sqlite"
    make_v1_database(old)
    hall = open_hall(config, old)
    try:
        assert hall.ticket("old1").number == "A001" and not hall.ticket("old1").is_appointment
        assert [t.number for t in hall.tickets_today()] == ["A001", "A002"]
        new = hall.confirm_ticket(hall.reserve_ticket(TicketRequest("GA01", TicketKind.ACCEPT)).reservation_id)
        assert (new.number, new.people_ahead) == ("A003", 1)        # the series and the queue go on
        assert hall.call_next("W04").ticket_id == "old1"
        start = MONDAY_10AM + timedelta(minutes=10)
        appointment = hall.book_appointment(AppointmentRequest("k" * 32, "GA01", start, start + timedelta(minutes=30)))
        reservation = hall.check_in(appointment.appointment_id, "kiosk-1", "tap-9", citizen=Citizen("k" * 32))
        assert hall.confirm_ticket(reservation.reservation_id).slot_start == start
        assert [e.action for e in hall.journal()][:2] == ["confirm", "confirm"]          # old entries kept
    finally:
        hall.close()
    fresh = tmp_path / "fresh.sqlite"
    open_hall(config, fresh).close()
    assert shape(old) == shape(fresh)
    assert shape(old)[0] == SCHEMA_VERSION == 3


def test_reopening_an_upgraded_database_changes_nothing(config, tmp_path):
    path = tmp_path / "old.sqlite"
    make_v1_database(path)
    open_hall(config, path).close()
    before = shape(path)
    hall = open_hall(config, path)
    assert [t.number for t in hall.tickets_today()] == ["A001", "A002"]
    hall.close()
    assert shape(path) == before


def test_an_upgrade_that_cannot_finish_leaves_the_file_as_it_was(config, tmp_path):
    path = tmp_path / "odd.sqlite"
    make_v1_database(path)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE tickets ADD COLUMN slot_end TEXT")   # a hand-edited file: the last step fails
    conn.commit()
    conn.close()
    before = shape(path)
    with pytest.raises(HallUnavailable, match="duplicate column"):
        open_hall(config, path)
    assert shape(path) == before and before[0] == 1
    assert not any(name == "appointments" for _, name in before[2])


def test_a_database_from_a_newer_program_is_refused(config, tmp_path):
    path = tmp_path / "new.sqlite"
    open_hall(config, path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(HallUnavailable, match="newer than this program"):
        open_hall(config, path)
