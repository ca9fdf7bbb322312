"""Byte pipes to an ID-card SAM reader. Readers speak the same frames over serial (115200 8N1,
usually a USB-serial adapter), USB bulk or TCP; the driver only needs write / read-with-deadline /
discard / close, so another transport is one small class with these four methods.

Every way a pipe can die becomes TransportLost, which the driver reports as ReaderUnavailable.
"""
from __future__ import annotations

import socket
import termios
from typing import Protocol

import serial

from drivers.socket_io import discard_pending, recv_up_to

# termios.error is not an OSError: a pty or adapter that vanished raises it from tcflush/tcsetattr.
_PORT_ERRORS = (serial.SerialException, OSError, termios.error)


class TransportLost(Exception):
    """The pipe is gone: port missing, adapter unplugged, connection closed."""


class SamTransport(Protocol):
    address: str

    def write(self, data: bytes) -> None: ...

    def read(self, count: int, timeout: float) -> bytes:
        """Exactly `count` bytes, or fewer (maybe none) if `timeout` seconds pass first.
        Returns as soon as the last byte arrives."""

    def discard_input(self) -> None: ...

    def close(self) -> None: ...


class SerialTransport:
    def __init__(self, port: str, baudrate: int = 115200):
        self.address = f"{port}@{baudrate}"
        try:
            self._port = serial.Serial(port, baudrate, bytesize=8, parity="N", stopbits=1, timeout=1.0)
        except (*_PORT_ERRORS, ValueError) as e:
            raise TransportLost(f"{self.address}: {e}") from None

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except _PORT_ERRORS as e:
            raise TransportLost(f"{self.address}: {e}") from None

    def read(self, count: int, timeout: float) -> bytes:
        # pyserial's read(n) waits until n bytes are in or the timeout passes, so a frame is
        # complete the moment its last byte arrives. Changing the timeout re-programs the port,
        # so only do it when it differs.
        try:
            if self._port.timeout != timeout:
                self._port.timeout = max(timeout, 0.0)
            data = self._port.read(count)
        except (*_PORT_ERRORS, TypeError) as e:   # TypeError: port closed under us
            raise TransportLost(f"{self.address}: {e}") from None
        return bytes(data)

    def discard_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except _PORT_ERRORS as e:
            raise TransportLost(f"{self.address}: {e}") from None

    def close(self) -> None:
        try:
            self._port.close()
        except _PORT_ERRORS:
            pass


class TcpTransport:
    """A reader behind a serial-to-Ethernet converter or with its own TCP port."""

    def __init__(self, host: str, port: int, connect_timeout: float = 2.0):
        self.address = f"{host}:{port}"
        try:
            self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as e:
            raise TransportLost(f"{self.address}: {e}") from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as e:
            raise TransportLost(f"{self.address}: {e}") from None

    def read(self, count: int, timeout: float) -> bytes:
        try:
            return recv_up_to(self._sock, count, timeout)
        except OSError as e:
            raise TransportLost(f"{self.address}: {e}") from None

    def discard_input(self) -> None:
        try:
            discard_pending(self._sock)
        except OSError as e:
            raise TransportLost(f"{self.address}: {e}") from None

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass
