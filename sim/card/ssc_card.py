"""A citizen's social-security card that can be inserted into pcscd's virtual reader.

    >>> card = VirtualSocialSecurityCard(load_citizens()["elder_zhang"])
    >>> card.insert()          # connects to vpcd: pcscd sees a card within its 0.4 s poll
    >>> ...                    # the kiosk's SocialSecurityCardReader reads "Virtual PCD 00 00"
    >>> card.remove()

Scripted faults (SscFaults) are what goes wrong at a real kiosk: the card pulled out mid-read,
a card in the slot that gives no ATR (inserted upside down), a card that is not a
social-security card, a slow chip.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sim.card.ssc_applet import SimCardAccess, SscApplet
from sim.card.vpcd import CTRL_OFF, CTRL_ON, CTRL_RESET, PULL, VPCD_PORT_SLOT0, VpcdLink
from sim.citizens import SimCitizen

BANK_CARD_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")   # an EMV-style ATR


@dataclass(frozen=True)
class SscFaults:
    pull_after_apdus: int | None = None   # answer N APDUs, then the card leaves the slot
    mute: bool = False                    # in the slot, but no usable ATR (upside down)
    atr: bytes | None = None              # a different ATR (not a social-security card)
    application_missing: bool = False     # SELECT SSSE → 6A82 (some other CPU card)
    apdu_delay_s: float = 0.0             # a slow chip: this long before every answer


# A mute card: vpcd treats any answer to "send your ATR" as "a card is present", but an answer
# longer than an ATR can be (33 bytes) makes the power-up fail, so pcscd reports the slot as
# occupied-but-mute - what a reader reports when the contacts touch nothing.
_NO_ATR = bytes(40)


class VirtualSocialSecurityCard:
    def __init__(self, citizen: SimCitizen, faults: SscFaults | None = None,
                 access: SimCardAccess | None = None, *, low_latency: bool = True, **applet_options):
        """applet_options go to SscApplet (generation, name_pad, le_zero, and card_id / atr to
        carry a real card's 卡识别码 and ATR). low_latency=False leaves out
        TCP_NODELAY/TCP_QUICKACK, only to measure what they save."""
        self.citizen = citizen
        self.faults = faults or SscFaults()
        self.applet = SscApplet(citizen, access, **applet_options)
        self.low_latency = low_latency
        self.apdus_seen: list[bytes] = []
        self.powered = threading.Event()      # vpcd powered us up and took the ATR
        self._link: VpcdLink | None = None
        self._power_pending = False

    @property
    def atr(self) -> bytes:
        return self.faults.atr or self.applet.atr

    @property
    def inserted(self) -> bool:
        return self._link is not None and self._link.connected

    def insert(self, port: int = VPCD_PORT_SLOT0, timeout: float = 2.0) -> None:
        """Connect to vpcd; returns once connected. pcscd notices at its next presence poll."""
        if self.inserted:
            raise RuntimeError("card is already in a reader")
        self.applet.reset()
        self.powered.clear()
        self._link = VpcdLink(self, port, low_latency=self.low_latency)
        self._link.connect(timeout)

    def remove(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None
        self.powered.clear()

    def wait_removed(self, timeout: float = 2.0) -> bool:
        """True once the card left the reader (remove(), or a scripted pull)."""
        return self._link is None or self._link.closed.wait(timeout)

    # ------------------------------------------------------------ vpcd callbacks
    def on_power(self, code: int) -> None:
        if code in (CTRL_ON, CTRL_RESET):
            self.applet.reset()
            self._power_pending = True
        elif code == CTRL_OFF:
            self.powered.clear()

    def on_atr_request(self) -> bytes:
        if self.faults.mute:
            return _NO_ATR
        if self._power_pending:
            self._power_pending = False
            self.powered.set()
        return self.atr

    def on_apdu(self, apdu: bytes):
        faults = self.faults
        if faults.pull_after_apdus is not None and len(self.apdus_seen) >= faults.pull_after_apdus:
            self.apdus_seen.append(apdu)
            return PULL
        self.apdus_seen.append(apdu)
        if faults.apdu_delay_s:
            time.sleep(faults.apdu_delay_s)
        if faults.application_missing and apdu[1:2] == b"\xa4":
            return bytes.fromhex("6A82")
        return self.applet.process(apdu)
