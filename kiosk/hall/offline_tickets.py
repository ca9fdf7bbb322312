"""Tickets printed while a kiosk could not reach the hall, taken into the queue when it can again.

The citizen already holds the slip, so the hall never refuses one: it joins the queue placed by
the time it was printed (between the tickets issued before and after it: places are
POSITION_GAP apart), and whatever the kiosk could not check on its own is journalled as a
`conflict` for the staff to see: the person already held a ticket for the item, the daily cap
was passed, the same number came twice with different keys. Replaying the same ticket (same
kiosk, same idempotency key) gives the same ticket back.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from kiosk.hall.model import OfflineTicket, Ticket
from kiosk.hall.routing import choose_window_group, is_priority, serving_groups
from kiosk.hall.schema import iso_time

# What each conflict is called on the staff's pages (the journal keeps the English, for logs).
CONFLICT_ZH = {
    "already held an open ticket": "此人当时已有同一事项的号",
    "daily cap was already reached": "该事项当天的号已经发完",
    "does not serve the item": "号票上的窗口组不办理该事项，已改排到能办理的窗口组",
    "is not known to the hall": "大厅没有这个预约",
    "was cancelled": "预约已经取消",
    "used twice during the outage": "同一个预约码在断网期间用了两次",
    "code was already used": "这个预约码已经用过",
}


def conflict_zh(reason: str) -> str:
    return next((zh for key, zh in CONFLICT_ZH.items() if key in reason), "")


def accept(hall, conn, kiosk_id: str, ticket: OfflineTicket, now: datetime) -> Ticket:
    existing = hall.existing_reservation(conn, kiosk_id, ticket.idempotency_key)
    if existing is not None:
        return existing.ticket
    day = ticket.issued_at.date().isoformat()
    clash = conn.execute("SELECT ticket_id FROM tickets WHERE day=? AND series=? AND seq=?",
                         (day, ticket.series, ticket.seq)).fetchone()
    if clash is not None:
        raise ValueError(f"offline number {ticket.number} was already taken in with another key")
    item = hall.settings.items.get(ticket.item_code)
    if item is None:
        raise KeyError(f"unknown item {ticket.item_code!r}")
    conflicts = []
    person = ticket.citizen.person_key
    if person and conn.execute("SELECT 1 FROM tickets WHERE person_key=? AND day=? AND item_code=? "
                               "AND state IN ('waiting', 'called')", (person, day, item.code)).fetchone():
        conflicts.append("this person already held an open ticket for the item")
    if item.daily_cap is not None and not ticket.appointment_id and conn.execute(
            "SELECT COUNT(*) FROM tickets WHERE day=? AND item_code=? AND kind=? AND appointment_id IS NULL "
            "AND state != 'spoiled'", (day, item.code, ticket.kind.value)).fetchone()[0] >= item.daily_cap:
        conflicts.append("the item's daily cap was already reached")

    priority = is_priority(ticket.citizen.birth_date, ticket.issued_at.date(), hall.settings.hall.priority_age)
    serving = serving_groups(item.department, hall.settings.window_groups)
    if ticket.window_group in serving:          # where the slip sends the citizen
        group_id = ticket.window_group
    else:
        group = choose_window_group(hall.group_queues(conn, day, serving), priority)
        group_id = group.group_id if group is not None else next(iter(hall.settings.window_groups))
        conflicts.append(f"the slip names window group {ticket.window_group!r}, which does not serve the item: "
                         f"queued at {group_id}")
    appointment = appointment_of(conn, ticket, conflicts)
    position, placed = place(hall, conn, day, ticket.issued_at)
    ticket_id, reservation_id = ticket.ticket_id or uuid.uuid4().hex, uuid.uuid4().hex
    conn.execute("INSERT INTO tickets (position, ticket_id, day, series, seq, number, kind, item_code, department, "
                 "window_group, person_key, priority, state, issued_at, appointment_id, slot_start, slot_end) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?)",
                 (position, ticket_id, day, ticket.series, ticket.seq, ticket.number, ticket.kind.value, item.code,
                  item.department, group_id, person, int(priority), iso_time(ticket.issued_at),
                  appointment and appointment["appointment_id"], appointment and appointment["slot_start"],
                  appointment and appointment["slot_end"]))
    if appointment is not None:       # checked in by this slip
        conn.execute("UPDATE appointments SET status='checked_in', checked_in_at=?, ticket_id=?, token_nonce=? "
                     "WHERE appointment_id=?", (iso_time(ticket.issued_at), ticket_id, ticket.token_nonce or None,
                                                appointment["appointment_id"]))
    hall._count(conn, day, group_id, priority, ticket.kind.value, +1)
    conn.execute("INSERT INTO reservations VALUES (?, ?, ?, ?, 0, 'confirmed', ?)",
                 (reservation_id, ticket_id, kiosk_id, ticket.idempotency_key, iso_time(now)))
    hall._journal(conn, now, "offline", reservation_id, ticket_id, ticket.number, kiosk_id,
                  f"printed offline at {ticket.issued_at:%H:%M:%S}, {placed}")
    for conflict in conflicts:
        hall._journal(conn, now, "conflict", reservation_id, ticket_id, ticket.number, kiosk_id, conflict)
    return hall.live_ticket(conn, hall._ticket_row(conn, ticket_id), now)


def appointment_of(conn, ticket: OfflineTicket, conflicts: list[str]):
    """The appointment an offline slip checked in, if it still can be; else why not, for staff
    (a code used at two kiosks during one outage shows here: the second slip finds it taken)."""
    if not ticket.appointment_id:
        return None
    row = conn.execute("SELECT * FROM appointments WHERE appointment_id=?", (ticket.appointment_id,)).fetchone()
    if row is None:
        conflicts.append(f"appointment {ticket.appointment_id} is not known to the hall")
    elif row["status"] == "cancelled":
        conflicts.append(f"appointment {ticket.appointment_id} was cancelled")
    elif row["status"] == "checked_in" or row["ticket_id"]:
        conflicts.append(f"appointment {ticket.appointment_id} was already checked in: its code was used twice "
                         "during the outage")
    elif ticket.token_nonce and conn.execute("SELECT 1 FROM appointments WHERE token_nonce=?",
                                             (ticket.token_nonce,)).fetchone():
        conflicts.append("this appointment code was already used")
    else:
        return row
    return None


def place(hall, conn, day: str, issued_at: datetime) -> tuple[int, str]:
    """A place between the last ticket issued before it and the first issued after it."""
    after = conn.execute("SELECT MIN(position) FROM tickets WHERE day=? AND issued_at > ?",
                         (day, iso_time(issued_at))).fetchone()[0]
    if after is None:
        return hall._next_position(conn), "placed last (issued after every other ticket)"
    before = conn.execute("SELECT COALESCE(MAX(position), 0) FROM tickets WHERE position < ?", (after,)).fetchone()[0]
    if after - before > 1:
        return (before + after) // 2, "placed by the time it was printed"
    return hall._next_position(conn), "placed last (no room left at the time it was printed)"
