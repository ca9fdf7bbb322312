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

from kiosk.config import KioskConfig
from kiosk.hall.hours import hall_open
from sim.province import ProvinceReceiver
from sim.query_backends import QueryBackends
from sim.card.ssc_card import VirtualSocialSecurityCard
from sim.citizens import load_citizens
from sim.devices import SimContext, Simulated, simulators
from sim.printer.virtual_printer import MID_TICKET_FAULTS
from sim.scenario import ScenarioError, load_scenario

log = logging.getLogger(__name__)
DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "demo.yaml"


@dataclass
class SimulatedDevices:
    """Every running simulator by device name, and what a citizen does at the kiosk."""
    out_dir: Path
    clock: Callable[[], datetime]
    by_name: dict[str, Simulated] = field(default_factory=dict)
    citizens: dict = field(default_factory=dict)
    appointment_tokens: dict = field(default_factory=dict)    # citizen key → today's QR token
    pickup_codes: dict = field(default_factory=dict)          # citizen key → their demo pickup code
    province: ProvinceReceiver | None = None                  # where the 好差评 evaluations go
    query_backends: QueryBackends | None = None               # what 自助查询 asks

    def handle(self, driver: str):
        """The first simulator standing in for this driver (None if no such device is configured)."""
        return next((s.handle for s in self.by_name.values() if s.driver == driver), None)

    # The simulators the demo console, the tour and the tests drive by hand.
    printer = property(lambda self: self.handle("escpos"))            # sim.printer VirtualPrinter
    id_reader = property(lambda self: self.handle("sam"))             # sim.card VirtualSamReader
    camera = property(lambda self: self.handle("opencv"))             # sim.camera CameraStream

    @property
    def ssc_card(self) -> VirtualSocialSecurityCard | None:
        slot = self.handle("pcsc")
        return slot.card if slot is not None else None

    @ssc_card.setter
    def ssc_card(self, card: VirtualSocialSecurityCard | None) -> None:
        self.handle("pcsc").card = card       # an inserted card, pulled like any other when we stop

    def describe(self) -> str:
        return ", ".join(f"{name} ({s.driver}) at {s.where}" for name, s in self.by_name.items())

    def book_demo_appointments(self, hall) -> None:
        """Today's demo appointments in this hall, so a QR code or a card can check in."""
        from kiosk.hall.tokens import Signer
        from kiosk.privacy import person_key
        from sim.appointments import SIGNING_KEYS
        from sim.appointments.demo import book_demo_appointments
        booked = book_demo_appointments(hall, Signer.from_file(SIGNING_KEYS), self.clock())
        whose = {person_key(c.id_number, hall.settings.hall.id): key for key, c in self.citizens.items()}
        self.appointment_tokens = {whose[a.person_key]: token for a, token in booked}

    def locker_door(self, number: int):
        """(the bank, board, lock) of locker door `number`, numbered as the screens number them:
        every lock of every locker bus, in the order of kiosk.yaml."""
        doors = [(s.handle, board, lock) for s in self.by_name.values() if s.driver == "rs485-locks"
                 for board, b in s.handle.boards.items() for lock in b.locks]
        if not 1 <= number <= len(doors):
            raise ValueError(f"locker doors are numbered 1-{len(doors)}")
        return doors[number - 1]

    def load_demo_pickups(self, hall, cells: int) -> None:
        """Documents waiting in the lockers for two demo citizens (young_wang: two of them), their
        codes kept here as the SMS gateway would have sent them."""
        from kiosk.privacy import person_key
        if not cells:
            return
        for key, orders in (("young_wang", ("DEMO-WANG-1", "DEMO-WANG-2")), ("elder_chen", ("DEMO-CHEN-1",))):
            citizen = person_key(self.citizens[key].id_number, hall.settings.hall.id)
            for order in orders:
                if any(o.order_no == order for o in hall.pickups.orders_for_person(citizen, self.clock())):
                    continue
                deposit = hall.pickups.deposit(order, citizen, "m", "demo-staff", self.clock())
                self.pickup_codes[key] = deposit.code
        from kiosk.hall.sms import LoggingGateway, deliver
        deliver(hall.pickups, LoggingGateway(), self.clock())

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
        self.handle("pcsc").insert(VirtualSocialSecurityCard(self.citizens[citizen_key]))

    def pull_ssc(self) -> None:
        slot = self.handle("pcsc")
        if slot is not None:
            slot.pull()

    def stop(self) -> None:
        for simulated in reversed(list(self.by_name.values())):
            simulated.stop()
        for server in (self.province, self.query_backends):
            if server is not None:
                server.stop()


