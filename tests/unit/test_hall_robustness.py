"""The queue under stress: concurrent kiosks, a second program, a full disk, a damaged file."""
from __future__ import annotations

import errno
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.hall.model import (Citizen, HallLocked, HallRefusal, HallUnavailable, RefusalReason, TicketKind,
                              TicketRequest, TicketState)
from kiosk.hall.numbering import parse_number
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.wording import say
from test_hall_fixtures import Clock, small_config

KINDS = [TicketKind.ACCEPT, TicketKind.CONSULT, TicketKind.PICKUP]


@pytest.fixture
def config(tmp_path):
    return small_config(tmp_path / "config", cap=None)


def request(kind=TicketKind.ACCEPT, item="SB01"):
    return TicketRequest(item, kind, Citizen())


def seqs_by_series(tickets) -> dict[str, list[int]]:
    series = defaultdict(list)
    for t in tickets:
        kind, seq = parse_number(t.number)
        series[kind.prefix].append(seq)
    return series


# ---------------------------------------------------------------- concurrency
def test_eight_concurrent_kiosks_never_share_or_lose_a_number(config, tmp_path):
    """8 threads × 60 tickets, a fifth of the prints failing: four threads share one SqliteHall,
    four have their own on the same file."""
    clock, db = Clock(), tmp_path / "hall.sqlite"
    shared = SqliteHall(config, db, clock=clock)
    own = [SqliteHall(config, db, clock=clock) for _ in range(4)]
    halls = [shared] * 4 + own
    confirmed, voided, errors = [[] for _ in halls], [0] * len(halls), []

    def kiosk(i: int):
        rng = random.Random(i)
        try:
            for n in range(60):
                reservation = halls[i].reserve_ticket(request(KINDS[(i + n) % 3]))
                if rng.random() < 0.2:
                    halls[i].void_reservation(reservation.reservation_id, "paper out")
                    voided[i] += 1
                else:
                    confirmed[i].append(halls[i].confirm_ticket(reservation.reservation_id))
        except Exception as e:     # surfaced below: a thread must not fail silently
            errors.append(e)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(len(halls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    issued = [t for per_kiosk in confirmed for t in per_kiosk]
    assert len(issued) == 8 * 60 - sum(voided)
    assert len({t.number for t in issued}) == len(issued), "duplicate number"
    assert len({t.ticket_id for t in issued}) == len(issued)
    today = shared.tickets_today()
    assert sorted(t.ticket_id for t in today) == sorted(t.ticket_id for t in issued), "ghost or lost ticket"

    # Numbers given back by the last voids are handed out first: refill them, then no gap is left.
    for prefix, seqs in seqs_by_series(issued).items():
        kind = next(k for k in KINDS if k.prefix == prefix)
        missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs))
        refill = [parse_number(shared.confirm_ticket(shared.reserve_ticket(request(kind)).reservation_id).number)[1]
                  for _ in missing]
        assert refill == missing
    final = seqs_by_series(shared.tickets_today())
    for seqs in final.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    for hall in own + [shared]:
        hall.close()


# ---------------------------------------------------------------- one process per database
def _open_in_child(config_dir: Path, db: Path) -> subprocess.CompletedProcess:
    code = ("import sys\n"
            "from kiosk.config import load_hall_settings\n"
            "from kiosk.hall.model import HallLocked\n"
            "from kiosk.hall.sqlite_hall import SqliteHall\n"
            "try:\n"
            f"    SqliteHall(load_hall_settings({str(config_dir)!r}), {str(db)!r}).close()\n"
            "except HallLocked as e:\n"
            "    print(e.technical); print(e.pid); sys.exit(3)\n"
            "print('opened')\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_second_program_on_the_same_database_is_refused(config, tmp_path):
    db = tmp_path / "hall.sqlite"
    first, second = SqliteHall(config, db), SqliteHall(config, db)     # same process: fine
    child = _open_in_child(config.directory, db)
    assert child.returncode == 3, child.stderr
    message, pid = child.stdout.splitlines()
    assert str(db) in message and f"pid {os.getpid()}" in message and int(pid) == os.getpid()
    first.close()
    assert _open_in_child(config.directory, db).returncode == 3     # `second` still holds it
    second.close()
    child = _open_in_child(config.directory, db)
    assert (child.returncode, child.stdout.strip()) == (0, "opened"), child.stderr


def test_locked_error_reads_well():
    error = HallLocked("/var/hall.sqlite", 4242)
    assert isinstance(error, HallUnavailable)
    assert error.technical.startswith("hall database /var/hall.sqlite is already open in another process (pid 4242)")
    assert say(error.message, "zh_CN") and say(error.message, "en")


# ---------------------------------------------------------------- full disk
@contextmanager
def tmpfs(directory: Path, size: str, read_only: bool = False):
    """A real small filesystem; needs root (CI runs as root), otherwise the test says why it skips."""
    directory.mkdir()
    options = f"size={size}" + (",ro" if read_only else "")
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(directory)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=True)


