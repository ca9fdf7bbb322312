"""Appointment check-in on the screens: the scan screen (camera preview and card prompt at once),
the citizen's appointments found by card, and the appointment to confirm.

What the citizen sees of an appointment is only what the hall booked: the business, the day's
time slot and whether it can be checked in now. A code that is not ours, expired or already
used is said in a calm banner under the preview, and scanning simply goes on.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QObject, Property, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

from kiosk.wording import NOTHING, Sentence, say
from screens.qt_thread import qt_thread
from screens.registry import SCREENS

log = logging.getLogger(__name__)

PREVIEW_MS = 33           # the preview follows the camera up to 30 fps while the scan screen is open
NOTICE_S = 8              # a refused code's explanation stays this long
_SCANNER_OUT = Sentence("扫码暂时用不了，请刷身份证或社保卡签到。")
_LOOKUP_FAILED = Sentence("暂时查不到预约，请稍后再试，或到咨询台请工作人员帮您。")


class CameraImages(QQuickImageProvider):
    """`image://camera/<n>`: the newest preview frame (the number only makes QML ask again)."""

    def __init__(self):
        super().__init__(QQuickImageProvider.ImageType.Image)
        self.image = QImage()

    def requestImage(self, image_id, size, requested_size):
        return self.image


class AppointmentModel(QObject):
    changed = Signal()
    previewChanged = Signal()
    _listed = Signal(object)       # the card lookup's future, re-posted to the Qt thread

    def __init__(self, core, language: Callable[[], str], *, show: Callable[[str], None],
                 clock: Callable[[], datetime], parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._language, self._show, self._clock = core, language, show, clock
        self.images = CameraImages()
        self._frame_no = -1
        self._preview_no = 0
        self._scanning = False
        self._searching = False
        self._list: list = []          # Appointment dataclasses found by card
        self._current = None           # the Appointment to confirm
        self._notice: Sentence = NOTHING
        self._preview_timer = QTimer(self, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self._refresh_preview)
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_S * 1000)
        self._notice_timer.timeout.connect(lambda: self._set_notice(NOTHING))
        self._listed.connect(self._on_listed, Qt.ConnectionType.QueuedConnection)

    def _pick(self, zh: str, en: str) -> str:
        """Hall data that carries its own English (item names, ticket kinds)."""
        return (en or zh) if self._language() == "en" else (zh or en)

    # ---------------------------------------------------------------- properties for QML
    scannerReady = Property(bool, lambda self: self._core.scanner_usable(), notify=changed)
    scannerNote = Property(str, lambda self: "" if self._core.scanner_usable() else say(_SCANNER_OUT, self._language()),
                           notify=changed)
    previewFrame = Property(int, lambda self: self._preview_no, notify=previewChanged)
    searching = Property(bool, lambda self: self._searching, notify=changed)
    notice = Property(str, lambda self: say(self._notice, self._language()), notify=changed)
    found = Property("QVariantList", lambda self: [self._row(a) for a in self._list], notify=changed)
    current = Property("QVariantMap", lambda self: self._row(self._current) if self._current else {}, notify=changed)

    def _row(self, appointment) -> dict:
        item = self._core.config.items.get(appointment.item_code)
        state, text = self._state_of(appointment)
        return {"id": appointment.appointment_id,
                "itemName": self._pick(appointment.item_name, item.name_en if item else ""),
                "kindLabel": self._pick(appointment.kind.label_zh, appointment.kind.label_en),
                "slot": f"{appointment.slot_start:%H:%M}–{appointment.slot_end:%H:%M}",
                "state": state, "stateText": say(text, self._language())}

    def _state_of(self, appointment) -> tuple[str, Sentence]:
        """ready | early | lapsed | done | cancelled, with the sentence the screen shows."""
        status = appointment.status.value
        if status == "checked_in":
            return "done", Sentence("已经签到过了，号码 {number}", number=appointment.ticket_number or "")
        if status == "cancelled":
            return "cancelled", Sentence("这个预约已经取消了")
        if status == "lapsed":
            return "lapsed", Sentence("已经过了签到时间，可以改为现场取号")
        if self._clock() < appointment.check_in_opens:
            return "early", Sentence("还没到签到时间，{opens} 起可以签到", opens=f"{appointment.check_in_opens:%H:%M}")
        return "ready", Sentence("可以签到")

    # ---------------------------------------------------------------- the scan screen
    @qt_thread
    def screen_changed(self, screen: str) -> None:
        """From the view-model on every screen change. Decoding and the preview run only while
        the scan screen is up; leaving the check-in screens forgets what was found."""
        was_scanning, self._scanning = self._scanning, screen == "checkin"
        if self._scanning and not was_scanning:
            self._forget()
            self._core.scan_for_appointments(True)
            self._preview_timer.start()
            if self._core.identity() is not None:
                self.find_by_card()
        elif was_scanning and not self._scanning:
            self._preview_timer.stop()
            self._core.scan_for_appointments(False)
        if not SCREENS[screen].check_in:
            self._forget()

    def _forget(self) -> None:
        self._list, self._current, self._searching = [], None, False
        self._set_notice(NOTHING)

    @qt_thread
    def _refresh_preview(self) -> None:
        preview = self._core.camera_preview()
        if preview is None or preview.frame_no == self._frame_no:
            return
        self._frame_no = preview.frame_no
        rgb = preview.image
        height, width = rgb.shape[:2]
        self.images.image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()
        self._preview_no += 1
        self.previewChanged.emit()

    def health_changed(self) -> None:
        self.changed.emit()

    def _set_notice(self, notice: Sentence) -> None:
        self._notice = notice
        if notice:
            self._notice_timer.start()
        self.changed.emit()

    # ---------------------------------------------------------------- from the core (Qt thread)
    @qt_thread
    def show_found(self, appointment) -> None:
        if not self._scanning:
            return                      # answered after the citizen left the scan screen
        self._current = appointment
        self.changed.emit()
        self._show("appointment")

    @qt_thread
    def show_refused(self, error) -> None:
        if not self._scanning:
            return
        message = getattr(error, "message", None)
        if not isinstance(message, Sentence) or not message:
            log.error("appointment lookup failed unexpectedly", exc_info=error)
            message = _LOOKUP_FAILED
        else:
            log.info("code refused: %s", getattr(getattr(error, "reason", None), "value", type(error).__name__))
        self._set_notice(message)

    def find_by_card(self) -> None:
        """A card was read on the scan screen: list today's appointments of that person."""
        if not self._scanning:
            return
        self._searching = True
        self.changed.emit()
        self._core.appointments_today().add_done_callback(self._listed.emit)

    @qt_thread
    def _on_listed(self, future) -> None:
        self._searching = False
        if not self._scanning:
            return
        if future.exception() is not None:
            self._set_notice(_LOOKUP_FAILED)
            return
        self._list = list(future.result())
        self.changed.emit()
        if len(self._list) == 1:
            self._current = self._list[0]
            self.changed.emit()
            self._show("appointment")
        else:
            self._show("appointments")      # several to choose from, or none: say so there

    # ---------------------------------------------------------------- intents
    @Slot(str)
    def choose(self, appointment_id: str) -> None:
        chosen = next((a for a in self._list if a.appointment_id == appointment_id), None)
        if chosen is not None:
            self._current = chosen
            self.changed.emit()
            self._show("appointment")

    @property
    def chosen(self):
        """The Appointment on the confirm screen (None elsewhere)."""
        return self._current

    def language_changed(self) -> None:
        self.changed.emit()
