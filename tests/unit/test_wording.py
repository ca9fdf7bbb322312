"""One wording catalogue per language (kiosk/wording/*.yaml), read by the screens and the kiosk
alike: every sentence on the screens and every Sentence written in Python has its English, no
Chinese/English pair is left in the code, translations keep their placeholders, and the
Traditional Chinese file covers the home screen and the printed ticket."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from drivers.printer.ticket_layout import TextBlock, load_template
from kiosk import wording
from kiosk.hall.model import TicketKind

PROJECT = Path(__file__).resolve().parents[2]
QML = PROJECT / "screens" / "qml"
# %1, %n (QML) and Python's {field}, also as {field:.3} or {field.attr}: compared by field name.
PLACEHOLDER = re.compile(r"%\d|%n|\{(\w+)[^{}]*\}")
# Where the product's Python sentences live (tests and simulators say nothing to a citizen).
PYTHON_LAYERS = ("drivers", "kiosk", "screens")
# Han characters and CJK/full-width punctuation: a sentence with any of them needs its English.
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# The attributes, fields and arguments that carried a sentence twice before kiosk.wording.
PAIR_NAMES = {f"{what}_{language}" for what in ("message", "reason", "warning", "detail") for language in ("zh", "en")}


def placeholders(text: str) -> set[str]:
    return {m.group(1) or m.group(0) for m in PLACEHOLDER.finditer(text)}


def python_files() -> list[Path]:
    return [path for layer in PYTHON_LAYERS for path in sorted((PROJECT / layer).rglob("*.py"))]


def sentences_in(tree: ast.AST) -> list[tuple[str, int]]:
    """(source, line) of every `Sentence("literal", ...)` call in the tree."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        first = node.args[0]
        if name == "Sentence" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((first.value, node.lineno))
    return found


def pairs_in(tree: ast.AST) -> list[tuple[str, int]]:
    """(name, line) of everything that still defines a sentence as a Chinese/English pair: an
    attribute, variable, dataclass field, property or method, parameter or keyword argument named
    message_zh / message_en / reason_* / warning_* / detail_*. Dictionary keys (JSON output) are not code."""
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Name):
                        names.append(part.id)
                    elif isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store):
                        names.append(part.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
        elif isinstance(node, ast.arg):
            names.append(node.arg)
        elif isinstance(node, ast.keyword) and node.arg:
            names.append(node.arg)
        found += [(name, getattr(node, "lineno", 0)) for name in names if name in PAIR_NAMES]
    return found


@pytest.fixture(scope="module")
def in_python() -> dict[str, list[str]]:
    """Every Sentence("...") of kiosk/, drivers/ and screens/: source → where it is said."""
    found: dict[str, list[str]] = {}
    for path in python_files():
        for source, line in sentences_in(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(source, []).append(f"{path.relative_to(PROJECT).as_posix()}:{line}")
    return found


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


def test_every_sentence_on_the_screens_has_its_english(on_screens, in_python):
    english = wording.catalogue("en")
    assert sorted(on_screens - set(english)) == [], "no English for these"
    said = on_screens | set(in_python)
    assert sorted(set(english) - said) == [], "English for sentences neither a screen nor the code says any more"


def test_every_sentence_said_from_python_has_its_english(in_python):
    english = wording.catalogue("en")
    missing = {source: where for source, where in in_python.items() if CHINESE.search(source) and source not in english}
    assert missing == {}, "no English for these"
    # The search finds them where they are: a device error, a hall refusal, a screen's sentence.
    assert {"设备暂时出了点问题，请到咨询台办理。", "大厅现在不在办理时间，{detail}。", "可以签到"} <= set(in_python)


def test_sentences_are_found_wherever_python_writes_them():
    tree = ast.parse('from kiosk import wording\n'
                     'A = Sentence("取号")\n'
                     'b = wording.Sentence("号票 {number}", number=n)\n'
                     'c = Sentence(text)\n')
    assert sentences_in(tree) == [("取号", 2), ("号票 {number}", 3)]


def test_no_code_keeps_a_sentence_as_a_chinese_english_pair():
    found = {path.relative_to(PROJECT).as_posix(): pairs
             for path in python_files() if (pairs := pairs_in(ast.parse(path.read_text(encoding="utf-8"))))}
    assert found == {}, "say one Sentence instead (kiosk.wording)"
    assert len(python_files()) > 50


def test_a_pair_is_found_in_every_shape_it_used_to_take():
    tree = ast.parse("class E(Exception):\n"
                     "    message_en = 'x'\n"
                     "    reason_zh: str = ''\n"
                     "    def __init__(self, warning_en=''):\n"
                     "        self.message_zh, other = 'y', 1\n"
                     "    @property\n"
                     "    def reason_en(self): ...\n"
                     "f(message_en='z')\n"
                     "json = {'message_en': 'kept: an output key'}\n"
                     "print(e.message_en)\n")
    assert sorted(pairs_in(tree)) == [("message_en", 2), ("message_en", 8), ("message_zh", 5), ("reason_en", 7),
                                      ("reason_zh", 3), ("warning_en", 4)]


@pytest.mark.parametrize("language", [code for code in wording.languages() if code != wording.SOURCE])
def test_translations_keep_their_placeholders(language):
    for source, translation in wording.catalogue(language).items():
        forms = translation.values() if isinstance(translation, dict) else [translation]
        for form in forms:
            assert placeholders(form) == placeholders(source), \
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


def test_sentences_built_of_sentences_read_as_the_pairs_did():
    """The technician's test read and spoiled numbers: lists, counts and labels said in one go."""
    from types import SimpleNamespace

    from kiosk.identity import SOURCE_LABELS
    from screens.technician import TechnicianModel, masked_read_text

    summary = {"source": "social_security_card", "source_label": SOURCE_LABELS["social_security_card"],
               "name": "张*国", "id_number": "4401**********1236", "birth_date": "1950-01-01", "ms": 123.4,
               "frames": 7, "warnings": ["ATR: odd"]}
    assert masked_read_text(summary, "zh_CN") == ("姓名：张*国　　证件号码：4401**********1236\n"
                                                  "出生日期：1950-01-01　　社保卡，123.4 ms，7 条 APDU\n注意：ATR: odd")
    assert masked_read_text(summary, "en") == ("Name: 张*国   ID number: 4401**********1236\n"
                                               "Birth date: 1950-01-01   Social security card, 123.4 ms, 7 APDUs\n"
                                               "Warning: ATR: odd")

    def spoiled(count: int, language: str) -> str:
        entries = [SimpleNamespace(number=f"A{i:03d}", at=datetime(2026, 11, 23, 9, i)) for i in range(1, count + 1)]
        return TechnicianModel._spoiled_text(SimpleNamespace(_spoiled=entries, _language=lambda: language))

    assert spoiled(2, "zh_CN") == "今日作废号（没有打完，不会再发）：A001 09:01，A002 09:02"
    assert spoiled(2, "en") == "Spoiled numbers today (print not finished, never reissued): A001 09:01, A002 09:02"
    assert spoiled(10, "zh_CN").endswith("A009 09:09，A010 09:10 等 10 个")
    assert spoiled(10, "en").endswith("A009 09:09, A010 09:10 and 2 more")
