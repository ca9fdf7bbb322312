"""A real PostgreSQL for the tests, from Debian's packages, in a temporary directory.

`initdb` and `pg_ctl` live in /usr/lib/postgresql/<version>/bin, not on a stock PATH, and refuse to
run as root: as root they run as the `postgres` user. fsync and friends are off (a test cluster
is thrown away), listening only on a Unix socket in the cluster's directory. Each test gets a
schema of its own (`fresh_url()`), so tests never see each other's halls.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg


def binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb missing): "
                           "./quickstart.sh installs Debian's postgresql package")
    return found[-1].parent


class Postgres:
    def __init__(self):
        self.bin = binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        self.data = self.dir / "data"
        self.port = 5432 + (os.getpid() % 1000) + 1000         # any: the socket lives in our own directory
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> "Postgres":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8",
                  "--locale=C")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "-t", "30", "start")
        return self

    def restart(self) -> None:
        """As for an upgrade: every connection of every client is cut. A fast (clean) shutdown: this
        test cluster runs without fsync and synchronous commit, so a crash would lose its newest
        commits, which a real server (fsync on) keeps."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-l", str(self.dir / "log"), "-w", "-t", "30",
                  "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, schema: str | None = None) -> str:
        options = f" options='-c search_path={schema}'" if schema else ""
        return f"host={self.dir} port={self.port} user=postgres dbname=postgres{options}"

    def uri(self, schema: str | None = None) -> str:
        """The same as url(), as the postgresql:// address kiosk-hall --db takes."""
        options = f"&options=-csearch_path%3D{schema}" if schema else ""
        return f"postgresql://postgres@/postgres?host={self.dir}&port={self.port}{options}"

    def fresh_url(self, uri: bool = False) -> str:
        """A connection string whose tables land in a new, empty schema."""
        schema = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return self.uri(schema) if uri else self.url(schema)
