"""The ESC/POS ticket printer as the kiosk sees it: polled status, counted prints, printing on
its own thread. Its listeners hear HealthChanged; `await role.print(data)` prints a ticket."""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from typing import Callable, Literal

from pydantic import Field, model_validator

from drivers.printer.errors import PrinterError, PrinterNotReady, PrinterOffline
from drivers.printer.status import PrinterStatus
from drivers.printer.ticket_printer import TicketPrinter
from kiosk.config import Strict
from kiosk.devices import DeviceHealth, HealthState
from kiosk.roles import DeviceRole, Driver, register
from kiosk.wording import Sentence

log = logging.getLogger(__name__)


class TicketPrinterDevice(Strict):
    driver: Literal["escpos"] = "escpos"
    transport: Literal["serial", "tcp", "usb"]
    port: str = ""               # /dev/ttyUSB0 for serial
    baudrate: int = 115200
    host: str = ""
    tcp_port: int = 9100
    usb_vendor: int | None = None
    usb_product: int | None = None
    profile: str = "gb18030-80mm"
    poll_interval_s: float = Field(default=2.0, gt=0, le=5.0)
    timeout_s: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _address(self):
        if self.transport == "serial" and not self.port:
            raise ValueError("a serial printer needs 'port' (for example /dev/ttyUSB0)")
        if self.transport == "tcp" and not self.host:
            raise ValueError("a network printer needs 'host'")
        if self.transport == "usb" and (self.usb_vendor is None or self.usb_product is None):
            raise ValueError("a USB printer needs 'usb_vendor' and 'usb_product'")
        return self


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


class TicketPrinterRole(DeviceRole):
    """The ticket printer: polled status, counted prints, and printing on its own thread."""

    kind = "ticket_printer"

    def __init__(self, name: str, settings: TicketPrinterDevice,
                 opener: Callable[[TicketPrinterDevice], TicketPrinter] = open_ticket_printer):
        super().__init__(name, settings)
        self._opener = opener
        self._printer: TicketPrinter | None = None
        self._counts = {"prints": 0, "failures": 0}
        self._last_error = ""
        self.health = DeviceHealth(self.name, describe(settings), "absent", Sentence("还没有检查打印机"))

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
            self._publish(self._record_error(e))
            raise
        self._counts["prints"] += 1
        return self._publish(self._record_status(status))

    def _record_status(self, status: PrinterStatus) -> DeviceHealth:
        details = {"online": status.online, "paper": status.paper, "cover_open": status.cover_open,
                   "cutter_error": status.cutter_error, **self._counts, "last_error": self._last_error}
        if not status.ready:
            state: HealthState = "fault"
        elif status.paper == "near_end":
            state = "warning"
        else:
            state = "ok"
        return DeviceHealth(self.name, self.health.name, state, status.reason, details, time.time())

    def _record_error(self, error: PrinterError) -> DeviceHealth:
        if isinstance(error, PrinterNotReady):
            return self._record_status(error.status)
        self._last_error = f"{type(error).__name__}: {error}"
        if isinstance(error, PrinterOffline) and self._printer is not None:
            self._printer.close()   # reopen from scratch on the next poll (adapter re-plugged)
            self._printer = None
        details = {**self._counts, "last_error": self._last_error}
        return DeviceHealth(self.name, self.health.name, "fault", error.message, details, time.time())

    def _close_driver(self) -> None:
        if self._printer is not None:
            self._printer.close()

    # ---------------------------------------------------------------- from any thread
    def check_now(self) -> Future:
        """Query the status on the device thread; the future resolves to the new health."""
        return self._worker.submit(lambda: self._publish(self._check()))

    async def print(self, data: bytes, before_send: Callable[[], None] | None = None) -> DeviceHealth:
        """Print on the device thread. before_send() runs there after the status check, just
        before the first byte goes out (see TicketPrinter.print_ticket)."""
        return await self._worker.run(self._print, data, before_send)

    def start(self) -> None:
        """Know the printer before the first citizen (a blocking first check), then poll."""
        self.check_now().result(timeout=10)
        self._start_polling(lambda: self.check_now().result())


register(Driver("escpos", TicketPrinterRole.kind, TicketPrinterDevice, TicketPrinterRole, required=True))
