"""Every pair of text and background colours the screens use reads at 4.5:1 or better (WCAG's
contrast ratio, which the national age-friendly rules for 长辈模式 take up), disabled text too."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

THEME = (Path(__file__).resolve().parents[2] / "screens" / "qml" / "Theme.qml").read_text(encoding="utf-8")
COLOURS = dict(re.findall(r'property color (\w+): "(#[0-9A-Fa-f]{6})"', THEME))

PAIRS = [("text", "background"), ("text", "surface"), ("textSecondary", "background"), ("textSecondary", "surface"),
         ("textOnAccent", "accent"), ("textOnAccent", "accentPressed"), ("accent", "surface"), ("accent", "background"),
         ("accent", "accentSoft"), ("textOnDisabled", "disabled"), ("noticeText", "noticeBackground")]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_reference_values_of_the_formula():
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0 and contrast("#777777", "#777777") == 1.0
    assert round(contrast("#767676", "#FFFFFF"), 2) == 4.54       # the grey WCAG names as the AA limit


@pytest.mark.parametrize("text, background", PAIRS)
def test_text_reads_at_four_and_a_half_to_one(text, background):
    ratio = contrast(COLOURS[text], COLOURS[background])
    assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}:1"
