"""One wording catalogue per language (kiosk/wording/*.yaml), read by the screens and the kiosk
alike: every sentence on the screens has its English, translations keep their placeholders, and
the Traditional Chinese file covers the home screen and the printed ticket."""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from drivers.printer.ticket_layout import TextBlock, load_template
from kiosk import wording
from kiosk.hall.model import TicketKind

PROJECT = Path(__file__).resolve().parents[2]
QML = PROJECT / "screens" / "qml"
PLACEHOLDER = re.compile(r"%\d|%n|\{\w+\}")


def qml_sentences(files) -> set[str]:
    """Every qsTr source in these QML files, as Qt's own lupdate reads them."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    with tempfile.TemporaryDirectory() as folder:
        ts = Path(folder) / "sentences.ts"
        run = subprocess.run([str(lupdate), *map(str, files), "-ts", str(ts)], capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        return {m.findtext("source") for m in ET.parse(ts).iter("message")}


@pytest.fixture(scope="module")
def on_screens() -> set[str]:
    return qml_sentences(sorted(QML.glob("*.qml")))


def test_every_sentence_on_the_screens_has_its_english(on_screens):
    english = wording.catalogue("en")
    assert sorted(on_screens - set(english)) == [], "no English for these"
    assert sorted(set(english) - on_screens) == [], "English for sentences no screen says any more"


@pytest.mark.parametrize("language", [code for code in wording.languages() if code != wording.SOURCE])
def test_translations_keep_their_placeholders(language):
    for source, translation in wording.catalogue(language).items():
        forms = translation.values() if isinstance(translation, dict) else [translation]
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source)), \
                f"{language}: {source!r} → {form!r}"


def test_traditional_chinese_covers_the_home_screen_and_the_ticket():
    hong_kong = wording.catalogue("zh_HK")
    home = qml_sentences([QML / "HomeScreen.qml"])
    ticket = {b.text for b in load_template("ticket").lines if isinstance(b, TextBlock) and re.search(r"[\u4e00-\u9fff]", b.text)}
    ticket -= {"【{priority_mark}】", "【{appointment_mark}】", "【{reprint_mark}】"}     # marks: below
    marks = {k.label_zh for k in TicketKind} | {"补打 Reprint", "优先 Priority", "预约 Appointment {slot}"}
    assert sorted((home | ticket | marks) - set(hong_kong)) == []
    assert wording.say("取号", "zh_HK") == "取號" and wording.say("取号", "zh_CN") == "取号"


def test_a_language_without_a_sentence_shows_the_source_and_counts_take_their_form():
    assert wording.say("一句没有翻译的话", "en") == "一句没有翻译的话"
    assert wording.translate("%n 个事项", "en", 1) == "%n service"
    assert wording.translate("%n 个事项", "en", 7) == "%n services"
