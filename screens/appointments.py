"""Appointment check-in on the screens: the scan screen's camera preview, the citizen's
appointments found by card, and the appointment to confirm.

What is found, chosen and refused is the visit's (kiosk.flows.visit); this model shows it. What
the citizen sees of an appointment is only what the hall booked: the business, the day's time
slot and whether it can be checked in now. A code that is not ours, expired or already used is
said in a calm banner under the preview for a while, and scanning simply goes on.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Property, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

from kiosk.flows.visit import CHECK_IN, Visit
from kiosk.wording import NOTHING, Sentence, say
from screens.i18n import pick
from screens.qt_thread import qt_thread

PREVIEW_MS = 33           # the preview follows the camera up to 30 fps while the scan screen is open
NOTICE_S = 8              # a refused code's explanation stays this long
SCANNER_OUT = Sentence("扫码暂时用不了，请刷身份证或社保卡签到。")


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

    def __init__(self, core, visit: Visit, language: Callable[[], str], *, parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._visit, self._language = core, visit, language
        self.images = CameraImages()
        self._frame_no = -1
        self._preview_no = 0
        self._preview_timer = QTimer(self, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self._refresh_preview)
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_S * 1000)
        self._notice_timer.timeout.connect(lambda: self._visit.set_notice(NOTHING))

    def _say(self, sentence: Sentence) -> str:
        return say(sentence, self._language()) if sentence else ""

    def _pick(self, zh: str, en: str) -> str:
        return pick(self._language(), zh, en)

    # ---------------------------------------------------------------- properties for QML
    scannerReady = Property(bool, lambda self: self._core.scanner_usable(), notify=changed)
    scannerNote = Property(str, lambda self: "" if self._core.scanner_usable() else self._say(SCANNER_OUT),
                           notify=changed)
    previewFrame = Property(int, lambda self: self._preview_no, notify=previewChanged)
    searching = Property(bool, lambda self: self._visit.searching, notify=changed)
    notice = Property(str, lambda self: self._say(self._visit.notice), notify=changed)
    found = Property("QVariantList", lambda self: [self._row(a) for a in self._visit.appointments], notify=changed)
    current = Property("QVariantMap", lambda self: self._row(self._visit.appointment) if self._visit.appointment
                       else {}, notify=changed)

    def _row(self, appointment) -> dict:
        item = self._core.config.items.get(appointment.item_code)
        state, sentence = self._state_of(appointment)
        return {"id": appointment.appointment_id,
                "itemName": self._pick(appointment.item_name, item.name_en if item else ""),
                "kindLabel": self._pick(appointment.kind.label_zh, appointment.kind.label_en),
                "slot": f"{appointment.slot_start:%H:%M}–{appointment.slot_end:%H:%M}",
                "state": state, "stateText": self._say(sentence)}

    def _state_of(self, appointment) -> tuple[str, Sentence]:
        """ready | early | lapsed | done | cancelled, with the sentence the screen shows."""
        status = appointment.status.value
        if status == "checked_in":
            return "done", Sentence("已经签到过了，号码 {number}", number=appointment.ticket_number or "")
        if status == "cancelled":
            return "cancelled", Sentence("这个预约已经取消了")
        if status == "lapsed":
            return "lapsed", Sentence("已经过了签到时间，可以改为现场取号")
        if self._core.clock() < appointment.check_in_opens:
            return "early", Sentence("还没到签到时间，{opens} 起可以签到", opens=f"{appointment.check_in_opens:%H:%M}")
        return "ready", Sentence("可以签到")

    # ---------------------------------------------------------------- from the view-model
    @qt_thread
    def screen_changed(self, screen: str) -> None:
        """The preview runs only while the scan screen is up."""
        if screen == CHECK_IN:
            self._preview_timer.start()
        else:
            self._preview_timer.stop()

    @qt_thread
    def visit_changed(self, what: str) -> None:
        """The visit's appointments or its notice changed."""
        if what == "notice":
            if self._visit.notice:
                self._notice_timer.start()
            else:
                self._notice_timer.stop()
        self.changed.emit()

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

    def language_changed(self) -> None:
        self.changed.emit()

    # ---------------------------------------------------------------- intents
    @Slot(str)
    def choose(self, appointment_id: str) -> None:
        self._visit.choose_appointment(appointment_id)
