"""The screens' side of the wording catalogue (kiosk.wording): QML's qsTr reads the same files.

Qt's translator cannot call back into Python while QML compiles a screen on its loader thread
(the Python side would need the interpreter lock the Qt thread holds: a deadlock, seen when a
QTranslator subclass answered from the catalogue). So each catalogue is compiled, the first time
it is needed, into Qt's own .qm form with Qt's lrelease, cached by its content, and loaded into
a plain QTranslator. A new language is still one YAML file.
"""
from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QTranslator

from kiosk import wording

log = logging.getLogger(__name__)


def pick(language: str, zh: str, en: str) -> str:
    """Hall data that carries its own English (item, department, window and form names): the
    English in English, else the Chinese (each standing in when the other is missing)."""
    return (en or zh) if language == "en" else (zh or en)


def ts_document(language: str) -> bytes:
    """The catalogue as a Qt Linguist .ts file (every QML context reads the same sentences)."""
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage=wording.SOURCE)
    for context in screen_contexts():
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source, translation in wording.catalogue(language).items():
            numerus = isinstance(translation, dict)
            message = ET.SubElement(ctx, "message", numerus="yes") if numerus else ET.SubElement(ctx, "message")
            ET.SubElement(message, "source").text = source
            tr = ET.SubElement(message, "translation")
            if numerus:        # Chinese has one form for every count; English two
                for form in (("other",) if wording.is_chinese(language) else ("one", "other")):
                    ET.SubElement(tr, "numerusform").text = translation[form]
            else:
                tr.text = translation
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + ET.tostring(root, encoding="utf-8")


def screen_contexts() -> list[str]:
    """qsTr's context is the QML file's name: one per screen component."""
    return sorted(p.stem for p in (Path(__file__).resolve().parent / "qml").glob("*.qml"))


def compiled(language: str) -> Path | None:
    """The language's .qm, compiled from its catalogue if not cached yet; None if it cannot be."""
    document = ts_document(language)
    digest = hashlib.sha1(document).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hall-kiosk" / "wording"
    qm = cache / f"{language}-{digest}.qm"
    if qm.exists():
        return qm
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    # Unique names, then one rename: the start-up warm-up and a language tap may race.
    scratch = cache / f".{language}-{digest}-{os.getpid()}-{threading.get_ident()}"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        scratch.with_suffix(".ts").write_bytes(document)
        run = subprocess.run([str(lrelease), "-silent", str(scratch.with_suffix(".ts")), "-qm",
                              str(scratch.with_suffix(".qm"))], capture_output=True, text=True, timeout=60)
        if run.returncode == 0:
            os.replace(scratch.with_suffix(".qm"), qm)
    except (OSError, subprocess.SubprocessError) as e:
        log.error("cannot compile the %s wording: %s", language, e)
        return None
    finally:
        for leftover in (scratch.with_suffix(".ts"), scratch.with_suffix(".qm")):
            leftover.unlink(missing_ok=True)
    if run.returncode != 0 or not qm.exists():
        log.error("cannot compile the %s wording: %s", language, run.stderr.strip()[-500:])
        return None
    return qm


def warm_up() -> threading.Thread:
    """Compile every catalogue in the background, so a citizen's first tap on the language
    button does not wait ~0.1 s for lrelease."""
    def compile_all():
        for language in wording.languages():
            if wording.catalogue(language):
                compiled(language)
    thread = threading.Thread(target=compile_all, name="wording-warm-up", daemon=True)
    thread.start()
    return thread


def translator_for(language: str, parent=None) -> QTranslator | None:
    """A QTranslator holding that language's catalogue (None for the source language)."""
    if not wording.catalogue(language):
        return None
    qm = compiled(language)
    translator = QTranslator(parent)
    if qm is None or not translator.load(str(qm)):
        log.error("the %s wording could not be loaded: its sentences show in Chinese", language)
        return None
    return translator
