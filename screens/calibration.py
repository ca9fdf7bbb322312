"""The form printer's calibration, on the technician's screens: print the calibration sheet,
measure it with a ruler, nudge dx / dy / scale until the sheet measures right, save.

What is being tried is printed on the sheet (the sheet is drawn with it); saving applies it to
every form from then on and keeps it across restarts (kiosk.calibration)."""
from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Callable

from pydantic import ValidationError
from PySide6.QtCore import QObject, Property, Qt, Signal, Slot

from kiosk.wording import Sentence, say
from screens.qt_thread import qt_thread

log = logging.getLogger(__name__)
STEPS = {"dx": 0.5, "dy": 0.5, "scale": 0.001}       # one tap: half a millimetre, or 0.1 %
NOT_PRINTED = Sentence("校准页没有打印出来")


class CalibrationModel(QObject):
    changed = Signal()
    _printed = Signal(object)

    def __init__(self, core, language: Callable[[], str], parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._language = core, language
        self._state, self._error = "", None          # "" | printing | printed | saved | failed
        self._printed.connect(self._on_printed, Qt.ConnectionType.QueuedConnection)
        self.reset()

    def reset(self) -> None:
        """What the printer uses now (the technician's screen opened, or left unsaved)."""
        printer = self._core.form_printer
        current = printer.calibration if printer is not None else None
        self._dx, self._dy, self._scale = (current.dx_mm, current.dy_mm, current.scale) if current else (0.0, 0.0, 1.0)
        self._state, self._error = "", None
        self.changed.emit()

    available = Property(bool, lambda self: self._core.form_printer is not None, constant=True)
    dx = Property(float, lambda self: self._dx, notify=changed)
    dy = Property(float, lambda self: self._dy, notify=changed)
    scale = Property(float, lambda self: self._scale, notify=changed)
    state = Property(str, lambda self: self._state, notify=changed)
    message = Property(str, lambda self: self._message(), notify=changed)

    def _message(self) -> str:
        if self._state != "failed":
            return ""
        sentence = getattr(self._error, "message", None) or NOT_PRINTED
        return say(sentence, self._language()) + (f"（{self._error}）" if self._error is not None else "")

    @Slot(str, int)
    def nudge(self, which: str, steps: int) -> None:
        if which == "dx":
            self._dx = round(self._dx + steps * STEPS["dx"], 2)
        elif which == "dy":
            self._dy = round(self._dy + steps * STEPS["dy"], 2)
        elif which == "scale":
            self._scale = round(self._scale + steps * STEPS["scale"], 4)
        self._state = ""
        self.changed.emit()

    @Slot()
    def printSheet(self) -> None:
        if self._state == "printing" or self._core.form_printer is None:
            return
        self._state, self._error = "printing", None
        self.changed.emit()
        self._core.print_calibration_sheet(self._dx, self._dy, self._scale).add_done_callback(
            self._printed.emit)

    @qt_thread
    def _on_printed(self, job: Future) -> None:
        if self._state != "printing":
            return
        self._error = None if job.cancelled() else job.exception()
        self._state = "failed" if job.cancelled() or self._error is not None else "printed"
        self.changed.emit()

    @Slot()
    def save(self) -> None:
        try:
            self._core.calibrate_form_printer(self._dx, self._dy, self._scale)
        except (ValidationError, OSError) as e:
            log.warning("calibration not saved: %s", e)
            self._state, self._error = "failed", e
        else:
            self._state = "saved"
        self.changed.emit()
