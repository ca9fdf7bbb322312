"""The building blocks of every device role (kiosk.roles): a health record, a worker thread, a poller.

Each device gets one worker thread that does all of its I/O (as Electrum's hardware plugins do),
so the UI thread never waits on a device and a driver is never used from two threads at once.
A poller asks each device for its status on that same thread and tells listeners when the
health changes; that is what greys out the take-a-number button while the paper is out.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Literal

from drivers.sentence import NOTHING, Sentence


log = logging.getLogger(__name__)

HealthState = Literal["ok", "warning", "fault", "absent"]


@dataclass(frozen=True)
class DeviceHealth:
    role: str                 # the device's name in kiosk.yaml (devices: ticket_printer: ...)
    name: str                 # what the technician reads: kind, model, where it is attached
    state: HealthState
    reason: Sentence = NOTHING    # what is wrong, for the citizen or technician (said in their language)
    details: dict = field(default_factory=dict)
    checked_at: float = 0.0

    @property
    def usable(self) -> bool:
        return self.state in ("ok", "warning")


class DeviceWorker:
    """One thread for one device's I/O."""

    def __init__(self, name: str):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"device-{name}")

    def submit(self, fn, *args) -> Future:
        return self._executor.submit(fn, *args)

    async def run(self, fn, *args):
        return await asyncio.wrap_future(self.submit(fn, *args))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def start_poller(name: str, step: Callable[[], object], interval_s: float, stop: threading.Event) -> threading.Thread:
    """Call step() every interval_s until stop is set. A step that raises is logged and the
    polling goes on: a bug must not leave a device unwatched."""
    def loop():
        while not stop.is_set():
            try:
                step()
            except Exception:
                log.exception("%s failed", name)
            stop.wait(interval_s)
    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread
