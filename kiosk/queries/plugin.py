"""Query plug-ins: ask a back-end on the citizen's behalf, and check its answer before any of it
is shown.

A plug-in is built from its QueryDef (config/queries.yaml) and has `ask(question) -> dict`,
returning the back-end's answer as it came: `{"subject": {...}, "rows": [{column: value}]}`.
`http` is built in; `package.module:Class` loads a province's own. Whatever the plug-in, the
answer then goes through `checked()`: an answer about someone other than the citizen who asked
(the subject's ID number or receipt number differs) is refused and logged masked; an answer of
the wrong shape is "not available"; every value is masked by its column's rule. Errors are
typed (QueryUnavailable, QueryRefused) and carry the calm sentence the screen shows.
"""
from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.privacy import mask_address, mask_id_number, mask_name, mask_phone
from kiosk.wording import Sentence

log = logging.getLogger(__name__)

MAX_ROWS = 60           # a screen and a receipt, not a database dump


class QueryUnavailable(Exception):
    """The back-end is down, slow, or answered something that is not an answer."""
    message = Sentence("暂时查不到，请稍后再试，或到咨询台请工作人员帮您查。")


class QueryRefused(Exception):
    """The back-end answered about someone else: never shown."""
    message = Sentence("查询结果和您的身份对不上，为保护个人信息没有显示。请到咨询台请工作人员帮您查。")


class NothingFound(Exception):
    message = Sentence("没有查到相关记录。请核对后再试，或到咨询台咨询。")


@dataclass(frozen=True)
class Question:
    """What the citizen showed: a receipt number and the phone's last four digits, or a card."""
    receipt_no: str = ""
    phone_last4: str = ""
    id_number: str = ""         # from the card read in this session (never typed)

    def __repr__(self) -> str:  # never print personal data, even in a traceback
        return f"Question(receipt={self.receipt_no!r}, card={mask_id_number(self.id_number)})"


@dataclass
class Answer:
    """A checked, masked answer: what the screen and the receipt show. Lives in the visit only."""
    query_id: str
    columns: list            # QueryColumn
    rows: list[dict[str, str]] = field(default_factory=list)
    asked_at: datetime | None = None


_MASKS = {"none": str, "amount": str, "name": mask_name, "id_number": mask_id_number, "phone": mask_phone,
          "address": mask_address}


def checked(query, question: Question, answer) -> list[dict[str, str]]:
    """The rows of `answer`, masked, once it is known to be about whoever asked."""
    if not isinstance(answer, dict) or not isinstance(answer.get("subject"), dict) \
            or not isinstance(answer.get("rows"), list):
        raise QueryUnavailable("the answer is not {subject, rows}")
    subject = answer["subject"]
    if query.identity == "receipt":
        same = str(subject.get("receipt_no", "")).strip().upper() == question.receipt_no.strip().upper()
    else:
        same = str(subject.get("id_number", "")).strip().upper() == question.id_number.strip().upper()
    if not same:
        log.error("query %s: the back-end answered about %s, not the citizen who asked (%s): refused",
                  query.id, mask_id_number(str(subject.get("id_number") or subject.get("receipt_no") or "?")),
                  mask_id_number(question.id_number or question.receipt_no))
        raise QueryRefused("the answer is about someone else")
    rows = []
    for row in answer["rows"][:MAX_ROWS]:
        if not isinstance(row, dict):
            raise QueryUnavailable("a row is not an object")
        rows.append({c.key: _MASKS[c.mask](_text(row.get(c.key))) for c in query.columns})
    if not rows:
        raise NothingFound()
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise QueryUnavailable("a value is not text")
    return "".join(ch for ch in str(value) if ch.isprintable())[:80]


class HttpQuery:
    """GET the back-end's url with what the citizen showed; JSON back."""

    def __init__(self, query):
        import requests
        self._requests = requests
        self.query = query
        self._http = requests.Session()
        if query.token:
            self._http.headers["Authorization"] = f"Bearer {query.token}"

    def ask(self, question: Question):
        if self.query.identity == "receipt":
            params = {"receipt_no": question.receipt_no, "phone_last4": question.phone_last4}
        else:
            params = {"id_number": question.id_number}
        try:
            reply = self._http.get(self.query.url, params=params,
                                   timeout=(min(self.query.timeout_s, 2.0), self.query.timeout_s))
        except self._requests.RequestException as e:
            raise QueryUnavailable(type(e).__name__) from None
        if reply.status_code == 404:
            raise NothingFound()
        if not reply.ok:
            raise QueryUnavailable(f"HTTP {reply.status_code}")
        try:
            return reply.json()
        except ValueError:
            raise QueryUnavailable("not JSON") from None

    def close(self) -> None:
        self._http.close()


def load_plugin(query):
    if query.plugin == "http":
        return HttpQuery(query)
    module, _, name = query.plugin.partition(":")
    return getattr(importlib.import_module(module), name)(query)


def run(plugin, query, question: Question, now: datetime) -> Answer:
    """Ask and check: the Answer, or QueryUnavailable / QueryRefused / NothingFound."""
    try:
        raw = plugin.ask(question)
    except (QueryUnavailable, QueryRefused, NothingFound):
        raise
    except Exception as e:         # a province's plug-in in trouble: the same calm sentence
        log.exception("query %s: the plug-in failed", query.id)
        raise QueryUnavailable(type(e).__name__) from None
    return Answer(query.id, list(query.columns), checked(query, question, raw), now)
