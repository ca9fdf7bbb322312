"""A kiosk that restarts itself: systemd's notify protocol, the crash record, the back-off.

- sd_notify (sd_notify(3)): datagrams to the socket in NOTIFY_SOCKET ("@name" is Linux's
  abstract namespace). READY=1 once the home screen is up, WATCHDOG=1 from a timer on the Qt
  thread every half of WATCHDOG_USEC (kiosk.app, which owns the Qt side), STOPPING=1 on the way out. A frozen screen stops the pets,
  and systemd (WatchdogSec=, Restart=always in docs/kiosk.service) kills and restarts the kiosk.
  Without NOTIFY_SOCKET every call is a no-op.
- The crash record: faulthandler writes every thread's stack to var/log/crash.txt when the
  process dies of a signal (systemd's watchdog sends SIGABRT) or a fatal error, so the next start
  can say where the screen was stuck. Uncaught exceptions are logged.
- At the next start, an end without "stopped" in the health timeline was a crash: the kiosk
  notes why (the crash record's first lines) for the technician screen, and if it keeps crashing
  it waits longer before each start (5 s, 10 s, … 5 min) instead of hammering a broken device.
"""
from __future__ import annotations

import faulthandler
import logging
import os
import socket
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

CRASH_FILE = "crash.txt"
MAIN_THREAD = "kiosk main thread"
CRASH_WINDOW = timedelta(minutes=10)       # crashes closer together than this count as a loop
FIRST_DELAY_S, MAX_DELAY_S = 5.0, 300.0


def notify(message: str) -> bool:
    """Send one sd_notify message; False when not under a supervisor (or it is gone)."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.sendto(message.encode(), address)
        return True
    except OSError as e:
        log.warning("cannot tell the supervisor %r: %s", message.split("=")[0], e)
        return False


def watchdog_interval_s() -> float | None:
    """Half the supervisor's watchdog timeout (sd_watchdog_enabled(3)), or None if it has none."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) <= 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2 / 1e6


def keep_crash_record(log_dir: Path) -> None:
    """Every thread's stack into log_dir/crash.txt if the process dies of a signal; uncaught
    exceptions (any thread) into the log."""
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        record = open(log_dir / CRASH_FILE, "w", encoding="utf-8")     # kept open for faulthandler's signal handler
        # faulthandler names threads by id: say which one is the screen's
        record.write(f"{MAIN_THREAD} 0x{threading.main_thread().ident:016x}\n")
        record.flush()
        faulthandler.enable(record, all_threads=True)
    except OSError as e:
        log.error("no crash record in %s (%s): a crash will say less", log_dir, e.strerror or e)

    def uncaught(kind, value, tb):
        logging.getLogger("kiosk").critical("uncaught %s", kind.__name__, exc_info=(kind, value, tb))
    sys.excepthook = uncaught
    threading.excepthook = lambda a: uncaught(a.exc_type, a.exc_value, a.exc_traceback)


def last_crash(log_dir: Path) -> str:
    """What the previous run's crash record says: the fatal error and where the screen's thread
    was ("Fatal Python error: Aborted; File ".../app.py", line 150 in freeze"), or "" if it did
    not crash. A record with a crash is kept as crash.txt.1 for the bundle."""
    path = log_dir / CRASH_FILE
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    if not any("most recent call first" in line or line.startswith("Fatal Python error") for line in lines):
        return ""
    path.replace(log_dir / f"{CRASH_FILE}.1")
    main = lines[0].split()[-1] if lines[0].startswith(MAIN_THREAD) else "?"
    fatal = next((line for line in lines if line.startswith("Fatal Python error")), "")
    block = next((i for i, line in enumerate(lines) if main in line and "most recent call first" in line), None)
    where = lines[block + 1] if block is not None and block + 1 < len(lines) else ""
    return "; ".join(x for x in (fatal, where) if x)


def unclean_starts(entries, now: datetime) -> int:
    """How many of the recent starts (in the health timeline) ended without a clean stop, counting
    back from the last one while they are within CRASH_WINDOW of each other."""
    starts = [e for e in entries if e.role == "kiosk" and e.state in ("started", "stopped")]
    count, later = 0, now
    for entry in reversed(starts):
        if entry.state == "stopped":
            break
        if later - entry.at > CRASH_WINDOW:
            break
        count, later = count + 1, entry.at
    return count


def back_off_s(crashes: int) -> float:
    """No wait after one crash (a hiccup); then 5 s, 10 s, 20 s … up to 5 min."""
    if crashes < 2:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (crashes - 2))
