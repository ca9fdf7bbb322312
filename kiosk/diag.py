"""kiosk-diag: the technician's view of every configured device, from the shell.

    kiosk-diag --json            check the real devices named in config/kiosk.yaml
    kiosk-diag --sim --json      the same against the simulators
                                 (a locker bus also lists its cells at fault or out of service in
                                 the hall database kiosk.yaml names, even with --sim:
                                 details.faulty_cells, [{"cell": ..., "state": ...}])
    kiosk-diag hash-pin          make the hashed technician PIN for config/kiosk.yaml
    kiosk-diag read-card --pcsc "READER NAME" --json    test-read a social-security card
    kiosk-diag read-card --sam /dev/ttyUSB0 --json      test-read an ID card through a SAM reader
    kiosk-diag scan-image FILE...                       decode QR codes in still images, one JSON line each
    kiosk-diag print-form FORM --sam PORT --pdf OUT.pdf  fill a form from an ID card, as a PDF
    kiosk-diag print-form FORM --sam PORT --queue NAME   ... or printed through CUPS (JSON: the job's end)
    kiosk-diag locker status --port P --protocol generic|kerong --board N --json   every door of a board
    kiosk-diag locker open --port P --protocol generic|kerong --board N --lock M --json   open one, seen open
                                 journalled like any opening in the hall database of --config
                                 (actor "technician (kiosk-diag)"); a port in use journals nothing
    kiosk-diag locker audit --verify --json             the hall's locker audit chain, whole or not
    kiosk-diag say "请 A012 号到 3 号窗口" --wav OUT.wav  what the kiosk would say, as a WAV file
                                 (prints the words as spoken, the pinyin and the time it took)
    kiosk-diag selftest [--sim] --json                  every device's internal and external self-test
                                 (kiosk.selftest); exit 1 when one fails
    kiosk-diag bundle FILE.zip                          logs, health timeline, self-tests, config without
                                 secrets, versions, machine facts, the hall journal's last day
    kiosk-diag history [--day 2026-11-26] --json        the health timeline: every device's changes that
                                 day (default today), the home screen's sentence, starts and stops
The same health model feeds the in-app technician screen.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from kiosk.config import ConfigError, hash_pin, load_config
from kiosk.devices import DeviceHealth
from kiosk.hall.schema import read_only_rows
from kiosk.wording import say

STATE_WORDS = {"ok": "正常 OK", "warning": "注意 Warning", "fault": "故障 Fault", "absent": "未配置 Absent"}


def check_devices(config) -> list[DeviceHealth]:
    """Ask every configured device for its health once, in the order kiosk.yaml lists them. A
    locker bus's details also list its cells out of use in the hall database (`faulty_cells`)."""
    from kiosk.roles import build_roles
    results, out_of_use, error = [], None, ""
    for role in build_roles(config.devices):
        try:
            health = role.check_once()
        finally:
            role.stop()
        if role.kind == "locker_bus":
            if out_of_use is None:
                out_of_use, error = cells_out_of_use(config.database_path)
            details = {**health.details, "faulty_cells": [
                {"cell": cell, "state": state} for cell, state in out_of_use if cell.startswith(f"{role.name}/")]}
            if error:
                details["faulty_cells_error"] = error
            health = replace(health, details=details)
        results.append(health)
    return results


def cells_out_of_use(database: Path) -> tuple[list[tuple[str, str]], str]:
    """(cell, state) of every locker cell at 'fault' or 'out_of_service' in the hall database,
    by board and lock, and what kept them from being read ("" when nothing did). Read-only: the
    kiosk may be running. No database, or one without locker cells yet: none."""
    try:
        rows = [tuple(r) for r in read_only_rows(database, "SELECT cell, state FROM locker_cells "
                                                           "WHERE state IN ('fault', 'out_of_service')")]
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return [], ""               # a hall without locker cells yet
        return [], f"{database}: {e}"
    except sqlite3.Error as e:
        return [], f"{database}: {e}"

    def by_board_and_lock(row):
        parts = row[0].rsplit("/", 2)
        return parts[0], *(int(p) if p.isdigit() else -1 for p in parts[1:])
    return sorted(rows, key=by_board_and_lock), ""