def demo_clock(config: KioskConfig, now: Callable[[], datetime] = datetime.now) -> Callable[[], datetime]:
    """Real time when the hall is open; otherwise the clock of the next opening day at 10:00,
    running at real speed, so a demo at night still shows a working hall. A start in the last half
    hour before closing counts as closed: a demo or a test must not run into closing time."""
    real_start = now()
    if hall_open(config.hall, real_start)[0] and hall_open(config.hall, real_start + timedelta(minutes=30))[0]:
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
    """Start a simulator for every configured device; return them and a config whose devices
    point at them. A device whose driver has no simulator is a configuration error."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = SimContext(out_dir, load_scenario(scenario or DEFAULT_SCENARIO), load_citizens())
    known = simulators()
    sims = SimulatedDevices(out_dir, demo_clock(config), citizens=ctx.citizens)
    try:
        for name, settings in config.devices.items():
            simulator = known.get(settings.driver)
            if simulator is None:
                raise ScenarioError(config.directory / "kiosk.yaml", f"devices.{name}.driver",
                                    f"no simulator for driver '{settings.driver}' (simulated: {', '.join(sorted(known))})")
            sims.by_name[name] = simulator.start(name, settings, ctx)
        sims.province = ProvinceReceiver()
        sims.query_backends = QueryBackends()
    except BaseException:
        sims.stop()
        raise
    config = config.with_devices(**{name: s.settings for name, s in sims.by_name.items()})
    return sims, with_queries_at(with_evaluations_to(config, sims.province.url), sims.query_backends)


def with_queries_at(config: KioskConfig, backends: QueryBackends) -> KioskConfig:
    """The config with each http query asking the simulated back-end of the same path."""
    queries = [q.model_copy(update={"url": backends.url(q.url.rstrip("/").rsplit("/", 1)[-1]), "token": ""})
               if q.plugin == "http" else q for q in config.queries]
    return config.model_copy(update={"queries": queries})


def with_evaluations_to(config: KioskConfig, url: str) -> KioskConfig:
    """The config with its 好差评 evaluations uploaded to `url` (the simulated province)."""
    evaluation = config.kiosk.evaluation
    upload = evaluation.upload.model_copy(update={"plugin": "http", "url": url, "token": ""})
    kiosk = config.kiosk.model_copy(update={"evaluation": evaluation.model_copy(update={"upload": upload})})
    return config.model_copy(update={"kiosk": kiosk})


CONSOLE_HELP = ("commands: id KEY (lay an ID card on the reader) | ssc KEY (insert a social-security card) | "
                "pull (take the cards away) | scan KEY (show KEY's appointment QR code to the camera) | "
                "hide (take the phone away) | paper_out | cover_open | offline | ok | mid_paper_out | mid_cover_open | "
                "mid_cutter_error (the next ticket stops half-way) | citizens | "
                "codes (the demo pickup codes) | close N / jam N / unjam N (locker door N, as numbered on "
                "screen) | silence BUS BOARD / wake BUS BOARD (a lock board stops answering) | help")


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
            elif word == "codes":
                say(", ".join(f"{key}: {code}" for key, code in sims.pickup_codes.items()) or "no lockers")
                continue
            elif word in ("close", "jam", "unjam"):
                bank, board, lock = sims.locker_door(int(arg))
                if word == "close":
                    bank.close_door(board, lock)
                else:
                    bank.lock(board, lock).jammed = word == "jam"
            elif word in ("silence", "wake"):
                bus, board = arg.split()
                sims.by_name[bus].handle.boards[int(board)].silent = word == "silence"
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
