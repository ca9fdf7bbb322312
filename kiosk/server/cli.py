"""kiosk-hall: the hall server for many kiosks and staff windows.

    kiosk-hall serve --db var/hall-server.sqlite --port 8700     the API and the pages (/window, /display, /admin)
    kiosk-hall init-db --db var/hall-server.sqlite               create or upgrade the database
    kiosk-hall token create --kiosk kiosk-3 --db ...             a kiosk's token, printed once
    kiosk-hall token revoke --kiosk kiosk-3 --db ...             every token of that kiosk, now
    kiosk-hall staff add --id W07 --name 王芳 --db ...            a window login (password on stdin)
    kiosk-hall tls create --out DIR --host hall.local --host 10.0.0.5   the hall's CA and server certificate

--db is PostgreSQL (`postgresql://user@host/dbname`) for a real hall, or a SQLite file
(`sqlite:///path` or a plain path): the embedded hall, for a demo or a small hall. `--tls-cert/--tls-key` serve HTTPS (the kiosks pin the hall's CA). The hall's rules
come from --config (hall.yaml and catalogue.yaml), as on a kiosk.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from kiosk.config import ConfigError, load_hall_settings
from kiosk.server.accounts import Accounts


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def database_path(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    if "://" in url:
        raise SystemExit(f"kiosk-hall: {url.split('://')[0]} databases are not supported; "
                         "use postgresql://... or sqlite:///PATH")
    return Path(url)


def open_hall(db: str, config: str | None, pool_size: int = 10):
    """(the hall core, its accounts) on PostgreSQL or on the embedded SQLite file."""
    try:
        settings = load_hall_settings(config)
    except ConfigError as e:
        raise SystemExit(f"kiosk-hall: configuration error: {e}") from None
    clock = settings.hall.clock        # the hall's day, whatever zone this machine is set to
    if is_postgres(db):
        from kiosk.hall.pg_hall import PgHall
        anchor = settings.directory.parent / "var" / f"{settings.hall.id}.audit-head"
        hall = PgHall(settings, db, clock=clock, audit_anchor=anchor, pool_size=pool_size)
        return hall, Accounts(hall)
    from kiosk.hall.sqlite_hall import SqliteHall
    path = database_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHall(settings, path, clock=clock), Accounts(path)


def app_from_environment():
    """The app of one server process (uvicorn --workers starts several, each calling this)."""
    from kiosk.server.app import create_app
    hall, accounts = open_hall(os.environ["KIOSK_HALL_DB"], os.environ.get("KIOSK_HALL_CONFIG") or None)
    return create_app(hall, accounts)


def serve(args) -> int:
    import uvicorn
    if args.workers > 1 and not is_postgres(args.db):
        raise SystemExit("kiosk-hall: several --workers need PostgreSQL (one process owns an SQLite hall)")
    os.environ["KIOSK_HALL_DB"], os.environ["KIOSK_HALL_CONFIG"] = args.db, args.config or ""
    tls = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key} if args.tls_cert else {}
    # A short graceful shutdown: long-lived streams must not keep a dying server half alive.
    uvicorn.run("kiosk.server.cli:app_from_environment", factory=True, workers=args.workers, host=args.listen,
                port=args.port, log_level="warning", timeout_graceful_shutdown=2, **tls)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="kiosk-hall", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["serve", "init-db", "token", "staff", "tls"])
    p.add_argument("action", nargs="?", help="token: create | revoke; staff: add; tls: create")
    p.add_argument("--db", help="the hall database: sqlite:///PATH or a path")
    p.add_argument("--config", help="configuration directory (hall.yaml, catalogue.yaml)")
    p.add_argument("--listen", default="127.0.0.1", help="serve: the address to listen on")
    p.add_argument("--workers", type=int, default=1, help="serve: server processes (PostgreSQL only)")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM) ...")
    p.add_argument("--tls-key", help="... and its key")
    p.add_argument("--kiosk", help="token: the kiosk id")
    p.add_argument("--id", help="staff add: the staff id")
    p.add_argument("--name", default="", help="staff add: the name shown on the window page")
    p.add_argument("--out", help="tls create: where to write ca.pem, server.pem and their keys")
    p.add_argument("--host", dest="hosts", action="append", default=[],
                   help="tls create: a name or address the kiosks reach the server by (repeat)")
    args = p.parse_args(argv)
    if args.command == "tls":
        if args.action != "create" or not args.out or not args.hosts:
            p.error("tls create --out DIR --host NAME [--host ADDRESS ...]")
        from kiosk.server.tls import create
        paths = create(Path(args.out), args.hosts)
        print(f"CA for the kiosks (hall_server.ca_file): {paths['ca']}\n"
              f"server: --tls-cert {paths['cert']} --tls-key {paths['key']}\n"
              f"keep {paths['ca_key']} offline: it signs the hall's certificates")
        return 0
    if not args.db:
        p.error("--db is needed: sqlite:///PATH or a path")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")

    if args.command == "serve":
        return serve(args)
    if args.command == "init-db":
        hall, accounts = open_hall(args.db, args.config, pool_size=2)
        accounts.close()
        hall.close()
        print(f"hall database ready: {hall.path}")
        return 0
    # Tokens and logins only: on SQLite without opening the queue, which a running server owns.
    hall, accounts = (open_hall(args.db, args.config, pool_size=2) if is_postgres(args.db)
                      else (None, Accounts(database_path(args.db))))
    try:
        if args.command == "token" and args.action == "create" and args.kiosk:
            print(accounts.create_kiosk_token(args.kiosk, datetime.now()))
            print(f"(the token for {args.kiosk}, shown once: put it in that kiosk's kiosk.yaml)", file=sys.stderr)
            return 0
        if args.command == "token" and args.action == "revoke" and args.kiosk:
            revoked = accounts.revoke_kiosk(args.kiosk, datetime.now())
            print(f"{revoked} token(s) of {args.kiosk} revoked")
            return 0 if revoked else 1
        if args.command == "staff" and args.action == "add" and args.id:
            password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
            if len(password) < 8:
                print("The password must be at least 8 characters.", file=sys.stderr)
                return 2
            accounts.add_staff(args.id, password, args.name)
            print(f"staff {args.id} can log in")
            return 0
    finally:
        accounts.close()
        if hall is not None:
            hall.close()
    p.error("token create|revoke --kiosk ID, or staff add --id ID")
    return 2


if __name__ == "__main__":
    sys.exit(main())
