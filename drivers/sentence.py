"""A sentence for a person (citizen or technician), before it is put into their language.

Drivers, the hall and the flows say what happened in Simplified Chinese, the source language
of the wording catalogue (kiosk/wording): `Sentence("打印纸用完了，请工作人员换纸")`, or with
fields, `Sentence("号票 {number} 还没打完：{reason}。", number="A012", reason=status.reason)`.
Only the screens decide the language (kiosk.wording.say); a field that is itself a sentence is
translated with it. Writing every sentence through this one type is also what lets a test find
them all and check each has its translations.
"""
from __future__ import annotations


class Sentence:
    __slots__ = ("text", "fields")

    def __init__(self, text: str, **fields):
        self.text = text
        self.fields = fields

    def __bool__(self) -> bool:
        return bool(self.text)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sentence) and (self.text, self.fields) == (other.text, other.fields)

    def __hash__(self) -> int:
        return hash(self.text)

    def __str__(self) -> str:
        """The Simplified Chinese, filled in (logs of the hall's own staff read it as is)."""
        return self.text.format(**{k: str(v) for k, v in self.fields.items()}) if self.fields else self.text

    def __repr__(self) -> str:
        return f"Sentence({str(self)!r})"


NOTHING = Sentence("")
