"""One process per hall database file, and one writer queue per file within that process."""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from kiosk.hall.model import HallLocked, HallUnavailable


class ProcessLocks:
    """flock on `<db>.lock`, taken once per process and shared by every SqliteHall in it.

    flock belongs to an open file description, so a second open() + flock in the same process
    would block against ourselves: hence the registry. The pid check keeps a forked child from
    believing it inherited the right to write.

    With the file owned by one process, writers of that process also queue on one shared
    threading.Lock per file: SQLite's own busy handler polls with sleeps and can starve a writer
    past busy_timeout under heavy contention (measured: 8 busy threads, "database is locked"
    after 10 s), while a blocked lock hands over in microseconds. BEGIN IMMEDIATE stays the
    guarantee at the database level.
    """

    def __init__(self):
        self._guard = threading.Lock()
        self._held: dict[Path, list] = {}      # db path → [fd, users, owner pid, write lock]

    def acquire(self, db: Path) -> threading.Lock:
        """Take the file for this process; returns the lock its writers share."""
        with self._guard:
            held = self._held.get(db)
            if held and held[2] == os.getpid():
                held[1] += 1
                return held[3]
            lock_path = f"{db}.lock"
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                raise HallUnavailable(f"cannot create lock file {lock_path}: {e.strerror}") from e
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = _read_pid(fd)
                os.close(fd)
                raise HallLocked(str(db), pid) from None
            except OSError as e:
                os.close(fd)
                raise HallUnavailable(f"cannot lock {lock_path}: {e.strerror}") from e
            try:   # the pid is for the message the next program will show; failing to write it is harmless
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            except OSError:
                pass
            self._held[db] = [fd, 1, os.getpid(), threading.Lock()]
            return self._held[db][3]

    def release(self, db: Path) -> None:
        with self._guard:
            held = self._held.get(db)
            if not held or held[2] != os.getpid():
                return
            held[1] -= 1
            if held[1] == 0:
                del self._held[db]
                os.close(held[0])      # closing the descriptor releases the flock


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


PROCESS_LOCKS = ProcessLocks()
