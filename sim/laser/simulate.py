"""The form printer for `driver: cups`: a private, real cupsd with the kiosk's queue on cups-pdf
(each printed form becomes a PDF in /root/PDF) or, with `laser: {printer: ipp}` in the scenario,
on ippeveprinter, a real IPP printer whose paper, toner and cover a test can change."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from sim.devices import SimContext, Simulated, Simulator, register_simulator
from sim.laser.cupsd import PrivateCups, printed_pdf
from sim.laser.ipp_printer import IppPrinter


class LaserScenario(BaseModel):
    printer: Literal["pdf", "ipp"] = "pdf"


class SimulatedLaser:
    """What tests and the console drive: the scheduler, the IPP printer (or None), the forms."""

    def __init__(self, cupsd: PrivateCups, ipp: IppPrinter | None):
        self.cupsd, self.ipp = cupsd, ipp

    def printed(self, title: str, timeout_s: float = 10.0) -> Path:
        """The PDF cups-pdf made of the job with this title."""
        return printed_pdf(title, timeout_s)

    def stop(self) -> None:
        if self.ipp is not None:
            self.ipp.stop()
        self.cupsd.stop()


def start(name: str, settings, ctx: SimContext) -> Simulated:
    scenario = ctx.scenario.sections.get("laser") or LaserScenario()
    cupsd = PrivateCups().start()
    ipp = None
    try:
        if scenario.printer == "ipp":
            ipp = IppPrinter().start()
            cupsd.add_queue(settings.queue, ipp.uri, everywhere=True)
        else:
            cupsd.add_pdf_queue(settings.queue)
    except Exception:
        if ipp is not None:
            ipp.stop()
        cupsd.stop()
        raise
    laser = SimulatedLaser(cupsd, ipp)
    pointed = settings.model_copy(update={"server": cupsd.server, "printer_uri": ipp.uri if ipp else "",
                                          "poll_interval_s": min(settings.poll_interval_s, 2.0)})
    return Simulated(name, "cups", laser, pointed, laser.stop, f"cupsd {cupsd.server}, queue {settings.queue}")


register_simulator(Simulator("cups", start, scenario_key="laser", scenario_model=LaserScenario))
