"""The virtual ESC/POS printer stands in for `driver: escpos`, on a pseudo-terminal or TCP."""
from __future__ import annotations

from sim.devices import SimContext, Simulated, Simulator, register_simulator
from sim.printer.transports import PtyPrinterServer, TcpPrinterServer
from sim.printer.virtual_printer import VirtualPrinter


def start(name: str, settings, ctx: SimContext) -> Simulated:
    scenario = ctx.scenario.printer
    printer = VirtualPrinter.from_scenario(scenario, out_dir=ctx.out_dir / "tickets")
    if scenario.transport == "tcp":
        server = TcpPrinterServer(printer, port=scenario.tcp_port)
        tcp_port = server.start()
        where, address = f"127.0.0.1:{tcp_port}", {"transport": "tcp", "host": "127.0.0.1", "tcp_port": tcp_port}
    else:
        server = PtyPrinterServer(printer)
        where = server.start()
        address = {"transport": "serial", "port": where}
    # A demo shows a printer's recovery within a second.
    pointed = settings.model_copy(update={**address, "poll_interval_s": min(settings.poll_interval_s, 1.0)})
    return Simulated(name, "escpos", printer, pointed, server.stop, where)


register_simulator(Simulator("escpos", start))
