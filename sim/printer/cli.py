"""`kiosk-sim printer`: a virtual ESC/POS ticket printer on a pty or a TCP port.

    kiosk-sim printer --pty --out var/sim/tickets
    kiosk-sim printer --tcp 9100 --scenario sim/scenarios/printer_paper_runs_out.yaml

While it runs, type a state on its stdin to change it: ok, paper_near_end, paper_out,
cover_open, offline, cutter_error (also: status, quit). Every ticket lands as a PNG in --out.
"""
from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from sim.printer.states import PRINTER_STATES
from sim.printer.transports import PtyPrinterServer, TcpPrinterServer
from sim.printer.virtual_printer import MID_TICKET_FAULTS, VirtualPrinter
from sim.scenario import PrinterScenario, ScenarioError, load_scenario

HELP = ("commands: " + ", ".join(PRINTER_STATES) + ", " + ", ".join(f"mid_{f}" for f in MID_TICKET_FAULTS)
        + " (the next ticket stops part-way), status, quit")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("printer", help="virtual ESC/POS ticket printer on a pty or TCP port",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a pseudo-terminal (default)")
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve on this TCP port (0 = any free port)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on with --tcp")
    p.add_argument("--state", choices=PRINTER_STATES, help="initial state (overrides the scenario)")
    p.add_argument("--scenario", type=Path, help="scenario YAML; its printer: section is used")
    p.add_argument("--out", type=Path, default=Path("var/sim/tickets"), help="folder for ticket PNGs")
    p.set_defaults(func=run)


def run(args, stdin=None, stdout=None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout

    def say(text: str) -> None:
        print(text, file=stdout, flush=True)

    try:
        settings = load_scenario(args.scenario).printer if args.scenario else PrinterScenario()
    except ScenarioError as e:
        print(f"kiosk-sim printer: {e}", file=sys.stderr)
        return 2
    if args.state:
        settings = settings.model_copy(update={"state": args.state})
    printer = VirtualPrinter.from_scenario(settings, out_dir=args.out)
    printer.on_ticket = lambda t: say(f"ticket {'printed' if t.complete else 'stopped part-way'}: {t.png_path} "
                                      f"({t.byte_count} bytes, "
                                      f"QR {', '.join(t.qr_payloads) or '-'}) state={printer.state}")
    use_tcp = args.tcp is not None or (not args.pty and settings.transport == "tcp")
    if use_tcp:
        server = TcpPrinterServer(printer, host=args.host, port=settings.tcp_port if args.tcp is None else args.tcp)
        try:
            port = server.start()
        except OSError as e:
            print(f"kiosk-sim printer: cannot listen on {args.host}:{server.port}: {e}", file=sys.stderr)
            return 2
        say(f"printer tcp: {args.host}:{port}")
    else:
        server = PtyPrinterServer(printer)
        say(f"printer pty: {server.start()}")
    say(f"state: {printer.state}; tickets go to {args.out}; {HELP}")
    try:
        for line in stdin:
            command = line.strip()
            if command in PRINTER_STATES:
                printer.set_state(command)
                say(f"state: {printer.state}")
            elif command.startswith("mid_") and command[4:] in MID_TICKET_FAULTS:
                printer.fail_mid_ticket(command[4:])
                say(f"the next ticket stops part-way with {command[4:]}")
            elif command == "status":
                say(f"state: {printer.state}; {len(printer.printed)} tickets printed")
            elif command in ("quit", "exit"):
                return 0
            elif command:
                say(f"unknown command {command!r}; {HELP}")
        # stdin closed (started in the background): keep serving until interrupted.
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def main(argv=None) -> int:
    from drivers.printer.escpos_cache import use_capabilities_cache
    use_capabilities_cache()
    parser = argparse.ArgumentParser(prog="python -m sim.printer.cli")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["printer", *(sys.argv[1:] if argv is None else argv)])
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
