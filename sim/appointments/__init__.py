"""The booking system's side of appointments, simulated: signing keys, demo bookings, the CLI."""
from __future__ import annotations

from pathlib import Path

SIGNING_KEYS = Path(__file__).resolve().parent / "signing_keys.yaml"