def _print_table(healths: list[DeviceHealth]) -> None:
    for h in healths:
        print(f"{h.role:16} {STATE_WORDS[h.state]:12} {h.name}")
        if h.reason:
            print(f"{'':16} {say(h.reason, 'zh_CN')} / {say(h.reason, 'en')}")
        for key, value in h.details.items():
            print(f"{'':16}   {key}: {value}")


def health_json(h: DeviceHealth) -> dict:
    """One device's health for --json: its reason said in Chinese and in English."""
    return {"role": h.role, "name": h.name, "state": h.state, "reason_zh": say(h.reason, "zh_CN"),
            "reason_en": say(h.reason, "en"), "details": h.details, "checked_at": h.checked_at}


def scan_images(files: list[str]) -> int:
    """Decode each still with the scanner's default decoder: one JSON object per line. A payload
    is a string when it is valid UTF-8, else {"base64": "..."}. Exit 1 if a file cannot be read."""
    import cv2
    import numpy as np
    from drivers.scanner.decoders import default_decoder, payload_to_json
    decoder, code = default_decoder(), 0
    for name in files:
        gray, why = None, "not an image OpenCV can read"
        try:
            data = np.fromfile(name, dtype=np.uint8)
            if data.size:
                gray = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        except OSError as e:
            why = e.strerror or str(e)
        except cv2.error:           # some damaged files make OpenCV raise rather than return None
            pass
        if gray is None:
            print(json.dumps({"file": name, "error": why}, ensure_ascii=False))
            code = 1
            continue
        start = time.perf_counter()
        payloads = decoder.decode(gray)
        ms = round((time.perf_counter() - start) * 1000, 1)
        print(json.dumps({"file": name, "payloads": [payload_to_json(x) for x in payloads], "ms": ms},
                         ensure_ascii=False))
    return code


def _locker(p: argparse.ArgumentParser, args) -> int:
    action = args.files[0] if len(args.files) == 1 else ""
    from kiosk.locker_diag import open_lock, status, verify_audit
    if action == "audit":
        if not args.verify:
            p.error("locker audit needs --verify")
        try:
            database = load_config(args.config).database_path
        except ConfigError as e:
            print(json.dumps({"error": "config", "message": str(e)}, ensure_ascii=False))
            return 2
        code, result = verify_audit(database)
        print(json.dumps(result, ensure_ascii=False) if args.json else
              ("audit chain whole, " if result.get("verified") else "AUDIT CHAIN BROKEN: ") + json.dumps(result, ensure_ascii=False))
        return code
    if action not in ("status", "open") or not args.port or not args.protocol or args.board is None \
            or (action == "open") != (args.lock is not None):
        p.error("locker needs status or open, --port, --protocol, --board (and --lock for open)")
    if action == "status":
        code, result = status(args.port, args.protocol, args.board)
    else:
        config, config_error = None, ""
        try:
            config = load_config(args.config)         # where the opening is journalled
        except ConfigError as e:
            config_error = f"configuration: {e}"
        code, result = open_lock(args.port, args.protocol, args.board, args.lock, config, config_error)
    if args.json or code == 3:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:8} {value}")
    if code == 3:
        print("The kiosk is using this port; stop it first (the bus cannot be shared).", file=sys.stderr)
    return code


def _print_form(p: argparse.ArgumentParser, args) -> int:
    if len(args.files) != 1 or not args.sam or (args.pdf is None) == (args.queue is None):
        p.error("print-form needs one form name, --sam PORT, and one of --pdf OUT or --queue NAME")
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(json.dumps({"error": "config", "message": str(e)}, ensure_ascii=False))
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from kiosk.form_test_print import print_form
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])    # noqa: F841 (Qt's fonts need it)
    code, result = print_form(config, args.files[0], args.sam, wait_s=args.wait, pdf=args.pdf, queue=args.queue,
                              server=args.server, blank_paper=not args.preprinted)
    print(json.dumps(result, ensure_ascii=False))
    return code


