"""取件柜管理: the hall staff's screen at the pickup lockers, behind their PIN.

The bank live (every door as the boards report it, re-read each second), and for the cell
tapped: load it (存件: the order number, the citizen's ID typed or their card swiped, the phone
the code goes to), open it to mend or check it, take it out of service or back. Opening every door
of a board asks for the technician PIN again and then a confirmation. Every door opened here is
journalled with the staff member (or the technician) as its actor (kiosk.flows.locker_staff).
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Callable

from PySide6.QtCore import QObject, Property, Qt, QTimer, Signal, Slot

from kiosk.core import TECHNICIAN
from kiosk.wording import NOTHING, Sentence, say
from screens.qt_thread import qt_thread

log = logging.getLogger(__name__)
FIELDS = {"order": 32, "id": 18, "phone": 11}        # deposit field → longest input
SIZES = {"s": Sentence("小格"), "m": Sentence("中格"), "l": Sentence("大格")}
STATES = {"free": Sentence("空闲"), "loaded": Sentence("已存件"), "collected": Sentence("已取走"),
          "out_of_service": Sentence("已停用"), "fault": Sentence("故障")}
NEEDS_TECHNICIAN = Sentence("整板开门需要技术员密码，请再核对一下。")


class LockerStaffModel(QObject):
    changed = Signal()
    _done = Signal(object, object)      # (what to say with the future's result, the future)
    _bankRead = Signal(object)
    _pinChecked = Signal(str)

    def __init__(self, core, actor: Callable[[], str], language: Callable[[], str], parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._actor, self._language = core, actor, language
        self._bank: list = []
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.refresh)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._bankRead.connect(self._on_bank, Qt.ConnectionType.QueuedConnection)
        self._pinChecked.connect(self._on_pin, Qt.ConnectionType.QueuedConnection)
        self.reset()

    def reset(self) -> None:
        self._selected, self._mode, self._field = 0, "", "order"
        self._typed = dict.fromkeys(FIELDS, "")
        self._message, self._problem = NOTHING, False
        self._board: tuple[str, int] | None = None
        self._pin = ""
        self.changed.emit()

    def set_watching(self, watching: bool) -> None:
        if watching:
            self.refresh()
            self._timer.start()
        else:
            self._timer.stop()
            self.reset()

    # ---------------------------------------------------------------- what the screen shows
    def _cell_row(self, c) -> dict:
        language = self._language()
        return {"number": c.number, "cell": c.cell, "size": c.size, "sizeText": say(SIZES[c.size], language),
                "state": c.state, "stateText": say(STATES.get(c.state, NOTHING), language) or c.state,
                "order": c.order_no, "expired": c.expired, "open": bool(c.door_open),
                "unknown": c.door_open is None, "item": bool(c.item)}

    def _boards(self) -> list:
        rows, seen = [], {}
        for c in self._bank:
            key = (c.bus, c.board)
            if key not in seen:
                seen[key] = {"bus": c.bus, "board": c.board, "first": c.number, "last": c.number, "cells": []}
                rows.append(seen[key])
            seen[key]["last"] = c.number
            seen[key]["cells"].append(self._cell_row(c))
        return rows

    def _selected_row(self) -> dict:
        cell = next((c for c in self._bank if c.number == self._selected), None)
        return self._cell_row(cell) if cell else {}

    def _card_holder(self) -> str:
        identity = self._core.identity()
        return f"{identity['name']} {identity['id_number']}" if identity else ""

    available = Property(bool, lambda self: self._core.lockers is not None, constant=True)
    boards = Property("QVariantList", _boards, notify=changed)
    selected = Property("QVariantMap", _selected_row, notify=changed)
    mode = Property(str, lambda self: self._mode, notify=changed)      # "" | deposit | board_pin | board_confirm | busy
    field = Property(str, lambda self: self._field, notify=changed)
    orderNo = Property(str, lambda self: self._typed["order"], notify=changed)
    idNumber = Property(str, lambda self: self._typed["id"], notify=changed)
    phone = Property(str, lambda self: self._typed["phone"], notify=changed)
    cardHolder = Property(str, _card_holder, notify=changed)
    message = Property(str, lambda self: say(self._message, self._language()), notify=changed)
    problem = Property(bool, lambda self: self._problem, notify=changed)
    actor = Property(str, lambda self: self._actor(), notify=changed)
    boardText = Property(str, lambda self: self._board_text(), notify=changed)
    pinLength = Property(int, lambda self: len(self._pin), notify=changed)

    def _board_text(self) -> str:
        if self._board is None:
            return ""
        board = next(b for b in self._boards() if (b["bus"], b["board"]) == self._board)
        return say(Sentence("{bus} {board} 号板（{first}–{last} 号柜门，共 {count} 扇）", bus=board["bus"],
                            board=str(board["board"]), first=str(board["first"]), last=str(board["last"]),
                            count=str(len(board["cells"]))), self._language())

    def identity_changed(self) -> None:
        """A card read or the session wiped: the deposit form's citizen line follows at once."""
        if self._mode == "deposit":
            self.changed.emit()

    # ---------------------------------------------------------------- the bank, live
    @Slot()
    def refresh(self) -> None:
        if self._core.lockers is None:
            return

        def read(done: Future) -> None:
            if done.cancelled():            # the kiosk closing
                return
            if done.exception() is not None:
                log.error("reading the locker bank failed", exc_info=done.exception())
            else:
                self._bankRead.emit(done.result())
        self._core.lockers.bank().add_done_callback(read)

    @qt_thread
    def _on_bank(self, bank: list) -> None:
        self._bank = bank
        self.changed.emit()

    # ---------------------------------------------------------------- a cell
    @Slot(int)
    def select(self, number: int) -> None:
        if self._mode == "busy":
            return
        self._selected, self._mode = number, ""
        self._say(NOTHING)

    @Slot()
    def startDeposit(self) -> None:
        if self._selected_row().get("state") in ("free", "collected"):
            # Only a card swiped for this deposit may stand for the citizen: forget any earlier one
            # (a test read, the last citizen's) so nobody's document is filed under someone else.
            self._core.end_session()
            self._mode, self._field = "deposit", "order"
            self._typed = dict.fromkeys(FIELDS, "")
            self._say(NOTHING)

    @Slot(str)
    def setField(self, field: str) -> None:
        if field in FIELDS:
            self._field = field
            self.changed.emit()

    @Slot(str)
    def key(self, key: str) -> None:
        """The screen's keypad: a digit or X, or "back"."""
        text = self._typed[self._field]
        self._typed[self._field] = text[:-1] if key == "back" else (text + key)[:FIELDS[self._field]]
        self.changed.emit()

    @Slot(str, str)
    def setText(self, field: str, text: str) -> None:
        """A hardware keyboard or a handheld barcode scanner typing into a field."""
        if field in FIELDS:
            self._typed[field] = text.strip()[:FIELDS[field]]
            self.changed.emit()

    @Slot()
    def confirmDeposit(self) -> None:
        row = self._selected_row()
        if self._mode != "deposit" or not row:
            return
        typed = self._typed
        self._run(self._core.lockers.deposit(row["cell"], typed["order"], typed["id"], typed["phone"], self._actor()),
                  lambda d: Sentence("{number} 号柜已打开，请放好材料、关好柜门。办件 {order} 的取件码已排队用短信发给办事人。",
                                     number=str(row["number"]), order=d.order.order_no))

    @Slot()
    def openDoor(self) -> None:
        row = self._selected_row()
        if row and self._mode == "":
            self._run(self._core.lockers.open_for_staff(row["cell"], self._actor()),
                      lambda door: Sentence("{number} 号柜门已打开（已记录）。", number=str(row["number"])) if door.opened
                      else Sentence("{number} 号柜门没有打开，已标记为故障。", number=str(row["number"])))

    @Slot()
    def toggleService(self) -> None:
        row = self._selected_row()
        if not row or self._mode != "":
            return
        back = row["state"] in ("out_of_service", "fault")
        self._run(self._core.lockers.set_in_service(row["cell"], back, self._actor()),
                  lambda _: Sentence("{number} 号柜已恢复使用。", number=str(row["number"])) if back
                  else Sentence("{number} 号柜已停用。", number=str(row["number"])))

    # ---------------------------------------------------------------- every door of a board
    @Slot(str, int)
    def startOpenBoard(self, bus: str, board: int) -> None:
        if self._mode in ("", "deposit"):
            self._board, self._mode, self._pin = (bus, board), "board_pin", ""
            self._say(NOTHING)

    @Slot(str)
    def pinKey(self, key: str) -> None:
        if self._mode != "board_pin":
            return
        if key == "ok":
            pin, self._pin, self._mode = self._pin, "", "checking"
            self.changed.emit()
            threading.Thread(target=lambda: self._pinChecked.emit(self._core.who_is(pin) or ""),
                             name="pin-check", daemon=True).start()
            return
        self._pin = self._pin[:-1] if key == "back" else (self._pin + key)[:8]
        self.changed.emit()

    @qt_thread
    def _on_pin(self, who: str) -> None:
        if self._mode != "checking":
            return
        if who == TECHNICIAN:
            self._mode = "board_confirm"
            self._say(NOTHING)
        else:
            log.warning("open-all of %s refused: not the technician PIN", self._board)
            self._mode = "board_pin"
            self._say(NEEDS_TECHNICIAN, problem=True)

    @Slot()
    def confirmOpenBoard(self) -> None:
        if self._mode != "board_confirm" or self._board is None:
            return
        bus, board = self._board
        self._run(self._core.lockers.open_board(bus, board, TECHNICIAN),
                  lambda doors: Sentence("已打开 {opened} 扇柜门，{shut} 扇没有打开。", opened=str(sum(d.opened for d in doors)),
                                         shut=str(sum(not d.opened for d in doors))))

    @Slot()
    def cancel(self) -> None:
        if self._mode != "busy":
            self._mode, self._board, self._pin = "", None, ""
            self._say(NOTHING)

    # ---------------------------------------------------------------- answers
    def _run(self, future: Future, said: Callable[[object], Sentence]) -> None:
        """Wait for the core's answer; a refused deposit goes back to its form, typing kept."""
        again, self._mode = ("deposit" if self._mode == "deposit" else ""), "busy"
        self._say(Sentence("请稍候…"))
        future.add_done_callback(lambda f: self._done.emit((said, again), f))

    @qt_thread
    def _on_done(self, answer, future: Future) -> None:
        said, again = answer
        self._mode, self._board = "", None
        error = future.exception() if not future.cancelled() else None
        if error is not None or future.cancelled():
            self._mode = again
            log.warning("locker staff action failed: %s: %s", type(error).__name__, error)
            sentence = getattr(error, "message", None)
            self._say(sentence if isinstance(sentence, Sentence) else Sentence("操作没有完成，请再试一次。"), problem=True)
        else:
            self._say(said(future.result()))
            if again == "deposit":
                self._core.end_session()        # the citizen's card, if swiped, is forgotten at once
        self.refresh()

    def _say(self, sentence: Sentence, problem: bool = False) -> None:
        self._message, self._problem = sentence, problem
        self.changed.emit()
