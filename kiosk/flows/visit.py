"""A citizen's visit, step by step: which step follows which, and how each journey ends.

The screens show `visit.step` (the screen of that name, screens/registry.py) and forward the
citizen's taps and the kiosk's events here. Every rule about what happens next lives in this
file, so a visit reads without Qt:

    home ─ 取号, or a card laid down ─▶ categories ─▶ items ─▶ kind ─▶ printing ─▶ done ─▶ home
    home ─ 预约取号 ─▶ checkin ─ a code, or a card ─▶ (appointments ─▶) appointment ─▶ printing
    home, or done ─ 表单打印 ─▶ forms ─▶ form (a preview once a card is read) ─▶ form_printing ─▶ form_done
    home ─ 自助取件 ─▶ pickup (a code, or a card) ─▶ pickup_opening ─▶ pickup_open ─ door closed ─▶ pickup_done
    printing ─ refused, or the printer broke down ─▶ message (a lapsed appointment: 改为现场取号)
    home ─ 自助查询 ─▶ queries ─▶ query (a receipt number, or a card) ─▶ query_result (print it: 仅供查询)
    home, done, form_done, pickup_done, query_result ─ 评价 ─▶ evaluate ─ 提交 ─▶ evaluated (好差评)

The journeys themselves (reserve → print → confirm) are the async functions of
kiosk.flows.take_number and kiosk.flows.check_in, run on the core's flow loop. A Visit is used
from one thread only (the screens': checked, drivers.one_thread); a journey's answer comes back through `post`, which the
screens supply to run a function on their thread, and the kiosk's events reach its on_<event>
handlers the same way (kiosk.events.dispatch).
"""
from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING, Callable

from drivers.one_thread import one_thread
from kiosk.events import (AgentIdentified, AppointmentFound, DoorChanged, AppointmentRefused, AvailabilityChanged, Identified, PrintInterrupted,
                          PrintResumed, SessionEnded)
from kiosk.evaluation.model import Draft, Level
from kiosk.forms import check_typed
from kiosk.hall.model import Appointment, RefusalReason, Ticket
from kiosk.queries.desk import CARDS
from kiosk.queries.plugin import QueryUnavailable
from kiosk.wording import NOTHING, Sentence

if TYPE_CHECKING:
    from kiosk.core import Availability, KioskCore

log = logging.getLogger(__name__)

HOME, CATEGORIES, ITEMS, KIND = "home", "categories", "items", "kind"
PRINTING, DONE, MESSAGE = "printing", "done", "message"
CHECK_IN, APPOINTMENTS, APPOINTMENT = "checkin", "appointments", "appointment"
FORMS, FORM, FORM_PRINTING, FORM_DONE = "forms", "form", "form_printing", "form_done"
PICKUP, PICKUP_OPENING, PICKUP_OPEN, PICKUP_DONE = "pickup", "pickup_opening", "pickup_open", "pickup_done"
EVALUATE, EVALUATED = "evaluate", "evaluated"
QUERIES, QUERY, QUERY_RESULT = "queries", "query", "query_result"
# Where 好差评 is offered: the home screen (the visit as a whole), and the end of each journey.
EVALUATE_FROM = {HOME, DONE, FORM_DONE, PICKUP_DONE, QUERY_RESULT}

# Where 返回 leads from each step (home from any other).
BACK = {ITEMS: CATEGORIES, KIND: ITEMS, APPOINTMENTS: CHECK_IN, APPOINTMENT: CHECK_IN, FORM: FORMS,
        QUERY: QUERIES, QUERY_RESULT: QUERIES}
# Steps of a visit under way: when the kiosk ends the visit (a card pulled out), go home.
UNDER_WAY = {CATEGORIES, ITEMS, KIND, CHECK_IN, APPOINTMENTS, APPOINTMENT, FORMS, FORM, PICKUP, EVALUATE,
             QUERIES, QUERY, QUERY_RESULT}
