"""The real pcscd, with vsmartcard's vpcd reader, for tests, benchmarks and `kiosk --sim`.

    >>> daemon = ensure_pcscd()            # reuse a running pcscd, or start `pcscd -f`
    >>> insert_and_wait(card)              # the virtual card is in; pcscd has powered it
    >>> remove_and_wait(card)

Policy: a pcscd that was already running is reused and left alone. One that we start runs in
the foreground (`pcscd -f`, `-d` too when PCSCD_DEBUG=1) with its output in a log file, and is
stopped when this Python process exits - so a fresh machine with pcscd installed but not
running works, repeated runs work, and no root daemon listening on TCP 35963 is left behind.
Failing to start raises PcscdUnavailable naming the log; tests must fail on it, never skip.

pcscd polls the vpcd slots every 0.4 s, so a card is seen 0-0.4 s after it connects.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from smartcard import scard

PCSCD = shutil.which("pcscd") or "/usr/sbin/pcscd"
VIRTUAL_READER = "Virtual PCD 00 00"
VIRTUAL_READER_SLOT1 = "Virtual PCD 00 01"


class PcscdUnavailable(RuntimeError):
    pass


@dataclass
class Pcscd:
    started_by_us: bool
    log_path: Path | None
    process: subprocess.Popen | None = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


_daemon: Pcscd | None = None


def virtual_readers() -> list[str]:
    """Readers pcscd lists, [] when pcscd does not answer."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return []
    try:
        hresult, names = scard.SCardListReaders(context, [])
        return list(names) if hresult == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(context)


def ensure_pcscd(log_path: Path | str | None = None, timeout: float = 10.0) -> Pcscd:
    """A pcscd listing 'Virtual PCD 00 00', started if need be (once per process)."""
    global _daemon
    if _daemon is not None and VIRTUAL_READER in virtual_readers():
        return _daemon
    if VIRTUAL_READER in virtual_readers():
        _daemon = Pcscd(started_by_us=False, log_path=None)
        return _daemon
    if not os.path.exists(PCSCD):
        raise PcscdUnavailable(f"{PCSCD} not found: install the Debian packages pcscd and vsmartcard-vpcd")
    if not Path("/etc/reader.conf.d/vpcd").exists():
        raise PcscdUnavailable("vpcd is not configured (/etc/reader.conf.d/vpcd): install vsmartcard-vpcd")
    log_path = Path(log_path or Path(tempfile.gettempdir()) / "kiosk-pcscd.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    args = [PCSCD, "-f"] + (["-d"] if os.environ.get("PCSCD_DEBUG") == "1" else [])
    with open(log_path, "ab") as log:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    daemon = Pcscd(started_by_us=True, log_path=log_path, process=process)
    deadline = time.monotonic() + timeout
    while VIRTUAL_READER not in virtual_readers():
        if process.poll() is not None:
            raise PcscdUnavailable(f"`{' '.join(args)}` exited with {process.returncode} "
                                   f"(is another pcscd running without vpcd? are we root?); "
                                   f"its log: {log_path}:\n{_tail(log_path)}")
        if time.monotonic() > deadline:
            daemon.stop()
            raise PcscdUnavailable(f"pcscd started but listed no '{VIRTUAL_READER}' within {timeout} s; "
                                   f"its log: {log_path}:\n{_tail(log_path)}")
        time.sleep(0.05)
    atexit.register(daemon.stop)
    _daemon = daemon
    return daemon


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_for_slot(reader: str, *, occupied: bool, timeout: float = 3.0) -> int:
    """Block until pcscd reports the reader occupied (a card, powered or mute) or empty.
    Returns the reader state; TimeoutError otherwise."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise PcscdUnavailable(scard.SCardGetErrorMessage(hresult))
    try:
        current = scard.SCARD_STATE_UNAWARE
        deadline = time.monotonic() + timeout
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms < 0:
                raise TimeoutError(f"{reader} not {'occupied' if occupied else 'empty'} after {timeout} s")
            hresult, states = scard.SCardGetStatusChange(context, left_ms, [(reader, current)])
            if hresult == scard.SCARD_S_SUCCESS:
                state = states[0][1]
                seen = state & (scard.SCARD_STATE_PRESENT | scard.SCARD_STATE_MUTE)
                # A present card counts once powered (ATR known) or known to be mute.
                ready = state & scard.SCARD_STATE_MUTE or (seen and len(states[0][2]) > 0)
                if (occupied and ready) or (not occupied and not seen):
                    return state
                current = state & ~scard.SCARD_STATE_CHANGED
            elif hresult & 0xFFFFFFFF != scard.SCARD_E_TIMEOUT & 0xFFFFFFFF:
                raise PcscdUnavailable(f"pcscd: {scard.SCardGetErrorMessage(hresult)}")
    finally:
        scard.SCardReleaseContext(context)


def insert_and_wait(card, port: int = 35963, reader: str = VIRTUAL_READER, timeout: float = 3.0) -> None:
    """Insert a virtual card and return once pcscd has seen it."""
    card.insert(port)
    wait_for_slot(reader, occupied=True, timeout=timeout)


def remove_and_wait(card, reader: str = VIRTUAL_READER, timeout: float = 3.0) -> None:
    """Remove a virtual card and return once pcscd has noticed the slot is empty."""
    card.remove()
    wait_for_slot(reader, occupied=False, timeout=timeout)
