"""Wire fixtures: the ticket printer's real driver and the virtual printer, joined by a real
pseudo-terminal or a real TCP socket - and peers that misbehave on purpose; the real pcscd."""
from __future__ import annotations

import os
import socket
import threading
import tty
from dataclasses import dataclass

import pytest

from drivers.printer.ticket_printer import TicketPrinter
from sim.card.ssc_pcscd import PcscdUnavailable, ensure_pcscd
from sim.printer.transports import PtyPrinterServer, TcpPrinterServer
from sim.printer.virtual_printer import VirtualPrinter

WIRE_TIMEOUT = 0.5     # seconds the driver waits for an answer in these tests


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory):
    """The real pcscd with vpcd (reused if running, else started): a test needing it fails,
    never skips, when it cannot start."""
    try:
        return ensure_pcscd(tmp_path_factory.getbasetemp() / "pcscd.log")
    except PcscdUnavailable as e:
        pytest.fail(f"pcscd could not be started: {e}")


@dataclass
class PrinterOnWire:
    kind: str                           # "pty" or "tcp"
    printer: VirtualPrinter             # the simulated device
    driver: TicketPrinter               # the real driver, connected to it
    server: PtyPrinterServer | TcpPrinterServer


@pytest.fixture
def virtual_printer(tmp_path) -> VirtualPrinter:
    return VirtualPrinter(out_dir=tmp_path / "tickets")


def connect(kind: str, printer: VirtualPrinter) -> tuple[TicketPrinter, PtyPrinterServer | TcpPrinterServer]:
    if kind == "pty":
        server = PtyPrinterServer(printer)
        return TicketPrinter.open_serial(server.start(), timeout=WIRE_TIMEOUT), server
    server = TcpPrinterServer(printer)
    return TicketPrinter.open_tcp("127.0.0.1", server.start(), timeout=WIRE_TIMEOUT), server


@pytest.fixture
def wire_timeout() -> float:
    return WIRE_TIMEOUT


@pytest.fixture
def connect_printer():
    """connect_printer(kind, virtual_printer) -> a TicketPrinter joined to it; all torn down after."""
    made = []

    def make(kind: str, printer: VirtualPrinter) -> TicketPrinter:
        driver, server = connect(kind, printer)
        made.append((driver, server))
        return driver

    yield make
    for driver, server in made:
        driver.close()
        server.stop()


@pytest.fixture(params=["pty", "tcp"])
def printer_on_wire(request, virtual_printer):
    driver, server = connect(request.param, virtual_printer)
    yield PrinterOnWire(request.param, virtual_printer, driver, server)
    driver.close()
    server.stop()


class FakePeer:
    """Something at the printer's address that is not a working printer: it answers every
    chunk it receives with `reply` (b"" = never answers). Serves a pty or a TCP port."""

    def __init__(self, kind: str, reply: bytes):
        self.kind, self.reply = kind, reply
        self._stop = threading.Event()
        self._fds: list[int] = []
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.driver: TicketPrinter | None = None

    def start(self) -> TicketPrinter:
        if self.kind == "pty":
            master, slave = os.openpty()
            tty.setraw(slave)
            self._fds += [master, slave]
            self._run(self._serve_pty, master)
            self.driver = TicketPrinter.open_serial(os.ttyname(slave), timeout=WIRE_TIMEOUT)
            return self.driver
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        self._socks.append(listener)
        self._run(self._serve_tcp, listener)
        self.driver = TicketPrinter.open_tcp("127.0.0.1", listener.getsockname()[1], timeout=WIRE_TIMEOUT)
        return self.driver

    def _run(self, target, arg) -> None:
        thread = threading.Thread(target=target, args=(arg,), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _serve_pty(self, master: int) -> None:
        import select
        while not self._stop.is_set():
            if select.select([master], [], [], 0.1)[0]:
                try:
                    if os.read(master, 4096) and self.reply:
                        os.write(master, self.reply)
                except OSError:
                    return

    def _serve_tcp(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(0.1)
            self._socks.append(conn)
            while not self._stop.is_set():
                try:
                    if not conn.recv(4096):
                        break
                    if self.reply:
                        conn.sendall(self.reply)
                except socket.timeout:
                    continue
                except OSError:
                    break

    def stop(self) -> None:
        if self.driver is not None:
            self.driver.close()
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for s in self._socks:
            s.close()
        for fd in self._fds:
            os.close(fd)


@pytest.fixture
def fake_peer():
    peers: list[FakePeer] = []

    def make(kind: str, reply: bytes) -> TicketPrinter:
        peer = FakePeer(kind, reply)
        peers.append(peer)
        return peer.start()

    yield make
    for peer in peers:
        peer.stop()


@pytest.fixture
def sam_reader():
    """A virtual SAM ID card reader on a real pseudo-terminal: (reader, port)."""
    from sim.card.sam_device import VirtualSamReader
    from sim.card.sam_pty import PtySamServer
    reader = VirtualSamReader()
    server = PtySamServer(reader)
    port = server.start()
    yield reader, port
    server.stop()
