"""`kiosk-diag scan-image` as a technician runs it: one JSON line per file, exit 1 if one cannot be read."""
from __future__ import annotations

import base64
import json
import subprocess
import sys

import cv2
import numpy as np

from sim.camera.phone import PhoneStyle, Style, render_frame

TOKEN = b"v1.eyJhIjoiQVAyMDI2MTEyMTAwNDIifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU"
GBK = "社保窗口 A042".encode("gbk")


def write_shot(path, codes, kind="phone"):
    phones = (PhoneStyle(code_px=280.0, at=(640.0, 360.0)),) if kind != "black" else ()
    style = Style(kind=kind, phones=phones, defocus=0.6, noise=2.0, jpeg_quality=85)
    assert cv2.imwrite(str(path), render_frame(codes, np.random.default_rng(0), style=style))
    return str(path)


def scan(*files):
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "scan-image", *files],
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, [json.loads(line) for line in run.stdout.splitlines()]


def test_each_file_gives_its_payloads_text_or_base64(tmp_path):
    token, gbk, black = (write_shot(tmp_path / "token.png", [TOKEN]), write_shot(tmp_path / "gbk.jpg", [GBK]),
                         write_shot(tmp_path / "black.png", [], kind="black"))
    code, lines = scan(token, gbk, black)
    assert code == 0
    assert [line["file"] for line in lines] == [token, gbk, black]
    assert lines[0]["payloads"] == [TOKEN.decode("ascii")]
    assert lines[1]["payloads"] == [{"base64": base64.b64encode(GBK).decode("ascii")}]   # not valid UTF-8
    assert lines[2]["payloads"] == []
    assert all(line["ms"] >= 0 for line in lines)


def test_a_file_that_cannot_be_read_is_an_error_line_and_exit_1(tmp_path):
    token = write_shot(tmp_path / "token.png", [TOKEN])
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    code, lines = scan(str(tmp_path / "missing.png"), str(tmp_path / "notes.txt"), token)
    assert code == 1
    assert "error" in lines[0] and "payloads" not in lines[0]
    assert "error" in lines[1]
    assert lines[2]["payloads"] == [TOKEN.decode("ascii")]      # the others are still scanned


def test_scan_image_without_files_is_a_usage_error():
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "scan-image"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "at least one image" in run.stderr
