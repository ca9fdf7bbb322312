"""Open the QR camera with OpenCV and read frames from it, with typed errors.

    >>> camera = Camera.open("0", width=1280, height=720, fps=30)      # V4L2 camera index 0
    >>> camera = Camera.open("/dev/video2")                              # a V4L2 device path
    >>> camera = Camera.open("http://127.0.0.1:8080/stream.mjpg")        # a network camera (FFmpeg)
    >>> frame, captured_at = camera.read()     # BGR uint8, time.monotonic() when it arrived
    >>> camera.close()

Latency: the caller must read continuously (scanner.py does, on its own thread). A reader that
falls behind does not lose frames but queues them - in the V4L2 driver's buffers or, for a
network camera, in the TCP socket - and every frame after that arrives late (measured over
HTTP MJPEG: ~5 ms behind the sender while reading keeps up; reading at 2/3 of the stream's
rate, 650 ms median behind within 3 s, and growing). So V4L2 asks for the fewest buffers
(CAP_PROP_BUFFERSIZE=1) and the reading thread does nothing but read.

`BlackFrames` and `RateMeter` are the two frame checks the scanner runs on every frame: a lens
covered or a dead sensor gives black frames; a starved USB bus or a network camera gives too few.
"""
from __future__ import annotations

import collections
import os
import re
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.errors import DeviceError
from drivers.sentence import Sentence

__all__ = ["Camera", "CameraError", "CameraNotFound", "CameraUnplugged", "CameraBlack", "CameraTooSlow",
           "BlackFrames", "RateMeter", "parse_source"]


# ---------------------------------------------------------------- typed errors
class CameraError(DeviceError):
    """Base of every QR camera problem. The kiosk keeps card check-in working meanwhile."""

    message = Sentence("扫码功能暂时不能使用，请刷身份证或社保卡签到，或到咨询台办理")


class CameraNotFound(CameraError):
    """The camera could not be opened: no such device, busy, or the network camera does not answer."""

    message = Sentence("扫码摄像头没有连接好，请刷身份证或社保卡签到，工作人员会尽快处理")


class CameraUnplugged(CameraError):
    """The camera was open but frames stopped: cable pulled, device reset, network camera gone."""

    message = Sentence("扫码摄像头断开了，正在自动重新连接，您可以先刷身份证或社保卡签到")


class CameraBlack(CameraError):
    """Frames arrive but are black: the lens is covered or capped, or the sensor is dead."""

    message = Sentence("扫码摄像头看不到画面，请确认镜头没有被遮挡")


class CameraTooSlow(CameraError):
    """Frames arrive far slower than asked: scanning still works, but sluggishly."""

    message = Sentence("扫码摄像头反应较慢，请将二维码对准摄像头并稍等片刻")


# ---------------------------------------------------------------- where the camera is
@dataclass(frozen=True)
class Source:
    kind: str              # "index" | "device" | "url" | "file"
    target: int | str      # what cv2.VideoCapture is given (open() picks the backend by kind)

    def __str__(self) -> str:
        return f"{self.kind} {self.target}"


_URL = re.compile(r"^(https?|rtsp|rtsps|rtmp|udp|tcp)://", re.IGNORECASE)


def parse_source(source: str) -> Source:
    """Digits → a V4L2 camera index; /dev/... → a V4L2 device; a URL → FFmpeg; another existing
    file (a recorded clip, for trying the scanner at a desk) → FFmpeg."""
    text = source.strip()
    if text.isdigit():
        return Source("index", int(text))
    if _URL.match(text):
        return Source("url", text)
    if text.startswith("/dev/"):
        return Source("device", text)
    if text and os.path.isfile(text):
        return Source("file", text)
    raise CameraNotFound(f"camera source {source!r} is neither a camera index, a /dev path, "
                         f"a URL nor an existing file")


# What FFmpeg is told for network cameras (only when OPENCV_FFMPEG_CAPTURE_OPTIONS is not set by
# the operator). Measured on HTTP MJPEG: no change in steady-state latency (~5 ms either way) -
# it matters for RTSP/H.264 cameras, whose demuxer and decoder otherwise hold frames back.
# RTSP over TCP: a lost UDP packet would smear a frame and a smeared QR code does not decode.
FFMPEG_OPTIONS = "fflags;nobuffer|flags;low_delay"
FFMPEG_RTSP_OPTIONS = FFMPEG_OPTIONS + "|rtsp_transport;tcp"
_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
_env_lock = threading.Lock()      # OpenCV reads the variable at open: set it around one open only


