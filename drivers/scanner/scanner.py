"""The QR scanner: a camera read on one thread, QR codes decoded on another.

    >>> scanner = QrScanner("0", on_code=lambda payload, seen_at: ..., on_state=lambda state, error: ...)
    >>> scanner.start()              # returns at once; opens (and reopens) the camera by itself
    >>> scanner.set_scanning(True)   # the scan screen is open: decode
    >>> scanner.preview()            # Preview(image=640x360 RGB, frame_no, captured_at) or None
    >>> scanner.stop()

Two threads, so decoding never slows capture or the preview:
- capture: reads frames as fast as the camera gives them and keeps only the newest (a reader
  that falls behind makes every later frame late, see camera.py); checks each frame for black
  and the rate for "too slow"; reopens the camera with backoff when it disappears.
- decode: while scanning, takes the newest frame (older ones are simply skipped), converts it
  to grey and hands it to the decoder; reports each payload once while it keeps being seen.

No Qt: callbacks run on these threads; a GUI layer re-posts them to its own thread.
- on_code(payload: bytes, seen_at: float) - raw bytes (validating them is the caller's job);
  seen_at is the time.monotonic() at which the frame holding the code was captured. A payload
  seen again within `repeat_window_s` of its last sighting is not reported again (a citizen
  holds the phone still for seconds). Payloads over `max_payload_bytes` are dropped and counted.
- on_state(state, error) - "starting", "ok", "warning" (CameraTooSlow: it still scans),
  "faulty" (CameraNotFound / CameraUnplugged / CameraBlack), "stopped"; called on every change,
  including recovery. While faulty the kiosk says the scanner is out of service and card
  check-in carries on. A camera that vanishes stays CameraUnplugged while reopening fails.
"""
from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Literal

import cv2
import numpy as np

from drivers.callbacks import call_safely
from drivers.scanner.camera import (BlackFrames, Camera, CameraBlack, CameraError, CameraNotFound,
                                    CameraTooSlow, CameraUnplugged, RateMeter)
from drivers.scanner.decoders import Decoder, default_decoder

log = logging.getLogger(__name__)

ScannerState = Literal["stopped", "starting", "ok", "warning", "faulty"]


@dataclass(frozen=True)
class Preview:
    image: np.ndarray       # RGB uint8, `preview_width` wide, the camera's aspect ratio
    frame_no: int           # grows by one per captured frame: unchanged means nothing new to show
    captured_at: float      # time.monotonic() of the capture


@dataclass(frozen=True)
class ScannerStats:
    state: ScannerState
    opened: bool
    source: str
    backend: str
    resolution: tuple[int, int] | None      # what the camera actually gives (width, height)
    fps: float                              # measured over the last 2 s
    frames_captured: int
    frames_decoded: int
    codes_read: int                         # reported through on_code
    repeats: int                            # seen again within repeat_window_s, not reported
    dropped: dict[str, int] = field(default_factory=dict)    # reason → count
    decode_ms: float = 0.0                  # median of the last 50 decodes
    decoder: str = ""
    opens: int = 0
    recoveries: int = 0
    last_error: str | None = None


