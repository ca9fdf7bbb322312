"""The real QR scanner (OpenCV's FFmpeg backend) reading the simulated camera's MJPEG stream
over HTTP on 127.0.0.1: what a citizen holding up a phone, and a technician, would notice."""
from __future__ import annotations

import threading
import time

import pytest

from drivers.scanner.camera import CameraBlack, CameraNotFound, CameraTooSlow, CameraUnplugged
from drivers.scanner.scanner import QrScanner
from kiosk.wording import say
from sim.camera.scenario import CameraScenario, CameraStep
from sim.camera.stream import CameraStream

pytestmark = pytest.mark.wire


class Seen:
    """What the scanner told the kiosk, in order."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes: list[tuple[bytes, float]] = []
        self.states: list[tuple[str, object]] = []

    def on_code(self, payload: bytes, seen_at: float) -> None:
        with self.lock:
            self.codes.append((payload, seen_at))

    def on_state(self, state: str, error) -> None:
        with self.lock:
            self.states.append((state, error))

    def payloads(self) -> list[bytes]:
        with self.lock:
            return [p for p, _ in self.codes]

    def last_state(self):
        with self.lock:
            return self.states[-1] if self.states else (None, None)


@pytest.fixture
def camera():
    made: list[CameraStream] = []

    def make(scenario: CameraScenario | None = None) -> CameraStream:
        stream = CameraStream(scenario or CameraScenario(fps=15, variants=2))
        stream.start()
        made.append(stream)
        return stream

    yield make
    for stream in made:
        stream.stop()


@pytest.fixture
def scanner():
    made: list[QrScanner] = []

    def make(url: str, scanning: bool = True, **options) -> tuple[QrScanner, Seen]:
        seen = Seen()
        options.setdefault("reconnect_s", (0.2, 0.5))
        qr = QrScanner(url, on_code=seen.on_code, on_state=seen.on_state, **options)
        made.append(qr)
        qr.start()
        qr.set_scanning(scanning)
        return qr, seen

    yield make
    for qr in made:
        qr.stop()


def test_a_scripted_citizen_holds_up_codes_and_the_camera_drops_out(camera, scanner, wait_until):
    script = [CameraStep(nothing=0.3), CameraStep(phone="APPT-0001", seconds=1.6),
              CameraStep(phone="APPT-0002", seconds=0.8), CameraStep(gone=0.6),
              CameraStep(phone="APPT-0003", seconds=0.8)]
    stream = camera(CameraScenario(fps=15, variants=2, script=script))
    # A window shorter than the hold: only a window that slides with each sighting says it once.
    qr, seen = scanner(stream.url, repeat_window_s=0.6)

    assert wait_until(lambda: len(seen.payloads()) >= 3, timeout=8)
    assert seen.payloads() == [b"APPT-0001", b"APPT-0002", b"APPT-0003"]
    assert qr.stats().repeats >= 15                # decoded again and again while held, said once
    first = next(s for s in stream.scenes if s.payloads == [b"APPT-0001"])
    assert 0 <= seen.codes[0][1] - first.first_sent_at < 0.3     # seen_at is the frame's capture time
    faults = [error for state, error in seen.states if state == "faulty"]
    assert len(faults) == 1 and isinstance(faults[0], CameraUnplugged)
    assert qr.state == "ok" and qr.stats().recoveries == 1


def test_two_codes_in_one_frame_are_both_reported(camera, scanner, wait_until):
    stream = camera()
    qr, seen = scanner(stream.url)
    stream.show([b"LEFT-CODE", b"RIGHT-CODE"])
    assert wait_until(lambda: len(seen.payloads()) >= 2, timeout=4)
    assert sorted(seen.payloads()) == [b"LEFT-CODE", b"RIGHT-CODE"]
    assert seen.codes[0][1] == seen.codes[1][1]     # the same frame


def test_no_decoding_while_the_scan_screen_is_closed(camera, scanner, wait_until):
    stream = camera()
    stream.show([b"NOT-NOW"])
    qr, seen = scanner(stream.url, scanning=False)
    assert wait_until(lambda: qr.stats().frames_captured >= 15, timeout=4)
    assert seen.payloads() == [] and qr.stats().frames_decoded == 0
    qr.set_scanning(True)
    assert wait_until(lambda: seen.payloads() == [b"NOT-NOW"], timeout=3)


def test_unplugged_mid_scan_is_faulty_then_recovers_by_itself(camera, scanner, wait_until):
    stream = camera()
    qr, seen = scanner(stream.url)
    stream.show([b"BEFORE"])
    assert wait_until(lambda: seen.payloads() == [b"BEFORE"], timeout=4)

    stream.unplug()
    assert wait_until(lambda: qr.state == "faulty", timeout=4)
    state, error = seen.last_state()
    assert state == "faulty" and isinstance(error, CameraUnplugged)
    assert "断开" in say(error.message, "zh_CN") and say(error.message, "en")
    assert qr.preview() is None                    # no frozen picture of the last frame
    time.sleep(1.0)                                # reconnects are refused meanwhile
    assert qr.state == "faulty" and isinstance(qr.error, CameraUnplugged)

    stream.replug()
    stream.show([b"AFTER"])
    assert wait_until(lambda: qr.state == "ok", timeout=4)
    assert wait_until(lambda: b"AFTER" in seen.payloads(), timeout=4)
    assert qr.stats().recoveries == 1 and qr.stats().opens == 2


def test_black_frames_are_reported_as_a_covered_lens(camera, scanner, wait_until):
    stream = camera()
    qr, seen = scanner(stream.url, black_frames=10)
    assert wait_until(lambda: qr.state == "ok", timeout=4)
    stream.black()
    assert wait_until(lambda: qr.state == "faulty", timeout=4)
    assert isinstance(qr.error, CameraBlack) and "遮挡" in say(qr.error.message, "zh_CN")
    stream.clear()
    assert wait_until(lambda: qr.state == "ok", timeout=3)


def test_preview_keeps_coming_while_decoding(camera, scanner, wait_until):
    stream = camera(CameraScenario(fps=20, variants=2))
    qr, seen = scanner(stream.url)
    stream.show([b"PREVIEW-WHILE-DECODING"])
    assert wait_until(lambda: qr.preview() is not None, timeout=4)
    first = qr.preview()
    assert first.image.shape == (360, 640, 3)      # RGB for the screen, the camera's 16:9
    time.sleep(1.0)
    last = qr.preview()
    assert last.frame_no - first.frame_no >= 12    # ~20 new frames in 1 s, decoding all along
    assert qr.stats().frames_decoded >= 10 and seen.payloads() == [b"PREVIEW-WHILE-DECODING"]


def test_a_too_large_result_is_dropped_and_counted(camera, scanner, wait_until):
    stream = camera()
    qr, seen = scanner(stream.url, max_payload_bytes=16)
    stream.show([b"X" * 40])
    assert wait_until(lambda: qr.stats().dropped.get("too_large", 0) >= 3, timeout=4)
    assert seen.payloads() == []


def test_a_camera_that_is_not_there(camera, scanner, wait_until):
    stream = camera()
    qr, seen = scanner(stream.url.replace("/stream.mjpg", "/nothing-here"))
    assert wait_until(lambda: qr.state == "faulty", timeout=6)
    assert isinstance(qr.error, CameraNotFound) and qr.preview() is None


def test_a_camera_far_slower_than_asked_is_a_warning_and_still_scans(camera, scanner, wait_until):
    stream = camera(CameraScenario(fps=3, variants=2))
    qr, seen = scanner(stream.url, min_fps=5)
    stream.show([b"SLOW-BUT-READ"])
    assert wait_until(lambda: seen.payloads() == [b"SLOW-BUT-READ"], timeout=4)
    assert wait_until(lambda: qr.state == "warning", timeout=4)          # judged over a 2 s window
    assert isinstance(qr.error, CameraTooSlow) and say(qr.error.message, "en")
    assert 2 <= qr.stats().fps <= 4
