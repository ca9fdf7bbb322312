"""自助取件 in the embedded hall: cells, pickup orders, the exactly-once door journal, the audit chain.

An object the hall holds (SqliteHall.pickups), using its transactions. How the rules map onto
storage:

* A deposit loads a free cell of the right size and makes a 6-digit code, unique among open
  orders. Only its HMAC (the hall's `pickup.code_key`) is stored, so a typed code can be looked
  up but not read back; the plain code waits in `sms_outbox` only until the gateway takes it.
  The citizen is stored as a person key (a hash), never an ID number.
* Every opening is journalled before the command (`intent`), after it (`sent`) and after the door
  reading (`seen_open` / `failed`), under an idempotency key: the same key never opens twice,
  and an opening left at intent/sent by a killed process is settled by reading the door. An
  order is collected only once its door was seen open.
* Wrong codes: anonymous ones only slow that kiosk down (the caller's business); one entered
  while a card identifies the citizen counts against that citizen's open orders, which lock
  after `wrong_codes_to_lock` until staff reissue the code.
* The audit is append-only and hash-chained (each row's hash covers the previous row's), and
  the newest hash is also written to a file outside the database, so deleting the newest rows
  is found too.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.config import HallSettings
from kiosk.hall.schema import iso_time, parse_time

GENESIS = "0" * 64


@dataclass(frozen=True)
class PickupOrder:
    order_no: str
    cell: str
    state: str                  # open | opened (waiting for the item check) | item_left | collected | locked | voided
    expires_at: datetime
    expired: bool


@dataclass(frozen=True)
class Cell:
    cell: str
    size: str                   # s | m | l
    state: str                  # free | loaded | collected | out_of_service | fault
    order_no: str = ""          # the order waiting in it (open or locked for staff)
    order_state: str = ""
    expired: bool = False


@dataclass(frozen=True)
class Deposit:
    order: PickupOrder
    code: str                   # the plain code: for the SMS only, never stored as is


class PickupRefused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        # no_free_cell | duplicate_order | unknown_order | wrong_code | expired | cell_busy | cell_loaded
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


class SqlitePickups:
    def __init__(self, desk, settings: HallSettings, anchor: Path):
        """`desk`: the hall (its transaction()); `anchor`: the file that keeps the chain's newest hash."""
        self._desk, self._rules, self._anchor = desk, settings.pickup, anchor
        self._key = base64.urlsafe_b64decode(self._rules.code_key + "=" * (-len(self._rules.code_key) % 4))
        self._newest: str | None = None
        self._scrub = False
        self._lock = threading.RLock()

    @contextmanager
    def _tx(self, write: bool) -> Iterator[sqlite3.Connection]:
        """The hall's transaction; the chain's newest hash goes to the anchor file only once the
        rows it covers are committed (a rolled-back row must not look deleted)."""
        with self._lock:            # one pickup operation at a time: the chain has one end
            self._newest, self._scrub = None, False
            with self._desk.transaction(write=write) as conn:
                yield conn
            if self._newest is not None:
                self._anchor.parent.mkdir(parents=True, exist_ok=True)
                self._anchor.write_text(self._newest, encoding="utf-8")
                self._newest = None
            if self._scrub:             # a phone number overwritten: off the disk as well
                self._desk.scrub()

    # ---------------------------------------------------------------- cells
    def add_cells(self, cells: dict[str, str]) -> None:
        """cell → size (s|m|l), as kiosk.yaml says now; cells already known keep their state."""
        with self._tx(write=True) as conn:
            for cell, size in cells.items():
                conn.execute("INSERT INTO locker_cells (cell, size) VALUES (?, ?) "
                             "ON CONFLICT(cell) DO UPDATE SET size=excluded.size", (cell, size))

    def cell_states(self) -> dict[str, str]:
        with self._tx(write=False) as conn:
            return {r["cell"]: r["state"] for r in conn.execute("SELECT cell, state FROM locker_cells ORDER BY cell")}

    def cells(self, now: datetime) -> dict[str, Cell]:
        """Every cell with the order waiting in it, for the staff's view of the bank."""
        with self._tx(write=False) as conn:
            orders = {r["cell"]: r for r in conn.execute(
                "SELECT cell, order_no, state, expires_at FROM pickup_orders "
                "WHERE state IN ('open', 'opened', 'item_left', 'locked')")}
            result = {}
            for r in conn.execute("SELECT cell, size, state FROM locker_cells"):
                o = orders.get(r["cell"])
                result[r["cell"]] = Cell(r["cell"], r["size"], r["state"], o["order_no"] if o else "",
                                         o["state"] if o else "",
                                         bool(o) and o["state"] == "open" and now >= parse_time(o["expires_at"]))
            return result

    def set_in_service(self, cell: str, in_service: bool, actor: str, now: datetime) -> None:
        """Staff take an empty cell out of service, or put a cell back in service (a faulty one
        once it is mended: loaded again if a document still waits in it, else free)."""
        with self._tx(write=True) as conn:
            loaded = conn.execute("SELECT 1 FROM pickup_orders WHERE cell=? AND state IN ('open', 'opened', "
                                  "'item_left', 'locked')",
                                  (cell,)).fetchone() is not None
            if loaded and not in_service:
                raise PickupRefused("cell_loaded", cell)
            state = ("loaded" if loaded else "free") if in_service else "out_of_service"
            conn.execute("UPDATE locker_cells SET state=? WHERE cell=?", (state, cell))
            self._audit(conn, now, actor, "cell_state", {"cell": cell, "state": state})

    # ---------------------------------------------------------------- staff
    def check_deposit(self, order_no: str, cell: str) -> None:
        """Before staff open a cell to load it: the order is new and the cell empty and in service."""
        with self._tx(write=False) as conn:
            self._check_deposit(conn, order_no, cell)

    @staticmethod
    def _check_deposit(conn, order_no: str, cell: str | None) -> None:
        if conn.execute("SELECT 1 FROM pickup_orders WHERE order_no=?", (order_no,)).fetchone():
            raise PickupRefused("duplicate_order", order_no)
        if cell is not None and not conn.execute("SELECT 1 FROM locker_cells WHERE cell=? AND state IN ('free', 'collected')",
                            (cell,)).fetchone():
            raise PickupRefused("cell_busy", cell)

    def deposit(self, order_no: str, person_key: str, size: str, staff: str, now: datetime,
                phone: str = "", cell: str | None = None) -> Deposit:
        """Load a cell: the one staff chose (and opened), or the first empty one of that size.
        A cell whose document was collected is empty again."""
        with self._tx(write=True) as conn:
            self._check_deposit(conn, order_no, cell)
            row = {"cell": cell} if cell is not None else conn.execute(
                "SELECT cell FROM locker_cells WHERE state IN ('free', 'collected') AND size=? "
                "ORDER BY state DESC, cell LIMIT 1", (size,)).fetchone()
            if row is None:
                raise PickupRefused("no_free_cell", f"size {size}")
            code, code_hash = self._new_code(conn)
            expires = now + timedelta(days=self._rules.code_valid_days)
            conn.execute("INSERT INTO pickup_orders (order_no, person_key, cell, code_hash, expires_at, deposited_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (order_no, person_key, row["cell"], code_hash, iso_time(expires), iso_time(now)))
            conn.execute("UPDATE locker_cells SET state='loaded' WHERE cell=?", (row["cell"],))
            conn.execute("INSERT INTO sms_outbox (order_no, phone, code, queued_at) VALUES (?, ?, ?, ?)",
                         (order_no, phone, code, iso_time(now)))
            self._audit(conn, now, staff, "deposit", {"order": order_no, "cell": row["cell"]})
            return Deposit(self._order(conn, order_no, now), code)

    def reissue(self, order_no: str, staff: str, now: datetime) -> str:
        """A new code (the old one void at once); unlocks an order locked by wrong codes."""
        with self._tx(write=True) as conn:
            if not conn.execute("SELECT 1 FROM pickup_orders WHERE order_no=? AND state IN ('open', 'item_left', "
                                "'locked')",
                                (order_no,)).fetchone():
                raise PickupRefused("unknown_order", order_no)
            code, code_hash = self._new_code(conn)
            conn.execute("UPDATE pickup_orders SET code_hash=?, state='open', wrong_codes=0, expires_at=? "
                         "WHERE order_no=?", (code_hash, iso_time(now + timedelta(days=self._rules.code_valid_days)),
                                              order_no))
            # The new code goes to the phone the first one went to.
            conn.execute("INSERT INTO sms_outbox (order_no, phone, code, queued_at) SELECT ?, "
                         "COALESCE((SELECT phone FROM sms_outbox WHERE order_no=? ORDER BY id DESC LIMIT 1), ''), ?, ?",
                         (order_no, order_no, code, iso_time(now)))
            self._audit(conn, now, staff, "reissue", {"order": order_no})
            return code

    def outbox(self) -> list[tuple[int, str, str, str]]:
        """(id, order, phone, code) still to hand to the SMS gateway."""
        with self._tx(write=False) as conn:
            return [(r["id"], r["order_no"], r["phone"], r["code"]) for r in conn.execute(
                "SELECT id, order_no, phone, code FROM sms_outbox WHERE sent_at IS NULL ORDER BY id")]

    def handed_to_gateway(self, outbox_id: int, now: datetime) -> None:
        """The gateway has the code: the plain code leaves the database."""
        with self._tx(write=True) as conn:
            conn.execute("UPDATE sms_outbox SET code=NULL, sent_at=? WHERE id=?", (iso_time(now), outbox_id))
            self._scrub = True      # ... from the disk too, not only from what a query sees

    # ---------------------------------------------------------------- the citizen
    def orders_for_code(self, code: str, now: datetime, person_key: str | None = None) -> list[PickupOrder]:
        """The open order this code opens. A wrong code from an identified citizen counts
        against their open orders (locked after the limit); PickupRefused otherwise."""
        # The refusal is raised after the transaction: what it wrote (the count, the audit) stays.
        with self._tx(write=True) as conn:
            row = conn.execute("SELECT order_no FROM pickup_orders WHERE code_hash=? AND state='open'",
                               (self._hash(code),)).fetchone()
            if row is None:
                self._wrong_code(conn, person_key, now)
                refused = PickupRefused("wrong_code")
            else:
                order = self._order(conn, row["order_no"], now)
                if not order.expired:
                    return [order]
                self._audit(conn, now, "kiosk", "expired_code", {"order": order.order_no})
                refused = PickupRefused("expired", order.order_no)
        raise refused

    def orders_for_person(self, person_key: str, now: datetime) -> list[PickupOrder]:
        """Every open order of the citizen whose card was read (each opens in turn)."""
        with self._tx(write=False) as conn:
            rows = conn.execute("SELECT order_no FROM pickup_orders WHERE person_key=? AND state='open' "
                                "ORDER BY cell", (person_key,)).fetchall()
            return [o for o in (self._order(conn, r["order_no"], now) for r in rows) if not o.expired]

    def _wrong_code(self, conn, person_key: str | None, now: datetime) -> None:
        self._audit(conn, now, "kiosk", "wrong_code", {"identified": person_key is not None})
        if person_key is None:
            return
        conn.execute("UPDATE pickup_orders SET wrong_codes = wrong_codes + 1 WHERE person_key=? AND state='open'",
                     (person_key,))
        for r in conn.execute("SELECT order_no FROM pickup_orders WHERE person_key=? AND state='open' "
                              "AND wrong_codes >= ?", (person_key, self._rules.wrong_codes_to_lock)).fetchall():
            conn.execute("UPDATE pickup_orders SET state='locked' WHERE order_no=?", (r["order_no"],))
            self._audit(conn, now, "kiosk", "order_locked", {"order": r["order_no"]})

    # ---------------------------------------------------------------- exactly once
    def begin_opening(self, opening_key: str, cell: str, actor: str, now: datetime,
                      order_no: str | None = None) -> str:
        """Journal the intent before any command. Returns the opening's state: `intent` for a new
        one; for a key seen before, whatever it reached (the caller never opens it again)."""
        with self._tx(write=True) as conn:
            row = conn.execute("SELECT state FROM door_openings WHERE opening_key=?", (opening_key,)).fetchone()
            if row is not None:
                return row["state"]
            if order_no is not None and not conn.execute(
                    "SELECT 1 FROM pickup_orders WHERE order_no=? AND state IN ('open', 'item_left')",
                    (order_no,)).fetchone():
                raise PickupRefused("unknown_order", order_no)
            conn.execute("INSERT INTO door_openings (opening_key, order_no, cell, actor, state, at) "
                         "VALUES (?, ?, ?, ?, 'intent', ?)", (opening_key, order_no, cell, actor, iso_time(now)))
            self._audit(conn, now, actor, "open_intent", {"cell": cell, "order": order_no, "key": opening_key})
            return "intent"

    def opening_sent(self, opening_key: str, now: datetime) -> None:
        self._advance(opening_key, "sent", now, "")

    def opening_seen(self, opening_key: str, door_open: bool, now: datetime, detail: str = "",
                     item_check: bool = False) -> None:
        """The door reading after the command: an order is collected only when its door was seen
        open, and with `item_check` (a cell with an item sensor) only once the door is closed
        again on an empty cell (door_closed); until then the order is `opened`."""
        self._advance(opening_key, "seen_open" if door_open else "failed", now, detail, item_check)

    def _advance(self, opening_key: str, state: str, now: datetime, detail: str, item_check: bool = False) -> None:
        with self._tx(write=True) as conn:
            row = conn.execute("SELECT * FROM door_openings WHERE opening_key=?", (opening_key,)).fetchone()
            if row is None or row["state"] in ("seen_open", "failed"):
                return
            conn.execute("UPDATE door_openings SET state=?, at=?, detail=? WHERE opening_key=?",
                         (state, iso_time(now), detail, opening_key))
            self._audit(conn, now, row["actor"], f"open_{state}", {"cell": row["cell"], "order": row["order_no"],
                                                                  "key": opening_key, "detail": detail})
            if state == "seen_open" and row["order_no"] and item_check:
                conn.execute("UPDATE pickup_orders SET state='opened' WHERE order_no=? AND state IN ('open', 'item_left')",
                             (row["order_no"],))
            elif state == "seen_open" and row["order_no"]:
                self._collected(conn, row["order_no"], row["cell"], now)
            elif state == "failed":         # a jam, whoever opened it: the cell is at fault
                conn.execute("UPDATE locker_cells SET state='fault' WHERE cell=?", (row["cell"],))

    def _collected(self, conn, order_no: str, cell: str, now: datetime) -> None:
        conn.execute("UPDATE pickup_orders SET state='collected', collected_at=? WHERE order_no=? "
                     "AND state IN ('open', 'opened', 'item_left')", (iso_time(now), order_no))
        conn.execute("UPDATE locker_cells SET state='collected' WHERE cell=?", (cell,))
        # Collected: no further code will be sent, so the citizen's phone number goes too.
        conn.execute("UPDATE sms_outbox SET phone='' WHERE order_no=? AND sent_at IS NOT NULL", (order_no,))
        self._scrub = True

    def door_closed(self, cell: str, item_inside: bool | None, now: datetime) -> str:
        """A door closed: settle the order opened from it and waiting for the item check.
        Returns "" (nothing waited), "collected", "item_left" (the document is still sensed
        inside: the citizen may have it opened once more) or "to_staff" (still inside after that
        second opening: the order is locked for the window staff)."""
        with self._tx(write=True) as conn:
            row = conn.execute("SELECT order_no FROM pickup_orders WHERE cell=? AND state='opened'", (cell,)).fetchone()
            if row is None:
                return ""
            order_no = row["order_no"]
            if not item_inside:
                self._collected(conn, order_no, cell, now)
                self._audit(conn, now, "lockers", "item_taken", {"cell": cell, "order": order_no})
                return "collected"
            openings = conn.execute("SELECT COUNT(*) FROM door_openings WHERE order_no=? AND state='seen_open'",
                                    (order_no,)).fetchone()[0]
            outcome = "item_left" if openings < 2 else "to_staff"
            conn.execute("UPDATE pickup_orders SET state=? WHERE order_no=?",
                         ("item_left" if outcome == "item_left" else "locked", order_no))
            self._audit(conn, now, "lockers", "item_left" if outcome == "item_left" else "item_left_to_staff",
                        {"cell": cell, "order": order_no})
            return outcome

    def item_left_in(self, cell: str) -> str | None:
        """The order whose document the item sensor still saw in this cell (may be opened once more)."""
        with self._tx(write=False) as conn:
            row = conn.execute("SELECT order_no FROM pickup_orders WHERE cell=? AND state='item_left'", (cell,)).fetchone()
            return row["order_no"] if row else None

    def opened_recently(self, cell: str, since: datetime) -> bool:
        """Whether anyone journalled opening this cell since then (else a door that opens was
        opened without a command: forced, or a latch that let go)."""
        with self._tx(write=False) as conn:
            return conn.execute("SELECT 1 FROM door_openings WHERE cell=? AND at >= ?",
                                (cell, iso_time(since))).fetchone() is not None

    def note_door(self, cell: str, event: str, now: datetime, **detail) -> None:
        """A door event for the audit (door_opened_without_command, door_found_open, door_left_open)."""
        with self._tx(write=True) as conn:
            self._audit(conn, now, "lockers", event, {"cell": cell, **detail})

    def opening_uncertain(self, opening_key: str, now: datetime, detail: str) -> None:
        """The door reads shut but the command may have opened it (a process killed mid-way):
        the document may be gone. Never opened again by the kiosk: the order and its cell go to
        the window staff."""
        with self._tx(write=True) as conn:
            row = conn.execute("SELECT * FROM door_openings WHERE opening_key=?", (opening_key,)).fetchone()
            if row is None or row["state"] in ("seen_open", "failed"):
                return
            conn.execute("UPDATE door_openings SET state='failed', at=?, detail=? WHERE opening_key=?",
                         (iso_time(now), f"uncertain: {detail}", opening_key))
            if row["order_no"]:
                conn.execute("UPDATE pickup_orders SET state='locked' WHERE order_no=? "
                             "AND state IN ('open', 'opened', 'item_left')",
                             (row["order_no"],))
            conn.execute("UPDATE locker_cells SET state='fault' WHERE cell=?", (row["cell"],))
            self._audit(conn, now, row["actor"], "open_uncertain", {"cell": row["cell"], "order": row["order_no"],
                                                                   "key": opening_key, "detail": detail})

    def unsettled_openings(self) -> list[tuple[str, str, str | None]]:
        """(key, cell, order) of openings a killed process left at intent or sent: each is settled
        by reading its door, never by opening it again."""
        with self._tx(write=False) as conn:
            return [(r["opening_key"], r["cell"], r["order_no"]) for r in conn.execute(
                "SELECT * FROM door_openings WHERE state IN ('intent', 'sent') ORDER BY at")]

    def order(self, order_no: str, now: datetime) -> PickupOrder:
        with self._tx(write=False) as conn:
            return self._order(conn, order_no, now)

    # ---------------------------------------------------------------- the audit chain
    def _audit(self, conn: sqlite3.Connection, now: datetime, actor: str, event: str, detail: dict) -> None:
        last = conn.execute("SELECT hash FROM locker_audit ORDER BY id DESC LIMIT 1").fetchone()
        prev = last["hash"] if last else GENESIS
        at, text = iso_time(now), json.dumps(detail, ensure_ascii=False, sort_keys=True)
        digest = _chain(prev, at, actor, event, text)
        conn.execute("INSERT INTO locker_audit (at, actor, event, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
                     (at, actor, event, text, prev, digest))
        self._newest = digest

    def verify_audit(self) -> list[str]:
        """What is wrong with the chain ([] when whole): see verify_chain."""
        with self._tx(write=False) as conn:
            rows = conn.execute("SELECT * FROM locker_audit ORDER BY id").fetchall()
        return verify_chain(rows, self._anchor)


    # ---------------------------------------------------------------- helpers
    def _hash(self, code: str) -> str:
        return hmac.new(self._key, code.strip().encode(), hashlib.sha256).hexdigest()

    def _new_code(self, conn) -> tuple[str, str]:
        while True:
            code = f"{secrets.randbelow(1_000_000):06d}"
            code_hash = self._hash(code)
            if not conn.execute("SELECT 1 FROM pickup_orders WHERE code_hash=? AND state='open'",
                                (code_hash,)).fetchone():
                return code, code_hash

    @staticmethod
    def _order(conn, order_no: str, now: datetime) -> PickupOrder:
        r = conn.execute("SELECT * FROM pickup_orders WHERE order_no=?", (order_no,)).fetchone()
        if r is None:
            raise PickupRefused("unknown_order", order_no)
        expires = parse_time(r["expires_at"])
        return PickupOrder(r["order_no"], r["cell"], r["state"], expires, r["state"] == "open" and now >= expires)


def _chain(prev: str, at: str, actor: str, event: str, detail: str) -> str:
    return hashlib.sha256("\x1f".join((prev, at, actor, event, detail)).encode()).hexdigest()


def verify_chain(rows, anchor: Path) -> list[str]:
    """An edited row, a row taken out, the newest rows deleted (the anchor file, kept outside
    the database, holds a later hash than the table's last row)."""
    problems, prev = [], GENESIS
    for r in rows:
        if r["prev_hash"] != prev:
            problems.append(f"row {r['id']}: the row before it was changed or removed")
        if _chain(r["prev_hash"], r["at"], r["actor"], r["event"], r["detail"]) != r["hash"]:
            problems.append(f"row {r['id']}: edited after it was written")
        prev = r["hash"]
    anchored = anchor.read_text(encoding="utf-8").strip() if anchor.exists() else GENESIS
    if anchored != prev:
        problems.append("the newest rows are missing: the chain ends before the hash kept outside the database")
    return problems
