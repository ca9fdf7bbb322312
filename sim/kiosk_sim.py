"""Start every simulator a kiosk needs and point the kiosk's device settings at them.

Called by the composition root for `kiosk --sim`, by the screenshot tour and by the tests, so all
three run the same simulated hall. The drivers stay the real ones: only the addresses change.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from kiosk.config import KioskConfig, TicketPrinterDevice
from kiosk.hall.hours import hall_open
from sim.camera.stream import CameraStream
from sim.card.sam_device import VirtualSamReader
from sim.card.sam_pty import PtySamServer
from sim.card.ssc_card import VirtualSocialSecurityCard
from sim.card.ssc_pcscd import VIRTUAL_READER, PcscdUnavailable, ensure_pcscd
from sim.citizens import load_citizens
from sim.printer.transports import PtyPrinterServer, TcpPrinterServer
from sim.printer.virtual_printer import MID_TICKET_FAULTS, VirtualPrinter
from sim.scenario import ScenarioError, load_scenario

log = logging.getLogger(__name__)
DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "demo.yaml"


@dataclass
class SimulatedDevices:
    out_dir: Path
    printer: VirtualPrinter
    printer_server: PtyPrinterServer | TcpPrinterServer
    printer_port: str
    clock: Callable[[], datetime]
    id_reader: VirtualSamReader | None = None
    id_reader_server: PtySamServer | None = None
    citizens: dict = field(default_factory=dict)
    ssc_card: VirtualSocialSecurityCard | None = None
    camera: CameraStream | None = None
    appointment_tokens: dict = field(default_factory=dict)    # citizen key → today's QR token

    def describe(self) -> str:
        text = f"ticket printer on {self.printer_port} (state {self.printer.state})"
        if self.id_reader_server:
            text += f", ID card reader on {self.id_reader_port}"
        if self.camera is not None:
            text += f", QR camera at {self.camera.url}"
        return text

    def book_demo_appointments(self, hall) -> None:
        """Today's demo appointments in this hall, so a QR code or a card can check in."""
        from kiosk.hall.tokens import Signer
        from kiosk.privacy import person_key
        from sim.appointments import SIGNING_KEYS
        from sim.appointments.demo import book_demo_appointments
        booked = book_demo_appointments(hall, Signer.from_file(SIGNING_KEYS), self.clock())
        whose = {person_key(c.id_number, hall.config.hall.id): key for key, c in self.citizens.items()}
        self.appointment_tokens = {whose[a.person_key]: token for a, token in booked}

    # -------------------------------------------------------------- a phone at the camera
    def show_code(self, code: str | bytes) -> None:
        """Hold up a phone showing this QR payload, or a citizen key: their appointment's code."""
        if isinstance(code, str):
            code = self.appointment_tokens.get(code, code).encode("utf-8")
        self.camera.show([code])

    def hide_code(self) -> None:
        self.camera.clear()

    # -------------------------------------------------------------- a citizen at the kiosk
    def place_id_card(self, citizen_key: str) -> None:
        """Lay this citizen's ID card on the simulated reader (keys: sim/citizens/demo.yaml)."""
        self.id_reader.place_card(self.citizens[citizen_key])

    def take_id_card(self) -> None:
        self.id_reader.remove_card()

    def insert_ssc(self, citizen_key: str) -> None:
        """Push this citizen's social-security card into the virtual PC/SC reader (through vpcd,
        so the real pcscd and the real driver read it; pcscd notices within 0.4 s)."""
        self.pull_ssc()
        self.ssc_card = VirtualSocialSecurityCard(self.citizens[citizen_key])
        self.ssc_card.insert()

    def pull_ssc(self) -> None:
        if self.ssc_card is not None:
            self.ssc_card.remove()
            self.ssc_card = None

    @property
    def id_reader_port(self) -> str:
        return self.id_reader_server.path if self.id_reader_server else ""

    def stop(self) -> None:
        self.pull_ssc()
        if self.camera is not None:
            self.camera.stop()
        self.printer_server.stop()
        if self.id_reader_server:
            self.id_reader_server.stop()


