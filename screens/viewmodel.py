"""The view-model behind the citizen screens: what is shown, and the intents the screens send.

QML reads properties and calls slots here; this object talks only to the core's public API
(never to a driver). The core calls back from its own threads, so every callback is turned
into a queued Qt signal and handled on the Qt thread.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future
from datetime import datetime

from PySide6.QtCore import QObject, Property, Qt, QTimer, Signal, Slot

from kiosk import wording
from kiosk.events import (AppointmentFound, AppointmentRefused, AvailabilityChanged, CardFailed, DevicesChanged,
                          Event, Identified, PrintInterrupted, PrintResumed, SessionEnded, dispatch)
from kiosk.wording import NOTHING, Sentence, say
from screens.appointments import AppointmentModel
from screens.citizen import CitizenModel
from screens.idle import IdleWatcher
from screens.qt_thread import qt_thread
from screens.registry import SCREENS, check_screen
from screens.technician import TechnicianModel

log = logging.getLogger(__name__)

# Screens where a card read starts the journey: nothing of a visit is under way there.
_START_ON_CARD = {"home", "done", "message"}

_SOMETHING_WRONG = Sentence("出了点小问题，号票没有打出来。请到咨询台，工作人员会帮您取号。")
_NOT_AVAILABLE = Sentence("取号暂时不能使用，请到咨询台取号，或稍后再试。")


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
    quitRequested = Signal()          # the technician chose "close the app"
    _coreEvent = Signal(object)
    _ticketResult = Signal(int, object)

    def __init__(self, core, *, done_return_s: int = 15, card_error_s: float = 7.0,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.core = core
        self.config = core.config
        self._default_language = self.config.kiosk.language
        # The Chinese the language button comes back to (the hall's own: zh_CN, or zh_HK).
        self._chinese = self._default_language if wording.is_chinese(self._default_language) else wording.SOURCE
        self._language = self._default_language
        self._screen = "home"
        self._ending = False         # inside our own end_session(): its echo needs no reaction
        self._category = None
        self._items: list = []
        self._search_text = ""
        self._item = None
        self._ticket = None
        self._message: Sentence = NOTHING
        self._print_problem: Sentence | None = None    # the ticket stopped mid-print
        self._request = 0            # which take_number answer the screens still wait for
        self.may_close = False

        self._idle = IdleWatcher(self.config.kiosk.idle_timeout_s, self.config.kiosk.idle_warning_s, parent=self)
        self._idle.timedOut.connect(self._on_idle_timeout)
        self._tech = TechnicianModel(core, lambda: self._language, parent=self)
        self._tech.gestureDone.connect(self._on_gesture)
        self._tech.unlocked.connect(self._on_unlocked)
        self._citizen = CitizenModel(lambda: self._language, card_error_s=card_error_s, parent=self)
        self._appointments = AppointmentModel(core, lambda: self._language, show=self._set_screen,
                                              clock=core.clock, parent=self)
        self._walk_in_item = ""       # a lapsed appointment's item: the message screen offers it
        self._clock_offset_ms = round((core.clock() - datetime.now()).total_seconds()) * 1000.0

        self.done_return_s = done_return_s
        self._done_left = done_return_s
        self._done_timer = QTimer(self, interval=1000)
        self._done_timer.timeout.connect(self._done_tick)

        self._coreEvent.connect(self._on_core_event, Qt.ConnectionType.QueuedConnection)
        self._ticketResult.connect(self._on_ticket_result, Qt.ConnectionType.QueuedConnection)
        core.add_listener(self._from_core_thread)      # listen first, then read: no change is lost
        self._availability = core.ticket_service()
        self._citizen.set_identity(core.identity())

    # ---------------------------------------------------------------- helpers
    def _pick(self, zh: str, en: str) -> str:
        return (en or zh) if self.english else (zh or en)

    def _department(self, code: str) -> tuple[str, str]:
        d = self.config.departments.get(code)
        return (d.name, d.name_en) if d else (code, code)

    def _item_row(self, item) -> dict:
        dept, dept_en = self._department(item.department)
        return {"code": item.code, "name": item.name, "nameEn": item.name_en,
                "department": dept, "departmentEn": dept_en}

    # ---------------------------------------------------------------- properties for QML
    screen = Property(str, lambda self: self._screen, notify=screenChanged)
    screenFile = Property(str, lambda self: SCREENS[self._screen].file, notify=screenChanged)
    language = Property(str, lambda self: self._language, notify=languageChanged)
    english = Property(bool, lambda self: self._language == "en", notify=languageChanged)
    hallName = Property(str, lambda self: self._pick(self.config.hall.name, self.config.hall.name_en),
                        notify=languageChanged)
    ticketAvailable = Property(bool, lambda self: bool(self._availability.available), notify=availabilityChanged)
    availabilityText = Property(str, lambda self: "" if self._availability.available else say(
        self._availability.reason or _NOT_AVAILABLE, self._language), notify=availabilityChanged)
    searchText = Property(str, lambda self: self._search_text, notify=itemsChanged)
    items = Property("QVariantList", lambda self: self._items, notify=itemsChanged)
    message = Property(str, lambda self: say(self._message, self._language), notify=messageChanged)
    doneRemaining = Property(int, lambda self: self._done_left, notify=doneRemainingChanged)
    printProblem = Property(str, lambda self: say(self._print_problem, self._language) if self._print_problem else "",
                            notify=printProblemChanged)
    mayClose = Property(bool, lambda self: self.may_close, notify=screenChanged)
    idle = Property(QObject, lambda self: self._idle, constant=True)
    tech = Property(QObject, lambda self: self._tech, constant=True)
    citizen = Property(QObject, lambda self: self._citizen, constant=True)
    appointments = Property(QObject, lambda self: self._appointments, constant=True)
    walkInItem = Property(str, lambda self: self._walk_in_item, notify=messageChanged)
    priorityAge = Property(int, lambda self: self.config.hall.priority_age, constant=True)
    # The hall's clock minus this machine's, in ms: 0 in a real hall; in a demo after hours the
    # simulated hall runs on its next opening day, and the screens' clocks must say so too.
    hallClockOffsetMs = Property(float, lambda self: self._clock_offset_ms, constant=True)

    def _categories(self) -> list:
        return [{"code": c.code, "name": c.name, "nameEn": c.name_en, "count": len(c.items)}
                for c in self.core.catalogue.categories]

    categories = Property("QVariantList", _categories, notify=categoriesChanged)

    def _current_category(self) -> dict:
        c = self._category
        return {"code": c.code, "name": c.name, "nameEn": c.name_en} if c else {"code": "", "name": "", "nameEn": ""}

    currentCategory = Property("QVariantMap", _current_category, notify=itemsChanged)

    def _current_item(self) -> dict:
        item = self._item
        if item is None:
            return {"code": "", "name": "", "nameEn": "", "department": "", "departmentEn": "",
                    "kinds": [], "materials": []}
        row = self._item_row(item)
        row["kinds"] = [{"kind": k.value, "label": k.label_zh, "labelEn": k.label_en} for k in item.kinds]
        row["materials"] = list(item.materials)
        return row

    currentItem = Property("QVariantMap", _current_item, notify=itemChanged)

    def _ticket_view(self) -> dict:
        t = self._ticket
        if t is None:
            return {"number": "", "kind": "", "kindLabel": "", "itemName": "", "windowGroupName": "",
                    "peopleAhead": 0, "waitMin": 0, "priority": False, "reprint": False, "appointmentSlot": ""}
        item = self.config.items.get(t.item_code)
        group = self.config.window_groups.get(t.window_group)
        return {"number": t.number, "kind": t.kind.value, "kindLabel": self._pick(t.kind.label_zh, t.kind.label_en),
                "itemName": self._pick(t.item_name, item.name_en if item else ""),
                "windowGroupName": self._pick(t.window_group_name, group.name_en if group else ""),
                "peopleAhead": t.people_ahead, "waitMin": t.estimated_wait_min,
                "priority": bool(t.priority), "reprint": bool(t.reprint),
                "appointmentSlot": f"{t.slot_start:%H:%M}–{t.slot_end:%H:%M}" if t.slot_start and t.slot_end else ""}

    ticket = Property("QVariantMap", _ticket_view, notify=ticketChanged)

    # ---------------------------------------------------------------- navigation
    @qt_thread
    def _set_screen(self, name: str) -> None:
        check_screen(name)          # an unknown name raises UnknownScreen
        if name == self._screen:
            return
        self._screen = name
        self._watch_idle()
        if name == "done":
            self._done_left = self.done_return_s
            self._done_timer.start()
            self.doneRemainingChanged.emit()
        else:
            self._done_timer.stop()
        if name != "printing":
            self._set_print_problem(None)
        if name not in ("pin", "tech"):
            self._tech.reset()
        self._tech.set_watching(name == "tech")
        self._appointments.screen_changed(name)
        log.debug("screen: %s", name)
        self.screenChanged.emit()

    @Slot()
    def openCategories(self) -> None:
        if not self._availability.available:
            return          # the button is greyed out; a stale tap must not slip through
        self._set_screen("categories")

    @Slot()
    def openCheckIn(self) -> None:
        """预约取号: scan the appointment's code, or swipe a card."""
        if not self._availability.available:
            return
        self._set_screen("checkin")

    @Slot()
    def confirmCheckIn(self) -> None:
        appointment = self._appointments.chosen
        if appointment is None or self._screen != "appointment" or not self._availability.available:
            return
        self._start_printing(lambda: self.core.check_in(appointment))

    @Slot()
    def walkIn(self) -> None:
        """No appointment (or a lapsed one): take an ordinary number, for that item if known."""
        item = self._walk_in_item or (self._appointments.chosen.item_code if self._appointments.chosen else "")
        if item in self.config.items:
            self.openItem(item)
        else:
            self.openCategories()

    @Slot(str)
    def openCategory(self, code: str) -> None:
        category = next((c for c in self.core.catalogue.categories if c.code == code), None)
        if category is None:
            return
        self._category, self._search_text = category, ""
        self._items = [self._item_row(i) for i in category.items]
        self.itemsChanged.emit()
        self._set_screen("items")

    @Slot()
    def openSearch(self) -> None:
        self._category, self._search_text, self._items = None, "", []
        self.itemsChanged.emit()
        self._set_screen("items")

    @Slot(str)
    def search(self, text: str) -> None:
        text = text.strip()
        if text == self._search_text:
            return
        self._search_text = text
        if text:
            found = self.core.catalogue.search(text, limit=30)
        else:
            found = self._category.items if self._category else []
        self._items = [self._item_row(i) for i in found]
        self.itemsChanged.emit()

    @Slot(str)
    def openItem(self, code: str) -> None:
        item = self.config.items.get(code)
        if item is None:
            return
        self._item = item
        self.itemChanged.emit()
        self._set_screen("kind")

    @Slot()
    def back(self) -> None:
        target = SCREENS[self._screen].back
        if target is None or target == "home":
            self.goHome()
            return
        if target == "categories":
            self._search_text = ""
        self._set_screen(target)

    @Slot()
    def goHome(self) -> None:
        """Home button, a tap on the done screen, the idle timeout: forget this visit."""
        self._request += 1          # any answer still on its way is for nobody now
        self._ending = True
        try:
            self.core.end_session()
        except Exception:
            log.exception("ending the session failed")
        finally:
            self._ending = False
        self._citizen.clear()
        self._category, self._items, self._search_text, self._item = None, [], "", None
        self.itemsChanged.emit()
        self.itemChanged.emit()
        self._set_screen("home")
        self._watch_idle()          # already home (a held card timed out): stop counting

    def _on_idle_timeout(self) -> None:
        log.info("idle timeout on %s: back to home", self._screen)
        self.goHome()
        self.setLanguage(self._default_language)     # the next visitor starts in the hall's language

    def _done_tick(self) -> None:
        self._done_left -= 1
        self.doneRemainingChanged.emit()
        if self._done_left <= 0:
            self.goHome()
            self.setLanguage(self._default_language)

    # ---------------------------------------------------------------- taking a number
    @Slot(str)
    def chooseKind(self, kind: str) -> None:
        if self._item is None or self._screen != "kind" or not self._availability.available:
            return
        item_code = self._item.code
        self._start_printing(lambda: self.core.take_number(item_code, kind))

    def _start_printing(self, start_flow) -> None:
        """Show the printing screen and wait for the flow's ticket (or its calm error)."""
        self._request += 1
        request = self._request
        self._set_screen("printing")
        try:
            future: Future = start_flow()
        except Exception as e:      # refused before any flow started: same calm screen
            future = Future()
            future.set_exception(e)
        future.add_done_callback(lambda f: self._ticketResult.emit(request, f))

    @qt_thread
    def _on_ticket_result(self, request: int, future: Future) -> None:
        if request != self._request or self._screen != "printing":
            return          # the citizen has gone home meanwhile
        if future.cancelled():
            self._show_message(_SOMETHING_WRONG)
            return
        error = future.exception()
        lapsed = getattr(getattr(error, "reason", None), "value", "") == "appointment_lapsed"
        chosen = self._appointments.chosen
        self._walk_in_item = chosen.item_code if lapsed and chosen is not None else ""
        if error is None:
            self._ticket = future.result()
            self.ticketChanged.emit()
            self._set_screen("done")
            return
        message = getattr(error, "message", None)
        if isinstance(message, Sentence) and message:
            log.warning("no ticket: %s: %s", type(error).__name__, say(message, "en"))
            self._show_message(message)
        else:
            log.error("no ticket: unexpected error", exc_info=error)
            self._show_message(_SOMETHING_WRONG)

    def _watch_idle(self) -> None:
        """Count down while a visit is under way: on the visit's screens; on home only while a
        citizen's card is held (read while no number could be taken: nothing of them may stay
        for the next person); on the printing screen only once the ticket stopped mid-way (a
        citizen who walks off leaves that number spoiled, not printed later for nobody)."""
        screen = self._screen
        self._idle.set_active(SCREENS[screen].idle
                              or screen == "home" and self.core.identity() is not None
                              or screen == "printing" and self._print_problem is not None)

    def _set_print_problem(self, problem: Sentence | None) -> None:
        if problem != self._print_problem:
            self._print_problem = problem
            self.printProblemChanged.emit()
            self._watch_idle()

    def on_print_interrupted(self, event: PrintInterrupted) -> None:
        """The printer stopped part-way through this citizen's ticket. They may hold half of it:
        tell them the same number will be printed whole, and let them leave if they won't wait."""
        if self._screen != "printing":
            return
        self._set_print_problem(Sentence("号票 {number} 还没打完：{reason}。工作人员处理好打印机后，"
                                         "会为您把 {number} 号重新完整打印一张，请在这里稍候。",
                                         number=event.number, reason=event.reason))

    def _show_message(self, message: Sentence) -> None:
        self._message = message
        self.messageChanged.emit()
        self._set_screen("message")

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

    # ---------------------------------------------------------------- core events (any thread)
    def _from_core_thread(self, event: Event) -> None:
        if isinstance(event, SessionEnded) and self._ending:
            return
        try:
            self._coreEvent.emit(event)
        except RuntimeError:     # the screens are gone (app closing); nothing to show
            pass

    @qt_thread
    def _on_core_event(self, event: Event) -> None:
        dispatch(self, event)

    def on_availability_changed(self, event: AvailabilityChanged) -> None:
        self._availability = availability = event.availability
        log.info("ticket service %s", "available" if availability.available
                 else f"unavailable: {say(availability.reason, 'en')}")
        self.availabilityChanged.emit()
        if availability.available and self._screen == "home" and self.core.identity() is not None:
            # A card laid down while no number could be taken: the citizen came to do something
            # and is still here (the idle countdown ends the visit otherwise), so carry on.
            self._set_screen("categories")

    def on_devices_changed(self, event: DevicesChanged) -> None:
        self._tech.set_health(event.healths)
        self._appointments.health_changed()

    def on_appointment_found(self, event: AppointmentFound) -> None:
        self._appointments.show_found(event.appointment)

    def on_appointment_refused(self, event: AppointmentRefused) -> None:
        self._appointments.show_refused(event.error)

    def on_print_resumed(self, event: PrintResumed) -> None:
        self._set_print_problem(None)

    def on_card_failed(self, event: CardFailed) -> None:
        self._idle.touch()           # someone is at the kiosk, trying
        self._citizen.show_card_error(event.error)

    def on_session_ended(self, event: SessionEnded) -> None:
        # The core ended the visit: a social-security card was pulled out, or another
        # person's card was read. Nothing of this citizen stays on screen.
        self._citizen.clear()
        if SCREENS[self._screen].visit:
            self._set_screen("home")
        self._watch_idle()

    def on_identified(self, event: Identified) -> None:
        """A card was read. Greet the citizen and, from a screen where nothing is under way,
        go straight to choosing the business: placing a card already says "I came to do
        something", and one tap fewer matters to someone unsure of touch screens. Mid-journey
        the citizen stays where they are; the technician's test read never moves the screen."""
        # Read the session now rather than trust the event: a Home tap may have wiped it since.
        identity = self.core.identity()
        if identity is None:
            return
        self._idle.touch()
        self._citizen.set_identity(identity)
        self._watch_idle()
        if self._screen == "checkin":
            self._appointments.find_by_card()
        elif self._screen in _START_ON_CARD and self._availability.available:
            self._set_screen("categories")

    # ---------------------------------------------------------------- technician
    def touched(self) -> None:
        self._idle.touch()

    def _on_gesture(self) -> None:
        if self._screen not in ("printing", "pin", "tech"):
            self._set_screen("pin")

    def _on_unlocked(self) -> None:
        if self._screen == "pin":
            self._set_screen("tech")

    @Slot()
    def closeApp(self) -> None:
        if self._screen != "tech":
            return
        log.info("technician closed the app")
        self.may_close = True
        self.screenChanged.emit()
        self.quitRequested.emit()