def _fill(directory: Path) -> Path:
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def _issue_until_full(hall: SqliteHall):
    """Issue tickets until the store refuses; returns (tickets issued, the error, a reservation
    left pending if it was the confirm that failed)."""
    issued = []
    for n in range(5000):
        try:
            reservation = hall.reserve_ticket(request(KINDS[n % 2]))
        except HallUnavailable as e:
            return issued, e, None
        try:
            issued.append(hall.confirm_ticket(reservation.reservation_id))
        except HallUnavailable as e:
            return issued, e, reservation
    raise AssertionError("the store never filled up")


def _check_nothing_lost_after_space_returns(hall, issued, pending):
    if pending is not None:     # printed but not confirmed when the disk filled: retry the confirm
        issued.append(hall.confirm_ticket(pending.reservation_id))
    issued += [hall.confirm_ticket(hall.reserve_ticket(request(k)).reservation_id) for k in KINDS[:2] * 3]
    today = hall.tickets_today()
    assert sorted(t.ticket_id for t in today) == sorted(t.ticket_id for t in issued)
    for seqs in seqs_by_series(today).values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), "gap or duplicate after the disk filled"


def test_full_disk_on_a_real_filesystem_loses_and_duplicates_nothing(config, tmp_path):
    with tmpfs(tmp_path / "small", "8m") as small:
        hall = SqliteHall(config, small / "hall.sqlite", clock=Clock())
        try:
            issued = [hall.confirm_ticket(hall.reserve_ticket(request()).reservation_id) for _ in range(20)]
            printing = hall.reserve_ticket(request())           # paper is coming out...
            filler = _fill(small)                               # ...when the disk fills up
            with pytest.raises(HallUnavailable) as failed:
                hall.confirm_ticket(printing.reservation_id)
            assert "database or disk is full" in failed.value.technical and str(small) in failed.value.technical
            assert "取号系统暂时连不上" in say(failed.value.message, "zh_CN")
            with pytest.raises(HallUnavailable):
                hall.reserve_ticket(request())
            assert len(hall.tickets_today()) == 20              # reading still works, nothing half-written
            filler.unlink()
            _check_nothing_lost_after_space_returns(hall, issued, printing)
            assert [t.number for t in hall.tickets_today()][20] == "A021"   # the slip in the citizen's hand
        finally:
            hall.close()


def test_full_database_by_sqlite_page_limit_loses_and_duplicates_nothing(config, tmp_path):
    hall = SqliteHall(config, tmp_path / "hall.sqlite", clock=Clock())
    try:
        pages = hall._conn.execute("PRAGMA page_count").fetchone()[0]
        hall._conn.execute(f"PRAGMA max_page_count={pages + 2}")    # sqlite's own "disk": SQLITE_FULL
        issued, error, pending = _issue_until_full(hall)
        assert "database or disk is full (SQLITE_FULL)" in error.technical
        hall._conn.execute("PRAGMA max_page_count=1073741823")
        _check_nothing_lost_after_space_returns(hall, issued, pending)
    finally:
        hall.close()


# ---------------------------------------------------------------- unusable files
def test_missing_directory_is_reported_with_the_path(config, tmp_path):
    db = tmp_path / "not-created" / "hall.sqlite"
    with pytest.raises(HallUnavailable) as failed:
        SqliteHall(config, db)
    assert f"{db}.lock" in failed.value.technical and "No such file or directory" in failed.value.technical


def test_read_only_filesystem_is_reported(config, tmp_path):
    with tmpfs(tmp_path / "ro", "64k", read_only=True) as ro:
        with pytest.raises(HallUnavailable) as failed:
            SqliteHall(config, ro / "hall.sqlite")
        assert "Read-only file system" in failed.value.technical and str(ro) in failed.value.technical