def demo_clock(config: KioskConfig, now: Callable[[], datetime] = datetime.now) -> Callable[[], datetime]:
    """Real time when the hall is open; otherwise the clock of the next opening day at 10:00,
    running at real speed, so a demo at night still shows a working hall."""
    real_start = now()
    if hall_open(config.hall, real_start)[0]:
        return now
    day = real_start
    for _ in range(14):
        day = (day + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        if hall_open(config.hall, day)[0]:
            log.info("hall is closed now: the simulated hall runs on %s", day.strftime("%Y-%m-%d %H:%M"))
            offset = day - real_start
            return lambda: now() + offset
    return now


def start_simulators(config: KioskConfig, out_dir: Path, scenario: str | Path | None = None):
    """Start the simulators; return them and a config whose devices point at them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = load_scenario(scenario or DEFAULT_SCENARIO)
    printer = VirtualPrinter.from_scenario(settings.printer, out_dir=out_dir / "tickets")
    if settings.printer.transport == "tcp":
        server = TcpPrinterServer(printer, port=settings.printer.tcp_port)
        tcp_port = server.start()
        port, address = f"127.0.0.1:{tcp_port}", {"transport": "tcp", "host": "127.0.0.1", "tcp_port": tcp_port}
    else:
        server = PtyPrinterServer(printer)
        port = server.start()
        address = {"transport": "serial", "port": port}
    current = config.devices.ticket_printer or TicketPrinterDevice(**address)
    printer_settings = current.model_copy(update={**address, "poll_interval_s": min(current.poll_interval_s, 1.0)})
    devices = {"ticket_printer": printer_settings}

    citizens = load_citizens()
    id_reader = id_server = None
    if config.devices.id_card_reader is not None:
        id_reader = VirtualSamReader(faults=settings.id_card.faults)
        if settings.id_card.citizen:
            id_reader.place_card(_citizen(citizens, settings.id_card.citizen, "id_card.citizen"))
        id_server = PtySamServer(id_reader)
        id_port = id_server.start()
        devices["id_card_reader"] = config.devices.id_card_reader.model_copy(
            update={"transport": "serial", "port": id_port})
    if config.devices.ssc_reader is not None:
        try:
            ensure_pcscd(log_path=out_dir / "pcscd.log")
        except PcscdUnavailable as e:     # the kiosk still runs; the reader shows as faulty
            log.warning("social-security card simulator unavailable: %s", e)
        devices["ssc_reader"] = config.devices.ssc_reader.model_copy(update={"reader": VIRTUAL_READER})
    camera = None
    if config.devices.camera is not None:
        camera = CameraStream(settings.camera)
        devices["camera"] = config.devices.camera.model_copy(update={
            "source": camera.start(), "width": settings.camera.width, "height": settings.camera.height,
            "fps": settings.camera.fps})
    config = config.model_copy(update={"devices": config.devices.model_copy(update=devices)})
    sims = SimulatedDevices(out_dir, printer, server, port, demo_clock(config), id_reader, id_server, citizens,
                            camera=camera)
    if settings.social_security_card is not None and config.devices.ssc_reader is not None:
        _citizen(citizens, settings.social_security_card.citizen, "social_security_card.citizen")
        sims.ssc_card = settings.social_security_card.make_card(citizens)
        sims.ssc_card.insert(settings.social_security_card.port)
    return sims, config


def _citizen(citizens: dict, key: str, where: str):
    if key not in citizens:
        raise ScenarioError("scenario", where, f"no citizen {key!r} in sim/citizens/demo.yaml "
                            f"(known: {', '.join(citizens)})")
    return citizens[key]


CONSOLE_HELP = ("commands: id KEY (lay an ID card on the reader) | ssc KEY (insert a social-security card) | "
                "pull (take the cards away) | scan KEY (show KEY's appointment QR code to the camera) | "
                "hide (take the phone away) | paper_out | cover_open | offline | ok | mid_paper_out | mid_cover_open | "
                "mid_cutter_error (the next ticket stops half-way) | citizens | help")


def console(sims: SimulatedDevices, lines, say=print) -> None:
    """`kiosk --sim` reads these from its terminal, so a person can play the citizen and the
    printer's bad day: `id elder_zhang`, `ssc young_wang`, `pull`, `paper_out`, `ok`."""
    say(CONSOLE_HELP)
    for line in lines:
        word, _, arg = line.strip().partition(" ")
        try:
            if word == "id":
                sims.place_id_card(arg.strip())
            elif word == "ssc":
                sims.insert_ssc(arg.strip())
            elif word == "pull":
                sims.pull_ssc()
                sims.take_id_card()
            elif word == "scan":
                if arg.strip() not in sims.appointment_tokens:
                    say(f"appointments today: {', '.join(sims.appointment_tokens) or 'none'}")
                    continue
                sims.show_code(arg.strip())
            elif word == "hide":
                sims.hide_code()
            elif word in ("paper_out", "paper_near_end", "cover_open", "offline", "cutter_error", "ok"):
                sims.printer.set_state(word)
            elif word.startswith("mid_") and word[4:] in MID_TICKET_FAULTS:
                sims.printer.fail_mid_ticket(word[4:])      # the next ticket stops half-way
            elif word == "citizens":
                say(", ".join(f"{key} ({c.name[0]}*, {c.birth_date.year})" for key, c in sims.citizens.items()))
            elif word:
                say(CONSOLE_HELP)
                continue
            else:
                continue
            say(f"ok: {line.strip()}")
        except KeyError:
            say(f"no such citizen {arg.strip()!r}; type `citizens` to list them")
        except Exception as e:          # a demo typo must not stop the kiosk
            say(f"could not do {line.strip()!r}: {e}")
