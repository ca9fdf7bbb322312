"""`kiosk-diag bundle FILE.zip`: the evidence a technician takes home.

Inside: the logs (kiosk.log and its rotated copies, the crash records of kiosk.watchdog), the
health timeline (JSON), the latest
self-test of each device (from the timeline: the kiosk's own runs, so nothing here opens a port
the running kiosk holds), the configuration with every secret removed, the versions of the
kiosk, Python, Qt and every installed package, the machine's facts (OS, CPU, memory, disk, USB
devices, serial and video nodes), and the hall journal's last day.

No personal data goes in: the logs were masked when written and are masked again here; the
journal carries numbers, actions and kiosks, never a name; the configuration's secrets (PIN
hashes, tokens, keys) are replaced by "<removed>".
"""
from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import sys
import time
import zipfile
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path

import yaml

from kiosk.hall.schema import read_only_rows
from kiosk.logbook import log_files
from kiosk.privacy import mask_text
from kiosk.selftest import usb_devices
from kiosk.timeline import FILE_NAME as TIMELINE_FILE, SELF_TEST, SELF_TEST_FAILED, read_since

REMOVED = "<removed>"
# Keys whose values are secrets wherever they appear in a configuration file.
SECRET = re.compile(r"(pin|token|key|secret|password|passphrase)s?$", re.IGNORECASE)
# Keys named like secrets that are not (a key's id and algorithm, a hall's person_key is a secret)
NOT_SECRET = {"key_id"}


def redact(value, key: str = ""):
    """The value with every secret replaced (dicts and lists walked)."""
    if key and SECRET.search(key) and key not in NOT_SECRET:
        if isinstance(value, dict):
            return {k: REMOVED for k in value}       # staff_pins: who has a PIN stays, not the hash
        if isinstance(value, list):
            return [redact(v, "") if isinstance(v, dict) else REMOVED for v in value]   # keys: their ids stay
        return REMOVED if value not in ("", None) else value
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, key) for v in value]
    return value


def make_bundle(config, target: Path, now: datetime | None = None, qt: dict | None = None) -> dict:
    """Write the zip; returns what it holds (file → bytes) and how long it took. `qt`: the Qt
    versions, from the composition root (kiosk.diag: the kiosk layer does not import Qt)."""
    started = time.perf_counter()
    now = now or config.hall.clock()
    state = config.database_path.parent
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        def add(name: str, data: str | bytes) -> None:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            z.writestr(name, raw)
            sizes[name] = len(raw)

        for path in log_files(config.log_dir) + sorted(config.log_dir.glob("crash.txt*")):   # + where a crash hung
            # masked again: a line written by an older version, or by a library, is masked here too
            add(f"logs/{path.name}", mask_text(path.read_text(encoding="utf-8", errors="replace")))
        timeline = read_since(state / TIMELINE_FILE, now - timedelta(days=31))
        add("health/timeline.json", json.dumps([e.as_json() for e in timeline], ensure_ascii=False, indent=1))
        latest = {}
        for e in timeline:
            if e.state in (SELF_TEST, SELF_TEST_FAILED):
                latest[(e.role, str(e.reason.fields.get("level")))] = e     # the last of each device's levels
        add("health/selftest.json", json.dumps([e.as_json() for e in latest.values()], ensure_ascii=False, indent=1))
        for path in sorted(config.directory.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                text = yaml.safe_dump(redact(data), allow_unicode=True, sort_keys=False)
            except yaml.YAMLError as e:
                text = f"# {path.name} could not be read as YAML ({e}); left out\n"
            add(f"config/{path.name}", text)
        add("versions.json", json.dumps({**versions(), **(qt or {})}, ensure_ascii=False, indent=1))
        add("machine.json", json.dumps(machine_facts(state), ensure_ascii=False, indent=1))
        add("hall/journal-last-day.json", json.dumps(journal_since(config.database_path, now - timedelta(days=1)),
                                                     ensure_ascii=False, indent=1))
        add("README.txt", f"kiosk {config.kiosk.id} of {config.hall.id}, bundle made {now:%Y-%m-%d %H:%M:%S} "
                          f"by kiosk-diag bundle.\nNo personal data: logs masked, secrets removed from config/.\n")
    return {"file": str(target), "bytes": target.stat().st_size, "files": sizes,
            "seconds": round(time.perf_counter() - started, 2)}


def versions() -> dict:
    from kiosk.version import version
    packages = sorted((d.metadata["Name"] or "?", d.version) for d in metadata.distributions())
    return {"kiosk": version(), "python": sys.version, "packages": dict(packages)}


def machine_facts(state_dir: Path) -> dict:
    import psutil
    os_release = {}
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            key, _, value = line.partition("=")
            os_release[key] = value.strip('"')
    except OSError:
        pass
    usb = [f"{vendor}:{product} {name}".strip() for vendor, product, name in usb_devices()]
    disk = psutil.disk_usage(str(state_dir if state_dir.exists() else Path.cwd()))
    return {"uname": platform.uname()._asdict(), "os_release": os_release, "cpus": os.cpu_count(),
            "memory_mb": psutil.virtual_memory().total // (1 << 20), "boot_time": datetime.fromtimestamp(psutil.boot_time()).isoformat(),
            "disk_free_mb": disk.free // (1 << 20), "usb": usb,
            "nodes": sorted(str(p) for pattern in ("ttyUSB*", "ttyACM*", "ttyS[0-3]", "video*") for p in Path("/dev").glob(pattern)),
            "display": {k: os.environ.get(k, "") for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}}


def journal_since(database: Path, since: datetime) -> list[dict]:
    """The hall journal from `since`: what happened to which number, where, and why (the reason
    masked again). Read-only: the kiosk may be running."""
    try:
        rows = read_only_rows(database, "SELECT at, action, number, actor, reason FROM journal WHERE at >= ? "
                                        "ORDER BY entry", (since.isoformat(),))
    except sqlite3.Error as e:
        return [{"error": f"{database}: {e}"}]
    return [{"at": at, "action": action, "number": number, "actor": actor, "reason": mask_text(reason or "")}
            for at, action, number, actor, reason in rows]
