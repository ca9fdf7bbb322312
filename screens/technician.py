"""The technician's side of the screens: the hidden gesture, the PIN pad, the health page and
the test print / test read.

Five quick taps on the hall's name open the PIN pad. The PIN is checked by the core on a
worker thread (a PBKDF2 check takes a noticeable fraction of a second and must not freeze a
frame). Five wrong PINs in a row lock the pad for 30 seconds, which survives leaving the screen.
A test read shows only what the core gives it: the masked summary (张*国, 4419**********1236).
"""
from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import Future
from typing import Callable, NamedTuple

from PySide6.QtCore import QObject, Property, Qt, QTimer, Signal, Slot

from kiosk.evaluation.model import Level
from kiosk.timeline import KIOSK, device_lines
from kiosk.wording import NOTHING, Sentence, say
from screens.i18n import pick
from screens.health_view import health_row
from screens.qt_thread import qt_thread

log = logging.getLogger(__name__)

MAX_PIN_DIGITS = 8


class SpoiledCount(NamedTuple):
    """How many numbers were spoiled today: {spoiled} says them all, {spoiled.more} those not listed."""
    total: int
    more: int

    def __str__(self) -> str:
        return str(self.total)


class TechnicianModel(QObject):
    pinChanged = Signal()
    healthChanged = Signal()
    testPrintChanged = Signal()
    testReadChanged = Signal()
    spoiledChanged = Signal()
    gestureDone = Signal()      # five taps: show the PIN pad
    unlocked = Signal()         # right PIN: show the technician screen
    _pinChecked = Signal(int, str)
    _printFinished = Signal(object)
    _readFinished = Signal(int, object)
    _spoiledRead = Signal(object)

    TAPS = 5
    TAP_WINDOW_S = 3.0

    def __init__(self, core, language: Callable[[], str], *, max_tries: int = 5, lockout_s: float = 30,
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._language, self._clock = core, language, clock
        self.max_tries, self.lockout_s = max_tries, lockout_s
        self._taps: list[float] = []
        self._digits = ""
        self._state = ""            # "" | "checking" | "wrong" | "locked"
        self._wrong = 0
        self._locked_until = 0.0
        self._attempt = 0           # a result for an abandoned attempt is ignored
        self.actor = ""             # who unlocked: "technician" or "staff <id>" (core.who_is)
        self._health: list = []
        self._today: list = []          # today's health timeline (kiosk.timeline)
        self._print_state, self._print_error = "", None
        self._read_role, self._read_state, self._read_result = "", "", None    # state: waiting|ok|none|failed
        self._read_attempt = 0
        self._lock_timer = QTimer(self, interval=250)
        self._lock_timer.timeout.connect(self._lock_tick)
        # Counters (prints, failures) change without a state change, which the core does not
        # announce; re-read the cached health while the technician is looking at it.
        self._health_timer = QTimer(self, interval=2000)
        self._health_timer.timeout.connect(self.refresh_health)
        self._pinChecked.connect(self._on_pin_checked, Qt.ConnectionType.QueuedConnection)
        self._printFinished.connect(self._on_printed, Qt.ConnectionType.QueuedConnection)
        self._readFinished.connect(self._on_read, Qt.ConnectionType.QueuedConnection)
        self._spoiled: list = []
        self._evaluations: dict | None = None     # today's 好差评 (kiosk.evaluation.outbox.Outbox.day)
        self._spoiledRead.connect(self._on_spoiled, Qt.ConnectionType.QueuedConnection)
        self._self_testing = False
        self._selfTested.connect(self._on_self_tested, Qt.ConnectionType.QueuedConnection)
        self._interactive: dict = {}        # role → its interactive SelfTest (None: running)
        self._interacted.connect(self._on_interacted, Qt.ConnectionType.QueuedConnection)

    # ---------------------------------------------------------------- properties for QML
    pinLength = Property(int, lambda self: len(self._digits), notify=pinChanged)
    pinState = Property(str, lambda self: self._state, notify=pinChanged)
    triesLeft = Property(int, lambda self: max(0, self.max_tries - self._wrong), notify=pinChanged)
    lockRemaining = Property(int, lambda self: max(0, math.ceil(self._locked_until - self._clock())),
                             notify=pinChanged)
    health = Property("QVariantList", lambda self: [health_row(h, self._language(),
                                                               device_lines(self._today, h.role, self._language()))
                                                    for h in self._health], notify=healthChanged)
    kioskHistory = Property(str, lambda self: "\n".join(device_lines(self._today, KIOSK, self._language())),
                            notify=healthChanged)
    testPrintState = Property(str, lambda self: self._print_state, notify=testPrintChanged)
    testPrintMessage = Property(str, lambda self: self._print_message(), notify=testPrintChanged)
    # The readers a technician can test from the health page.
    readerRoles = Property("QVariantList", lambda self: [r.name for r in self._core.card_readers], constant=True)
    testReadRole = Property(str, lambda self: self._read_role, notify=testReadChanged)
    testReadState = Property(str, lambda self: self._read_state, notify=testReadChanged)
    testReadText = Property(str, lambda self: self._read_text(), notify=testReadChanged)
    spoiledText = Property(str, lambda self: self._spoiled_text(), notify=spoiledChanged)
    evaluationText = Property(str, lambda self: evaluation_text(self._evaluations, self._core.config, self._language()),
                              notify=healthChanged)

    # ---------------------------------------------------------------- gesture and PIN
    @Slot()
    def hallNameTapped(self) -> None:
        now = self._clock()
        self._taps = [t for t in self._taps if now - t <= self.TAP_WINDOW_S] + [now]
        if len(self._taps) >= self.TAPS:
            self._taps.clear()
            self.gestureDone.emit()

    @Slot(str)
    def pressDigit(self, digit: str) -> None:
        if self._state in ("checking", "locked") or len(self._digits) >= MAX_PIN_DIGITS:
            return
        self._digits += digit[:1]
        if self._state == "wrong":
            self._state = ""
        self.pinChanged.emit()

    @Slot()
    def clearPin(self) -> None:
        self._digits = ""
        if self._state == "wrong":
            self._state = ""
        self.pinChanged.emit()

    @Slot()
    def submitPin(self) -> None:
        if self._state in ("checking", "locked") or not self._digits:
            return
        pin, self._digits, self._state = self._digits, "", "checking"
        self._attempt += 1
        attempt = self._attempt
        self.pinChanged.emit()

        def check():
            try:
                who = self._core.who_is(pin) or ""
            except Exception:
                log.exception("PIN check failed")
                who = ""
            self._pinChecked.emit(attempt, who)
        threading.Thread(target=check, name="pin-check", daemon=True).start()

    @qt_thread
    def _on_pin_checked(self, attempt: int, who: str) -> None:
        if attempt != self._attempt or self._state != "checking":
            return
        if who:
            self._wrong, self._state, self.actor = 0, "", who
            self.pinChanged.emit()
            log.info("%s logged in", who)
            self.unlocked.emit()
            return
        self._wrong += 1
        log.warning("wrong technician PIN (%d in a row)", self._wrong)
        if self._wrong >= self.max_tries:
            self._state, self._locked_until = "locked", self._clock() + self.lockout_s
            self._lock_timer.start()
        else:
            self._state = "wrong"
        self.pinChanged.emit()

    def _lock_tick(self) -> None:
        if self._clock() >= self._locked_until:
            self._lock_timer.stop()
            self._state, self._wrong = "", 0
        self.pinChanged.emit()

    def reset(self) -> None:
        """Leaving the PIN pad or the technician screen: forget typed digits, keep any lock."""
        self._digits = ""
        self._attempt += 1
        self.actor = ""
        if self._state in ("wrong", "checking"):
            self._state = ""
        self._print_state, self._print_error = "", None
        self._read_attempt += 1           # a test read still under way reports to nobody
        self._read_role, self._read_state, self._read_result = "", "", None
        self._interactive = {role: test for role, test in self._interactive.items() if test is None}
        self.pinChanged.emit()
        self.testPrintChanged.emit()
        self.testReadChanged.emit()

    # ---------------------------------------------------------------- health and test print
    @qt_thread
    def set_health(self, health: list) -> None:
        self._health = list(health)
        self.healthChanged.emit()

    @qt_thread
    def refresh_health(self) -> None:
        try:
            self._evaluations = self._core.evaluations.today()
            self._today = self._core.timeline.day()
            self.set_health(self._core.health())
            self._core.spoiled_today().add_done_callback(
                lambda f: self._spoiledRead.emit(f.result() if f.exception() is None else None))
        except Exception:
            log.exception("reading device health failed")

    @qt_thread
    def _on_spoiled(self, entries) -> None:
        if entries is not None and entries != self._spoiled:
            self._spoiled = entries
            self.spoiledChanged.emit()

    def _spoiled_text(self) -> str:
        """Numbers whose print started and never finished today: a citizen may come to the desk
        with half a slip of one of them. Never reissued; staff see them here."""
        if not self._spoiled:
            return ""
        numbers = None
        for e in self._spoiled[-8:]:
            number = f"{e.number} {e.at:%H:%M}"
            numbers = number if numbers is None else Sentence("{earlier}，{later}", earlier=numbers, later=number)
        if len(self._spoiled) <= 8:
            return say(Sentence("今日作废号（没有打完，不会再发）：{numbers}", numbers=numbers), self._language())
        # Chinese counts them all (等 11 个), English those not listed (and 3 more).
        spoiled = SpoiledCount(total=len(self._spoiled), more=len(self._spoiled) - 8)
        return say(Sentence("今日作废号（没有打完，不会再发）：{numbers} 等 {spoiled} 个", numbers=numbers, spoiled=spoiled),
                   self._language())

    def set_watching(self, watching: bool) -> None:
        if watching:
            self.refresh_health()
            self._health_timer.start()
        else:
            self._health_timer.stop()

    def language_changed(self) -> None:
        self.healthChanged.emit()
        self.spoiledChanged.emit()
        self.testPrintChanged.emit()
        self.testReadChanged.emit()

    interactiveChanged = Signal()
    _interacted = Signal(str, object)
    # The devices with an interactive self-test of their own on this screen (the readers have
    # 测试读卡 and the ticket printer 打印测试页, journalled the same way).
    interactiveRoles = Property("QVariantList", lambda self: [
        r.name for r in self._core.roles if r is self._core.form_printer or r is self._core.camera
        or r.kind == "locker_bus"], constant=True)
    interactiveRunning = Property("QVariantList", lambda self: [r for r, t in self._interactive.items() if t is None],
                                  notify=interactiveChanged)
    interactiveResults = Property("QVariantMap", lambda self: {
        role: say(Sentence("正在测试…"), self._language()) if test is None
        else say(test.said(), self._language()) + f"（{test.detail}）" for role, test in self._interactive.items()},
        notify=interactiveChanged)

    @Slot(str)
    def interactiveTest(self, role: str) -> None:
        """交互自检: a test form page, a test scan, or a test door on an empty cell; the result under
        its row."""
        if role not in self.interactiveRoles or (role in self._interactive and self._interactive[role] is None):
            return
        self._interactive[role] = None
        self.interactiveChanged.emit()
        self._core.self_tests.interactive(role).add_done_callback(lambda f: self._interacted.emit(role, f.result()))

    @qt_thread
    def _on_interacted(self, role: str, test) -> None:
        self._interactive[role] = test
        self.interactiveChanged.emit()
        self.refresh_health()

    selfTestChanged = Signal()
    _selfTested = Signal()
    selfTestRunning = Property(bool, lambda self: self._self_testing, notify=selfTestChanged)
    selfTestText = Property(str, lambda self: self_test_text(self._core.self_tests.latest, self._language()),
                            notify=selfTestChanged)

    @Slot()
    def runSelfTest(self) -> None:
        """立即自检: every device's internal and external self-test; each result also joins its
        device's day (the timeline) below."""
        if self._self_testing:
            return
        self._self_testing = True
        self.selfTestChanged.emit()
        self._core.self_tests.run().add_done_callback(lambda _: self._selfTested.emit())

    @qt_thread
    def _on_self_tested(self) -> None:
        self._self_testing = False
        self.selfTestChanged.emit()
        self.refresh_health()

    evaluationsWaiting = Property(bool, lambda self: bool(self._evaluations and self._evaluations["waiting"]
                                                          and self._core.evaluations.sender is not None),
                                  notify=healthChanged)

    @Slot()
    def uploadEvaluationsNow(self) -> None:
        """立即报送: after the network is fixed, without waiting out the backoff."""
        if self._core.evaluations.sender is not None:
            self._core.evaluations.sender.retry_now()

    @Slot()
    def testPrint(self) -> None:
        if self._print_state == "printing":
            return
        self._print_state, self._print_error = "printing", None
        self.testPrintChanged.emit()
        try:
            future: Future = self._core.test_print()
        except Exception as e:   # the core refused at once; show it the same way
            future = Future()
            future.set_exception(e)
        future.add_done_callback(self._printFinished.emit)

    @qt_thread
    def _on_printed(self, future: Future) -> None:
        if self._print_state != "printing":
            return      # the technician left meanwhile
        error = future.exception() if not future.cancelled() else None
        if error is not None:
            log.warning("test print failed: %s", error)
        self._print_state = "failed" if error is not None or future.cancelled() else "ok"
        self._print_error = error
        self.testPrintChanged.emit()
        self.refresh_health()

    def _print_message(self) -> str:
        if self._print_state != "failed":
            return ""
        e = self._print_error
        detail = f"（{type(e).__name__}: {e}）" if e is not None else ""
        return say(_sentence_of(e) or Sentence("测试打印失败"), self._language()) + detail

    # ---------------------------------------------------------------- test read
    @Slot(str)
    def testRead(self, role: str) -> None:
        """Read the card on that reader now (the core waits up to 10 s for one to come)."""
        if self._read_state == "waiting" or role not in [r.name for r in self._core.card_readers]:
            return
        self._read_attempt += 1
        attempt = self._read_attempt
        self._read_role, self._read_state, self._read_result = role, "waiting", None
        self.testReadChanged.emit()
        try:
            future: Future = self._core.test_read(role)
        except Exception as e:   # e.g. no such reader configured: shown like any failed read
            future = Future()
            future.set_exception(e)
        future.add_done_callback(lambda f: self._readFinished.emit(attempt, f))

    @qt_thread
    def _on_read(self, attempt: int, future: Future) -> None:
        if attempt != self._read_attempt:
            return      # the technician left meanwhile
        error = future.exception() if not future.cancelled() else None
        if future.cancelled() or error is not None:
            log.warning("test read on %s failed: %s: %s", self._read_role, type(error).__name__, error)
            self._read_state, self._read_result = "failed", error
        else:
            summary = future.result()
            self._read_state, self._read_result = ("ok", summary) if summary else ("none", None)
            log.info("test read on %s: %s", self._read_role, "a card was read" if summary else "no card")
        self.testReadChanged.emit()
        self.refresh_health()         # the reads / failures counters moved

    def _read_text(self) -> str:
        language, state, result = self._language(), self._read_state, self._read_result
        if state == "waiting":
            reader = next((r for r in self._core.card_readers if r.name == self._read_role), None)
            return say(reader.test_prompt, language) if reader is not None else ""
        if state == "none":
            return say(Sentence("10 秒内没有检测到卡片。"), language)
        if state == "failed":
            detail = f"（{type(result).__name__}: {result}）" if result is not None else ""
            return say(_sentence_of(result) or Sentence("读卡失败"), language) + detail
        if state == "ok":
            return masked_read_text(result, language)
        return ""


def self_test_text(run, language: str) -> str:
    """The latest self-test: all passed, or what did not, device by device."""
    if run is None:
        return ""
    at, results = run
    failed = [r for r in results if not r.passed]
    if not failed:
        return say(Sentence("自检 {time}：{count} 项全部通过", time=f"{at:%H:%M}", count=len(results)), language)
    lines = [say(Sentence("自检 {time}：{failed} 项未通过", time=f"{at:%H:%M}", failed=len(failed)), language)]
    colon = "：" if language.startswith("zh") else ": "
    return "\n".join(lines + [f"{r.name}{colon}{say(r.said(), language)}" for r in failed])


def evaluation_text(today: dict | None, config, language: str) -> str:
    """Today's 好差评 for the technician: the count at each level, the bad ratings' reasons, and
    what still waits for the province (or was refused by it)."""
    if not today:
        return ""
    levels = " · ".join(f"{say(level.label, language)} {today['levels'][int(level)]}" for level in Level)
    lines = [say(Sentence("今日好差评：{levels}", levels=levels), language)]
    if today["bad_reasons"]:
        names = {t.code: pick(language, t.name, t.name_en) for tags in config.evaluation.tags.values() for t in tags}
        reasons = " · ".join(f"{names.get(code, code)} {n}" for code, n in today["bad_reasons"].items())
        lines.append(say(Sentence("差评原因：{reasons}", reasons=reasons), language))
    if today["waiting"]:
        lines.append(say(Sentence("待报送省平台 {count} 条（{error}）", count=today["waiting"],
                                  error=today["last_error"] or "…"), language))
    if today["rejected"]:
        lines.append(say(Sentence("省平台拒收 {count} 条，请查看日志", count=today["rejected"]), language))
    return "\n".join(lines)


def _sentence_of(error) -> Sentence:
    """The calm sentence an error carries (a device error, a hall refusal), or NOTHING."""
    message = getattr(error, "message", None)
    return message if isinstance(message, Sentence) else NOTHING


def masked_read_text(summary: dict, language: str) -> str:
    """The test read's masked summary: who, which number, born when, how the read went, and what
    the driver found odd on the card (read anyway) for the technician to look into."""
    source = summary.get("source_label") or summary.get("source", "")
    ms, frames = summary.get("ms", "—"), summary.get("frames", "—")
    if summary.get("source") == "social_security_card":
        how = Sentence("{source}，{ms} ms，{frames} 条 APDU", source=source, ms=ms, frames=frames)
    else:
        how = Sentence("{source}，{ms} ms，{frames} 帧", source=source, ms=ms, frames=frames)
    text = say(Sentence("姓名：{name}　　证件号码：{id_number}\n出生日期：{birth_date}　　{how}",
                        name=summary.get("name", ""), id_number=summary.get("id_number", ""),
                        birth_date=summary.get("birth_date") or "—", how=how), language)
    return text + "".join("\n" + say(Sentence("注意：{warning}", warning=w), language)
                          for w in summary.get("warnings") or [])