# Steps where nothing of a visit is under way: a card laid down starts one.
START_ON_CARD = {HOME, DONE, MESSAGE, EVALUATED}
# The appointment being checked in is kept through these.
CHECKING_IN = {CHECK_IN, APPOINTMENTS, APPOINTMENT, PRINTING}

SOMETHING_WRONG = Sentence("出了点小问题，号票没有打出来。请到咨询台，工作人员会帮您取号。")
LOOKUP_FAILED = Sentence("暂时查不到预约，请稍后再试，或到咨询台请工作人员帮您。")
FORM_FAILED = Sentence("表格暂时打印不了，请到咨询台领取表格。")
PICKUP_FAILED = Sentence("取件柜暂时打不开，请到窗口取件，工作人员会帮您。")
JAMMED = Sentence("柜门没有打开，很抱歉。您的材料还在柜子里，请到窗口，工作人员会帮您取出。")
ITEM_TO_STAFF = Sentence("您的材料好像还在柜子里。请到窗口，工作人员会帮您取出。")
QUERY_NEEDS_ID_CARD = Sentence("这项查询要用身份证，请把身份证放在感应区上。")
QUERY_NEEDS_SSC = Sentence("这项查询要用社保卡，请把社保卡插入卡槽。")
QUERY_PRINT_FAILED = Sentence("暂时打印不了，您可以用手机拍下屏幕上的结果。")
EVALUATION_NOT_SAVED = Sentence("评价暂时没有保存成功，很抱歉。您也可以扫号票上的二维码评价，或到咨询台留下意见。")


