"""The view-model behind the citizen screens: what is shown, and the intents the screens send.

QML reads properties and calls slots here. The visit itself (which step follows which, how a
journey ends) is kiosk.flows.visit.Visit: this object forwards taps and the core's events to it
and maps its state to screens, in the citizen's language. The core calls back from its own
threads, so every callback is turned into a queued Qt signal and handled on the Qt thread.
"""
from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QObject, Property, Qt, QTimer, Signal, Slot

from kiosk import wording
from kiosk.events import (AvailabilityChanged, CardFailed, CatalogueChanged, DevicesChanged, Event, Identified,
                          SessionEnded, dispatch)
from kiosk.core import TECHNICIAN
from kiosk.flows.visit import Visit
from kiosk.wording import Sentence, say
from screens.appointments import AppointmentModel
from screens.calibration import CalibrationModel
from screens.citizen import CitizenModel
from screens.evaluation import EvaluationModel
from screens.queries import QueryModel
from screens.forms import FormModel
from screens.locker_staff import LockerStaffModel
from screens.i18n import pick
from screens.idle import IdleWatcher
from screens.qt_thread import qt_thread
from screens.elder import ElderMode
from screens.registry import PROMPTS, SCREENS, SPOKEN_ALWAYS, check_screen
from screens.technician import TechnicianModel

log = logging.getLogger(__name__)

# The technician's screens, shown over whatever step the visit is at.
TECHNICIAN_SCREENS = ("pin", "tech", "calibration", "lockers")
NOT_AVAILABLE = Sentence("取号暂时不能使用，请到咨询台取号，或稍后再试。")


