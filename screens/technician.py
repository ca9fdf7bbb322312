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
from typing import Callable

from PySide6.QtCore import QObject, Property, Qt, QTimer, Signal, Slot

from screens.health_view import health_row
from screens.qt_thread import qt_thread

log = logging.getLogger(__name__)

MAX_PIN_DIGITS = 8


class TechnicianModel(QObject):
    pinChanged = Signal()
    healthChanged = Signal()
    testPrintChanged = Signal()
    testReadChanged = Signal()
    spoiledChanged = Signal()
    gestureDone = Signal()      # five taps: show the PIN pad
    unlocked = Signal()         # right PIN: show the technician screen
    _pinChecked = Signal(int, bool)
    _printFinished = Signal(object)
    _readFinished = Signal(int, object)
    _spoiledRead = Signal(object)

    TAPS = 5
    TAP_WINDOW_S = 3.0

    def __init__(self, core, english: Callable[[], bool], *, max_tries: int = 5, lockout_s: float = 30,
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._english, self._clock = core, english, clock
        self.max_tries, self.lockout_s = max_tries, lockout_s
        self._taps: list[float] = []
        self._digits = ""
        self._state = ""            # "" | "checking" | "wrong" | "locked"
        self._wrong = 0
        self._locked_until = 0.0
        self._attempt = 0           # a result for an abandoned attempt is ignored
        self._health: list = []
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
        self._spoiledRead.connect(self._on_spoiled, Qt.ConnectionType.QueuedConnection)

    # ---------------------------------------------------------------- properties for QML
    pinLength = Property(int, lambda self: len(self._digits), notify=pinChanged)
    pinState = Property(str, lambda self: self._state, notify=pinChanged)
    triesLeft = Property(int, lambda self: max(0, self.max_tries - self._wrong), notify=pinChanged)
    lockRemaining = Property(int, lambda self: max(0, math.ceil(self._locked_until - self._clock())),
                             notify=pinChanged)
    health = Property("QVariantList", lambda self: [health_row(h, self._english()) for h in self._health],
                      notify=healthChanged)
    testPrintState = Property(str, lambda self: self._print_state, notify=testPrintChanged)
    testPrintMessage = Property(str, lambda self: self._print_message(), notify=testPrintChanged)
    # The readers a technician can test from the health page.
    readerRoles = Property("QVariantList", lambda self: [r.name for r in self._core.card_readers], constant=True)
    testReadRole = Property(str, lambda self: self._read_role, notify=testReadChanged)
    testReadState = Property(str, lambda self: self._read_state, notify=testReadChanged)
    testReadText = Property(str, lambda self: self._read_text(), notify=testReadChanged)
    spoiledText = Property(str, lambda self: self._spoiled_text(), notify=spoiledChanged)

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
                ok = bool(self._core.check_technician_pin(pin))
            except Exception:
                log.exception("technician PIN check failed")
                ok = False
            self._pinChecked.emit(attempt, ok)
        threading.Thread(target=check, name="pin-check", daemon=True).start()

    @qt_thread
    def _on_pin_checked(self, attempt: int, ok: bool) -> None:
        if attempt != self._attempt or self._state != "checking":
            return
        if ok:
            self._wrong, self._state = 0, ""
            self.pinChanged.emit()
            log.info("technician screen opened")
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
        if self._state in ("wrong", "checking"):
            self._state = ""
        self._print_state, self._print_error = "", None
        self._read_attempt += 1           # a test read still under way reports to nobody
        self._read_role, self._read_state, self._read_result = "", "", None
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
        numbers = "，".join(f"{e.number} {e.at:%H:%M}" for e in self._spoiled[-8:])
        more = len(self._spoiled) - 8
        if self._english():
            return f"Spoiled numbers today (print not finished, never reissued): {numbers.replace('，', ', ')}" + \
                (f" and {more} more" if more > 0 else "")
        return f"今日作废号（没有打完，不会再发）：{numbers}" + (f" 等 {len(self._spoiled)} 个" if more > 0 else "")

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
        zh = getattr(e, "message_zh", "") or "测试打印失败"
        en = getattr(e, "message_en", "") or "Test print failed"
        detail = f"（{type(e).__name__}: {e}）" if e is not None else ""
        return (en if self._english() else zh) + detail

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
        english, state, result = self._english(), self._read_state, self._read_result
        if state == "waiting":
            reader = next((r for r in self._core.card_readers if r.name == self._read_role), None)
            zh, en = reader.test_prompt if reader is not None else ("", "")
            return en if english else zh
        if state == "none":
            return "No card came within 10 s." if english else "10 秒内没有检测到卡片。"
        if state == "failed":
            zh = getattr(result, "message_zh", "") or "读卡失败"
            en = getattr(result, "message_en", "") or "The test read failed"
            detail = f"（{type(result).__name__}: {result}）" if result is not None else ""
            return (en if english else zh) + detail
        if state == "ok":
            return masked_read_text(result, english)
        return ""


def masked_read_text(summary: dict, english: bool) -> str:
    """The test read's masked summary: who, which number, born when, how the read went, and what
    the driver found odd on the card (read anyway) for the technician to look into."""
    source = summary.get("source_en" if english else "source_zh") or summary.get("source", "")
    unit = ("APDUs" if english else "条 APDU") if summary.get("source") == "social_security_card" \
        else ("frames" if english else "帧")
    how = f"{source}, {summary.get('ms', '—')} ms, {summary.get('frames', '—')} {unit}"
    warnings = summary.get("warnings") or []
    if english:
        note = "".join(f"\nWarning: {w}" for w in warnings)
        return (f"Name: {summary.get('name', '')}   ID number: {summary.get('id_number', '')}\n"
                f"Birth date: {summary.get('birth_date') or '—'}   {how[:1].upper() + how[1:]}{note}")
    note = "".join(f"\n注意：{w}" for w in warnings)
    return (f"姓名：{summary.get('name', '')}　　证件号码：{summary.get('id_number', '')}\n"
            f"出生日期：{summary.get('birth_date') or '—'}　　{how.replace(', ', '，')}{note}")
