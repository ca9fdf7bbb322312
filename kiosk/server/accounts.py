"""Who may call the hall server: kiosks by token, window staff by password.

* A kiosk token is made once (`kiosk-hall token create --kiosk ID`), printed once, and kept here
  only as its SHA-256 (a 256-bit random token needs no slow hash: there is nothing to guess).
  It is revocable, and every write it makes is attributed to its kiosk.
* Staff log in with an id and a password, kept as scrypt (a slow KDF: a stolen table is not a
  list of passwords). Five wrong passwords in a row lock the account for five minutes. A login
  gives a session token of eight hours, kept hashed like a kiosk's.
* A caller is a kiosk or a staff member, never both: a kiosk token cannot call staff operations.

The tables live in the hall's own store: on PostgreSQL beside the queue, through the hall's
transactions; on the embedded SQLite file on a connection of their own (`Accounts(path)`: the
queue's SqliteHall owns its writers, and the operator adds a token while the server runs).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.hall.schema import iso_time, parse_time

SCHEMA = """
CREATE TABLE IF NOT EXISTS server_tokens (
    token_hash  TEXT PRIMARY KEY,              -- sha256 of the token: the token itself is never stored
    kind        TEXT NOT NULL,                 -- kiosk | staff
    subject     TEXT NOT NULL,                 -- the kiosk id or the staff id
    created_at  TEXT NOT NULL,
    expires_at  TEXT,                          -- staff sessions end, kiosk tokens last until revoked
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS server_tokens_subject ON server_tokens (kind, subject);
CREATE TABLE IF NOT EXISTS server_kiosk_locks (   -- a kiosk taken out of use from /admin, until unlocked
    kiosk_id    TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,                 -- shown on the kiosk's home screen
    locked_by   TEXT NOT NULL,
    locked_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS server_kiosk_commands (   -- a test print or a restart asked from /admin: the journal
    command_id  TEXT PRIMARY KEY,
    kiosk_id    TEXT NOT NULL,
    command     TEXT NOT NULL,                 -- test_print | restart
    asked_by    TEXT NOT NULL,
    asked_at    TEXT NOT NULL,
    state       TEXT NOT NULL,                 -- asked | done | failed
    result      TEXT NOT NULL DEFAULT '',      -- what the kiosk said
    answered_at TEXT
);
CREATE INDEX IF NOT EXISTS server_kiosk_commands_kiosk ON server_kiosk_commands (kiosk_id, asked_at);
CREATE TABLE IF NOT EXISTS server_staff (
    staff_id      TEXT PRIMARY KEY,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,               -- scrypt$n$r$p$salt$hash
    failed        INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);
"""
MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
STAFF_SESSION = timedelta(hours=8)
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Caller:
    kind: str           # kiosk | staff
    id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


@dataclass(frozen=True)
class KioskTokens:
    """What the hall knows of one kiosk's tokens (never the tokens themselves)."""
    kiosk_id: str
    tokens: int                     # made, ever
    active_tokens: int              # not revoked
    created_at: datetime            # the newest token's
    revoked_at: datetime | None     # the last revocation, if any


class LoginRefused(Exception):
    def __init__(self, reason: str, until: datetime | None = None):
        self.reason, self.until = reason, until        # wrong | locked
        super().__init__(reason)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


class FileStore:
    """The accounts' own connection to an embedded hall's SQLite file, with the hall's kind of
    transaction (`transaction(write)` yielding a connection that takes `?` placeholders)."""

    def __init__(self, database: Path | str):
        self._conn = sqlite3.connect(str(database), timeout=10, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self, write: bool):
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._conn.close()


class Accounts:
    def __init__(self, store):
        """`store`: anything with the hall's transaction(write) (a PgHall), or an embedded hall's
        SQLite file (its path)."""
        self._store = FileStore(store) if isinstance(store, (str, Path)) else store
        with self._store.transaction(write=True) as conn:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def close(self) -> None:
        if isinstance(self._store, FileStore):
            self._store.close()         # (a hall's own store is closed with the hall)

    def _write(self, sql: str, args: tuple) -> int:
        with self._store.transaction(write=True) as conn:
            return conn.execute(sql, args).rowcount

    def _read(self, sql: str, args: tuple = ()) -> list:
        with self._store.transaction(write=False) as conn:
            return conn.execute(sql, args).fetchall()

    # ---------------------------------------------------------------- kiosks
    def create_kiosk_token(self, kiosk_id: str, now: datetime) -> str:
        """A new token for this kiosk, returned once (only its hash is kept)."""
        token = "kt_" + secrets.token_urlsafe(32)
        self._write("INSERT INTO server_tokens (token_hash, kind, subject, created_at) VALUES (?, 'kiosk', ?, ?)",
                    (_digest(token), kiosk_id, iso_time(now)))
        return token

    def revoke_kiosk(self, kiosk_id: str, now: datetime) -> int:
        """Every token of this kiosk stops working at once; how many there were."""
        return self._write("UPDATE server_tokens SET revoked_at=? WHERE kind='kiosk' AND subject=? "
                           "AND revoked_at IS NULL", (iso_time(now), kiosk_id))

    def kiosks(self) -> list[KioskTokens]:
        """Every kiosk that has had a token, by id."""
        rows = self._read(
            "SELECT subject, COUNT(*) AS tokens, SUM(CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END) AS active, "
            "MAX(created_at) AS created, MAX(revoked_at) AS revoked FROM server_tokens WHERE kind='kiosk' "
            "GROUP BY subject ORDER BY subject")
        return [KioskTokens(r["subject"], r["tokens"], r["active"], parse_time(r["created"]), parse_time(r["revoked"]))
                for r in rows]

    def lock_kiosk(self, kiosk_id: str, reason: str, staff: str, now: datetime) -> None:
        self._write("INSERT INTO server_kiosk_locks VALUES (?, ?, ?, ?) ON CONFLICT(kiosk_id) DO UPDATE SET "
                    "reason=excluded.reason, locked_by=excluded.locked_by, locked_at=excluded.locked_at",
                    (kiosk_id, reason, staff, iso_time(now)))

    def unlock_kiosk(self, kiosk_id: str) -> None:
        self._write("DELETE FROM server_kiosk_locks WHERE kiosk_id=?", (kiosk_id,))

    def kiosk_locks(self) -> dict[str, dict]:
        """kiosk id → {reason, by, at} for every kiosk locked now."""
        return {r["kiosk_id"]: {"reason": r["reason"], "by": r["locked_by"], "at": r["locked_at"]}
                for r in self._read("SELECT * FROM server_kiosk_locks")}

    # ---------------------------------------------------------------- asked of a kiosk from /admin
    def ask_kiosk(self, kiosk_id: str, command: str, staff: str, now: datetime) -> str:
        command_id = "c_" + secrets.token_hex(8)
        self._write("INSERT INTO server_kiosk_commands (command_id, kiosk_id, command, asked_by, asked_at, state) "
                    "VALUES (?, ?, ?, ?, ?, 'asked')", (command_id, kiosk_id, command, staff, iso_time(now)))
        return command_id

    def kiosk_answered(self, kiosk_id: str, command_id: str, ok: bool, result: str, now: datetime) -> bool:
        """False when there is no such open command of this kiosk (answered twice, or not its own)."""
        return self._write("UPDATE server_kiosk_commands SET state=?, result=?, answered_at=? "
                           "WHERE command_id=? AND kiosk_id=? AND state='asked'",
                           ("done" if ok else "failed", result[:500], iso_time(now), command_id, kiosk_id)) == 1

    def kiosk_commands(self, kiosk_id: str | None = None, since: datetime | None = None, open_only: bool = False) -> list[dict]:
        """Newest first: {command_id, kiosk_id, command, asked_by, asked_at, state, result, answered_at}."""
        sql, args = "SELECT * FROM server_kiosk_commands WHERE 1=1", []
        if kiosk_id is not None:
            sql, args = sql + " AND kiosk_id=?", args + [kiosk_id]
        if since is not None:
            sql, args = sql + " AND asked_at>=?", args + [iso_time(since)]
        if open_only:
            sql += " AND state='asked'"
        return [dict(r) for r in self._read(sql + " ORDER BY asked_at DESC", tuple(args))]

    # ---------------------------------------------------------------- staff
    def add_staff(self, staff_id: str, password: str, name: str = "") -> None:
        self._write("INSERT INTO server_staff (staff_id, name, password_hash) VALUES (?, ?, ?) "
                    "ON CONFLICT(staff_id) DO UPDATE SET password_hash=excluded.password_hash, name=excluded.name, "
                    "failed=0, locked_until=NULL", (staff_id, name, hash_password(password)))

    def login(self, staff_id: str, password: str, now: datetime) -> str:
        """A session token for this staff member; LoginRefused (wrong, or locked for a while)."""
        row = next(iter(self._read("SELECT * FROM server_staff WHERE staff_id=?", (staff_id,))), None)
        if row is not None and row["locked_until"] and parse_time(row["locked_until"]) > now:
            raise LoginRefused("locked", parse_time(row["locked_until"]))
        # An unknown id costs the same scrypt as a known one: timing does not say which ids exist.
        stored = row["password_hash"] if row is not None else hash_password("", b"\0" * 16)
        if row is None or not password_matches(password, stored):
            if row is not None:
                failed = row["failed"] + 1
                locked = iso_time(now + LOCKOUT) if failed >= MAX_FAILED else None
                self._write("UPDATE server_staff SET failed=?, locked_until=? WHERE staff_id=?",
                            (0 if locked else failed, locked, staff_id))
                if locked:
                    raise LoginRefused("locked", now + LOCKOUT)
            raise LoginRefused("wrong")
        self._write("UPDATE server_staff SET failed=0, locked_until=NULL WHERE staff_id=?", (staff_id,))
        token = "st_" + secrets.token_urlsafe(32)
        self._write("INSERT INTO server_tokens (token_hash, kind, subject, created_at, expires_at) "
                    "VALUES (?, 'staff', ?, ?, ?)", (_digest(token), staff_id, iso_time(now),
                                                    iso_time(now + STAFF_SESSION)))
        return token

    # ---------------------------------------------------------------- every request
    def who(self, token: str, now: datetime) -> Caller | None:
        row = next(iter(self._read("SELECT * FROM server_tokens WHERE token_hash=?", (_digest(token),))), None)
        if row is None or row["revoked_at"] or row["expires_at"] and parse_time(row["expires_at"]) <= now:
            return None
        return Caller(row["kind"], row["subject"])
