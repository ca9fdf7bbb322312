"""Every sentence a citizen or technician sees, in one catalogue per language.

Sentences are written once, in Simplified Chinese (zh_CN, the source language), where they are
used: `qsTr("取号")` in QML, `Sentence("取号机暂时缺纸")` in Python (drivers.sentence), said in
a language by `say(sentence, language)`. Each other language is
one file here (en.yaml, zh_HK.yaml: `language`, `name`, `sentences: {source: translation}`), and
both the screens (screens.i18n compiles it for Qt's translator) and the kiosk read
it. A third language is one new file. A sentence a catalogue lacks shows in the source language.

Counts: a source holding %n may map to {one: ..., other: ...}; %1, %2 (QML's .arg) and {name}
(Python's format) pass through untranslated.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from drivers.sentence import NOTHING, Sentence

__all__ = ["NOTHING", "SOURCE", "Sentence", "catalogue", "is_chinese", "languages", "say", "translate"]

SOURCE = "zh_CN"
HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def catalogue(language: str) -> dict:
    """The sentences of a language ({} for the source language or one without a file)."""
    if language == SOURCE:
        return {}
    path = HERE / f"{language}.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("sentences") or {})


@functools.lru_cache(maxsize=None)
def languages() -> dict[str, str]:
    """Language code → its own name, for every catalogue (the source language first)."""
    found = {SOURCE: "简体中文"}
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found[path.stem] = data.get("name", path.stem)
    return found


def translate(source: str, language: str, n: int = -1) -> str | None:
    """The translation of `source`, or None when the catalogue has none (show the source)."""
    found = catalogue(language).get(source)
    if isinstance(found, dict):
        return found.get("one" if n == 1 else "other")
    return found


def say(source: str | Sentence, language: str, **fields) -> str:
    """The sentence in that language, with its {fields} filled in; a field that is a sentence
    (or a catalogue's source text) is said in that language too."""
    if isinstance(source, Sentence):
        source, fields = source.text, {**source.fields, **fields}
    text = translate(source, language) or source
    if not fields:
        return text
    return text.format(**{name: say(value, language) if isinstance(value, (str, Sentence)) else value
                          for name, value in fields.items()})


def is_chinese(language: str) -> bool:
    return language.startswith("zh")
