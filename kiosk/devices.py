"""The kiosk's devices as the rest of the kiosk sees them: a health record and async actions.

Each device gets one worker thread that does all of its I/O (as Electrum's hardware plugins do),
so the UI thread never waits on a device and a driver is never used from two threads at once.
A poller asks each device for its status on that same thread and tells listeners when the
health changes; that is what greys out the take-a-number button while the paper is out.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Literal

from drivers.printer.errors import PrinterError, PrinterNotReady, PrinterOffline
from drivers.printer.status import PrinterStatus
from drivers.printer.ticket_printer import TicketPrinter
from kiosk.config import TicketPrinterDevice
from kiosk.events import Announcer, HealthChanged

log = logging.getLogger(__name__)

HealthState = Literal["ok", "warning", "fault", "absent"]


@dataclass(frozen=True)
class DeviceHealth:
    role: str
    name: str
    state: HealthState
    reason_zh: str = ""
    reason_en: str = ""
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


def open_ticket_printer(settings: TicketPrinterDevice) -> TicketPrinter:
    if settings.transport == "serial":
        return TicketPrinter.open_serial(settings.port, settings.baudrate, settings.timeout_s)
    if settings.transport == "tcp":
        return TicketPrinter.open_tcp(settings.host, settings.tcp_port, settings.timeout_s)
    return TicketPrinter.open_usb(settings.usb_vendor, settings.usb_product, settings.timeout_s)


def describe(settings: TicketPrinterDevice) -> str:
    where = {"serial": settings.port, "tcp": f"{settings.host}:{settings.tcp_port}",
             "usb": f"USB {settings.usb_vendor or 0:04x}:{settings.usb_product or 0:04x}"}[settings.transport]
    return f"票据打印机 Ticket printer (ESC/POS, {settings.transport} {where})"


class TicketPrinterRole(Announcer):
    """The ticket printer: polled status, counted prints, and printing on its own thread."""

    role = "ticket_printer"

    def __init__(self, settings: TicketPrinterDevice,
                 opener: Callable[[TicketPrinterDevice], TicketPrinter] = open_ticket_printer):
        self.settings = settings
        super().__init__()
        self._opener = opener
        self._printer: TicketPrinter | None = None
        self._worker = DeviceWorker(self.role)
        self._counts = {"prints": 0, "failures": 0}
        self._last_error = ""
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self.health = DeviceHealth(self.role, describe(settings), "absent",
                                   "还没有检查打印机", "Printer not checked yet")

    # ---------------------------------------------------------------- on the device thread
    def _driver(self) -> TicketPrinter:
        if self._printer is None:
            self._printer = self._opener(self.settings)
        return self._printer

    def _check(self) -> DeviceHealth:
        try:
            status = self._driver().status()
        except PrinterError as e:
            return self._record_error(e)
        return self._record_status(status)

    def _print(self, data: bytes, before_send: Callable[[], None] | None = None) -> DeviceHealth:
        try:
            status = self._driver().print_ticket(data, before_send)
        except PrinterError as e:
            self._counts["failures"] += 1
            self._update(self._record_error(e))
            raise
        self._counts["prints"] += 1
        return self._update(self._record_status(status))

    def _record_status(self, status: PrinterStatus) -> DeviceHealth:
        details = {"online": status.online, "paper": status.paper, "cover_open": status.cover_open,
                   "cutter_error": status.cutter_error, **self._counts, "last_error": self._last_error}
        if not status.ready:
            state: HealthState = "fault"
        elif status.paper == "near_end":
            state = "warning"
        else:
            state = "ok"
        return DeviceHealth(self.role, self.health.name, state, status.reason_zh, status.reason_en,
                            details, time.time())

    def _record_error(self, error: PrinterError) -> DeviceHealth:
        if isinstance(error, PrinterNotReady):
            return self._record_status(error.status)
        self._last_error = f"{type(error).__name__}: {error}"
        if isinstance(error, PrinterOffline) and self._printer is not None:
            self._printer.close()   # reopen from scratch on the next poll (adapter re-plugged)
            self._printer = None
        details = {**self._counts, "last_error": self._last_error}
        return DeviceHealth(self.role, self.health.name, "fault", error.message_zh, error.message_en,
                            details, time.time())

    # ---------------------------------------------------------------- from any thread
    def _update(self, health: DeviceHealth) -> DeviceHealth:
        changed = (health.state, health.reason_zh) != (self.health.state, self.health.reason_zh)
        self.health = health
        if changed:
            log.info("ticket printer: %s %s", health.state, health.reason_en)
            self._emit(HealthChanged(health))
        return health

    def check_now(self) -> Future:
        """Query the status on the device thread; the future resolves to the new health."""
        return self._worker.submit(lambda: self._update(self._check()))

    async def print(self, data: bytes, before_send: Callable[[], None] | None = None) -> DeviceHealth:
        """Print on the device thread. before_send() runs there after the status check, just
        before the first byte goes out (see TicketPrinter.print_ticket)."""
        return await self._worker.run(self._print, data, before_send)

    def start_polling(self) -> None:
        self._poller = start_poller("printer-poller", lambda: self.check_now().result(),
                                    self.settings.poll_interval_s, self._stop)

    def stop(self) -> None:
        self._stop.set()
        if self._poller:
            self._poller.join(timeout=5)
        if self._printer is not None:
            self._worker.submit(self._printer.close)
        self._worker.shutdown()