class Visit:
    def __init__(self, core: KioskCore, *, post: Callable[[Callable[[], None]], None],
                 changed: Callable[[str], None]):
        """`changed(what)` tells the screens which part changed: "step", "items", "item",
        "ticket", "message", "print_problem", "availability", "appointments" or "notice"."""
        self._core, self._post, self._changed = core, post, changed
        self.step = HOME
        self.availability: Availability = core.ticket_service()
        self.category = None                    # the catalogue category being browsed
        self.search_text = ""
        self.items: list = []                   # the catalogue items on the items step
        self.item = None                        # the item whose ticket kinds are offered
        self.ticket: Ticket | None = None       # the ticket on the done step
        self.message: Sentence = NOTHING        # why no ticket (the message step)
        self.walk_in_item = ""                  # a lapsed appointment's item: 改为现场取号 offers it
        self.print_problem: Sentence | None = None   # the ticket stopped mid-print
        self.appointments: list[Appointment] = []    # found by the citizen's card
        self.appointment: Appointment | None = None  # the one to confirm
        self.searching = False                  # looking up appointments by card
        self.notice: Sentence = NOTHING         # why a scanned code cannot be checked in
        self.forms: list = []                   # kiosk.forms.Form: those of the ticket's item, or all
        self.form = None                        # the Form being filled
        self.form_preview: bytes = b""          # its masked preview (PDF), once a card is read
        self.form_notes: dict[str, str] = {}    # field → shrunk | wrapped | too_long | no_glyph
        self.form_problem: Sentence = NOTHING   # why it did not print (the form is kept for a retry)
        self.typed_problems: dict[str, tuple[Sentence, str]] = {}   # key → (what is wrong, the value typed)
        self.pickup_doors: list = []            # kiosk.flows.pickup.DoorResult of the cells just opened
        self.pickup_item_left: list = []        # ... closed with the document still sensed inside
        self.pickup_notice: Sentence = NOTHING  # why nothing opened (a wrong code, a jam, ...)
        self.finished = ("visit", "", "")       # the journey just finished: (kind, item code, its number)
        self.evaluation: Draft | None = None    # 好差评 being chosen (nothing is stored until 提交)
        self.query_id = ""                      # the 自助查询 chosen
        self.query_answer = None                # kiosk.queries.plugin.Answer: masked, wiped on leaving
        self.query_notice: Sentence = NOTHING   # why there is no answer (down, nothing found, refused)
        self.querying = False                   # asking the back-end
        self.query_print = ""                   # "" | printing | printed | failed
        self.ending = False                     # inside home(): the core's SessionEnded is our echo
        self._request = 0                       # which journey's answer is still awaited

    # ---------------------------------------------------------------- moving on
    def _go(self, step: str) -> None:
        if step == self.step:
            return
        left, self.step = self.step, step
        log.debug("visit: %s → %s", left, step)
        if left == PRINTING:
            self._set_print_problem(None)
        if step == CHECK_IN or left == CHECK_IN:
            self._core.scan_for_appointments(step == CHECK_IN)
        if step == CHECK_IN or step not in CHECKING_IN:
            self._forget_appointments()     # kept while printing: a lapsed one offers its walk-in
        if step not in (PICKUP, PICKUP_OPENING, PICKUP_OPEN, PICKUP_DONE) and (
                self.pickup_doors or self.pickup_item_left or self.pickup_notice):
            self.pickup_doors, self.pickup_item_left, self.pickup_notice = [], [], NOTHING
            self._changed("pickup")
        if step not in (QUERY, QUERY_RESULT) and (self.query_answer is not None or self.query_notice):
            self.query_answer, self.query_notice, self.query_print = None, NOTHING, ""
            self._changed("query")
        if step != EVALUATE and self.evaluation is not None:
            self.evaluation = None          # left half-way: dropped, never half-stored
            self._changed("evaluation")
        if step not in (FORMS, FORM, FORM_PRINTING, FORM_DONE) and (self.form or self.forms):
            self.forms, self.form, self.form_preview, self.form_problem = [], None, b"", NOTHING
            self.form_notes = {}
            self.typed_problems = {}
            self._changed("form")
        self._changed("step")
        if step == CHECK_IN and left not in CHECKING_IN and self._core.identity() is not None:
            self.find_by_card()     # the card was laid down before 预约取号 was tapped

    @one_thread
    def jump_to(self, step: str) -> None:
        """Straight to a step, whatever the rules say (tests, and nothing else)."""
        self._go(step)

    @one_thread
    def open_categories(self) -> None:
        if self.availability.available:     # the button is greyed out; a stale tap must not slip through
            self._go(CATEGORIES)

    @one_thread
    def open_check_in(self) -> None:
        if self.availability.available:
            self._go(CHECK_IN)

    @one_thread
    def open_category(self, code: str) -> None:
        category = next((c for c in self._core.catalogue.categories if c.code == code), None)
        if category is None:
            return
        self.category, self.search_text, self.items = category, "", list(category.items)
        self._changed("items")
        self._go(ITEMS)

    @one_thread
    def open_search(self) -> None:
        self.category, self.search_text, self.items = None, "", []
        self._changed("items")
        self._go(ITEMS)

    @one_thread
    def search(self, text: str) -> None:
        text = text.strip()
        if text == self.search_text:
            return
        self.search_text = text
        if text:
            self.items = self._core.catalogue.search(text, limit=30)
        else:
            self.items = list(self.category.items) if self.category else []
        self._changed("items")

    @one_thread
    def open_item(self, code: str) -> None:
        item = self._core.config.items.get(code)
        if item is None:
            return
        self.item = item
        self._changed("item")
        self._go(KIND)

    @one_thread
    def open_usual_item(self, code: str) -> None:
        """长辈模式's usual business: straight to its kinds, 返回 leading to its category."""
        category = next((c for c in self._core.catalogue.categories if any(i.code == code for i in c.items)), None)
        if category is None:
            return
        self.category, self.search_text, self.items = category, "", list(category.items)
        self._changed("items")
        self.open_item(code)

    @one_thread
    def back(self) -> None:
        target = BACK.get(self.step, HOME)
        if target == HOME:
            self.home()
            return
        if target == CATEGORIES:
            self.search_text = ""
        self._go(target)

    @one_thread
    def home(self) -> None:
        """Home, a tap on the done screen, the idle timeout: end the visit, forget the citizen."""
        self._request += 1          # any answer still on its way is for nobody now
        self.ending = True
        try:
            self._core.end_session()
        except Exception:
            log.exception("ending the session failed")
        finally:
            self.ending = False
        self.category, self.items, self.search_text, self.item = None, [], "", None
        self.finished = ("visit", "", "")
        self._changed("items")
        self._changed("item")
        self._go(HOME)

    @one_thread
    def walk_in(self) -> None:
        """No appointment (or a lapsed one): take an ordinary number, for that item if known."""
        item = self.walk_in_item or (self.appointment.item_code if self.appointment else "")
        if item in self._core.config.items:
            self.open_item(item)
        else:
            self.open_categories()

    # ---------------------------------------------------------------- a ticket
    @one_thread
    def choose_kind(self, kind: str) -> None:
        if self.item is None or self.step != KIND or not self.availability.available:
            return
        item_code = self.item.code
        self._issue(lambda: self._core.take_number(item_code, kind))

    @one_thread
    def confirm_check_in(self) -> None:
        appointment = self.appointment
        if appointment is None or self.step != APPOINTMENT or not self.availability.available:
            return
        self._issue(lambda: self._core.check_in(appointment))

    def _issue(self, start_journey: Callable[[], Future]) -> None:
        """The printing step, until the journey gives its ticket (or its calm sentence)."""
        self._request += 1
        request = self._request
        self._go(PRINTING)
        try:
            journey = start_journey()
        except Exception as e:      # refused before any journey started: the same calm step
            journey = Future()
            journey.set_exception(e)
        journey.add_done_callback(lambda done: self._post(lambda: self._issued(request, done)))

    def _issued(self, request: int, journey: Future) -> None:
        if request != self._request or self.step != PRINTING:
            return          # the citizen has gone home meanwhile
        error = SOMETHING_WRONG if journey.cancelled() else journey.exception()
        lapsed = getattr(getattr(error, "reason", None), "value", "") == RefusalReason.APPOINTMENT_LAPSED.value
        self.walk_in_item = self.appointment.item_code if lapsed and self.appointment is not None else ""
        if error is None:
            self.ticket = journey.result()
            self.finished = ("check_in" if self.ticket.appointment_id else "ticket", self.ticket.item_code,
                             self.ticket.number)
            self._changed("ticket")
            self._go(DONE)
        elif isinstance(error, Sentence):
            self._tell(error)
        elif getattr(error, "message", None):
            log.warning("no ticket: %s: %s", type(error).__name__, error)
            self._tell(error.message)
        else:
            log.error("no ticket: unexpected error", exc_info=error)
            self._tell(SOMETHING_WRONG)

    def _tell(self, message: Sentence) -> None:
        self.message = message
        self._changed("message")
        self._go(MESSAGE)

    @one_thread
    def on_print_interrupted(self, event: PrintInterrupted) -> None:
        """The printer stopped part-way through this citizen's ticket. They may hold half of it:
        tell them the same number will be printed whole, and let them leave if they won't wait."""
        if self.step == PRINTING:
            self._set_print_problem(Sentence(
                "号票 {number} 还没打完：{reason}。工作人员处理好打印机后，"
                "会为您把 {number} 号重新完整打印一张，请在这里稍候。", number=event.number, reason=event.reason))

    @one_thread
    def on_print_resumed(self, event: PrintResumed) -> None:
        self._set_print_problem(None)

    def _set_print_problem(self, problem: Sentence | None) -> None:
        if problem != self.print_problem:
            self.print_problem = problem
            self._changed("print_problem")

    # ---------------------------------------------------------------- 表单打印
    @one_thread
    def open_forms(self) -> None:
        """The forms of the business just queued for (from the done step), or all of them."""
        item = self.ticket.item_code if self.step == DONE and self.ticket else ""
        self.forms = self._core.forms_for(item)
        self._changed("form")
        self._go(FORMS)

    @one_thread
    def choose_form(self, form_id: str) -> None:
        form = next((f for f in self.forms if f.id == form_id), None)
        if form is None:
            return
        self.form, self.form_preview, self.form_problem, self.typed_problems = form, b"", NOTHING, {}
        self.form_notes = {}
        self._changed("form")
        self._go(FORM)
        self._make_preview()

    def _make_preview(self) -> None:
        """With a card read, fill the form and show it (masked); without one, the screen asks."""
        if self.step != FORM or self._core.identity() is None:
            return
        request, form_id = self._request, self.form.id
        self._core.form_preview(form_id).add_done_callback(
            lambda done: self._post(lambda: self._previewed(request, form_id, done)))

    def _previewed(self, request: int, form_id: str, made: Future) -> None:
        if request != self._request or self.step != FORM or self.form is None or self.form.id != form_id:
            return
        if made.cancelled() or made.exception() is not None:
            log.error("form preview failed", exc_info=None if made.cancelled() else made.exception())
            self.form_problem = getattr(made.exception(), "message", None) or FORM_FAILED
        else:
            self.form_preview, self.form_notes = made.result().pdf, dict(made.result().notes)
        self._changed("form")

    @one_thread
    def await_agent(self) -> None:
        """代办: the person at the kiosk fills in the form for the citizen whose card was read;
        their own card goes on the reader next."""
        if self.step == FORM and self._core.identity() is not None:
            self._core.await_agent_card()
            self._changed("form")

    @one_thread
    def on_agent_identified(self, event: AgentIdentified) -> None:
        if self.step == FORM:
            self._changed("form")
            self._make_preview()

    @one_thread
    def set_typed(self, key: str, value: str) -> None:
        """The citizen typed (or chose) a form's value: kept when it looks right, the preview
        redrawn; otherwise what is wrong is said beside it."""
        problem = check_typed(key, value)
        if problem is None:
            self.typed_problems.pop(key, None)
            self._core.type_for_form(key, value.strip().upper() if key.endswith("id_number") else value.strip())
        else:
            self.typed_problems[key] = (problem, value)     # shown as typed, to be corrected
        self._changed("form")
        if problem is None:
            self._make_preview()

    @one_thread
    def print_form(self) -> None:
        if self.step != FORM or not self.form_preview or self.typed_problems \
                or not self._core.form_printer_usable():
            return
        self._request += 1
        request, form_id = self._request, self.form.id
        self.form_problem = NOTHING
        self._go(FORM_PRINTING)
        self._core.print_form(form_id).add_done_callback(
            lambda done: self._post(lambda: self._form_printed(request, done)))

    def _form_printed(self, request: int, job: Future) -> None:
        if request != self._request or self.step != FORM_PRINTING:
            return
        error = FORM_FAILED if job.cancelled() else job.exception()
        if error is None:
            self.finished = ("form", self._core.session.item_code or "", self.form.id)
            self._go(FORM_DONE)
            return
        log.warning("form not printed: %s: %s", type(error).__name__, error)
        self.form_problem = error if isinstance(error, Sentence) else (getattr(error, "message", None) or FORM_FAILED)
        self._changed("form")
        self._go(FORM)          # the form is kept: 再打印一次 once the printer is back

    # ---------------------------------------------------------------- 自助取件
    @one_thread
    def open_pickup(self) -> None:
        if self._core.lockers is not None:
            self.pickup_doors, self.pickup_notice = [], NOTHING
            self._changed("pickup")
            self._go(PICKUP)
            if self._core.identity() is not None:
                self._pick_up(self._core.lockers.by_card)

    @one_thread
    def pickup_code(self, code: str) -> None:
        if self.step == PICKUP and len(code) == 6 and code.isdigit():
            self._pick_up(lambda: self._core.lockers.by_code(code))

    def _pick_up(self, start: Callable[[], Future]) -> None:
        self._request += 1
        request = self._request
        self.pickup_notice = NOTHING
        self._changed("pickup")
        self._go(PICKUP_OPENING)
        start().add_done_callback(lambda done: self._post(lambda: self._picked(request, done)))

    def _picked(self, request: int, done: Future) -> None:
        if request != self._request or self.step != PICKUP_OPENING:
            return
        error = PICKUP_FAILED if done.cancelled() else done.exception()
        opened = [] if error is not None else [d for d in done.result() if d.opened]
        if error is None and not opened:
            error = JAMMED            # nothing opened: the documents stay for the window staff
        if error is not None:
            self.pickup_notice = error if isinstance(error, Sentence) else getattr(error, "message", PICKUP_FAILED)
            if not isinstance(error, Sentence) and not getattr(error, "message", None):
                log.error("pickup failed", exc_info=error)
            self._changed("pickup")
            self._go(PICKUP)
            return
        self.pickup_doors = opened
        self.finished = ("pickup", "", ",".join(sorted({d.order_no for d in opened})))
        self._changed("pickup")
        self._go(PICKUP_OPEN)

    @one_thread
    def on_door_changed(self, event: DoorChanged) -> None:
        """The citizen closed a door they were collecting from: once all are shut, thank them. A
        document still sensed inside: that door may be opened once more (reopen_pickup); still
        inside after that, the window staff take over."""
        if self.step != PICKUP_OPEN or event.open:
            return
        cell = f"{event.role}/{event.board}/{event.lock}"
        door = next((d for d in self.pickup_doors if d.cell == cell), None)
        if door is None:
            return
        self.pickup_doors = [d for d in self.pickup_doors if d.cell != cell]
        if event.outcome == "item_left":
            self.pickup_item_left.append(door)
        elif event.outcome == "to_staff":
            self.pickup_notice = ITEM_TO_STAFF
        self._pickup_moved()

    def _pickup_moved(self) -> None:
        """The doors being collected from changed: once none is open or waiting, thank the citizen."""
        self._changed("pickup")
        if not self.pickup_doors and not self.pickup_item_left:
            self._go(PICKUP_DONE)

    @one_thread
    def reopen_pickup(self, cell: str) -> None:
        """再开一次: the door of a document the citizen left inside."""
        door = next((d for d in self.pickup_item_left if d.cell == cell), None)
        if self.step != PICKUP_OPEN or door is None or self._core.lockers is None:
            return
        self.pickup_item_left = [d for d in self.pickup_item_left if d.cell != cell]
        self._changed("pickup")
        self._core.lockers.reopen(cell).add_done_callback(lambda done: self._post(lambda: self._reopened(door, done)))

    def _reopened(self, door, done: Future) -> None:
        if self.step != PICKUP_OPEN:
            return
        if not done.cancelled() and done.exception() is None and done.result().opened:
            self.pickup_doors.append(door)
        else:
            self.pickup_notice = JAMMED
        self._pickup_moved()

    # ---------------------------------------------------------------- 自助查询
    @one_thread
    def open_queries(self) -> None:
        if self._core.query_desk.queries:
            self._go(QUERIES)

    @one_thread
    def choose_query(self, query_id: str) -> None:
        query = self._core.query_desk.queries.get(query_id)
        if query is None or self.step != QUERIES:
            return
        self.query_id, self.query_answer, self.query_notice, self.querying = query_id, None, NOTHING, False
        self._changed("query")
        self._go(QUERY)
        if query.identity != "receipt":
            self._ask_by_card()

    @one_thread
    def ask_by_receipt(self, receipt_no: str, phone_last4: str) -> None:
        query = self._core.query_desk.queries.get(self.query_id)
        receipt_no = receipt_no.strip().upper()
        if self.step != QUERY or query is None or query.identity != "receipt" or self.querying:
            return
        if not (4 <= len(receipt_no) <= 32 and len(phone_last4) == 4 and phone_last4.isdigit()):
            return          # the 查询 button is grey until both are complete
        self._ask(lambda: self._core.ask_query(self.query_id, receipt_no, phone_last4))

    def _ask_by_card(self) -> None:
        """A card query: ask with the card read in this session, or say which card to show."""
        needs = self._core.query_desk.queries[self.query_id].identity
        identity = self._core.session.identity
        if identity is not None and identity.source in CARDS[needs]:
            self._ask(lambda: self._core.ask_query(self.query_id))
        elif identity is not None:      # the other card: say which one this query needs
            self.query_notice = QUERY_NEEDS_SSC if needs == "ssc_card" else QUERY_NEEDS_ID_CARD
            self._changed("query")

    def _ask(self, start: Callable[[], Future]) -> None:
        self._request += 1
        request = self._request
        self.querying, self.query_notice = True, NOTHING
        self._changed("query")
        try:
            asked = start()
        except Exception as e:
            asked = Future()
            asked.set_exception(e)
        asked.add_done_callback(lambda done: self._post(lambda: self._answered(request, done)))

    def _answered(self, request: int, asked: Future) -> None:
        if request != self._request or self.step != QUERY:
            return          # gone home meanwhile: the answer is for nobody, and is not kept
        self.querying = False
        error = QueryUnavailable() if asked.cancelled() else asked.exception()
        if error is not None:
            if not getattr(error, "message", None):
                log.error("query failed", exc_info=error)
            self.query_notice = getattr(error, "message", None) or QueryUnavailable.message
            self._changed("query")
            return
        self.query_answer, self.query_print = asked.result(), ""
        self.finished = ("query", "", self.query_id)
        self._changed("query")
        self._go(QUERY_RESULT)

    @one_thread
    def print_query(self) -> None:
        if self.step != QUERY_RESULT or self.query_answer is None or self.query_print == "printing" \
                or not self._core.query_desk.printable(self.query_id):
            return
        self.query_print = "printing"
        self._changed("query")
        answer = self.query_answer
        self._core.query_desk.print(answer).add_done_callback(lambda done: self._post(lambda: self._printed(answer, done)))

    def _printed(self, answer, done: Future) -> None:
        if self.query_answer is not answer:
            return
        failed = done.cancelled() or done.exception() is not None
        if failed:
            log.warning("query result not printed: %s", None if done.cancelled() else done.exception())
        self.query_print = "failed" if failed else "printed"
        self._changed("query")

    # ---------------------------------------------------------------- 好差评
    @one_thread
    def open_evaluation(self) -> None:
        if self.step not in EVALUATE_FROM:
            return
        journey, item_code, reference = self.finished if self.step != HOME else ("visit", "", "")
        self.evaluation = Draft(journey, item_code, reference)
        self._changed("evaluation")
        self._go(EVALUATE)

    @one_thread
    def rate(self, level: int) -> None:
        if self.evaluation is not None and level in tuple(Level):
            self.evaluation.choose(Level(level))
            self._changed("evaluation")

    @one_thread
    def toggle_tag(self, code: str) -> None:
        if self.evaluation is not None and self.evaluation.level is not None:
            self.evaluation.toggle(code)
            self._changed("evaluation")

    @one_thread
    def write_comment(self, text: str) -> None:
        if self.evaluation is not None:
            self.evaluation.write(text)
            self._changed("evaluation")

    @one_thread
    def submit_evaluation(self) -> None:
        if self.step != EVALUATE or self.evaluation is None or not self.evaluation.ready:
            return
        try:
            self._core.evaluate(self.evaluation)
        except Exception:
            log.exception("the evaluation could not be stored")
            self._tell(EVALUATION_NOT_SAVED)
            return
        self._go(EVALUATED)

    # ---------------------------------------------------------------- the kiosk's events
    @one_thread
    def on_availability_changed(self, event: AvailabilityChanged) -> None:
        self.availability = availability = event.availability
        self._changed("availability")
        if availability.available and self.step == HOME and self._core.identity() is not None:
            # A card laid down while no number could be taken: the citizen came to do something
            # and is still here (the idle countdown ends the visit otherwise), so carry on.
            self._go(CATEGORIES)

    @one_thread
    def on_identified(self, event: Identified) -> None:
        """A card was read. From a step where nothing is under way, go straight to choosing the
        business: placing a card already says "I came to do something", and one tap fewer
        matters to someone unsure of touch screens. Mid-journey the citizen stays where they
        are; on the scan step the card finds their appointments."""
        if self._core.identity() is None:
            return      # read the session rather than trust the event: a Home tap may have wiped it
        if self.step == CHECK_IN:
            self.find_by_card()
        elif self.step == FORM:
            self._make_preview()
        elif self.step == PICKUP and self._core.lockers is not None:
            self._pick_up(self._core.lockers.by_card)
        elif self.step == QUERY and not self.querying and self._core.query_desk.queries[self.query_id].identity != "receipt":
            self._ask_by_card()
        elif self.step in START_ON_CARD and self.availability.available:
            self._go(CATEGORIES)

    @one_thread
    def on_session_ended(self, event: SessionEnded) -> None:
        """The kiosk ended the visit: a social-security card was pulled out, or another
        person's card was read."""
        if self.step in UNDER_WAY:
            self._go(HOME)

    # ---------------------------------------------------------------- appointment check-in
    @one_thread
    def find_by_card(self) -> None:
        """A card was read on the scan step: list today's appointments of that person."""
        if self.step != CHECK_IN:
            return
        self.searching = True
        self._changed("appointments")
        request = self._request
        self._core.appointments_today().add_done_callback(
            lambda done: self._post(lambda: self._listed(request, done)))

    def _listed(self, request: int, lookup: Future) -> None:
        self.searching = False
        self._changed("appointments")
        if request != self._request or self.step != CHECK_IN:
            return
        if lookup.cancelled() or lookup.exception() is not None:
            self.set_notice(LOOKUP_FAILED)
            return
        self.appointments = list(lookup.result())
        self._changed("appointments")
        if len(self.appointments) == 1:
            self.choose_appointment(self.appointments[0].appointment_id)
        else:
            self._go(APPOINTMENTS)      # several to choose from, or none: say so there

    @one_thread
    def choose_appointment(self, appointment_id: str) -> None:
        chosen = next((a for a in self.appointments if a.appointment_id == appointment_id), None)
        if chosen is not None:
            self._show_appointment(chosen)

    @one_thread
    def on_appointment_found(self, event: AppointmentFound) -> None:
        if self.step == CHECK_IN:      # else answered after the citizen left the scan step
            self._show_appointment(event.appointment)

    def _show_appointment(self, appointment: Appointment) -> None:
        self.appointment = appointment
        self._changed("appointments")
        self._go(APPOINTMENT)

    @one_thread
    def on_appointment_refused(self, event: AppointmentRefused) -> None:
        if self.step != CHECK_IN:
            return
        error = event.error
        message = getattr(error, "message", None)
        if not message:
            log.error("appointment lookup failed unexpectedly", exc_info=error)
            message = LOOKUP_FAILED
        else:
            log.info("code refused: %s", getattr(getattr(error, "reason", None), "value", type(error).__name__))
        self.set_notice(message)

    @one_thread
    def set_notice(self, notice: Sentence) -> None:
        """Said under the scan preview for a while (the screens clear it with NOTHING)."""
        self.notice = notice
        self._changed("notice")

    def _forget_appointments(self) -> None:
        if self.appointments or self.appointment or self.searching or self.notice:
            self.appointments, self.appointment, self.searching = [], None, False
            self.notice = NOTHING
            self._changed("appointments")
            self._changed("notice")
