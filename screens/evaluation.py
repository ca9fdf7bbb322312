"""好差评 on the screens: the five levels, the chosen level's tags, and whether 提交 may be tapped.

The rules (a reason for 不满意 and 非常不满意, nothing stored before 提交) are the visit's
(kiosk.flows.visit, kiosk.evaluation.model); this model shows the draft in the citizen's
language, with the province's tag names from evaluation.yaml.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Property, Signal, Slot

from kiosk.evaluation.model import COMMENT_MAX, Level
from kiosk.flows.visit import Visit
from kiosk.wording import say
from screens.i18n import pick


class EvaluationModel(QObject):
    changed = Signal()

    def __init__(self, core, visit: Visit, language: Callable[[], str], parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._visit, self._language = core, visit, language

    @property
    def _draft(self):
        return self._visit.evaluation

    def _levels(self) -> list[dict]:
        chosen = self._draft.level if self._draft else None
        return [{"level": int(level), "label": say(level.label, self._language()), "chosen": level == chosen,
                 "good": level >= Level.SATISFIED, "bad": level.needs_reason} for level in Level]

    def _tags(self) -> list[dict]:
        draft = self._draft
        if draft is None or draft.level is None:
            return []
        return [{"code": t.code, "name": pick(self._language(), t.name, t.name_en), "chosen": t.code in draft.tags}
                for t in self._core.evaluations.tags(draft.level)]

    levels = Property("QVariantList", _levels, notify=changed)
    tags = Property("QVariantList", _tags, notify=changed)
    level = Property(int, lambda self: int(self._draft.level) if self._draft and self._draft.level else 0, notify=changed)
    needsReason = Property(bool, lambda self: bool(self._draft and self._draft.level and self._draft.level.needs_reason),
                           notify=changed)
    missingReason = Property(bool, lambda self: bool(self._draft and self._draft.missing_reason), notify=changed)
    ready = Property(bool, lambda self: bool(self._draft and self._draft.ready), notify=changed)
    comment = Property(str, lambda self: self._draft.comment if self._draft else "", notify=changed)
    commentMax = Property(int, lambda self: COMMENT_MAX, constant=True)
    # After a journey the screen names it ("为刚才的取号评价"); from the home screen, the visit.
    journey = Property(str, lambda self: self._draft.journey if self._draft else "", notify=changed)

    @Slot()
    def open(self) -> None:
        self._visit.open_evaluation()

    @Slot(int)
    def rate(self, level: int) -> None:
        self._visit.rate(level)

    @Slot(str)
    def toggleTag(self, code: str) -> None:
        self._visit.toggle_tag(code)

    @Slot(str)
    def writeComment(self, text: str) -> None:
        self._visit.write_comment(text)

    @Slot()
    def submit(self) -> None:
        self._visit.submit_evaluation()

    def language_changed(self) -> None:
        self.changed.emit()
