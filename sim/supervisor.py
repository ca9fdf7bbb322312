"""A small stand-in for systemd's service manager, for the watchdog test (this machine's PID 1 is
not systemd): it speaks the same notify protocol and keeps the same promises as docs/kiosk.service.

- NOTIFY_SOCKET: a datagram socket of its own; READY=1, WATCHDOG=1, STATUS=, STOPPING=1 read
  as systemd reads them (sd_notify(3)).
- WatchdogSec: WATCHDOG_USEC in the child's environment; once the child is ready, no WATCHDOG=1
  for that long and the child gets SIGABRT (systemd's WatchdogSignal), as a frozen screen would.
- Restart=always: whatever way the child ends, it is started again after RestartSec.
Every event is kept with its time (`events`), for the test to read.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable


class Supervisor:
    def __init__(self, command: Callable[[int], list[str]], env: dict, cwd: Path, watchdog_s: float,
                 restart_s: float = 0.5, log_dir: Path | None = None):
        """command(n) → the argv of the n-th start (0 first), as an ExecStart= that a test may vary."""
        self.command, self.env, self.cwd = command, env, cwd
        self.watchdog_s, self.restart_s = watchdog_s, restart_s
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="supervised-"))
        self.events: list[tuple[float, str]] = []
        self._folder = tempfile.mkdtemp(prefix="notify-")
        self.socket_path = os.path.join(self._folder, "notify")
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(self.socket_path)
        self._socket.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)
        self.child: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self._thread.start()

    def _event(self, what: str) -> None:
        self.events.append((time.monotonic(), what))

    def _spawn(self) -> None:
        env = {**self.env, "NOTIFY_SOCKET": self.socket_path, "WATCHDOG_USEC": str(int(self.watchdog_s * 1e6))}
        out = open(self.log_dir / f"start{self.starts}.txt", "w")
        self.child = subprocess.Popen(self.command(self.starts), env=env, cwd=self.cwd, stdout=out, stderr=out,
                                      stdin=subprocess.DEVNULL)
        out.close()
        self._event(f"started {self.starts} pid {self.child.pid}")
        self.starts += 1

    def _run(self) -> None:
        self._spawn()
        ready, last_pet = False, time.monotonic()
        while not self._stop.is_set():
            try:
                data = self._socket.recv(4096).decode(errors="replace")
                for line in data.splitlines():
                    if line == "READY=1":
                        ready, last_pet = True, time.monotonic()
                        self._event("READY")
                    elif line == "WATCHDOG=1":
                        last_pet = time.monotonic()
                    elif line.startswith(("STATUS=", "STOPPING=")):
                        self._event(line)
            except socket.timeout:
                pass
            code = self.child.poll()
            if code is None and ready and time.monotonic() - last_pet > self.watchdog_s:
                self._event("watchdog timeout: SIGABRT")
                self.child.send_signal(signal.SIGABRT)
                code = self.child.wait(timeout=30)
            if code is not None and not self._stop.is_set():
                self._event(f"exited {code}")
                time.sleep(self.restart_s)
                ready = False
                self._spawn()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.child.kill()
        self._socket.close()

    def first(self, what: str, after: float = 0.0) -> float | None:
        """The time of the first event starting with `what` after `after`."""
        return next((t for t, e in self.events if e.startswith(what) and t > after), None)
