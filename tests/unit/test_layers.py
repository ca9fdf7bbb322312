"""Three layers, one direction: screens → kiosk → drivers. The simulators and the screens are
wired in only by the composition roots (kiosk/app.py, kiosk/diag.py). And importing a driver
does nothing to the process: no environment variable set, no file written."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
COMPOSITION_ROOTS = {"kiosk/app.py", "kiosk/diag.py"}


def imports_of(path: Path) -> set[str]:
    """Top-level packages this file imports (at any depth in the file)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def offenders(layer: str, forbidden: set[str], allowed_files: set[str] = frozenset()) -> dict[str, set[str]]:
    bad = {}
    for path in sorted((PROJECT / layer).rglob("*.py")):
        name = path.relative_to(PROJECT).as_posix()
        wrong = imports_of(path) & forbidden
        if wrong and name not in allowed_files:
            bad[name] = wrong
    return bad


# Qt as a drawing library only (a PDF writer and fonts: no QObject signals, no event loop), for
# the one renderer that needs exact vector text with font fallback; why Qt: drivers/laser/form_pdf.py.
QT_AS_A_LIBRARY = {"drivers/laser/form_pdf.py"}


def test_drivers_know_nothing_of_the_kiosk_the_screens_or_the_simulators():
    assert offenders("drivers", {"kiosk", "screens", "sim"}) == {}
    assert offenders("drivers", {"PySide6"}, QT_AS_A_LIBRARY) == {}


def test_the_kiosk_reaches_screens_and_simulators_only_from_its_composition_roots():
    assert offenders("kiosk", {"screens", "sim", "PySide6"}, COMPOSITION_ROOTS) == {}


def test_the_screens_talk_to_the_kiosk_never_to_a_driver_or_a_simulator():
    assert offenders("screens", {"drivers", "sim"}) == {}


def test_importing_every_driver_leaves_the_environment_alone():
    # The libraries first: what they do when imported is theirs (OpenCV sets LD_LIBRARY_PATH).
    script = """
import importlib, json, os, pkgutil, sys
import cv2, escpos.printer, numpy, PIL.Image, pikepdf, PySide6.QtGui, serial, smartcard.System, yaml, zxingcpp
before = dict(os.environ)
import drivers
for module in pkgutil.walk_packages(drivers.__path__, "drivers."):
    importlib.import_module(module.name)
changed = {k: v for k, v in os.environ.items() if before.get(k) != v}
print(json.dumps({"changed": changed, "removed": sorted(set(before) - set(os.environ))}))
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.splitlines()[-1]) == {"changed": {}, "removed": []}