# ---------------------------------------------------------------- the camera
class Camera:
    """One opened camera. Not thread-safe: one thread reads it (the scanner's capture thread)."""

    def __init__(self, capture: cv2.VideoCapture, source: Source):
        self._capture = capture
        self.source = source
        self.width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        self.height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self.backend = capture.getBackendName()

    @classmethod
    def open(cls, source: str, width: int = 1280, height: int = 720, fps: int = 30, *,
             open_timeout_s: float = 5.0, read_timeout_s: float = 2.0) -> "Camera":
        """Open and read one frame (a device that opens but gives nothing is not a camera).
        Raises CameraNotFound."""
        src = parse_source(source)
        if src.kind in ("url", "file"):
            capture = _open_ffmpeg(src, open_timeout_s, read_timeout_s)
        else:
            capture = _open_v4l2(src, width, height, fps)
        if capture is None or not capture.isOpened():
            if capture is not None:
                capture.release()
            raise CameraNotFound(f"cannot open camera ({src})")
        camera = cls(capture, src)
        if not capture.grab():
            capture.release()
            raise CameraNotFound(f"camera ({src}) opened but gives no frames")
        camera.width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)) or camera.width
        camera.height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) or camera.height
        return camera

    def read(self) -> tuple[np.ndarray, float]:
        """The next frame (BGR uint8, a new array each time) and the monotonic time it arrived.
        Raises CameraUnplugged when the camera stops giving frames."""
        if self._capture is None:
            raise CameraUnplugged(f"camera ({self.source}) is closed")
        if not self._capture.grab():
            raise CameraUnplugged(f"camera ({self.source}) stopped giving frames")
        captured_at = time.monotonic()     # before the JPEG/YUV decode in retrieve()
        ok, frame = self._capture.retrieve()
        if not ok or frame is None or frame.size == 0:
            raise CameraUnplugged(f"camera ({self.source}) gave an empty frame")
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        return frame, captured_at

    def close(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()

    def __enter__(self) -> "Camera":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Camera({self.source}, {self.width}x{self.height}, {self.backend})"


def _open_v4l2(src: Source, width: int, height: int, fps: int) -> cv2.VideoCapture | None:
    node = src.target if src.kind == "device" else f"/dev/video{src.target}"
    if not os.path.exists(str(node)):
        return None      # OpenCV would print two warnings on every retry; not found says it all
    capture = cv2.VideoCapture(src.target, cv2.CAP_V4L2)
    if not capture.isOpened():
        return capture
    # MJPG first: USB 2.0 cameras give 1280x720 uncompressed (YUYV) at only 5-10 fps.
    capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
    capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    capture.set(cv2.CAP_PROP_FPS, fps)
    capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)        # the fewest frames queued in the driver
    return capture


def _open_ffmpeg(src: Source, open_timeout_s: float, read_timeout_s: float) -> cv2.VideoCapture:
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(open_timeout_s * 1000),
              cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(read_timeout_s * 1000)]
    options = FFMPEG_RTSP_OPTIONS if str(src.target).lower().startswith("rtsp") else FFMPEG_OPTIONS
    with _env_lock:
        operator_set = _ENV in os.environ
        if not operator_set and src.kind == "url":
            os.environ[_ENV] = options
        try:
            return cv2.VideoCapture(str(src.target), cv2.CAP_FFMPEG, params)
        finally:
            if not operator_set:
                os.environ.pop(_ENV, None)


# ---------------------------------------------------------------- checks on every frame
class BlackFrames:
    """Counts consecutive black frames. update() is True once `frames` in a row were black.
    Sampling every 8th pixel each way keeps this ~0.2 ms on a 1280x720 frame."""

    def __init__(self, frames: int = 15, level: float = 8.0):
        self.frames, self.level = frames, level
        self.run = 0
        self.last_mean = 0.0

    def update(self, frame: np.ndarray) -> bool:
        self.last_mean = float(frame[::8, ::8].mean())
        self.run = self.run + 1 if self.last_mean < self.level else 0
        return self.run >= self.frames

    def reset(self) -> None:
        self.run = 0


class RateMeter:
    """Frames per second over the last `window_s` seconds; tick() on one thread, fps() on any."""

    def __init__(self, window_s: float = 2.0):
        self.window_s = window_s
        self._times: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self.started_at: float | None = None

    def tick(self, at: float) -> None:
        with self._lock:
            if self.started_at is None:
                self.started_at = at
            self._times.append(at)
            while self._times and at - self._times[0] > self.window_s:
                self._times.popleft()

    def fps(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._times if now - t <= self.window_s]
        if len(recent) < 2 or recent[-1] <= recent[0]:
            return 0.0
        span = recent[-1] - recent[0]
        interval = span / (len(recent) - 1)
        gap = now - recent[-1]
        # Frames that stopped coming lower the rate at once, not only when they leave the window.
        return (len(recent) - 1) / (span + gap) if gap > 2 * interval else 1.0 / interval

    def measured_for(self, now: float) -> float:
        """Seconds this meter has been counting (a rate is only judged after a full window)."""
        return 0.0 if self.started_at is None else now - self.started_at

    def reset(self) -> None:
        with self._lock:
            self._times.clear()
            self.started_at = None