def _say(p: argparse.ArgumentParser, args) -> int:
    """What the kiosk would say for a text: the words as spoken, the pinyin, a WAV to listen to."""
    import io
    import time
    import wave
    from drivers.speech.espeak import SpeechUnavailable
    from kiosk.config import ConfigError, VoiceSettings, load_config
    from kiosk.speech.voice import Voice
    if not args.files:
        p.error('say needs the text: kiosk-diag say "请 A012 号到 3 号窗口" --wav OUT.wav')
    try:
        settings = load_config(args.config).kiosk.voice
    except ConfigError:
        settings = VoiceSettings()          # the defaults: a broken kiosk.yaml must not silence the test
    voice = Voice(settings.model_copy(update={"enabled": True}))
    try:
        started = time.perf_counter()
        said = voice.utterance(" ".join(args.files))
        took_ms = (time.perf_counter() - started) * 1000
    except SpeechUnavailable as e:
        print(json.dumps({"error": "speech", "message": str(e)}) if args.json else f"Cannot speak: {e}",
              file=sys.stdout if args.json else sys.stderr)
        return 1
    finally:
        voice.close()
    with wave.open(io.BytesIO(said.wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    if args.wav:
        Path(args.wav).write_bytes(said.wav)
    result = {"spoken": said.spoken, "pinyin": said.pinyin, "seconds": round(seconds, 2),
              "render_ms": round(took_ms, 1), "not_spoken": "".join(said.skipped), "wav": args.wav}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:11} {value}")
    return 0


def _selftest(config, args) -> int:
    """Internal and external self-tests of every configured device, as the kiosk runs them."""
    from kiosk.roles import build_roles
    from kiosk.selftest import run_all
    started = time.perf_counter()
    roles = list(build_roles(config.devices))
    try:
        results = run_all(roles, lambda role: role.check_once())
    finally:
        for role in roles:
            role.stop()
    seconds = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps({"kiosk": config.kiosk.id, "seconds": seconds, "passed": all(r.passed for r in results),
                          "results": [r.as_json() for r in results]}, ensure_ascii=False))
    else:
        for r in results:
            print(f"{r.role:16} {r.level:9} {'通过 passed' if r.passed else '未通过 FAILED':14} {r.detail}")
            if not r.passed:
                print(f"{'':16} {say(r.message, 'zh_CN')} / {say(r.message, 'en')}")
        print(f"{seconds} s")
    return 0 if all(r.passed for r in results) else 1


def _bundle(p: argparse.ArgumentParser, args) -> int:
    from kiosk.bundle import make_bundle
    if len(args.files) != 1 or not args.files[0].endswith(".zip"):
        p.error("bundle needs one FILE.zip: kiosk-diag bundle kiosk-1.zip")
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"Configuration error: {e}", file=sys.stderr)
        return 2
    import PySide6
    from PySide6.QtCore import qVersion
    made = make_bundle(config, Path(args.files[0]), qt={"pyside6": PySide6.__version__, "qt": qVersion()})
    if args.json:
        print(json.dumps(made, ensure_ascii=False))
    else:
        print(f"{made['file']}: {made['bytes']} bytes, {len(made['files'])} files, {made['seconds']} s")
    return 0


def _history(config, args) -> int:
    """The health timeline the kiosk keeps beside its database (kiosk.timeline), read-only."""
    from kiosk.timeline import FILE_NAME, device_lines, read_day
    day = args.day or config.hall.clock().date()
    entries = read_day(config.database_path.parent / FILE_NAME, day)
    if args.json:
        print(json.dumps({"kiosk": config.kiosk.id, "day": day.isoformat(), "entries": [e.as_json() for e in entries]},
                         ensure_ascii=False))
        return 0
    if not entries:
        print(f"No health entries on {day} in {config.database_path.parent / FILE_NAME}")
    for role in dict.fromkeys(e.role for e in entries):
        print(f"{role}  {next(e.name for e in entries if e.role == role)}")
        for zh, en in zip(device_lines(entries, role, "zh_CN", last=1000), device_lines(entries, role, "en", last=1000)):
            print(f"    {zh}\n    {'':6}{en[6:]}")
    return 0


