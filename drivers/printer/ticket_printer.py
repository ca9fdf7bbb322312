"""The kiosk's ticket printer: ask how it is (DLE EOT 1..4), print a ticket, notice trouble.

    >>> printer = TicketPrinter.open_serial("/dev/ttyUSB0")
    >>> printer.status().ready
    True
    >>> printer.print_ticket(compose_ticket(load_template(), fields, profile))

Opening never fails because a printer is missing: the first status() reports PrinterOffline,
and every later call tries to connect again. So a printer switched on after the kiosk, a
re-plugged USB-serial adapter or a rebooted network printer comes back by itself.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from drivers.one_thread import one_thread
from drivers.printer.commands import ASB_OFF
from drivers.printer.errors import PrinterError, PrinterNotReady, PrinterOffline, PrinterProtocolError
from drivers.printer.links import Link, LinkLost, SerialLink, TcpLink, UsbLink
from drivers.printer.status import STATUS_QUERY_ALL, PrinterStatus, decode_status

log = logging.getLogger(__name__)


class TicketPrinter:
    def __init__(self, link: Link):
        self._link = link
        self._lock = threading.Lock()     # one conversation at a time: a poll never splits a ticket
        self._try_connect()

    # ------------------------------------------------------------ opening
    @classmethod
    def open_serial(cls, port: str, baudrate: int = 115200, timeout: float = 1.0) -> "TicketPrinter":
        return cls(SerialLink(port, baudrate, timeout))

    @classmethod
    def open_tcp(cls, host: str, port: int = 9100, timeout: float = 1.0) -> "TicketPrinter":
        return cls(TcpLink(host, port, timeout))

    @classmethod
    def open_usb(cls, vendor: int, product: int, timeout: float = 1.0, *,
                 in_ep: int = 0x82, out_ep: int = 0x01) -> "TicketPrinter":
        return cls(UsbLink(vendor, product, timeout, in_ep=in_ep, out_ep=out_ep))

    @property
    def address(self) -> str:
        return self._link.address

    def __repr__(self) -> str:
        return f"TicketPrinter({self.address}, {'connected' if self._link.connected else 'not connected'})"

    def _try_connect(self) -> None:
        try:
            self._connect()
        except PrinterOffline as e:
            log.warning("ticket printer not reachable yet: %s", e.detail)

    def _connect(self) -> None:
        try:
            self._link.connect()
            # Automatic status back would mix 4-byte blocks into our answers: switch it off.
            self._link.write(ASB_OFF)
        except LinkLost as e:
            self._link.close()
            raise PrinterOffline(str(e)) from None

    # ------------------------------------------------------------ asking
    @one_thread
    def status(self) -> PrinterStatus:
        """DLE EOT 1..4. PrinterOffline on silence or a lost link, PrinterProtocolError on garbage."""
        with self._lock:
            return self._status()

    def _status(self) -> PrinterStatus:
        if not self._link.connected:
            self._connect()
            return self._query()
        try:
            return self._query()
        except PrinterOffline:
            if self._link.connected:
                raise            # it is there but silent: reconnecting will not help
            # The link died since the last call (printer rebooted, adapter re-plugged):
            # one fresh connection before giving up.
            self._connect()
            return self._query()

    def _query(self) -> PrinterStatus:
        link = self._link
        try:
            link.discard_input()
            link.write(STATUS_QUERY_ALL)
            answer = link.read(4, link.timeout)
        except LinkLost as e:
            link.close()
            raise PrinterOffline(str(e)) from None
        if not answer:
            raise PrinterOffline(f"{link.address}: no answer to DLE EOT within {link.timeout} s")
        if len(answer) < 4:
            raise PrinterProtocolError(f"{link.address}: only {len(answer)} of 4 status bytes "
                                       f"({answer.hex(' ')})")
        return decode_status({n: answer[n - 1] for n in (1, 2, 3, 4)})

    # ------------------------------------------------------------ printing
    @one_thread
    def print_ticket(self, data: bytes, before_send: Callable[[], None] | None = None) -> PrinterStatus:
        """Print one ticket (bytes from compose_ticket) and return the status read afterwards.

        Checks first: PrinterNotReady (with .status) if paper is out, the cover open...
        Then calls before_send() - the last moment at which nothing of the ticket has left the
        kiosk (the flow tells the hall the number is now being printed; if that raises, nothing
        is sent). After sending every byte, asks again. Any error from the first byte on carries
        `during_print=True`: the paper ran out, the cover opened or the cutter jammed meanwhile,
        or the link dropped, and the ticket may be on paper incomplete.
        """
        with self._lock:
            before = self._status()
            if not before.ready:
                raise PrinterNotReady(before)
            if before_send is not None:
                before_send()
            try:
                self._link.write(bytes(data))
                after = self._query()
            except LinkLost as e:
                self._link.close()
                error: PrinterError = PrinterOffline(f"{e} (while printing)")
                error.during_print = True
                raise error from None
            except PrinterError as e:
                e.during_print = True
                raise
            if not after.ready:
                raise PrinterNotReady(after, during_print=True)
            return after

    @one_thread
    def close(self) -> None:
        with self._lock:
            self._link.close()

    def __enter__(self) -> "TicketPrinter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
