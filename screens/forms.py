"""表单打印 on the screens: the forms to choose from, and the chosen form's preview.

The preview is the visit's masked PDF (kiosk.flows.print_form: 张*国, 4419**********1236), drawn
into an image for `image://form/<n>` with Qt's own PDF renderer, the background included, so
the citizen sees their form as it will come out, without the hall seeing their data.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Property, QSize, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtQuick import QQuickImageProvider

from kiosk.flows.visit import Visit
from kiosk.wording import Sentence, say
from screens.i18n import pick
from screens.qt_thread import qt_thread

PREVIEW_WIDTH_PX = 1000          # about 120 dpi on A4: every box and character readable on the kiosk
PRINTER_OUT = Sentence("表格打印机暂时不能用，请到咨询台领取表格。")
# What the preview says about a field that did not fit as it is (never cut silently).
NOTES = {"too_long": Sentence("“{field}”太长，已用小字打印，请核对"),
         "no_glyph": Sentence("“{field}”里有打印不出来的字，已留空，请您手写")}


class FormImages(QQuickImageProvider):
    def __init__(self):
        super().__init__(QQuickImageProvider.ImageType.Image)
        self.image = QImage()

    def requestImage(self, image_id, size, requested_size):
        return self.image


def pdf_to_image(pdf: bytes, width_px: int = PREVIEW_WIDTH_PX) -> QImage:
    """The first page of a PDF as an image `width_px` wide (white where the page is blank)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    page = document.pagePointSize(0)
    height = round(width_px * page.height() / page.width()) if page.width() else round(width_px * 1.414)
    drawn = document.render(0, QSize(width_px, height))      # transparent where the page is blank
    document.close()
    paper = QImage(drawn.size(), QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    painter = QPainter(paper)
    painter.drawImage(0, 0, drawn)
    painter.end()
    return paper


class FormModel(QObject):
    changed = Signal()

    def __init__(self, core, visit: Visit, language: Callable[[], str], parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._visit, self._language = core, visit, language
        self.images = FormImages()
        self._preview_no = 0
        self._shown: bytes = b""

    def _pick(self, zh: str, en: str) -> str:
        return pick(self._language(), zh, en)

    def _rows(self) -> list:
        return [{"id": f.id, "title": self._pick(f.layout.title, f.layout.title_en)} for f in self._visit.forms]

    def _title(self) -> str:
        form = self._visit.form
        return self._pick(form.layout.title, form.layout.title_en) if form else ""

    def _typed(self) -> list:
        form = self._visit.form
        if form is None:
            return []
        typed = self._core.session.typed
        rows = []
        for t in form.typed:
            problem, as_typed = self._visit.typed_problems.get(t.key, (None, typed.get(t.key, "")))
            rows.append({"key": t.key, "label": t.label, "kind": "choice" if t.options else "text",
                         "value": as_typed,
                         "options": [{"value": v, "label": label} for v, label in t.options],
                         "problem": say(problem, self._language()) if problem else ""})
        return rows

    def _agent(self) -> str:
        agent = self._core.agent()
        return agent["name"] if agent else ""

    def _notes(self) -> str:
        form = self._visit.form
        if form is None:
            return ""
        said = [say(NOTES[note], self._language(), field=form.layout.fields[name].label)
                for name, note in self._visit.form_notes.items() if note in NOTES and name in form.layout.fields]
        return "\n".join(said)

    forms = Property("QVariantList", _rows, notify=changed)
    notes = Property(str, _notes, notify=changed)
    # 代办: the form has an agent block; whose card filled it (masked), or waiting for it
    agentOffered = Property(bool, lambda self: self._visit.form is not None and any(
        f.source.startswith("agent.") for f in self._visit.form.layout.fields.values()), notify=changed)
    agentName = Property(str, _agent, notify=changed)
    awaitingAgent = Property(bool, lambda self: self._core.session.awaiting_agent, notify=changed)
    typed = Property("QVariantList", _typed, notify=changed)
    title = Property(str, _title, notify=changed)
    previewNo = Property(int, lambda self: self._preview_no, notify=changed)
    hasPreview = Property(bool, lambda self: bool(self._visit.form_preview), notify=changed)
    problem = Property(str, lambda self: say(self._visit.form_problem, self._language())
                       if self._visit.form_problem else "", notify=changed)
    # Printable: the form is filled, nothing typed looks wrong, and the printer can print.
    canPrint = Property(bool, lambda self: bool(self._visit.form_preview) and not self._visit.typed_problems
                        and self._core.form_printer_usable(), notify=changed)
    printerReady = Property(bool, lambda self: self._core.form_printer_usable(), notify=changed)
    printerNote = Property(str, lambda self: "" if self._core.form_printer_usable()
                           else say(PRINTER_OUT, self._language()), notify=changed)

    @qt_thread
    def visit_changed(self) -> None:
        preview = self._visit.form_preview
        if preview and preview is not self._shown:
            self.images.image = pdf_to_image(preview)
            self._preview_no += 1
        elif not preview:
            self.images.image = QImage()
        self._shown = preview
        self.changed.emit()

    def health_changed(self) -> None:
        self.changed.emit()

    def language_changed(self) -> None:
        self.changed.emit()

    @Slot(str)
    def choose(self, form_id: str) -> None:
        self._visit.choose_form(form_id)

    @Slot()
    def awaitAgent(self) -> None:
        self._visit.await_agent()

    @Slot(str, str)
    def setTyped(self, key: str, value: str) -> None:
        self._visit.set_typed(key, value)

    @Slot()
    def print(self) -> None:
        self._visit.print_form()
