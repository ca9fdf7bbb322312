"""The virtual SAM reader on a pseudo-terminal: what a USB-serial ID-card reader looks like.

With `baud_pacing=True` the line runs at the speed of a real serial line (see sim.wire), so a
1295-byte read takes ~112 ms at 115200 baud as it does on the counter. Without pacing the pty is
as fast as the machine.

Stopping the server is how an unplugged reader is simulated.
"""
from __future__ import annotations

from sim.card.sam_device import VirtualSamReader
from sim.wire import PtyServer


class PtySamServer(PtyServer):
    def __init__(self, reader: VirtualSamReader, *, baud_pacing: bool = False, baudrate: int = 115200):
        super().__init__(reader, name="sam", baud_pacing=baud_pacing, baudrate=baudrate)
        self.reader = reader
