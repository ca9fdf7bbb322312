"""The QR camera as the kiosk sees it: health, a preview, and "a code was shown".

The driver (drivers.scanner.QrScanner) captures and decodes on its own two threads; this role
only translates: scanner states become the DeviceHealth every device has, and each new code
goes to listeners as a CodeSeen event from the decoding thread. Decoding runs
only while a check-in screen asks for it (`set_scanning`), so an idle kiosk spends no CPU on it.

The driver (numpy, OpenCV, the decoders: ~0.3 s of imports) is loaded and the camera opened on
a thread of its own, a moment after start-up: nobody scans on the home screen, and the home
screen's first frame should not wait for a camera nobody has asked for yet.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from drivers.scanner.camera import CameraNotFound

from kiosk.config import Strict
from kiosk.devices import DeviceHealth
from kiosk.events import CodeSeen, HealthChanged
from kiosk.roles import DeviceRole, Driver, register
from kiosk.wording import NOTHING, Sentence

if TYPE_CHECKING:
    from drivers.scanner.scanner import Preview, QrScanner

log = logging.getLogger(__name__)

_STATES = {"ok": "ok", "warning": "warning", "faulty": "fault", "starting": "absent", "stopped": "absent"}
OPEN_DELAY_S = 1.5


class CameraDevice(Strict):
    """The QR camera: a V4L2 camera index ("0"), a device path (/dev/video0) or a video URL."""
    driver: Literal["opencv"] = "opencv"
    source: str = "0"
    width: int = Field(default=1280, ge=160)
    height: int = Field(default=720, ge=120)
    fps: int = Field(default=30, ge=1, le=120)
    repeat_window_s: float = Field(default=3.0, ge=0, description="the same code read again within this counts once")


class CameraRole(DeviceRole):
    kind = "camera"
    title = "扫码摄像头"

    def __init__(self, name: str, settings: CameraDevice):
        super().__init__(name, settings)
        self.scanner: QrScanner | None = None
        self._reason = Sentence("正在打开摄像头")
        self._scanning = False
        self._lock = threading.Lock()        # the scanner appears once, while screens may ask

    # ---------------------------------------------------------------- life cycle
    def start(self, delay_s: float = OPEN_DELAY_S) -> None:
        threading.Thread(target=self._open, args=(delay_s,), name="camera-open", daemon=True).start()

    def _open(self, delay_s: float) -> None:
        time.sleep(delay_s)
        if self._stop.is_set():
            return
        from drivers.scanner.scanner import QrScanner
        s = self.settings
        scanner = QrScanner(s.source, width=s.width, height=s.height, fps=s.fps, repeat_window_s=s.repeat_window_s,
                            on_code=self._on_code, on_state=self._on_state)
        with self._lock:
            if self._stop.is_set():
                return
            self.scanner = scanner
            scanner.start()
            scanner.set_scanning(self._scanning)

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            if self.scanner is not None:
                self.scanner.stop()
        super().stop()

    # ---------------------------------------------------------------- what the kiosk reads
    @property
    def state(self) -> str:
        """The health state alone, without gathering the figures (screens ask this often)."""
        return "absent" if self.scanner is None else _STATES.get(self.scanner.state, "fault")

    @property
    def health(self) -> DeviceHealth:
        """Fresh figures every time: the technician screen watches fps and counts live."""
        if self.scanner is None:
            return DeviceHealth(self.name, self.title, "absent", self._reason, {"opened": False}, time.time())
        stats = self.scanner.stats()
        details = {"opened": stats.opened, "source": stats.source,
                   "resolution": "x".join(map(str, stats.resolution)) if stats.resolution else "",
                   "fps": round(stats.fps, 1), "frames_decoded": stats.frames_decoded,
                   "codes_read": stats.codes_read, "decode_ms": round(stats.decode_ms, 1),
                   "decoder": stats.decoder, "last_error": stats.last_error or ""}
        return DeviceHealth(self.name, self.title, self.state, self._reason, details, time.time())

    def set_scanning(self, on: bool) -> None:
        with self._lock:
            self._scanning = on
            if self.scanner is None:
                return
            self.scanner.set_scanning(on)
            if on:
                self.scanner.forget_seen()       # the citizen before may have shown the same code

    @property
    def scanning(self) -> bool:
        return self._scanning

    def preview(self) -> Preview | None:
        scanner = self.scanner
        return scanner.preview() if scanner is not None else None

    # ---------------------------------------------------------------- from the scanner's threads
    def _on_code(self, payload: bytes, seen_at: float) -> None:
        self._emit(CodeSeen(payload, seen_at))

    def _on_state(self, state: str, error) -> None:
        if error is not None:
            self._reason = error.message      # a CameraError: always worded
        elif state == "ok":
            self._reason = NOTHING
        log.info("camera: %s %s", state, f"({type(error).__name__}: {error})" if error else "")
        self._emit(HealthChanged(self.health))

    def test_scan(self, timeout_s: float = 15.0) -> Future:
        """Technician: the next code the camera decodes, as (its size in bytes, ms to read it), or
        None if none came within timeout_s. The role's own `scanning` stays off, so the core does
        not look the code up (a real appointment shown here is not checked in)."""
        done: Future = Future()
        scanner = self.scanner
        if scanner is None:
            done.set_exception(CameraNotFound("the camera is not open"))
            return done
        started = time.monotonic()

        def seen(event) -> None:
            if isinstance(event, CodeSeen) and not done.done():
                done.set_result((len(event.payload), round((time.monotonic() - started) * 1000)))
        timer = threading.Timer(timeout_s, lambda: done.done() or done.set_result(None))
        timer.daemon = True
        self.add_listener(seen)
        scanner.forget_seen()
        scanner.set_scanning(True)
        timer.start()

        def restore(_) -> None:
            timer.cancel()
            self.remove_listener(seen)
            with self._lock:
                scanner.set_scanning(self._scanning)
        done.add_done_callback(restore)
        return done

    # ---------------------------------------------------------------- kiosk-diag
    def check_once(self, timeout_s: float = 8.0, watch_s: float = 2.0) -> DeviceHealth:
        """Open the camera now, let it run a moment (fps is measured over time) and decode what
        it sees: frames decoded count as part of the check."""
        self.start(delay_s=0)
        deadline = time.monotonic() + timeout_s        # the driver's import and a ≤ 5 s open
        while self.state == "absent" and time.monotonic() < deadline:
            time.sleep(0.05)
        self.set_scanning(True)
        time.sleep(watch_s)
        return self.health


register(Driver("opencv", CameraRole.kind, CameraDevice, CameraRole))
