"""Pickup codes to the citizen's phone: an SMS gateway interface and the outbox's delivery.

The outbox (kiosk.hall.sqlite_pickups) holds a plain code only until a gateway takes it. The first
gateway only logs, with the code and the phone number masked; a hall plugs in its operator's.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from kiosk.hall.sqlite_pickups import SqlitePickups

log = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, order_no: str, phone: str, text: str) -> None:
        """Hand one message over; raise to leave it in the outbox for the next round."""


class LoggingGateway:
    """Queues nothing anywhere: logs that a message would go out, the code masked."""

    def send(self, order_no: str, phone: str, text: str) -> None:
        log.info("SMS for order %s to %s: %s", order_no, mask_phone(phone), mask_code(text))


def mask_code(text: str) -> str:
    return "".join("*" if c.isdigit() else c for c in text)


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "***"


def deliver(pickups: SqlitePickups, gateway: SmsGateway, now: datetime) -> int:
    """Hand every waiting code to the gateway, to the phone staff typed at the deposit; each code
    handed leaves the database. Returns how many went out (one that fails stays for the next round)."""
    sent = 0
    for outbox_id, order_no, phone, code in pickups.outbox():
        text = f"您的证件已到自助取件柜，取件码 {code}，请凭取件码或身份证到大厅取件。"
        try:
            gateway.send(order_no, phone, text)
        except Exception as e:         # an operator's gateway down: try again next round
            log.warning("SMS for order %s not sent: %s", order_no, e)
            continue
        pickups.handed_to_gateway(outbox_id, now)
        sent += 1
    return sent
