"""自助查询 on the screens: the queries offered, what each needs, and the masked answer.

The answer is the visit's (kiosk.flows.visit), already masked by its columns' rules
(kiosk.queries.plugin); this model only lays it out in the citizen's language.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Property, Signal, Slot

from kiosk.flows.visit import QUERY_PRINT_FAILED, Visit
from kiosk.wording import Sentence, say
from screens.i18n import pick

NEEDS = {"receipt": Sentence("凭受理回执上的编号和手机号后四位"), "id_card": Sentence("刷身份证查询"),
         "ssc_card": Sentence("插社保卡查询"), "any_card": Sentence("刷身份证或社保卡查询")}


class QueryModel(QObject):
    changed = Signal()

    def __init__(self, core, visit: Visit, language: Callable[[], str], parent: QObject | None = None):
        super().__init__(parent)
        self._core, self._visit, self._language = core, visit, language

    def _pick(self, zh: str, en: str) -> str:
        return pick(self._language(), zh, en)

    @property
    def _query(self):
        return self._core.query_desk.queries.get(self._visit.query_id)

    def _queries(self) -> list[dict]:
        return [{"id": q.id, "title": self._pick(q.title, q.title_en), "needs": say(NEEDS[q.identity], self._language())}
                for q in self._core.query_desk.queries.values()]

    def _rows(self) -> list[list[dict]]:
        answer = self._visit.query_answer
        if answer is None:
            return []
        return [[{"label": self._pick(c.label, c.label_en), "value": row.get(c.key, "")} for c in answer.columns
                 if row.get(c.key)] for row in answer.rows]

    def _print_text(self) -> str:
        state = self._visit.query_print
        if state == "failed":
            return say(QUERY_PRINT_FAILED, self._language())
        return {"printing": say(Sentence("正在打印，请稍候…"), self._language()),
                "printed": say(Sentence("打印好了，请取走。上面印有“仅供查询”。"), self._language())}.get(state, "")

    offered = Property(bool, lambda self: bool(self._core.query_desk.queries), constant=True)
    queries = Property("QVariantList", _queries, notify=changed)
    title = Property(str, lambda self: self._pick(self._query.title, self._query.title_en) if self._query else "",
                     notify=changed)
    identity = Property(str, lambda self: self._query.identity if self._query else "", notify=changed)
    querying = Property(bool, lambda self: self._visit.querying, notify=changed)
    notice = Property(str, lambda self: say(self._visit.query_notice, self._language()) if self._visit.query_notice
                      else "", notify=changed)
    rows = Property("QVariantList", _rows, notify=changed)
    printable = Property(bool, lambda self: bool(self._query and self._core.query_desk.printable(self._query.id)),
                         notify=changed)
    printA4 = Property(bool, lambda self: bool(self._query and self._query.print == "a4"), notify=changed)
    printState = Property(str, lambda self: self._visit.query_print, notify=changed)
    printText = Property(str, _print_text, notify=changed)

    @Slot()
    def open(self) -> None:
        self._visit.open_queries()

    @Slot(str)
    def choose(self, query_id: str) -> None:
        self._visit.choose_query(query_id)

    @Slot(str, str)
    def askByReceipt(self, receipt_no: str, phone_last4: str) -> None:
        self._visit.ask_by_receipt(receipt_no, phone_last4)

    @Slot()
    def print(self) -> None:
        self._visit.print_query()

    def language_changed(self) -> None:
        self.changed.emit()
