"""The embedded hall's SQLite schema (see sqlite_hall.py for how the rules map onto it).

Kiosks in the field keep their database across upgrades, so the version lives in
`PRAGMA user_version` and upgrade() brings an older file forward step by step, inside the
transaction that opens it: a failed step leaves the file as it was.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

SCHEMA_VERSION = 3


def iso_time(moment: datetime) -> str:
    """How a moment is stored: hall-local ISO text with microseconds, always the same width, so
    SQL can compare moments as strings."""
    return moment.isoformat(timespec="microseconds")


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def read_only_rows(database: Path, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
    """Rows from a SQLite file another process may be writing (the running kiosk's), opened
    read-only; [] when there is no such file. sqlite3.Error when it cannot be read."""
    if not Path(database).exists():
        return []
    conn = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    position     INTEGER PRIMARY KEY AUTOINCREMENT,  -- place in the queue: issue order
    ticket_id    TEXT NOT NULL UNIQUE,
    day          TEXT NOT NULL,                      -- hall-local date, YYYY-MM-DD
    series       TEXT NOT NULL,                      -- A/C/P: the series it was issued in, kept on convert
    seq          INTEGER NOT NULL,
    number       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    item_code    TEXT NOT NULL,
    department   TEXT NOT NULL,
    window_group TEXT NOT NULL,
    person_key   TEXT,
    priority     INTEGER NOT NULL,
    state        TEXT NOT NULL,                      -- reserved | waiting | called | done | no_show
                                                     -- | spoiled (its print started, never finished)
    issued_at    TEXT NOT NULL,
    called_at    TEXT,
    window       TEXT,
    finished_at  TEXT,
    appointment_id TEXT,                             -- v2: set for an appointment check-in
    slot_start   TEXT,                               -- v2: the appointment's slot, hall-local ISO time
    slot_end     TEXT,
    UNIQUE (day, series, seq)
);
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (day, window_group, state, priority, position, kind);
-- a window's home departments (Window.home) are called first, whatever group queues them
CREATE INDEX IF NOT EXISTS tickets_department ON tickets (day, department, priority, position) WHERE state = 'waiting';
CREATE INDEX IF NOT EXISTS tickets_item ON tickets (day, item_code, kind);
CREATE INDEX IF NOT EXISTS tickets_person ON tickets (person_key, day, item_code) WHERE person_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS tickets_slot ON tickets (day, window_group, slot_end) WHERE appointment_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS reservations (
    reservation_id  TEXT PRIMARY KEY,
    ticket_id       TEXT NOT NULL,
    kiosk_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    reprint         INTEGER NOT NULL,
    state           TEXT NOT NULL,                   -- pending | printing | confirmed | voided | spoiled
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS reservations_key ON reservations (kiosk_id, idempotency_key)
    WHERE idempotency_key != '' AND state != 'voided';
CREATE INDEX IF NOT EXISTS reservations_pending ON reservations (created_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS reservations_unconfirmed ON reservations (created_at) WHERE state IN ('pending', 'printing');
CREATE TABLE IF NOT EXISTS number_series (
    day TEXT NOT NULL, series TEXT NOT NULL, last_seq INTEGER NOT NULL,
    PRIMARY KEY (day, series)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS queue_load (                -- a cache of tickets, rebuilt at open
    day TEXT NOT NULL, window_group TEXT NOT NULL, priority INTEGER NOT NULL, kind TEXT NOT NULL,
    queued INTEGER NOT NULL,                            -- reserved + waiting tickets
    PRIMARY KEY (day, window_group, priority, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS returned_numbers (
    day TEXT NOT NULL, series TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (day, series, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (
    entry          INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    action         TEXT NOT NULL,                    -- reserve | confirm | void | spoil | call | complete
                                                     -- | convert
                                                     -- | book | check_in | lapse | cancel (appointments)
    reservation_id TEXT,
    ticket_id      TEXT,
    number         TEXT,
    actor          TEXT,                             -- kiosk id or window id
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS appointments (         -- v2
    appointment_id  TEXT PRIMARY KEY,
    hall_id         TEXT NOT NULL,
    person_key      TEXT NOT NULL,                   -- kiosk.privacy.person_key: a hash, never the ID number
    item_code       TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'accept',
    day             TEXT NOT NULL,                   -- the slot's hall-local date
    slot_start      TEXT NOT NULL,
    slot_end        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'booked',  -- booked | checked_in | lapsed | cancelled
    ticket_id       TEXT,                            -- set at check-in (while printing, status is still booked)
    token_nonce     TEXT,                            -- the token's nonce used for the check-in
    idempotency_key TEXT NOT NULL DEFAULT '',
    booked_at       TEXT NOT NULL,
    checked_in_at   TEXT
);
CREATE INDEX IF NOT EXISTS appointments_person ON appointments (person_key, day, slot_start);
CREATE UNIQUE INDEX IF NOT EXISTS appointments_nonce ON appointments (token_nonce) WHERE token_nonce IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS appointments_booking ON appointments (idempotency_key) WHERE idempotency_key != '';
CREATE TABLE IF NOT EXISTS locker_cells (          -- v3: 自助取件
    cell        TEXT PRIMARY KEY,                    -- "<bus>/<board>/<lock>", e.g. lockers_left/1/12
    size        TEXT NOT NULL DEFAULT 'm',           -- s | m | l
    state       TEXT NOT NULL DEFAULT 'free'         -- free | loaded | collected | out_of_service | fault
);
CREATE TABLE IF NOT EXISTS pickup_orders (
    order_no    TEXT PRIMARY KEY,
    person_key  TEXT NOT NULL,                       -- kiosk.privacy.person_key, never the ID number
    cell        TEXT NOT NULL,
    code_hash   TEXT NOT NULL,                       -- HMAC of the code with the hall's key
    expires_at  TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open',        -- open | collected | locked | voided
    wrong_codes INTEGER NOT NULL DEFAULT 0,
    deposited_at TEXT NOT NULL,
    collected_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS pickup_open_code ON pickup_orders (code_hash) WHERE state = 'open';
CREATE INDEX IF NOT EXISTS pickup_person ON pickup_orders (person_key, state);
CREATE TABLE IF NOT EXISTS door_openings (         -- the exactly-once journal: written before the command
    opening_key TEXT PRIMARY KEY,                    -- the idempotency key of this opening
    order_no    TEXT,
    cell        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    state       TEXT NOT NULL,                       -- intent | sent | seen_open | failed
    at          TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sms_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_no    TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    code        TEXT,                                -- the plain code, only until handed to the gateway
    queued_at   TEXT NOT NULL,
    sent_at     TEXT
);
CREATE TABLE IF NOT EXISTS locker_audit (          -- append-only, each row chained to the one before
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    event       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
"""

# MIGRATIONS[n] takes a version-n database to n+1; SCHEMA (all IF NOT EXISTS) then adds new tables
# and indexes. Columns added here come last, as in a fresh file, so both end up alike.
MIGRATIONS = {
    1: """
ALTER TABLE tickets ADD COLUMN appointment_id TEXT;
ALTER TABLE tickets ADD COLUMN slot_start TEXT;
ALTER TABLE tickets ADD COLUMN slot_end TEXT
""",
    2: "",      # v3 only adds tables (the lockers'): SCHEMA creates them
}


def write_journal(conn: sqlite3.Connection, now: datetime, action: str, reservation_id: str | None,
                  ticket_id: str | None, number: str | None, actor: str | None, reason: str) -> None:
    conn.execute("INSERT INTO journal (at, action, reservation_id, ticket_id, number, actor, reason) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", (iso_time(now), action, reservation_id, ticket_id, number, actor,
                                                  reason))


def _run(conn: sqlite3.Connection, script: str) -> None:
    # Statement by statement: executescript() would COMMIT the caller's transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def upgrade(conn: sqlite3.Connection) -> int:
    """Bring the open database (inside the caller's write transaction) to SCHEMA_VERSION.
    Returns the version it had; sqlite3.DatabaseError if it is newer than this program."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"schema version {version} is newer than this program ({SCHEMA_VERSION})")
    if version == 0 and conn.execute("SELECT 1 FROM sqlite_master WHERE name='tickets'").fetchone():
        version = 1     # defensive: a v1 file whose user_version was never written
    for step in range(max(version, 1), SCHEMA_VERSION) if version else ():
        _run(conn, MIGRATIONS[step])
    _run(conn, SCHEMA)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return version
