"""The byte pipe to a ticket printer: serial, TCP or USB, opened and closed by python-escpos.

python-escpos handles the connections well (opening the port, connecting the socket, finding
the USB device and detaching the kernel driver). Its reading does not fit status polling: its
`_read()` asks for 16 bytes and so waits for the whole timeout on every query, and it cannot
tell "no answer" from "link gone". Each link here therefore reads and writes through the
connection object python-escpos opened, with a deadline, and turns every way a link can die
into one exception, LinkLost.
"""
from __future__ import annotations

import errno
import logging
import socket
import termios
import time

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Network, Serial, Usb

from drivers.socket_io import discard_pending, recv_up_to

log = logging.getLogger(__name__)


class LinkLost(Exception):
    """The connection is gone (cable pulled, printer rebooted, port missing)."""


class Link:
    """Common shape of the three links; `escpos` is the python-escpos printer object."""

    escpos: Serial | Network | Usb
    address: str

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.connected = False

    def connect(self) -> None:
        try:
            self.escpos.open()
        except DeviceNotFoundError as e:
            raise LinkLost(f"{self.address}: {' '.join(str(e).split())}") from None
        except (OSError, ValueError) as e:     # ValueError: pyusb without a libusb backend
            raise LinkLost(f"{self.address}: {e}") from None
        self.connected = True
        log.info("ticket printer connected on %s", self.address)

    def close(self) -> None:
        if self.connected:
            log.info("ticket printer disconnected from %s", self.address)
        self.connected = False
        try:
            self.escpos.close()
        except Exception:      # closing a dead link must never hide the original problem
            self.escpos._device = False

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read(self, count: int, timeout: float) -> bytes:
        """Up to `count` bytes; fewer (maybe none) if the deadline passes first."""
        raise NotImplementedError

    def discard_input(self) -> None:
        """Throw away bytes nobody asked for (late answers to an earlier, timed-out query)."""
        raise NotImplementedError


class _Serial(Serial):
    """python-escpos's Serial, closing without its flush: on a dead port (adapter unplugged)
    the flush raises, also from __del__ when the garbage collector closes a forgotten printer."""

    def close(self) -> None:
        port = self._device
        if port:
            try:
                port.close()
            except (OSError, termios.error):
                pass
        self._device = False


class SerialLink(Link):
    def __init__(self, port: str, baudrate: int, timeout: float):
        super().__init__(timeout)
        self.address = f"serial {port} @ {baudrate}"
        self.baudrate = baudrate
        self.escpos = _Serial(devfile=port, baudrate=baudrate, timeout=timeout)

    def write(self, data: bytes) -> None:
        port = self.escpos.device
        # Long enough for the bytes at this baud rate (a raster ticket at 9600 baud takes
        # seconds), short enough that a printer holding the line busy cannot hang the kiosk.
        port.write_timeout = self.timeout + len(data) * 10 / self.baudrate * 2
        try:
            port.write(data)
            port.flush()       # tcdrain: returns once the UART has sent every byte
        except (OSError, termios.error) as e:     # SerialException is an OSError
            raise LinkLost(f"{self.address}: {e}") from None

    def read(self, count: int, timeout: float) -> bytes:
        port = self.escpos.device
        port.timeout = timeout
        try:
            return bytes(port.read(count))
        except OSError as e:
            raise LinkLost(f"{self.address}: {e}") from None

    def discard_input(self) -> None:
        try:
            self.escpos.device.reset_input_buffer()
        except (OSError, termios.error) as e:
            raise LinkLost(f"{self.address}: {e}") from None


class TcpLink(Link):
    def __init__(self, host: str, port: int, timeout: float):
        super().__init__(timeout)
        self.address = f"tcp {host}:{port}"
        self.escpos = Network(host=host, port=port, timeout=timeout)

    def connect(self) -> None:
        super().connect()
        sock = self.escpos.device
        # Status queries are 12 bytes out and 4 back: do not let Nagle hold them back.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)

    def write(self, data: bytes) -> None:
        sock = self.escpos.device
        sock.settimeout(self.timeout + len(data) / 100_000)
        try:
            sock.sendall(data)
        except OSError as e:
            raise LinkLost(f"{self.address}: {e}") from None

    def read(self, count: int, timeout: float) -> bytes:
        try:
            return recv_up_to(self.escpos.device, count, timeout)
        except OSError as e:
            raise LinkLost(f"{self.address}: {e}") from None

    def discard_input(self) -> None:
        try:
            discard_pending(self.escpos.device)
        except OSError as e:
            raise LinkLost(f"{self.address}: {e}") from None


class UsbLink(Link):
    def __init__(self, vendor: int, product: int, timeout: float, in_ep: int = 0x82, out_ep: int = 0x01):
        super().__init__(timeout)
        self.address = f"usb {vendor:04x}:{product:04x}"
        self.escpos = Usb(idVendor=vendor, idProduct=product, timeout=int(timeout * 1000),
                          in_ep=in_ep, out_ep=out_ep)

    def _lost_or_timeout(self, e: Exception) -> bool:
        """True for a plain timeout; raises LinkLost when the device is gone."""
        import usb.core     # only present where USB printers are used
        if isinstance(e, usb.core.USBTimeoutError):
            return True
        if isinstance(e, usb.core.USBError) and getattr(e, "errno", None) == errno.ETIMEDOUT:
            return True
        raise LinkLost(f"{self.address}: {e}") from None

    def write(self, data: bytes) -> None:
        dev = self.escpos.device
        timeout_ms = int((self.timeout + len(data) / 50_000) * 1000)
        sent = 0
        try:
            while sent < len(data):
                sent += dev.write(self.escpos.out_ep, data[sent:], timeout_ms)
        except Exception as e:
            self._lost_or_timeout(e)
            raise LinkLost(f"{self.address}: write timed out after {sent} of {len(data)} bytes") from None

    def read(self, count: int, timeout: float) -> bytes:
        dev = self.escpos.device
        got = b""
        deadline = time.monotonic() + timeout
        while len(got) < count:
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                break
            try:
                got += bytes(dev.read(self.escpos.in_ep, 64, max(1, remaining_ms)))
            except Exception as e:
                self._lost_or_timeout(e)
                break
        return got

    def discard_input(self) -> None:
        dev = self.escpos.device
        for _ in range(16):
            try:
                if not dev.read(self.escpos.in_ep, 64, 1):
                    return
            except Exception as e:
                self._lost_or_timeout(e)
                return