class KioskViewModel(QObject):
    screenChanged = Signal()
    languageChanged = Signal()
    availabilityChanged = Signal()
    categoriesChanged = Signal()
    itemsChanged = Signal()
    itemChanged = Signal()
    ticketChanged = Signal()
    messageChanged = Signal()
    doneRemainingChanged = Signal()
    printProblemChanged = Signal()
    pickupChanged = Signal()
    quitRequested = Signal()          # the technician chose "close the app"
    _coreEvent = Signal(object)
    _post = Signal(object)            # a function to run on the Qt thread (the visit's answers)

    def __init__(self, core, *, done_return_s: int = 15, card_error_s: float = 7.0,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.core = core
        self._default_language = self.config.kiosk.language
        # The Chinese the language button comes back to (the hall's own: zh_CN, or zh_HK).
        self._chinese = self._default_language if wording.is_chinese(self._default_language) else wording.SOURCE
        self._language = self._default_language
        self._technician: str | None = None     # "pin" or "tech" while the technician is in
        self.may_close = False

        self._idle = IdleWatcher(self.config.kiosk.idle_timeout_s, self.config.kiosk.idle_warning_s, parent=self)
        self._idle.timedOut.connect(self._on_idle_timeout)
        kiosk = self.config.kiosk
        self._elder = ElderMode(self._idle, (kiosk.idle_timeout_s, kiosk.idle_warning_s),
                                (kiosk.elder_idle_timeout_s, kiosk.elder_idle_warning_s), self.readAloud,
                                core.voice.say, core.ask_for_help, parent=self)
        self._tech = TechnicianModel(core, lambda: self._language, parent=self)
        self._tech.gestureDone.connect(self._on_gesture)
        self._tech.unlocked.connect(self._on_unlocked)
        self._citizen = CitizenModel(lambda: self._language, card_error_s=card_error_s, parent=self)
        self._clock_offset_ms = round((core.clock() - datetime.now()).total_seconds()) * 1000.0

        self.done_return_s = done_return_s
        self._done_left = done_return_s
        self._done_timer = QTimer(self, interval=1000)
        self._done_timer.timeout.connect(self._done_tick)

        self._post.connect(lambda run: run(), Qt.ConnectionType.QueuedConnection)
        self._coreEvent.connect(self._on_core_event, Qt.ConnectionType.QueuedConnection)
        core.add_listener(self._from_core_thread)      # listen first, then read: no change is lost
        self.visit = Visit(core, post=self._post.emit, changed=self._on_visit_changed)
        self._appointments = AppointmentModel(core, self.visit, lambda: self._language, parent=self)
        self._forms = FormModel(core, self.visit, lambda: self._language, parent=self)
        self._evaluation = EvaluationModel(core, self.visit, lambda: self._language, parent=self)
        self._queries = QueryModel(core, self.visit, lambda: self._language, parent=self)
        self._calibration = CalibrationModel(core, lambda: self._language, parent=self)
        self._lockers = LockerStaffModel(core, lambda: self._tech.actor, lambda: self._language, parent=self)
        self._citizen.set_identity(core.identity())

    # ---------------------------------------------------------------- helpers
    def _pick(self, zh: str, en: str) -> str:
        return pick(self._language, zh, en)

    def _say(self, sentence: Sentence | None) -> str:
        return say(sentence, self._language) if sentence else ""

    def _department(self, code: str) -> tuple[str, str]:
        d = self.config.departments.get(code)
        return (d.name, d.name_en) if d else (code, code)

    def _item_row(self, item) -> dict:
        dept, dept_en = self._department(item.department)
        return {"code": item.code, "name": item.name, "nameEn": item.name_en,
                "department": dept, "departmentEn": dept_en}

    # ---------------------------------------------------------------- properties for QML
    def _screen(self) -> str:
        return self._technician or self.visit.step

    screen = Property(str, _screen, notify=screenChanged)
    screenFile = Property(str, lambda self: SCREENS[self._screen()].file, notify=screenChanged)
    language = Property(str, lambda self: self._language, notify=languageChanged)
    english = Property(bool, lambda self: self._language == "en", notify=languageChanged)
    hallName = Property(str, lambda self: self._pick(self.config.hall.name, self.config.hall.name_en),
                        notify=languageChanged)
    ticketAvailable = Property(bool, lambda self: bool(self.visit.availability.available), notify=availabilityChanged)
    availabilityText = Property(str, lambda self: "" if self.visit.availability.available else self._say(
        self.visit.availability.reason or NOT_AVAILABLE), notify=availabilityChanged)
    searchText = Property(str, lambda self: self.visit.search_text, notify=itemsChanged)
    items = Property("QVariantList", lambda self: [self._item_row(i) for i in self.visit.items], notify=itemsChanged)
    message = Property(str, lambda self: self._say(self.visit.message), notify=messageChanged)
    doneRemaining = Property(int, lambda self: self._done_left, notify=doneRemainingChanged)
    printProblem = Property(str, lambda self: self._say(self.visit.print_problem), notify=printProblemChanged)
    mayClose = Property(bool, lambda self: self.may_close, notify=screenChanged)
    idle = Property(QObject, lambda self: self._idle, constant=True)
    elder = Property(QObject, lambda self: self._elder, constant=True)
    tech = Property(QObject, lambda self: self._tech, constant=True)
    citizen = Property(QObject, lambda self: self._citizen, constant=True)
    appointments = Property(QObject, lambda self: self._appointments, constant=True)
    forms = Property(QObject, lambda self: self._forms, constant=True)
    evaluation = Property(QObject, lambda self: self._evaluation, constant=True)
    queries = Property(QObject, lambda self: self._queries, constant=True)
    calibration = Property(QObject, lambda self: self._calibration, constant=True)
    lockerStaff = Property(QObject, lambda self: self._lockers, constant=True)
    # 自助取件: offered when the kiosk has lockers; the doors just opened, numbered for the citizen
    lockersOffered = Property(bool, lambda self: self.core.lockers is not None, constant=True)
    pickupNotice = Property(str, lambda self: self._say(self.visit.pickup_notice), notify=pickupChanged)
    pickupDoors = Property("QVariantList", lambda self: [
        {"number": self.core.lockers.numbers.get(d.cell, 0), "cell": d.cell} for d in self.visit.pickup_doors]
        if self.core.lockers else [], notify=pickupChanged)
    pickupItemLeft = Property("QVariantList", lambda self: [
        {"number": self.core.lockers.numbers.get(d.cell, 0), "cell": d.cell} for d in self.visit.pickup_item_left]
        if self.core.lockers else [], notify=pickupChanged)
    lockerCells = Property(int, lambda self: len(self.core.lockers.cells) if self.core.lockers else 0, constant=True)
    # 表单打印 is offered where the hall has forms and a form printer is configured.
    formsOffered = Property(bool, lambda self: self.core.form_printer is not None and bool(self.core.forms_for()),
                            constant=True)
    walkInItem = Property(str, lambda self: self.visit.walk_in_item, notify=messageChanged)
    priorityAge = Property(int, lambda self: self.config.hall.priority_age, constant=True)
    # The hall's clock minus this machine's, in ms: 0 in a real hall; in a demo after hours the
    # simulated hall runs on its next opening day, and the screens' clocks must say so too.
    hallClockOffsetMs = Property(float, lambda self: self._clock_offset_ms, constant=True)

    def _categories(self) -> list:
        return [{"code": c.code, "name": c.name, "nameEn": c.name_en, "count": len(c.items)}
                for c in self.core.catalogue.categories]

    categories = Property("QVariantList", _categories, notify=categoriesChanged)
    # 长辈模式: the items this kiosk issues most, first on the categories screen.
    usualItems = Property("QVariantList", lambda self: [self._item_row(self.config.items[code])
                                                        for code in self.core.most_used_items()],
                          notify=screenChanged)

    def _current_category(self) -> dict:
        c = self.visit.category
        return {"code": c.code, "name": c.name, "nameEn": c.name_en} if c else {"code": "", "name": "", "nameEn": ""}

    currentCategory = Property("QVariantMap", _current_category, notify=itemsChanged)

    def _current_item(self) -> dict:
        item = self.visit.item
        if item is None:
            return {"code": "", "name": "", "nameEn": "", "department": "", "departmentEn": "",
                    "kinds": [], "materials": [], "waitPeople": -1, "waitMin": -1}
        row = self._item_row(item)
        row["kinds"] = [{"kind": k.value, "label": k.label_zh, "labelEn": k.label_en} for k in item.kinds]
        wait = self.core.expected_wait(item.code)          # (people, minutes) as last known, or None
        row["waitPeople"], row["waitMin"] = wait if wait is not None else (-1, -1)
        row["materials"] = list(item.materials)
        return row

    currentItem = Property("QVariantMap", _current_item, notify=itemChanged)

    def _ticket_view(self) -> dict:
        t = self.visit.ticket
        if t is None:
            return {"number": "", "kind": "", "kindLabel": "", "itemName": "", "windowGroupName": "",
                    "peopleAhead": 0, "waitMin": 0, "priority": False, "reprint": False, "appointmentSlot": "",
                    "hasForms": False}
        item = self.config.items.get(t.item_code)
        group = self.config.window_groups.get(t.window_group)
        return {"number": t.number, "kind": t.kind.value, "kindLabel": self._pick(t.kind.label_zh, t.kind.label_en),
                "itemName": self._pick(t.item_name, item.name_en if item else ""),
                "windowGroupName": self._pick(t.window_group_name, group.name_en if group else ""),
                "peopleAhead": t.people_ahead, "waitMin": t.estimated_wait_min,
                "priority": bool(t.priority), "reprint": bool(t.reprint),
                "appointmentSlot": f"{t.slot_start:%H:%M}–{t.slot_end:%H:%M}" if t.slot_start and t.slot_end else "",
                "hasForms": self.core.form_printer is not None and bool(self.core.forms_for(t.item_code))}

    ticket = Property("QVariantMap", _ticket_view, notify=ticketChanged)

    # ---------------------------------------------------------------- the visit → the screens
    @qt_thread
    def _on_visit_changed(self, what: str) -> None:
        if what == "step":
            if not self._technician:    # the visit moves on under the technician's screens
                self._screen_changed()
            return
        signal = {"items": self.itemsChanged, "item": self.itemChanged, "ticket": self.ticketChanged,
                  "pickup": self.pickupChanged,
                  "message": self.messageChanged, "availability": self.availabilityChanged}.get(what)
        if signal is not None:
            signal.emit()
        elif what == "print_problem":
            self.printProblemChanged.emit()
            self._watch_idle()
        elif what == "form":
            self._forms.visit_changed()
        elif what == "evaluation":
            self._evaluation.changed.emit()
        elif what == "query":
            self._queries.changed.emit()
        else:
            self._appointments.visit_changed(what)

    def _screen_changed(self) -> None:
        name = self._screen()
        self._watch_idle()
        if name == "done":
            self._done_left = self.done_return_s
            self._done_timer.start()
            self.doneRemainingChanged.emit()
        else:
            self._done_timer.stop()
        if name not in TECHNICIAN_SCREENS:
            self._tech.reset()
        self._tech.set_watching(name == "tech")
        self._lockers.set_watching(name == "lockers")
        self._appointments.screen_changed(name)
        log.debug("screen: %s", name)
        self.screenChanged.emit()
        if name in TECHNICIAN_SCREENS or name == "home" and self.core.identity() is None:
            self._elder.visit_ended()            # the next citizen (or the technician) starts standard
        elif name in SPOKEN_ALWAYS and not self._elder.on:
            self.readAloud()                     # 请取表, the open door: said in every mode
        else:
            self._elder.screen_shown()

    @qt_thread
    def _set_screen(self, name: str) -> None:
        """Show a screen by name: a technician screen, or jump the visit to that step (the
        technician gesture; tests)."""
        check_screen(name)          # an unknown name raises UnknownScreen
        was = self._technician
        if name in TECHNICIAN_SCREENS:
            self._technician = name
            if name != was:
                self._screen_changed()
            return
        self._technician = None
        if name != self.visit.step:
            self.visit.jump_to(name)
        elif was:
            self._screen_changed()

    def _watch_idle(self) -> None:
        """Count down while a visit is under way: on the visit's screens; on home only while a
        citizen's card is held (read while no number could be taken: nothing of them may stay
        for the next person); on the printing screen only once the ticket stopped mid-way (a
        citizen who walks off leaves that number spoiled, not printed later for nobody)."""
        screen = self._screen()
        self._idle.set_active(SCREENS[screen].idle
                              or screen == "home" and self.core.identity() is not None
                              or screen == "printing" and self.visit.print_problem is not None)

    # ---------------------------------------------------------------- the citizen's taps
    @Slot()
    def openCategories(self) -> None:
        self.visit.open_categories()

    @Slot()
    def openCheckIn(self) -> None:
        """预约取号: scan the appointment's code, or swipe a card."""
        self.visit.open_check_in()

    @Slot()
    def openPickup(self) -> None:
        """自助取件: a code on the keypad, or a card."""
        self.visit.open_pickup()

    @Slot(str)
    def pickupCode(self, code: str) -> None:
        self.visit.pickup_code(code)

    @Slot(str)
    def reopenPickup(self, cell: str) -> None:
        self.visit.reopen_pickup(cell)

    @Slot()
    def openForms(self) -> None:
        """表单打印: from home (every form) or the done screen (the forms of that business)."""
        self.visit.open_forms()

    @Slot()
    def confirmCheckIn(self) -> None:
        self.visit.confirm_check_in()

    @Slot()
    def walkIn(self) -> None:
        self.visit.walk_in()

    @Slot(str)
    def openCategory(self, code: str) -> None:
        self.visit.open_category(code)

    @Slot()
    def openSearch(self) -> None:
        self.visit.open_search()

    @Slot(str)
    def search(self, text: str) -> None:
        self.visit.search(text)

    @Slot(str)
    def openItem(self, code: str) -> None:
        self.visit.open_item(code)

    @Slot(str)
    def openUsualItem(self, code: str) -> None:
        self.visit.open_usual_item(code)

    @Slot(str)
    def chooseKind(self, kind: str) -> None:
        self.visit.choose_kind(kind)

    @Slot()
    def openCalibration(self) -> None:
        """The technician's form-printer calibration, from the technician screen."""
        if self._technician == "tech" and self.core.form_printer is not None:
            self._calibration.reset()
            self._set_screen("calibration")

    @Slot()
    def openLockers(self) -> None:
        """取件柜管理, from the technician screen (hall staff land there from their PIN)."""
        if self._technician == "tech" and self.core.lockers is not None:
            self._set_screen("lockers")

    @Slot()
    def back(self) -> None:
        if self._technician == "calibration" or self._technician == "lockers" and self._tech.actor == TECHNICIAN:
            self._set_screen("tech")
        elif self._technician:
            self.goHome()
        else:
            self.visit.back()

    @Slot()
    def goHome(self) -> None:
        """Home button, a tap on the done screen, the idle timeout: forget this visit."""
        self._technician = None
        self.visit.home()
        self._citizen.clear()
        self._screen_changed()      # already home (the technician's, or a held card timed out)

    def _on_idle_timeout(self) -> None:
        log.info("idle timeout on %s: back to home", self._screen())
        self.goHome()
        self.setLanguage(self._default_language)     # the next visitor starts in the hall's language

    def _done_tick(self) -> None:
        self._done_left -= 1
        self.doneRemainingChanged.emit()
        if self._done_left <= 0:
            self.goHome()
            self.setLanguage(self._default_language)

    # ---------------------------------------------------------------- language
    @Slot()
    def toggleLanguage(self) -> None:
        self.setLanguage(self._chinese if self.english else "en")

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        if language == self._language:
            return
        self._language = language
        self.languageChanged.emit()       # screens/__init__ points the catalogue translator at it
        for signal in (self.availabilityChanged, self.ticketChanged, self.messageChanged, self.printProblemChanged):
            signal.emit()
        self._tech.language_changed()
        self._citizen.language_changed()
        self._appointments.language_changed()
        self._forms.language_changed()
        self._evaluation.language_changed()
        self._queries.language_changed()

    # ---------------------------------------------------------------- core events (any thread)
    def _from_core_thread(self, event: Event) -> None:
        if isinstance(event, SessionEnded) and getattr(self, "visit", None) is not None and self.visit.ending:
            return
        try:
            self._coreEvent.emit(event)
        except RuntimeError:     # the screens are gone (app closing); nothing to show
            pass

    @qt_thread
    def _on_core_event(self, event: Event) -> None:
        """What the screens show of it first (the greeting, a card's trouble), then the visit
        moves on, except that a card read while the technician is in moves nothing."""
        dispatch(self, event)
        if not (self._technician and isinstance(event, Identified)):
            dispatch(self.visit, event)

    def on_availability_changed(self, event: AvailabilityChanged) -> None:
        availability = event.availability
        log.info("ticket service %s", "available" if availability.available
                 else f"unavailable: {say(availability.reason, 'en')}")

    @Slot()
    def readAloud(self) -> None:
        """读给我听: what this screen asks of the citizen (their ticket, on the done screen), said
        by the voice's own thread; the number goes digit by digit, as the hall calls it."""
        t = self.visit.ticket
        if self.screen == "done" and t is not None:
            text = (f"您的号码是 {t.number}，请到 {t.window_group_name} 等候叫号。"
                    + (f"您前面还有 {t.people_ahead} 人。" if t.people_ahead else "马上就到您了。"))
        elif self.screen == "message":
            text = say(self.visit.message, "zh_CN") if self.visit.message else ""
        else:
            text = PROMPTS.get(self.screen, "")
        self.core.voice.say(text)

    # The 读给我听 button is offered where there is something to read and a voice to read it (on
    # the Chinese screens only, TopBar.qml: the voice speaks Mandarin).
    canReadAloud = Property(bool, lambda self: self.core.voice.settings.enabled and (
        self.screen in PROMPTS or self.screen in ("done", "message")), notify=screenChanged)

    @property
    def config(self):
        """The core's, read each time: a hall server's new catalogue replaces it (take_hall_catalogue)."""
        return self.core.config

    def on_catalogue_changed(self, event: CatalogueChanged) -> None:
        self.categoriesChanged.emit()
        self.itemsChanged.emit()

    def on_devices_changed(self, event: DevicesChanged) -> None:
        self._tech.set_health(event.healths)
        self._appointments.health_changed()
        self._forms.health_changed()

    def on_card_failed(self, event: CardFailed) -> None:
        self._idle.touch()           # someone is at the kiosk, trying
        self._citizen.show_card_error(event.error)

    def on_session_ended(self, event: SessionEnded) -> None:
        # The core ended the visit: a social-security card was pulled out, or another
        # person's card was read. Nothing of this citizen stays on screen.
        self._citizen.clear()
        self._lockers.identity_changed()
        self._elder.visit_ended()
        self._watch_idle()

    def on_identified(self, event: Identified) -> None:
        """A card was read: greet the citizen (the visit decides whether it moves on)."""
        # Read the session now rather than trust the event: a Home tap may have wiped it since.
        identity = self.core.identity()
        if identity is None:
            return
        self._idle.touch()
        self._citizen.set_identity(identity)
        self._lockers.identity_changed()
        if not self._technician:             # (a card staff read to deposit a document is not a visit)
            self._elder.card_read(identity)
        self._watch_idle()

    # ---------------------------------------------------------------- technician
    def touched(self) -> None:
        self._idle.touch()

    def _on_gesture(self) -> None:
        if self._screen() not in ("printing", *TECHNICIAN_SCREENS):
            self._set_screen("pin")

    def _on_unlocked(self) -> None:
        """The technician to the device screen; hall staff (their own PINs) to the lockers only."""
        if self._technician == "pin":
            if self._tech.actor == TECHNICIAN:
                self._set_screen("tech")
            elif self.core.lockers is not None:
                self._set_screen("lockers")
            else:
                self.goHome()

    @Slot()
    def closeApp(self) -> None:
        if self._technician != "tech":
            return
        log.info("technician closed the app")
        self.may_close = True
        self.screenChanged.emit()
        self.quitRequested.emit()