class QrScanner:
    def __init__(self, source: str, *, width: int = 1280, height: int = 720, fps: int = 30,
                 repeat_window_s: float = 3.0,
                 on_code: Callable[[bytes, float], None] | None = None,
                 on_state: Callable[[str, CameraError | None], None] | None = None,
                 decoder: Decoder | None = None, preview_width: int = 640,
                 max_payload_bytes: int = 1024, black_frames: int = 15, min_fps: float = 5.0,
                 stall_s: float = 3.0, reconnect_s: tuple[float, float] = (0.5, 3.0),
                 open_timeout_s: float = 5.0, read_timeout_s: float = 2.0,
                 opener: Callable[..., Camera] = Camera.open):
        self.source, self.width, self.height, self.fps = source, width, height, fps
        self.repeat_window_s = repeat_window_s
        self.on_code, self.on_state = on_code, on_state
        self.decoder = decoder
        self.preview_width = preview_width
        self.max_payload_bytes = max_payload_bytes
        self.min_fps, self.stall_s = min_fps, stall_s
        self.reconnect_s = reconnect_s
        self.open_timeout_s, self.read_timeout_s = open_timeout_s, read_timeout_s
        self._opener = opener
        self._black = BlackFrames(frames=black_frames)
        self._rate = RateMeter()

        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._cond = threading.Condition()           # guards the newest frame and `_scanning`
        self._frame: np.ndarray | None = None
        self._frame_no = 0
        self._frame_at = 0.0
        self._scanning = False
        self._camera: Camera | None = None
        self._camera_since = 0.0
        self._preview: Preview | None = None

        self._state_lock = threading.RLock()         # one state change and its callback at a time
        self._state: ScannerState = "stopped"
        self._error: CameraError | None = None
        self._last_error: CameraError | None = None

        self._seen: dict[bytes, float] = {}          # payload → capture time of its last sighting
        self._seen_lock = threading.Lock()
        self._decode_ms: deque[float] = deque(maxlen=50)
        self._counts = {"frames_decoded": 0, "codes_read": 0, "repeats": 0, "opens": 0, "recoveries": 0}
        self._dropped: dict[str, int] = {}

    # ------------------------------------------------------------ control
    def start(self) -> "QrScanner":
        if self._threads:
            raise RuntimeError("scanner already started")
        if self.decoder is None:
            self.decoder = default_decoder()
        self._stop.clear()
        self._set_state("starting", None)
        for name, target in (("qr-capture", self._capture_loop), ("qr-decode", self._decode_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop both threads and close the camera. A capture thread inside a read returns within
        read_timeout_s (OpenCV cannot interrupt a read from another thread)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        timeout = self.read_timeout_s + 1.0 if timeout is None else timeout
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        self._set_state("stopped", None)

    def __enter__(self) -> "QrScanner":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_scanning(self, on: bool) -> None:
        """Decode only while the scan screen is open; the preview keeps coming either way."""
        with self._cond:
            self._scanning = bool(on)
            self._cond.notify_all()

    def forget_seen(self) -> None:
        """Report the next sighting of any code, even one seen a moment ago."""
        with self._seen_lock:
            self._seen.clear()

    # ------------------------------------------------------------ what the kiosk reads
    @property
    def state(self) -> ScannerState:
        return self._state

    @property
    def error(self) -> CameraError | None:
        """Why the scanner is faulty or warning now (None when ok)."""
        return self._error

    def preview(self) -> Preview | None:
        """The newest frame scaled to `preview_width` (RGB, ready for QImage.Format_RGB888), or
        None while no camera gives frames. Cheap to call at the screen's rate: a frame already
        scaled is returned as it is."""
        with self._cond:
            frame, frame_no, captured_at = self._frame, self._frame_no, self._frame_at
        if frame is None:
            return None
        cached = self._preview
        if cached is not None and cached.frame_no == frame_no:
            return cached
        h, w = frame.shape[:2]
        size = (self.preview_width, max(1, round(h * self.preview_width / w)))
        small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA if w > size[0] else cv2.INTER_LINEAR)
        preview = Preview(cv2.cvtColor(small, cv2.COLOR_BGR2RGB), frame_no, captured_at)
        self._preview = preview
        return preview

    def stats(self) -> ScannerStats:
        camera = self._camera
        decode_ms = statistics.median(self._decode_ms) if self._decode_ms else 0.0
        last = self._last_error
        return ScannerStats(
            state=self._state, opened=camera is not None, source=self.source,
            backend=camera.backend if camera else "",
            resolution=(camera.width, camera.height) if camera else None,
            fps=round(self._rate.fps(), 1) if camera else 0.0,
            frames_captured=self._frame_no, frames_decoded=self._counts["frames_decoded"],
            codes_read=self._counts["codes_read"], repeats=self._counts["repeats"],
            dropped=dict(self._dropped), decode_ms=round(decode_ms, 1),
            decoder=getattr(self.decoder, "name", ""), opens=self._counts["opens"],
            recoveries=self._counts["recoveries"],
            last_error=f"{type(last).__name__}: {last}" if last else None)

    # ------------------------------------------------------------ capture thread
    def _capture_loop(self) -> None:
        delay = self.reconnect_s[0]
        while not self._stop.is_set():
            try:
                camera = self._opener(self.source, self.width, self.height, self.fps,
                                      open_timeout_s=self.open_timeout_s, read_timeout_s=self.read_timeout_s)
            except Exception as e:          # cv2.error and the like: still "cannot open"
                self._open_failed(e if isinstance(e, CameraError)
                                  else CameraNotFound(f"cannot open camera {self.source!r}: {e}"))
            else:
                self._counts["opens"] += 1
                log.info("camera open: %r", camera)
                got_frames = self._read_frames(camera)
                if got_frames:
                    delay = self.reconnect_s[0]      # a camera that worked is retried quickly
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self.reconnect_s[1])

    def _open_failed(self, error: CameraError) -> None:
        if isinstance(self._error, CameraUnplugged):
            self._last_error = error         # still the camera that went away, not a missing one
        else:
            self._set_state("faulty", error)

    def _read_frames(self, camera: Camera) -> bool:
        """Read until stopped or the camera fails; True if any frame came."""
        self._camera_since = time.monotonic()
        self._camera = camera
        self._black.reset()
        self._rate.reset()
        got = False
        try:
            while not self._stop.is_set():
                frame, captured_at = camera.read()
                got = True
                with self._cond:
                    self._frame, self._frame_at = frame, captured_at
                    self._frame_no += 1
                    self._cond.notify_all()
                self._rate.tick(captured_at)
                self._judge_frame(frame, captured_at)
        except CameraError as e:
            self._set_state("faulty", e)
        except Exception as e:
            self._set_state("faulty", CameraUnplugged(f"camera read failed: {e}"))
        finally:
            self._camera = None
            with self._cond:
                self._frame = None           # no stale picture on the screen once it is gone
            camera.close()
        return got

    def _judge_frame(self, frame: np.ndarray, at: float) -> None:
        if self._black.update(frame):
            if not isinstance(self._error, CameraBlack):
                self._set_state("faulty", CameraBlack(
                    f"{self._black.run} black frames in a row (mean brightness {self._black.last_mean:.1f})"))
            return
        if self._black.run:
            return                           # a short dark moment (a hand passing): no verdict
        if self._rate.measured_for(at) >= self._rate.window_s:
            rate = self._rate.fps(at)
            if rate < self.min_fps:
                if not isinstance(self._error, CameraTooSlow):
                    self._set_state("warning", CameraTooSlow(f"{rate:.1f} fps, expected at least {self.min_fps:g}"))
                return
        self._set_state("ok", None)

    # ------------------------------------------------------------ decode thread
    def _decode_loop(self) -> None:
        last_no = 0
        while not self._stop.is_set():
            with self._cond:
                self._cond.wait_for(lambda: self._stop.is_set() or (self._scanning and self._frame_no != last_no
                                                                   and self._frame is not None), timeout=0.25)
                ready = self._scanning and self._frame is not None and self._frame_no != last_no
                frame, frame_no, captured_at = self._frame, self._frame_no, self._frame_at
            self._watch_for_stall()
            if self._stop.is_set() or not ready:
                continue
            last_no = frame_no
            self._decode(frame, captured_at)

    def _decode(self, frame: np.ndarray, captured_at: float) -> None:
        started = time.perf_counter()
        try:
            gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            payloads = self.decoder.decode(gray)
        except Exception:
            self._drop("decoder_error")
            log.exception("QR decoder %s failed on a frame", getattr(self.decoder, "name", "?"))
            return
        self._decode_ms.append((time.perf_counter() - started) * 1000)
        self._counts["frames_decoded"] += 1
        for payload in payloads:
            self._consider(bytes(payload), captured_at)

    def _consider(self, payload: bytes, seen_at: float) -> None:
        if len(payload) > self.max_payload_bytes:
            self._drop("too_large")
            return
        with self._seen_lock:
            last = self._seen.get(payload)
            self._seen[payload] = seen_at
            if len(self._seen) > 32:         # forget codes gone longer than the window
                self._seen = {p: t for p, t in self._seen.items() if seen_at - t <= self.repeat_window_s}
        if last is not None and seen_at - last <= self.repeat_window_s:
            self._counts["repeats"] += 1
            return
        if not self._scanning:               # the scan screen closed while this frame was decoded
            return
        self._counts["codes_read"] += 1
        log.info("QR code read (%d bytes)", len(payload))      # never the payload: it is a token
        call_safely(self.on_code, payload, seen_at)

    def _drop(self, reason: str) -> None:
        self._dropped[reason] = self._dropped.get(reason, 0) + 1

    def _watch_for_stall(self) -> None:
        """A read that hangs (a camera that stays connected but sends nothing) cannot report
        itself from the capture thread; the decode thread, awake every 0.25 s, does."""
        if self._camera is None:
            return
        quiet = time.monotonic() - max(self._frame_at, self._camera_since)
        if quiet > self.stall_s and not isinstance(self._error, CameraUnplugged):
            self._set_state("faulty", CameraUnplugged(f"no frame for {quiet:.1f} s"))

    # ------------------------------------------------------------ health
    def _set_state(self, state: ScannerState, error: CameraError | None) -> None:
        with self._state_lock:
            if self._stop.is_set() and state != "stopped":
                return                       # a thread finishing after stop()
            if error is not None:
                self._last_error = error
            if state == self._state and type(error) is type(self._error):
                return
            recovered = self._state == "faulty" and state == "ok"
            if recovered:
                self._counts["recoveries"] += 1
            if error is not None:
                log.warning("QR scanner %s: %s: %s", state, type(error).__name__, error)
            elif recovered:
                log.info("QR scanner recovered")
            self._state, self._error = state, error
            call_safely(self.on_state, state, error)
