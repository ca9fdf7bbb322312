"""Shared fixtures: a copy of the shipped configuration that a test may edit."""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from drivers.printer.escpos_cache import use_capabilities_cache

use_capabilities_cache()      # before any test module imports python-escpos (see that module)

PROJECT = Path(__file__).resolve().parent.parent
CONFIG = PROJECT / "config"


@pytest.fixture(autouse=True)
def nothing_on_the_wrong_thread():
    """A driver used off its worker thread, or a screen's QObject off the Qt thread, fails the
    test that did it, even where the WrongThread it raised was caught and logged."""
    import drivers.one_thread as drivers_rule
    screens_rule = sys.modules.get("screens.qt_thread")
    del drivers_rule.violations[:]
    if screens_rule is not None:
        del screens_rule.violations[:]
    yield
    screens_rule = sys.modules.get("screens.qt_thread")
    found = drivers_rule.violations + (screens_rule.violations if screens_rule is not None else [])
    assert not found, "used on the wrong thread:\n" + "\n".join(found[:10])


@pytest.fixture
def config_dir(tmp_path) -> Path:
    """A writable copy of config/, so a test can break one key and see what the kiosk says."""
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def _wait_until(condition, timeout: float = 6.0) -> bool:
    """Poll until condition() is true (devices answer on their own threads); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def wait_until():
    return _wait_until


@pytest.fixture
def on_another_thread():
    """on_another_thread(call): call() on a fresh thread named 'not-the-owner'; returns the
    exception it raised, or None."""
    import threading

    def run_elsewhere(call):
        raised = []

        def run():
            try:
                call()
            except BaseException as e:       # noqa: BLE001 - handed back to the test
                raised.append(e)
        thread = threading.Thread(target=run, name="not-the-owner")
        thread.start()
        thread.join(10)
        return raised[0] if raised else None
    return run_elsewhere


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL cluster for the session (tests/postgres.py); a test that needs it fails,
    saying why, when it cannot start."""
    from tests.postgres import Postgres
    server = Postgres()
    try:
        server.start()
    except RuntimeError as e:
        pytest.fail(f"PostgreSQL could not start: {e}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def open_hall(request, tmp_path):
    """open_hall(settings, path, **kw) → the hall core on the embedded SQLite file `path`, or on
    PostgreSQL (the same `path` reopens the same schema): every test using it runs on both."""
    from kiosk.hall.sqlite_hall import SqliteHall
    halls, schemas = [], {}

    def make(settings, path, **kw):
        if request.param == "sqlite":
            hall = SqliteHall(settings, path, **kw)
        else:
            from kiosk.hall.pg_hall import PgHall
            kw.pop("busy_timeout_s", None)
            server = request.getfixturevalue("postgres")
            url = schemas.setdefault(str(path), server.fresh_url())
            hall = PgHall(settings, url, audit_anchor=Path(f"{path}.audit-head"), **kw)
        halls.append(hall)
        return hall
    def stored(path) -> bytes:
        """Everything the hall at `path` keeps, as bytes (the SQLite files, or every row of the
        PostgreSQL schema): for tests that look for personal data in the store."""
        if request.param == "sqlite":
            return b"".join(p.read_bytes() for p in Path(path).parent.glob(Path(path).name + "*"))
        import psycopg
        with psycopg.connect(schemas[str(path)], autocommit=True) as conn:
            tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                                 "WHERE table_schema = current_schema()")]
            return repr([conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables]).encode()

    make.store, make.stored = request.param, stored
    yield make
    for hall in halls:
        hall.close()
