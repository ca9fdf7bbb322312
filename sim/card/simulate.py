"""The card simulators: a SAM ID card reader on a pseudo-terminal for `driver: sam`, and a
social-security card in vpcd's slot of the real pcscd for `driver: pcsc`."""
from __future__ import annotations

import logging

from sim.card.sam_device import VirtualSamReader
from sim.card.sam_pty import PtySamServer
from sim.card.ssc_card import VirtualSocialSecurityCard
from sim.card.ssc_pcscd import VIRTUAL_READER, PcscdUnavailable, ensure_pcscd
from sim.devices import SimContext, Simulated, Simulator, register_simulator

log = logging.getLogger(__name__)


def start_sam(name: str, settings, ctx: SimContext) -> Simulated:
    scenario = ctx.scenario.id_card
    reader = VirtualSamReader(faults=scenario.faults)
    if scenario.citizen:
        reader.place_card(ctx.citizen(scenario.citizen, "id_card.citizen"))
    server = PtySamServer(reader)
    port = server.start()
    return Simulated(name, "sam", reader, settings.model_copy(update={"transport": "serial", "port": port}),
                     server.stop, port)


class SscSlot:
    """vpcd's slot: the card in it (if any), pushed in and pulled out through vpcd so the real
    pcscd and the real driver read it."""

    def __init__(self):
        self.card: VirtualSocialSecurityCard | None = None

    def insert(self, card: VirtualSocialSecurityCard, port: int | None = None) -> None:
        self.pull()
        self.card = card
        card.insert() if port is None else card.insert(port)

    def pull(self) -> None:
        if self.card is not None:
            self.card.remove()
            self.card = None


def start_pcsc(name: str, settings, ctx: SimContext) -> Simulated:
    try:
        ensure_pcscd(log_path=ctx.out_dir / "pcscd.log")
    except PcscdUnavailable as e:     # the kiosk still runs; the reader shows as faulty
        log.warning("social-security card simulator unavailable: %s", e)
    slot = SscSlot()
    scenario = ctx.scenario.social_security_card
    if scenario is not None:
        ctx.citizen(scenario.citizen, "social_security_card.citizen")
        slot.insert(scenario.make_card(ctx.citizens), scenario.port)
    return Simulated(name, "pcsc", slot, settings.model_copy(update={"reader": VIRTUAL_READER}), slot.pull,
                     VIRTUAL_READER)


register_simulator(Simulator("sam", start_sam))
register_simulator(Simulator("pcsc", start_pcsc))
