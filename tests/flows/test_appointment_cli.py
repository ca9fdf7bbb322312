"""`kiosk-sim appointment` and the demo bookings: a QR code a person can show the camera, which the
hall then accepts exactly once."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from kiosk.config import load_config
from kiosk.hall.model import AppointmentStatus
from kiosk.hall.sqlite_hall import SqliteHall
from kiosk.hall.tokens import Signer, TokenRefusal, TokenRefusalReason
from sim.appointments import SIGNING_KEYS
from sim.appointments.demo import book_demo_appointments

PROJECT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2026, 11, 23)


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", "appointment", *map(str, args)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60)


def test_the_printed_qr_code_checks_in_once(config_dir, tmp_path):
    db, png = tmp_path / "hall.sqlite", tmp_path / "appointment.png"
    done = run_cli("--config", config_dir, "--db", db, "--qr", png, "--citizen", "young_wang", "--date", "2026-11-23",
                   "--slot", "10:00", "--now", "2026-11-23T09:40:00")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["appointment"]["slot_start"] == "2026-11-23T10:00:00" and out["key_id"] == "ed1"
    assert "王" not in done.stdout and "440106" not in done.stdout          # no personal data printed
    scanned = decode(Image.open(png))[0].data
    assert scanned == out["token"].encode()

    hall = SqliteHall(load_config(config_dir), db, clock=lambda: MONDAY.replace(hour=9, minute=45))
    try:
        found = hall.appointment_for_token(scanned)
        assert (found.appointment_id, found.item_code) == (out["appointment"]["appointment_id"], "SM024")
        reservation = hall.check_in(found.appointment_id, "kiosk-1", "tap-1", token_nonce=found.token_nonce)
        ticket = hall.confirm_ticket(reservation.reservation_id)
        assert ticket.slot_start == MONDAY.replace(hour=10) and ticket.item_name == "住房公积金提取"
        with pytest.raises(TokenRefusal) as caught:
            hall.appointment_for_token(scanned)
        assert caught.value.reason is TokenRefusalReason.REPLAYED
    finally:
        hall.close()


def test_booking_while_a_kiosk_holds_the_database(config_dir, tmp_path):
    db = tmp_path / "hall.sqlite"
    hall = SqliteHall(load_config(config_dir), db, clock=lambda: MONDAY.replace(hour=9, minute=45))
    try:
        done = run_cli("--config", config_dir, "--db", db, "--key", "hk1", "--date", "2026-11-23", "--slot", "10:00",
                       "--now", "2026-11-23T09:40:00")
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert len(out["token"]) < 80                                 # HMAC: a smaller QR code
        assert hall.appointment_for_token(out["token"].encode()).status is AppointmentStatus.BOOKED
    finally:
        hall.close()


def test_mistakes_are_explained(config_dir, tmp_path):
    done = run_cli("--config", config_dir, "--db", tmp_path / "h.sqlite", "--citizen", "nobody")
    assert done.returncode == 2 and "no citizen 'nobody'" in done.stderr and "elder_zhang" in done.stderr
    done = run_cli("--config", config_dir, "--db", tmp_path / "h.sqlite", "--item", "NOPE")
    assert done.returncode == 1 and "could not find this service" in done.stderr


@pytest.mark.parametrize("now, slots", [
    ("10:05", {"elder_zhang": "10:00", "young_wang": "10:30"}),     # elder_zhang's slot is running
    ("10:20", {"elder_zhang": "10:30", "young_wang": "10:30"}),     # too late for 10:00: the next one
])
def test_demo_appointments_can_check_in_right_away(tmp_path, now, slots):
    now = datetime.fromisoformat(f"2026-11-23T{now}")
    hall = SqliteHall(load_config(), tmp_path / "hall.sqlite", clock=lambda: now)
    try:
        booked = book_demo_appointments(hall, Signer.from_file(SIGNING_KEYS), now)
        assert {a.slot_start.strftime("%H:%M") for a, _ in booked} == set(slots.values())
        for appointment, token in booked:
            found = hall.appointment_for_token(token.encode())
            reservation = hall.check_in(found.appointment_id, "kiosk-1", found.appointment_id,
                                        token_nonce=found.token_nonce)
            assert hall.confirm_ticket(reservation.reservation_id).is_appointment
        again = book_demo_appointments(hall, Signer.from_file(SIGNING_KEYS), now + timedelta(minutes=1))
        assert [a.appointment_id for a, _ in again] == [a.appointment_id for a, _ in booked]
        assert all(a.status is AppointmentStatus.CHECKED_IN for a, _ in again)
    finally:
        hall.close()
