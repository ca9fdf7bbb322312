"""The hall's dataclasses and refusals as JSON, the same way on both ends of the wire.

The hall server answers with these and the kiosk's HTTP hall reads them back into the very
dataclasses the embedded hall returns (kiosk.hall.model), so a flow cannot tell the two apart.
Refusals travel as {"error": ..., "reason": ..., "detail": ...} with a 409 (the hall said no,
for a reason a citizen is told), and come back as the same exception types:

    HallRefusal   → 409 {"error": "refusal", "reason": "daily_cap", "detail": <sentence>}
    TokenRefusal  → 409 {"error": "token", "reason": "replayed", "detail": "..."}
    HallUnavailable → 503 {"error": "unavailable", "detail": "..."}
"""
from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from kiosk.hall.model import HallRefusal, HallUnavailable, RefusalReason
from kiosk.hall.tokens import TokenRefusal
from kiosk.wording import NOTHING, Sentence

_ADAPTERS: dict[type, TypeAdapter] = {}


def adapter(kind) -> TypeAdapter:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def to_json(value, kind=None) -> Any:
    """A dataclass (or a list of them) as JSON-ready data."""
    return adapter(kind or type(value)).dump_python(value, mode="json")


def from_json(data: Any, kind):
    return adapter(kind).validate_python(data)


def sentence_to_json(sentence: Sentence) -> dict | None:
    if not sentence:
        return None
    return {"text": sentence.text, "fields": {k: sentence_to_json(v) if isinstance(v, Sentence) else str(v)
                                              for k, v in sentence.fields.items()}}


def sentence_from_json(data: dict | None) -> Sentence:
    if not data:
        return NOTHING
    return Sentence(data["text"], **{k: sentence_from_json(v) if isinstance(v, dict) else v
                                     for k, v in data.get("fields", {}).items()})


def error_body(error: Exception) -> tuple[int, dict]:
    """The status and body the server answers an exception of the hall with."""
    if isinstance(error, HallRefusal):
        detail = error.message.fields.get("detail", NOTHING)
        return 409, {"error": "refusal", "reason": error.reason.value, "detail": sentence_to_json(detail)}
    if isinstance(error, TokenRefusal):
        return 409, {"error": "token", "reason": error.reason.value, "detail": error.detail}
    return 503, {"error": "unavailable", "detail": str(getattr(error, "technical", error))}


def raise_error(status: int, body: dict) -> None:
    """What error_body() made, raised again on the kiosk as the hall's own exception."""
    kind = body.get("error") if isinstance(body, dict) else None
    if status == 409 and kind == "refusal":
        raise HallRefusal(RefusalReason(body["reason"]), sentence_from_json(body.get("detail")))
    if status == 409 and kind == "token":
        raise TokenRefusal(body["reason"], body.get("detail", ""))
    if status == 404:
        raise KeyError(body.get("detail", "") if isinstance(body, dict) else body)
    if status == 409 and kind == "conflict":
        raise ValueError(body.get("detail", ""))
    raise HallUnavailable(f"hall server answered {status}: {body}")
