"""Every sentence on the screens has its English: a string added to the QML without a translation
would show Chinese to a visitor who chose English."""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SCREENS = Path(__file__).resolve().parents[2] / "screens"


def test_every_qml_string_is_translated_and_compiled(tmp_path):
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    ts = tmp_path / "kiosk_en.ts"
    shutil.copy(SCREENS / "i18n" / "kiosk_en.ts", ts)
    run = subprocess.run([str(lupdate), *map(str, sorted((SCREENS / "qml").glob("*.qml"))), "-ts", str(ts)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    def translated(message) -> bool:
        translation = message.find("translation")
        if (translation.get("type") or "") in ("unfinished", "vanished", "obsolete"):
            return False
        forms = translation.findall("numerusform") or [translation]     # plurals (%n 个事项)
        return all((f.text or "").strip() for f in forms)

    missing = [m.findtext("source") for m in ET.parse(ts).iter("message") if not translated(m)]
    assert missing == [], f"no English for (or stale entry): {missing}"
    # The .qm the app loads must be compiled from this .ts, or new sentences stay Chinese.
    qm = tmp_path / "kiosk_en.qm"
    subprocess.run([str(lupdate.with_name("pyside6-lrelease")), str(SCREENS / "i18n" / "kiosk_en.ts"), "-qm", str(qm)],
                   capture_output=True, timeout=60, check=True)
    assert qm.read_bytes() == (SCREENS / "i18n" / "kiosk_en.qm").read_bytes(), \
        "screens/i18n/kiosk_en.qm is older than kiosk_en.ts: run pyside6-lrelease"
