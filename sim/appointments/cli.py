"""kiosk-sim appointment: book a demo appointment and show its QR code, as WeChat would.

    kiosk-sim appointment --qr /tmp/appt.png                       elder_zhang, next half hour
    kiosk-sim appointment --sim --citizen young_wang --slot 14:00  into the hall of `kiosk --sim`

Prints one JSON object (token, appointment). The PNG is a plain ISO QR code a person can hold up
to the kiosk's camera from a phone or a screen. Times follow the clock `kiosk --sim` runs on
(the real time while the hall is open, else the next opening day at 10:00), unless --now says.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path

from sim.appointments import SIGNING_KEYS


def add_parser(sub) -> None:
    p = sub.add_parser("appointment", help="book a demo appointment; print its token, --qr FILE writes the QR PNG",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="configuration directory (default: config/ beside the code)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--db", help="hall database (default: kiosk.database of the config)")
    where.add_argument("--sim", action="store_true", help="the database `kiosk --sim` uses (var/sim/hall.sqlite)")
    p.add_argument("--citizen", default="elder_zhang", help="a key of sim/citizens/demo.yaml (default elder_zhang)")
    p.add_argument("--item", help="service item code (default: one that suits the citizen)")
    p.add_argument("--slot", help="slot start HH:MM (default: the next half hour)")
    p.add_argument("--minutes", type=int, default=30, help="slot length (default 30)")
    p.add_argument("--date", help="slot date YYYY-MM-DD (default: today)")
    p.add_argument("--key", help="signing key id (default: `active` in sim/appointments/signing_keys.yaml)")
    p.add_argument("--now", help="book and sign as of this ISO time (default: the kiosk --sim clock)")
    p.add_argument("--qr", help="write the token's QR code to this PNG file")


def run(args) -> int:
    from kiosk.app import sim_dir
    from kiosk.config import ConfigError, load_config
    from kiosk.hall.model import AppointmentRequest, HallLocked, HallRefusal, HallUnavailable
    from kiosk.hall.sqlite_appointments import book_into_file
    from kiosk.hall.sqlite_hall import SqliteHall
    from kiosk.hall.tokens import Signer
    from kiosk.privacy import person_key
    from kiosk.wording import say
    from sim.appointments.demo import demo_item, next_half_hour
    from sim.citizens import load_citizens

    def fail(message: str, code: int = 2) -> int:
        print(f"kiosk-sim appointment: {message}", file=sys.stderr)
        return code

    try:
        config = load_config(args.config)
    except ConfigError as e:
        return fail(f"configuration error: {e}")
    citizens = load_citizens()
    if args.citizen not in citizens:
        return fail(f"no citizen {args.citizen!r} (known: {', '.join(citizens)})")
    try:
        signer = Signer.from_file(SIGNING_KEYS, args.key)
        if args.now:
            now = datetime.fromisoformat(args.now)
        else:
            from sim.kiosk_sim import demo_clock
            now = demo_clock(config)()
        day = date.fromisoformat(args.date) if args.date else now.date()
        start = datetime.combine(day, time.fromisoformat(args.slot)) if args.slot else next_half_hour(now)
    except ValueError as e:
        return fail(str(e))
    item = args.item or demo_item(config, args.citizen)
    request = AppointmentRequest(person_key(citizens[args.citizen].id_number, config.hall.id), item, start,
                                 start + timedelta(minutes=args.minutes))
    db = Path(args.db) if args.db else config.database_path
    if args.sim:        # where kiosk.app.build_core(sim=True) keeps it
        db = sim_dir(config) / "hall.sqlite"
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        try:
            hall = SqliteHall(config, db, clock=lambda: now)
        except HallLocked:      # a kiosk is running on it: book the way the booking system would
            appointment = book_into_file(config, db, request, now=now)
        else:
            try:
                appointment = hall.book_appointment(request, now=now)
            finally:
                hall.close()
    except (HallRefusal, HallUnavailable) as e:
        return fail(f"{say(e.message, 'en')} ({e})", 1)
    except ValueError as e:
        return fail(str(e))
    token = signer.token_for(appointment, now)
    if args.qr:
        import segno
        segno.make(token, error="m", micro=False).save(args.qr, scale=8, border=4)
    print(json.dumps({"token": token, "citizen": args.citizen, "key_id": signer.key_id, "database": str(db),
                      "qr": args.qr, "appointment": asdict(appointment)}, default=_json, ensure_ascii=False, indent=2))
    return 0


def _json(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, Enum):
        return value.value
    raise TypeError(type(value).__name__)