def main(argv=None) -> int:
    from drivers.printer.escpos_cache import use_capabilities_cache
    use_capabilities_cache()
    p = argparse.ArgumentParser(prog="kiosk-diag", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", default="devices", choices=["devices", "hash-pin", "read-card", "scan-image", "print-form", "locker", "say",
                                                                     "history", "selftest", "bundle"])
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="scan-image: still images (PNG, JPEG, ...); print-form: the form's name; "
                        "locker: status | open; say: the text")
    p.add_argument("--sim", action="store_true", help="check the simulators instead of real hardware")
    p.add_argument("--scenario", help="simulator scenario file (with --sim)")
    p.add_argument("--config", help="configuration directory")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--pcsc", metavar="READER", help="read-card: PC/SC reader name (social-security card)")
    p.add_argument("--sam", metavar="PORT", help="read-card: serial port of a SAM ID card reader")
    p.add_argument("--wait", type=float, default=5.0, help="read-card: seconds to wait for an ID card")
    p.add_argument("--pdf", metavar="OUT", help="print-form: write the filled form to this PDF file")
    p.add_argument("--queue", metavar="NAME", help="print-form: print it through this CUPS queue")
    p.add_argument("--server", default="", help="print-form: the CUPS server (socket path or host:port)")
    p.add_argument("--preprinted", action="store_true", help="print-form: the data only, for pre-printed paper")
    p.add_argument("--port", help="locker: the serial port of the lock boards' bus")
    p.add_argument("--protocol", choices=["generic", "kerong"], help="locker: the boards' protocol")
    p.add_argument("--board", type=int, help="locker: the board's address")
    p.add_argument("--lock", type=int, help="locker open: the lock (1-24 generic, 1-16 Kerong)")
    p.add_argument("--verify", action="store_true", help="locker audit: check the hash chain")
    p.add_argument("--wav", metavar="OUT", help="say: write the speech to this WAV file")
    p.add_argument("--day", type=date.fromisoformat, help="history: the day (YYYY-MM-DD), default today")
    args = p.parse_args(argv)

    if args.command == "locker":
        return _locker(p, args)
    if args.command == "print-form":
        return _print_form(p, args)
    if args.command == "say":
        return _say(p, args)
    if args.command == "bundle":
        return _bundle(p, args)
    if args.files and args.command != "scan-image":
        p.error(f"unexpected arguments: {' '.join(args.files)}")
    if args.command == "scan-image":
        if not args.files:
            p.error("scan-image needs at least one image file")
        return scan_images(args.files)

    if args.command == "read-card":
        if (args.pcsc is None) == (args.sam is None):
            p.error("read-card needs exactly one of --pcsc READER or --sam PORT")
        from kiosk.card_test_read import read_card
        code, result = read_card(args.pcsc, args.sam, args.wait)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            for key, value in result.items():
                print(f"{key:12} {value}")
        return code

    if args.command == "hash-pin":
        pin = getpass.getpass("New technician PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        if not pin.isdigit() or len(pin) < 4:
            print("The PIN must be at least 4 digits.", file=sys.stderr)
            return 2
        print(hash_pin(pin))
        return 0

    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(json.dumps({"error": "config", "message": str(e)}) if args.json else f"Configuration error: {e}",
              file=sys.stdout if args.json else sys.stderr)
        return 2
    if args.command == "history":
        return _history(config, args)
    sims = None
    if args.sim:
        from sim.kiosk_sim import start_simulators
        sims, config = start_simulators(config, Path(tempfile.mkdtemp(prefix="kiosk-diag-")), args.scenario)
    try:
        if args.command == "selftest":
            return _selftest(config, args)
        healths = check_devices(config)
    finally:
        if sims:
            sims.stop()
    if args.json:
        print(json.dumps({"kiosk": config.kiosk.id, "devices": [health_json(h) for h in healths]}, ensure_ascii=False))
    else:
        _print_table(healths)
    return 0 if all(h.usable for h in healths) else 1


if __name__ == "__main__":
    sys.exit(main())
