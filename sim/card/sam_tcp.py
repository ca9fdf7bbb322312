"""The virtual SAM reader behind a TCP port, as a reader with a serial-to-Ethernet converter or
its own network port looks. Stopping the server closes the connection, like pulling the network
cable; the reader forgets any half-received frame when a connection ends."""
from __future__ import annotations

from sim.card.sam_device import VirtualSamReader
from sim.wire import TcpServer


class TcpSamServer(TcpServer):
    def __init__(self, reader: VirtualSamReader, host: str = "127.0.0.1", port: int = 0):
        super().__init__(reader, host, port, name="sam")
        self.reader = reader
