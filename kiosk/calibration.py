"""The form printer's calibration as the technician measured it on the kiosk, kept beside the
hall database (form-printer-calibration.json) so it survives a restart and overrides the one in
kiosk.yaml. kiosk.yaml stays as the hall wrote it: the kiosk never rewrites its configuration."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from pydantic import ValidationError

from kiosk.roles.laser_printer import LaserPrinterRole, TrayCalibration

log = logging.getLogger(__name__)
FILE = "form-printer-calibration.json"


def load(state_dir: Path, printer: LaserPrinterRole) -> None:
    """Apply what was saved for this printer (a damaged file is logged and left alone)."""
    path = state_dir / FILE
    if not path.exists():
        return
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get(printer.name, {})
        for tray, values in saved.items():
            printer.set_calibration(tray, TrayCalibration.model_validate(values))
    except (OSError, ValueError, ValidationError) as e:
        log.error("%s: calibration not applied (%s); kiosk.yaml's stays", path, e)


def save(state_dir: Path, printer: LaserPrinterRole, tray: str, calibration: TrayCalibration) -> None:
    """Apply and keep; written to a new file and renamed, so a power cut leaves the old one."""
    printer.set_calibration(tray, calibration)
    path = state_dir / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        data = {}
    data.setdefault(printer.name, {})[tray] = calibration.model_dump()
    state_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(temporary, path)
    log.info("%s tray %s calibrated: %s", printer.name, tray, calibration.model_dump())
