"""The kiosk's brain, seen from the screens: catalogue, device health, availability, flows.

Flows run as asyncio tasks on one background event-loop thread; device I/O runs on each
device's own thread. The screens call these methods from the Qt thread and get futures and
listener callbacks back (from any thread: the view-model moves them onto the Qt thread).
A separate loop thread, rather than QtAsyncio on the Qt thread, keeps flows testable with plain
asyncio and means a slow device or database can never freeze a frame.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from drivers.printer.ticket_layout import PaperProfile, compose_ticket, example_fields, load_template
from drivers.laser.form_pdf import Calibration, draw_calibration
from kiosk import calibration
from kiosk.catalogue import Catalogue
from kiosk.hall.hall_catalogue import take_over
from kiosk.speech.voice import Voice
from kiosk.config import KioskConfig, check_pin
from kiosk.devices import DeviceHealth
from kiosk.evaluation.desk import EvaluationDesk
from kiosk.usage import ItemUsage
from kiosk.queries.desk import CARDS, QueryDesk
from kiosk.queries.plugin import Question
from kiosk.evaluation.model import Draft, Evaluation
from kiosk.events import (AgentIdentified, Announcer, AppointmentFound, DoorChanged, DoorLeftOpen, AppointmentRefused, AvailabilityChanged, CardFailed, CardRead, CatalogueChanged,
                          CardRemoved, CodeSeen, DevicesChanged, Event, HealthChanged, Identified, RestartAsked, SessionEnded,
                          dispatch)
from kiosk.flows.check_in import check_in, find_by_card, find_by_token
from kiosk.flows.context import FlowContext, localised, ticket_language
from kiosk.flows import print_form as print_form_flow
from kiosk.flows.print_form import FormDesk
from kiosk.flows.take_number import take_number
from kiosk.forms import Form, FormData, forms_for_item, load_forms
from kiosk.hall.hours import hall_open
from kiosk.hall.model import Appointment, HallUnavailable, TicketKind, WindowGroupLoad
from kiosk.hall.routing import is_priority, serving_groups
from kiosk.identity import masked_summary
from kiosk.hall.service import KioskHall
from kiosk.roles import Roles
from kiosk.roles.camera import CameraRole
from kiosk.roles.card_reader import CardReaderRole
from kiosk.roles.laser_printer import LaserPrinterRole, TrayCalibration
from kiosk.roles.locker_bus import LockerBusRole
from kiosk.lockers import LockerService
from kiosk.roles.ticket_printer import TicketPrinterRole
from kiosk.session import Session
from kiosk.version import version
from kiosk.self_test_desk import SelfTestDesk, printed_judged, read_judged
from kiosk.timeline import FILE_NAME as TIMELINE_FILE, KIOSK, HealthTimeline
from kiosk.wording import NOTHING, Sentence

log = logging.getLogger(__name__)
HOURS_CHECK_S = 15
SELF_TEST_DELAY_S = 12.0        # after start-up: the camera has opened and the first citizen's screens are drawn
INDEX_DELAY_S = 3.0


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: Sentence = NOTHING      # why not, for the home screen


def citizen_printer_notice(printer: DeviceHealth) -> Sentence:
    """What a citizen needs to hear about a stopped printer: no staff instructions, no codes
    (the technician screen has the precise reason)."""
    if printer.details.get("paper") == "out":
        return Sentence("取号机暂时缺纸")
    if printer.details.get("cover_open"):
        return Sentence("取号机正在维护")
    return Sentence("取号机暂时不能出票")


def _appointment_event(found: Future, seen_at: float) -> Event:
    if found.cancelled():
        return AppointmentRefused(None)
    if found.exception() is not None:
        return AppointmentRefused(found.exception())
    return AppointmentFound(found.result(), seen_at)


SELF_NAME = "自助机 Kiosk"         # the kiosk's own entries in the health timeline
ASKED = {"test_print": Sentence("测试打印"), "restart": Sentence("重启")}


HALL_LOCKED = Sentence("这台自助机暂停使用：{reason}。请到其他自助机或咨询台办理。")
TECHNICIAN = "technician"       # the actor named in journals for whoever holds the technician PIN


class KioskCore(Announcer):
    def __init__(self, config: KioskConfig, hall: KioskHall, roles: Roles,
                 clock: Callable[[], datetime] = datetime.now, state_dir: Path | None = None, pickups=None):
        """`pickups`: where this kiosk's locker orders and door journal are kept, if not in `hall`
        (a kiosk on a hall server keeps them beside its boards: kiosk.app.build_core)."""
        super().__init__()
        self.config = config
        self.hall = hall
        self.roles = roles
        # The parts a visit needs by name; every other use goes through self.roles.
        self.printer: TicketPrinterRole = roles.one(TicketPrinterRole.kind)
        if self.printer is None:
            raise ValueError("a kiosk needs a ticket printer (devices: in kiosk.yaml)")
        self.card_readers: list[CardReaderRole] = [r for r in roles if isinstance(r, CardReaderRole)]
        self.camera: CameraRole | None = roles.one(CameraRole.kind)     # None: no QR check-in
        self.form_printer: LaserPrinterRole | None = roles.one(LaserPrinterRole.kind)   # None: no 表单打印
        self.state_dir = state_dir or config.database_path.parent      # what the kiosk itself keeps
        if self.form_printer is not None:
            calibration.load(self.state_dir, self.form_printer)
        self.clock = clock
        self.catalogue = Catalogue(config.categories)
        self.voice = Voice(config.kiosk.voice)     # silent (NullSink) until the screens give it a speaker
        self.session = Session(hall_id=config.hall.id)
        # what changed when, for the technician, on the clock the screens show (the hall's own; a demo's in --sim)
        self.timeline = HealthTimeline(self.state_dir / TIMELINE_FILE, clock=clock)
        self.evaluations = EvaluationDesk(config, self.state_dir, clock)    # 好差评
        self.usage = ItemUsage(self.state_dir / "item_usage.json")          # 长辈模式's usual business first
        self.form_desk = FormDesk(load_forms(config), self.form_printer, self._form_data)
        self._loop = asyncio.new_event_loop()
        self.query_desk = QueryDesk(config, self._loop, self.printer, self.form_printer, clock)   # 自助查询
        buses = [r for r in roles if isinstance(r, LockerBusRole)]
        pickups = pickups if pickups is not None else getattr(hall, "pickups", None)
        self.lockers = LockerService(pickups, buses, self._loop, clock, lambda: self.session.citizen().person_key,
                                     config.kiosk.id, config.hall.id) if buses and pickups is not None else None
        template = localised(load_template("ticket"), ticket_language(config))
        profile = PaperProfile(**config.profile_for_printer().model_dump())
        self.flow_context = FlowContext(config, hall, self.printer, self.session,
                                        compose=lambda fields: compose_ticket(template, fields, profile),
                                        notify=self._emit)
        self._loop_thread = threading.Thread(target=self._loop.run_forever, name="kiosk-flows", daemon=True)
        self._flow: Future | None = None
        self._availability = Availability(False, Sentence("正在检查设备，请稍候"))
        self._hall_lock: Sentence | None = None       # staff took the kiosk out of use (set_hall_lock)
        self._loads: dict[str, tuple[int, int]] = {}  # window group → (waiting, minutes), as last known
        self._availability_lock = threading.Lock()
        self.simulators = None            # set by the composition root in --sim mode
        self._closers: list[Callable[[], None]] = []
        self.self_tests = SelfTestDesk(self)     # internal and external runs, each device's interactive test
        self._self_test_timer: threading.Timer | None = None
        self._asked: set[str] = set()     # commands from /admin already done

    # ---------------------------------------------------------------- life cycle
    def start(self) -> None:
        self.timeline.note(KIOSK, SELF_NAME, "started", f"{self.config.kiosk.id} {version()}")
        self._loop_thread.start()
        # The search index and the voice need pypinyin (~0.5 s of Python): load it once the home
        # screen is up, not while it is being drawn; a search or a sentence before then loads it.
        index = threading.Timer(INDEX_DELAY_S, lambda: (self.catalogue.prepare(), self.voice.prepare()))
        index.daemon = True
        index.start()
        for role in self.roles:
            role.add_listener(self._on_device_event)
            role.start()        # the printer's start checks it once: known before the first citizen
        self._refresh_availability()
        self._self_test_timer = threading.Timer(SELF_TEST_DELAY_S, self.self_tests.run)
        self._self_test_timer.daemon = True
        self._self_test_timer.start()
        self.evaluations.start()
        self._loop.call_soon_threadsafe(self._watch_opening_hours)
        if self.lockers is not None:
            self.lockers.resume()       # openings a killed kiosk left half-way: the doors decide

    def _watch_opening_hours(self) -> None:
        """Opening and closing time change availability without any device changing; the
        embedded hall's queues are read for the waits shown (a shared hall pushes them)."""
        self._refresh_availability()
        self._refresh_loads()
        self._loop.call_later(HOURS_CHECK_S, self._watch_opening_hours)

    def stop(self) -> None:
        if self._self_test_timer is not None:
            self._self_test_timer.cancel()
        self.end_session()
        for role in self.roles:
            role.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop_thread.join(timeout=5)
        self.hall.close()
        self.voice.close()
        self.evaluations.stop()
        self.query_desk.close()
        for close in self._closers:
            close()
        self.timeline.note(KIOSK, SELF_NAME, "stopped")
        self.timeline.close()

    def add_closer(self, close: Callable[[], None]) -> None:
        """Something to shut down after the kiosk (the simulators, in --sim mode)."""
        self._closers.append(close)

    # ---------------------------------------------------------------- state for the screens
    def health(self) -> list[DeviceHealth]:
        """Every device, and the hall server's connection when the hall is shared."""
        hall = [self.hall.health()] if hasattr(self.hall, "health") else []
        return [role.health for role in self.roles] + hall + [self.voice.health()]

    def identity(self) -> dict | None:
        """The citizen identified in this session, masked for the screen (None: anonymous)."""
        identity = self.session.identity
        if identity is None:
            return None
        return masked_summary(identity, priority=is_priority(identity.birth_date, self.clock().date(),
                                                             self.config.hall.priority_age))

    # ---------------------------------------------------------------- device events (their threads)
    def _on_device_event(self, event: Event) -> None:
        dispatch(self, event)

    def on_card_read(self, event: CardRead) -> None:
        current = self.session.identity
        if current is not None and current.id_number != event.identity.id_number:
            if self.session.awaiting_agent:         # 代办: the agent's card, for the form's agent block
                self.session.agent, self.session.awaiting_agent = event.identity, False
                self._emit(AgentIdentified(masked_summary(event.identity)))
                return
            self.end_session()          # a different person: nothing of the last one stays
        self.session.identity = event.identity
        self._emit(Identified(self.identity()))

    def on_card_removed(self, event: CardRemoved) -> None:
        current = self.session.identity
        if current is not None and current.source == "social_security_card":
            if self._flow is not None and not self._flow.done():
                # People take their card back as soon as they have chosen: let the ticket
                # print (the flow already holds what it needs) and forget the citizen now.
                self.session.identity = None
                self._emit(SessionEnded())
            else:
                self.end_session()

    def on_card_failed(self, event: CardFailed) -> None:
        self._emit(event)

    def on_health_changed(self, event: HealthChanged) -> None:
        self.timeline.record(event.health)
        self._emit(DevicesChanged(self.health()))
        if hasattr(self.hall, "report_health"):         # a shared hall: its /admin sees this kiosk
            self.hall.report_health(self.health())
        if event.health.role == self.printer.name:
            self._refresh_availability()

    def on_door_changed(self, event: DoorChanged) -> None:
        """The lockers look at it first (the audit, the item check), then the pickup screens,
        which follow the citizen's door, hear it with its outcome."""
        if self.lockers is None:
            self._emit(event)
            return

        def settled(done: Future) -> None:
            failed = done.cancelled() or done.exception() is not None
            if failed:
                log.error("door %s/%d/%d not settled", event.role, event.board, event.lock,
                          exc_info=None if done.cancelled() else done.exception())
            self._emit(replace(event, outcome="" if failed else done.result()))
        self.lockers.door_changed(event).add_done_callback(settled)

    def on_door_left_open(self, event: DoorLeftOpen) -> None:
        if self.lockers is not None:
            self.lockers.door_left_open(event)
            # Said aloud whatever the mode: whoever walked off may still be within earshot.
            self.voice.say("柜门还开着，请取走证件后把柜门关好。")

    def on_code_seen(self, event: CodeSeen) -> None:
        if not self.camera.scanning:      # decoded just as the scan screen closed
            return
        found = asyncio.run_coroutine_threadsafe(find_by_token(self.flow_context, event.payload), self._loop)
        found.add_done_callback(lambda f: self._emit(_appointment_event(f, event.seen_at)))

    def ticket_service(self) -> Availability:
        return self._availability

    def _refresh_loads(self) -> None:
        """On the flow loop: the embedded hall's queues (a shared hall pushes them instead)."""
        if hasattr(self.hall, "group_loads"):
            try:
                self.set_group_loads(self.hall.group_loads())
            except HallUnavailable as e:
                log.warning("queue lengths not read: %s", e)

    def set_group_loads(self, loads: list[WindowGroupLoad]) -> None:
        """The queues as the hall last told."""
        self._loads = {load.group_id: (load.waiting, load.estimated_wait_min) for load in loads}

    def expected_wait(self, item_code: str) -> tuple[int, int] | None:
        """(people waiting, minutes) in the shortest queue that serves this item, as last known;
        None when not known (a shared hall not heard from yet). An estimate, and said so."""
        item = self.config.items.get(item_code)
        known = [self._loads[g] for g in serving_groups(item.department, self.config.window_groups)
                 if g in self._loads] if item else []
        return min(known, key=lambda load: load[1]) if known else None

    def ask_for_help(self) -> Future:
        """请工作人员帮忙: page the window staff when the hall is shared (off the Qt thread); the
        future says whether the page went out (False: no hall server, or it cannot be reached)."""
        page = getattr(self.hall, "ask_for_help", None)
        if page is not None:
            return asyncio.run_coroutine_threadsafe(asyncio.to_thread(page), self._loop)
        nobody = Future()
        nobody.set_result(False)
        return nobody

    def take_hall_catalogue(self, part: dict) -> None:
        """The hall server's catalogue and windows from now on (kiosk.hall.hall_catalogue), taken
        off the Qt thread; CatalogueRefused leaves everything as it was. A visit under way keeps
        the item it chose: the server refuses one it no longer serves, and the citizen is told."""
        config = take_over(self.config, part)
        catalogue = Catalogue(config.categories)
        catalogue.prepare()                     # the search index, built here rather than at a keystroke
        self.config, self.catalogue, self.flow_context.config = config, catalogue, config
        if hasattr(self.hall, "apply_settings"):
            self.hall.apply_settings(config.hall_settings())
        self._emit(CatalogueChanged(part["version"]))

    def set_hall_lock(self, locked: bool, reason: str = "") -> None:
        """Staff took this kiosk out of use from the hall server's /admin (or put it back)."""
        self._hall_lock = Sentence(HALL_LOCKED.text, reason=reason or "维护中") if locked else None
        log.warning("kiosk %s by the hall server%s", "locked" if locked else "unlocked", f": {reason}" if locked else "")
        self._refresh_availability()

    def _refresh_availability(self) -> None:
        printer = self.printer.health
        is_open, hours = hall_open(self.config.hall, self.clock())
        if self._hall_lock is not None:
            new = Availability(False, self._hall_lock)
        elif not is_open:
            new = Availability(False, hours)
        elif not printer.usable:
            new = Availability(False, Sentence("{notice}，请到咨询台取号，或稍后再试。",
                                               notice=citizen_printer_notice(printer)))
        else:
            new = Availability(True)
        with self._availability_lock:      # called from the poller, the flow loop and the Qt thread
            changed, self._availability = new != self._availability, new
        if changed:
            # what the citizen was told on the home screen, beside the device changes behind it
            self.timeline.note(KIOSK, SELF_NAME, "home", new.reason if not new.available else Sentence("可以取号"))
            self._emit(AvailabilityChanged(new))

    # ---------------------------------------------------------------- citizen intents
    def take_number(self, item_code: str, kind: TicketKind | str) -> Future:
        """Start the take-a-number flow; the future gives the Ticket or a calm error."""
        self._refresh_availability()    # opening hours move on even when no device changes
        self._flow = asyncio.run_coroutine_threadsafe(
            take_number(self.flow_context, item_code, TicketKind(kind), self.session.citizen()), self._loop)
        self._flow.add_done_callback(lambda _: self._loop.call_soon_threadsafe(self._refresh_loads))
        self._flow.add_done_callback(lambda done: self._count_use(item_code, done))
        return self._flow

    def _count_use(self, item_code: str, issued: Future) -> None:
        if not issued.cancelled() and issued.exception() is None:
            try:
                self.usage.record(item_code, self.clock().date())
            except OSError:
                log.warning("item usage not recorded", exc_info=True)

    def most_used_items(self, limit: int = 4) -> list[str]:
        return self.usage.most_used(limit, set(self.config.items))

    def end_session(self) -> None:
        """Idle timeout or Home: stop the running flow and forget the citizen."""
        if self._flow is not None and not self._flow.done():
            self._flow.cancel()
        self._flow = None
        if self.form_printer is not None:
            self.form_printer.cancel_current()      # a form not printed yet: nobody to take it now
        self.scan_for_appointments(False)
        self.session.wipe()
        self._emit(SessionEnded())

    def evaluate(self, draft: Draft) -> Evaluation:
        """Store the citizen's 好差评 (real-name when a card was read: a keyed hash only)."""
        identity = self.session.identity
        return self.evaluations.submit(draft, identity.id_number if identity is not None else None)

    def ask_query(self, query_id: str, receipt_no: str = "", phone_last4: str = "") -> Future:
        """自助查询 for the citizen: by the card read in this session, or by a receipt number and
        the phone's last four digits. Refused here when the query needs a card they have not shown."""
        query = self.query_desk.queries[query_id]
        identity = self.session.identity
        if query.identity != "receipt":
            if identity is None or identity.source not in CARDS[query.identity]:
                raise ValueError(f"query {query_id} needs a card ({query.identity})")
            question = Question(id_number=identity.id_number)      # the back-end needs nothing more
        else:
            question = Question(receipt_no=receipt_no, phone_last4=phone_last4)
        return self.query_desk.ask(query_id, question)

    # ---------------------------------------------------------------- appointment check-in
    def scanner_usable(self) -> bool:
        """A camera is configured and not faulty (one still opening counts: it will show)."""
        return self.camera is not None and self.camera.state != "fault"

    def camera_preview(self):
        """The newest camera picture for the scan screen (drivers.scanner Preview), or None."""
        return self.camera.preview() if self.camera is not None else None

    def scan_for_appointments(self, on: bool) -> None:
        """The check-in screen is open (or closed): decode what the camera sees only meanwhile.
        Each code shown then is looked up and answered with AppointmentFound or
        AppointmentRefused (whose error carries a calm sentence)."""
        if self.camera is not None:
            self.camera.set_scanning(on)

    def appointments_today(self) -> Future:
        """Today's appointments of the citizen whose card was read: list[Appointment]."""
        return asyncio.run_coroutine_threadsafe(find_by_card(self.flow_context), self._loop)

    def check_in(self, appointment: Appointment) -> Future:
        """Print the appointment's ticket; the future gives the Ticket or a calm error."""
        self._refresh_availability()
        self._flow = asyncio.run_coroutine_threadsafe(
            check_in(self.flow_context, appointment, self.session.citizen()), self._loop)
        return self._flow

    # ---------------------------------------------------------------- 表单打印
    def forms_for(self, item_code: str = "") -> list[Form]:
        """The forms of this item (every form of the hall for "")."""
        forms = self.form_desk.forms
        return forms_for_item(forms, item_code) if item_code else list(forms.values())

    def form_printer_usable(self) -> bool:
        return self.form_printer is not None and self.form_printer.health.usable

    def _form_data(self) -> FormData:
        s = self.session
        item = self.config.items.get(s.item_code or "")
        return FormData(identity=s.identity, agent=s.agent, item_code=s.item_code or "",
                        item_name=item.name if item else "",
                        today=self.clock().date(), typed=dict(s.typed))

    def await_agent_card(self) -> None:
        """代办: the next card of another person fills the form's agent block (it does not start
        a new visit)."""
        self.session.awaiting_agent = True

    def agent(self) -> dict | None:
        """The agent's masked summary (None: no agent)."""
        return masked_summary(self.session.agent) if self.session.agent is not None else None

    def type_for_form(self, key: str, value: str) -> None:
        """What the citizen typed or chose for the form (personal data: the session's)."""
        self.session.typed[key] = value

    def form_preview(self, form_id: str) -> Future:
        """The chosen form filled from the session's card, personal data masked (RenderedForm)."""
        return asyncio.run_coroutine_threadsafe(print_form_flow.preview(self.form_desk, form_id), self._loop)

    def print_form(self, form_id: str) -> Future:
        """Print the form for the citizen in this session; the future gives the JobStatus or a
        calm LaserError."""
        title = f"form-{form_id}-{self.session.session_id[:8]}"      # no personal data in a job title
        self._flow = asyncio.run_coroutine_threadsafe(print_form_flow.print_form(self.form_desk, form_id, title),
                                                      self._loop)
        return self._flow

    def calibrate_form_printer(self, dx_mm: float, dy_mm: float, scale: float) -> None:
        """The technician's measurement for the tray in use: applied now, kept for restarts.
        ValidationError when out of range (±15 mm, 0.95-1.05)."""
        values = TrayCalibration(dx_mm=round(dx_mm, 2), dy_mm=round(dy_mm, 2), scale=round(scale, 4))
        calibration.save(self.state_dir, self.form_printer, self.form_printer.settings.tray, values)

    def print_calibration_sheet(self, dx_mm: float, dy_mm: float, scale: float) -> Future:
        """The calibration sheet, printed with this correction (the one being tried)."""
        correction = Calibration(dx_mm, dy_mm, scale)

        async def sheet():
            pdf = await asyncio.to_thread(draw_calibration, self.form_printer.settings.queue, correction)
            return await self.form_printer.print_form(pdf, f"calibration-{self.config.kiosk.id}")
        return asyncio.run_coroutine_threadsafe(sheet(), self._loop)

    # ---------------------------------------------------------------- technician
    def check_technician_pin(self, pin: str) -> bool:
        return check_pin(pin, self.config.kiosk.technician_pin)

    def who_is(self, pin: str) -> str | None:
        """Whose PIN this is: "technician", "staff <id>" (hall staff loading the lockers), or None."""
        if self.check_technician_pin(pin):
            return TECHNICIAN
        return next((f"staff {staff}" for staff, stored in self.config.kiosk.staff_pins.items()
                     if check_pin(pin, stored)), None)

    def test_read(self, role: str, journal: bool = True) -> Future:
        """Technician: read the card on that reader now; the future gives the masked summary
        (or None when no card is there). The reading also identifies the citizen as usual."""
        reader = next(r for r in self.card_readers if r.name == role)
        result: Future = Future()

        def done(read: Future) -> None:
            if read.exception() is not None:
                result.set_exception(read.exception())
                return
            card = read.result()
            if card is None:
                result.set_result(None)
                return
            result.set_result(masked_summary(reader.identity_of(card), ms=round(card.ms, 1),
                                             frames=getattr(card, "frames", None) or getattr(card, "apdu_count", None)))
        reader.test_read().add_done_callback(done)
        if journal:
            self.self_tests.journal(reader, result, read_judged)
        return result

    def spoiled_today(self) -> Future:
        """Today's spoiled numbers (hall journal entries), read off the Qt thread."""
        return asyncio.run_coroutine_threadsafe(asyncio.to_thread(self.hall.spoiled_today), self._loop)

    def do_asked(self, command_id: str, command: str, answer: Callable[[bool, str], None]) -> None:
        """A test print or a restart a technician asked for on the hall server's /admin (from the
        events thread; a command pushed and read again on reconnect is done once). Each is noted
        in the timeline and answered for the server's journal."""
        with self._availability_lock:
            if command_id in self._asked:
                return
            self._asked.add(command_id)

        def answered(ok: bool, result: str) -> None:
            self.timeline.note(KIOSK, SELF_NAME, "asked", Sentence("管理页要求{command}：{result}",
                                                                   command=ASKED.get(command, command), result=result))
            try:
                answer(ok, result)
            except Exception as e:          # the server will show it unanswered; the kiosk did its part
                log.warning("could not answer %s (%s): %s: %s", command_id, command, type(e).__name__, e)
        if command == "test_print":
            def printed(done: Future) -> None:
                error = done.exception()
                answered(error is None, "test slip printed" if error is None else f"{type(error).__name__}: {error}")
            self.test_print().add_done_callback(printed)
        elif command == "restart" and not os.environ.get("NOTIFY_SOCKET"):
            answered(False, "not run by systemd: a restart would leave the kiosk stopped")
        elif command == "restart":
            answered(True, "restarting")
            self._emit(RestartAsked(command_id))
        else:
            answered(False, f"unknown command {command!r}")

    def test_print(self, journal: bool = True) -> Future:
        now = self.clock().strftime("%Y-%m-%d %H:%M")
        fields = example_fields(hall_name=self.config.hall.name, number="TEST", kind_label="打印测试 Test print",
                                item_name="设备自检 Device self-test", window_group_name=self.config.kiosk.id,
                                people_ahead="0", estimated_wait_min="0", issued_at=now,
                                ticket_id=f"TEST-{self.config.kiosk.id}")
        data = self.flow_context.compose(fields)
        printed = asyncio.run_coroutine_threadsafe(self.printer.print(data), self._loop)
        if journal:                     # the interactive level of its self-test, in the timeline
            self.self_tests.journal(self.printer, printed, printed_judged)
        return printed
