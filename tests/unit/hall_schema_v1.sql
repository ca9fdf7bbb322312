-- The hall database schema as shipped at version 1 (before appointments), kept to test the upgrade.
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
    issued_at    TEXT NOT NULL,
    called_at    TEXT,
    window       TEXT,
    finished_at  TEXT,
    UNIQUE (day, series, seq)
);
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (day, window_group, state, priority, position, kind);
CREATE INDEX IF NOT EXISTS tickets_item ON tickets (day, item_code, kind);
CREATE INDEX IF NOT EXISTS tickets_person ON tickets (person_key, day, item_code) WHERE person_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS reservations (
    reservation_id  TEXT PRIMARY KEY,
    ticket_id       TEXT NOT NULL,
    kiosk_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    reprint         INTEGER NOT NULL,
    state           TEXT NOT NULL,                   -- pending | confirmed | voided
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS reservations_key ON reservations (kiosk_id, idempotency_key)
    WHERE idempotency_key != '' AND state != 'voided';
CREATE INDEX IF NOT EXISTS reservations_pending ON reservations (created_at) WHERE state = 'pending';
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
    action         TEXT NOT NULL,                    -- reserve | confirm | void | call | complete | convert
    reservation_id TEXT,
    ticket_id      TEXT,
    number         TEXT,
    actor          TEXT,                             -- kiosk id or window id
    reason         TEXT NOT NULL DEFAULT ''
);