def test_file_that_is_not_a_database_is_refused_and_the_lock_released(config, tmp_path):
    db = tmp_path / "hall.sqlite"
    db.write_bytes(b"these are not the pages you are looking for\n" * 200)
    with pytest.raises(HallUnavailable) as failed:
        SqliteHall(config, db)
    assert "file is not a database" in failed.value.technical and str(db) in failed.value.technical
    db.unlink()
    SqliteHall(config, db).close()      # a fresh file opens: the failed attempt kept no lock


def test_damaged_pages_surface_as_unavailable_not_as_a_crash(config, tmp_path):
    db = tmp_path / "hall.sqlite"
    hall = SqliteHall(config, db, clock=Clock())
    for _ in range(200):
        hall.confirm_ticket(hall.reserve_ticket(request()).reservation_id)
    hall.close()
    data = bytearray(db.read_bytes())
    page = 4096
    rng = random.Random(1)
    for offset in range(page, len(data), page):                 # keep the header page, scramble the rest
        data[offset:offset + page] = bytes(rng.randrange(256) for _ in range(page))
    db.write_bytes(bytes(data))
    with pytest.raises(HallUnavailable) as failed:
        damaged = SqliteHall(config, db, clock=Clock())
        try:
            damaged.tickets_today()
            damaged.reserve_ticket(request())
        finally:
            damaged.close()
    assert str(db) in failed.value.technical and "malformed" in failed.value.technical
    assert isinstance(failed.value.__cause__, sqlite3.DatabaseError)


def test_closed_hall_says_so(config, tmp_path):
    hall = SqliteHall(config, tmp_path / "hall.sqlite")
    hall.close()
    hall.close()
    with pytest.raises(HallUnavailable, match="closed"):
        hall.reserve_ticket(request())


def test_refusal_inside_a_transaction_leaves_nothing_behind(config, tmp_path):
    hall = SqliteHall(config, tmp_path / "hall.sqlite", clock=Clock())
    try:
        with pytest.raises(HallRefusal) as refused:
            hall.reserve_ticket(request(item="SW01"))       # no window: refused after the checks began
        assert refused.value.reason is RefusalReason.NO_WINDOW
        assert hall.journal() == [] and hall.tickets_today() == []
    finally:
        hall.close()


def test_a_confirm_under_way_on_the_hall_server_is_not_swept_by_another_kiosk(config, tmp_path, postgres):
    """On PostgreSQL a confirm locks only its own reservation, so another kiosk's reservation
    (and its stale sweep) runs beside it: the sweep must pass over a reservation being confirmed
    that moment, not spoil the ticket the citizen is holding, and must not wait for it either."""
    import psycopg
    from kiosk.hall.pg_hall import PgHall
    clock, url = Clock(), postgres.fresh_url()
    hall = PgHall(config, url, clock=clock, audit_anchor=tmp_path / "audit-head")
    try:
        slow = hall.reserve_ticket(request())
        hall.start_printing(slow.reservation_id)
        clock.advance(minutes=2, seconds=30)        # its confirm comes late: a slow network
        with psycopg.connect(url) as holder:         # holds the ticket row: the confirm stops half-way
            holder.execute("SELECT 1 FROM tickets WHERE ticket_id=%s FOR UPDATE", (slow.ticket.ticket_id,))
            outcome = {}
            confirming = threading.Thread(target=lambda: outcome.update(
                ticket=hall.confirm_ticket(slow.reservation_id)))
            confirming.start()
            deadline = time.monotonic() + 5          # until the confirm holds its reservation
            while not holder.execute("SELECT 1 FROM pg_locks WHERE NOT granted").fetchone():
                assert time.monotonic() < deadline, "the confirm never reached the ticket row"
                time.sleep(0.02)
            other = {}                                # another kiosk; its sweep looks at `slow`
            kiosk = threading.Thread(target=lambda: other.update(reservation=hall.reserve_ticket(request())))
            kiosk.start()
            kiosk.join(3)
            waited = kiosk.is_alive()
            holder.rollback()
        kiosk.join(10)
        confirming.join(10)
        assert not waited, "another kiosk's reservation waited for this confirm"
        assert other["reservation"].ticket.number == "A002"
        assert outcome["ticket"].number == "A001" and outcome["ticket"].state is TicketState.WAITING
        assert hall.spoiled_today() == []
    finally:
        hall.close()
