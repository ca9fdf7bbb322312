"""Ticket issuing over HTTPS on kiosk-hall: N concurrent kiosks, each a real HttpHall with its own
token, against `kiosk-hall serve` in its own process(es) on PostgreSQL (or the SQLite store), with
TLS and the token checked on every request. A ticket is reserve + confirm (two requests), as the
issue counts it. Prints tickets/s, the median and p99 per request, and the duplicates (0 or the
test fails); never fails on timing.

    .venv/bin/python tests/benchmarks/test_hall_server_speed.py --clients 8 --workers 2 --runs 5
    .venv/bin/python tests/benchmarks/test_hall_server_speed.py --clients 30 --workers 2 --runs 5
    .venv/bin/python tests/benchmarks/test_hall_server_speed.py --clients 8 --workers 1 --runs 5
    .venv/bin/python tests/benchmarks/test_hall_server_speed.py --store sqlite
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from kiosk.hall.http_hall import HttpHall  # noqa: E402
from kiosk.hall.model import Citizen, TicketKind, TicketRequest  # noqa: E402

KINDS = [TicketKind.ACCEPT, TicketKind.CONSULT, TicketKind.PICKUP]


def kiosk_hall(*args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "kiosk.server.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=PROJECT)
    if done.returncode != 0:
        raise RuntimeError(f"kiosk-hall {' '.join(args)}: {done.stderr}")
    return done.stdout.strip()


def always_open(target: Path) -> Path:
    """The shipped hall, open every day all day and without daily caps: a benchmark must not
    depend on the hour it runs, nor run out of numbers."""
    import shutil
    import yaml
    shutil.copytree(PROJECT / "config", target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    hall = yaml.safe_load((target / "hall.yaml").read_text(encoding="utf-8"))
    hall["hall"]["opening_hours"] = [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                      "open": "00:00", "close": "23:59"}]
    hall["hall"]["holidays"] = []
    (target / "hall.yaml").write_text(yaml.safe_dump(hall, allow_unicode=True), encoding="utf-8")
    catalogue = (target / "catalogue.yaml").read_text(encoding="utf-8")     # and no daily caps
    (target / "catalogue.yaml").write_text("\n".join(line for line in catalogue.splitlines()
                                                     if "daily_cap" not in line) + "\n", encoding="utf-8")
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(clients: int, seconds: float, store: str = "postgresql", workers: int = 1) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="hall-speed-"))
    pg = None
    if store == "postgresql":
        from tests.postgres import Postgres
        pg = Postgres().start()
        db = pg.uri()
    else:
        db = f"sqlite:///{folder / 'hall.sqlite'}"
    kiosk_hall("tls", "create", "--out", str(folder / "tls"), "--host", "127.0.0.1")
    config = always_open(folder / "config")
    kiosk_hall("init-db", "--db", db, "--config", str(config))
    tokens = [kiosk_hall("token", "create", "--kiosk", f"kiosk-{n}", "--db", db) for n in range(clients)]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kiosk.server.cli", "serve", "--db", db, "--port", str(port),
                               "--workers", str(workers), "--config", str(config),
                               "--tls-cert", str(folder / "tls" / "server.pem"),
                               "--tls-key", str(folder / "tls" / "server-key.pem")], cwd=PROJECT,
                              stderr=(folder / "server.log").open("w"))   # a pipe nobody reads fills and stalls it
    url, ca = f"https://127.0.0.1:{port}", str(folder / "tls" / "ca.pem")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/v1/health", verify=ca, timeout=2)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"kiosk-hall serve did not start: {(folder / 'server.log').read_text()}")
                time.sleep(0.1)
        latencies: list[float] = []
        numbers: list[str] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def kiosk(n: int) -> None:
            hall = HttpHall(url, tokens[n], ca, read_timeout_s=30)
            mine, got = [], []
            while time.monotonic() < stop_at:
                try:
                    t0 = time.perf_counter()
                    reservation = hall.reserve_ticket(TicketRequest("SM001", KINDS[len(got) % 3], Citizen(),
                                                                    idempotency_key=uuid.uuid4().hex))
                    t1 = time.perf_counter()
                    ticket = hall.confirm_ticket(reservation.reservation_id)
                    t2 = time.perf_counter()
                except Exception as e:          # counted and shown, never hidden
                    with lock:
                        errors.append(f"{type(e).__name__}: {e}")
                    continue
                mine += [t1 - t0, t2 - t1]
                got.append(ticket.number)
            with lock:
                latencies.extend(mine)
                numbers.extend(got)

        started = time.perf_counter()
        threads = [threading.Thread(target=kiosk, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=20)
        if pg is not None:
            pg.stop()
    latencies.sort()
    return {"store": store, "clients": clients, "workers": workers, "tickets": len(numbers),
            "tickets_per_s": round(len(numbers) / elapsed, 1),
            "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1) if latencies else None,
            "duplicates": len(numbers) - len(set(numbers)), "errors": len(errors), "first_error": errors[:1],
            "server_log": str(folder / "server.log")}


def test_tickets_over_https_from_several_kiosks_and_two_server_processes_never_duplicate():
    result = run(clients=4, seconds=3, workers=2)      # two server processes on one PostgreSQL
    print(result)
    assert result["tickets"] > 20 and result["duplicates"] == 0 and result["errors"] == 0, result


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--store", choices=["postgresql", "sqlite"], default="postgresql")
    p.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL only)")
    p.add_argument("--runs", type=int, default=1, help="repeat, each on a fresh server, and report the medians")
    args = vars(p.parse_args())
    runs = [run(**args) for _ in range(args.pop("runs"))]
    for result in runs:
        if len(runs) > 1:
            print(" ".join(f"{k}={result[k]}" for k in ("tickets_per_s", "median_ms", "p99_ms", "duplicates", "errors")))
    summary = {**runs[-1], **{k: statistics.median(r[k] for r in runs) for k in ("tickets_per_s", "median_ms", "p99_ms")},
               "duplicates": sum(r["duplicates"] for r in runs), "errors": sum(r["errors"] for r in runs),
               "runs": len(runs)}
    for key, value in summary.items():
        print(f"{key:14} {value}")
