"""Real wires for the virtual printer: a pseudo-terminal (what a USB-serial printer looks like)
and a TCP port (a network printer on 9100). Bytes pass straight through VirtualPrinter.feed();
the wire itself is sim.wire, shared with the ID-card reader.

Stopping a server is how a dead or unplugged printer is simulated: the driver's reads then fail
exactly as they do when a cable is pulled.
"""
from __future__ import annotations

from sim.printer.virtual_printer import VirtualPrinter
from sim.wire import PtyServer, TcpServer


class PtyPrinterServer(PtyServer):
    def __init__(self, printer: VirtualPrinter):
        super().__init__(printer, name="printer")
        self.printer = printer


class TcpPrinterServer(TcpServer):
    """Each connection is served on its own thread; a network printer starts afresh with each."""

    def __init__(self, printer: VirtualPrinter, host: str = "127.0.0.1", port: int = 0):
        super().__init__(printer, host, port, name="printer")
        self.printer = printer
