"""Spoken Chinese → the tone-numbered pinyin espeak-ng's `cmn-latn-pinyin` voice reads.

pypinyin works the readings out from its phrase dictionary, so polyphones come out right in
context (长辈 zhang3 bei4, 银行 yin2 hang2, 重新 chong2 xin1), and the neutral tone is 5.
Latin letters stay as they are: the voice reads "A" as ei1. Punctuation becomes a pause. A
character neither pypinyin nor the voice knows (an emoji, a rare character) is left out and
reported, so the sentence around it is still said.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

_PAUSE = re.compile(r"[，。、；：！？,.;:!?（）()《》“”\"'—…\n]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def to_pinyin(spoken: str) -> tuple[str, list[str]]:
    """(what espeak-ng is given, the characters left out)."""
    # Here, not at the top: loading pypinyin costs the kiosk's start-up ~0.2 s (kiosk.catalogue
    # waits for it the same way).
    from pypinyin import Style, lazy_pinyin
    words, skipped = [], []
    for chunk in re.split(f"({_PAUSE.pattern})", spoken):
        if not chunk:
            continue
        if _PAUSE.fullmatch(chunk):
            if words and words[-1] != ",":
                words.append(",")
            continue
        for piece in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z]+|\S", chunk):
            if _HAN.fullmatch(piece):
                readings = lazy_pinyin(piece, style=Style.TONE3, neutral_tone_with_five=True,
                                       errors=lambda chars: [None] * len(chars))
                for char, reading in zip(piece, readings):
                    if reading:
                        words.append(reading)
                    else:
                        skipped.append(char)
            elif _LATIN.fullmatch(piece):
                words.extend(piece.upper() if len(piece) <= 3 else piece.lower())
            else:
                skipped.append(piece)
    while words and words[-1] == ",":
        words.pop()
    if skipped:
        log.info("not spoken (no reading known): %s", "".join(sorted(set(skipped))))
    return " ".join(words).replace(" ,", ","), skipped
