"""A simulated QR camera on a real transport: an MJPEG stream over HTTP, as network cameras and
`mjpg-streamer` serve it, which the real driver opens by URL through OpenCV's FFmpeg backend.

    >>> camera = CameraStream(CameraScenario(fps=15))
    >>> url = camera.start()                  # http://127.0.0.1:PORT/stream.mjpg
    >>> scene = camera.show([b"v1.abc.def"])   # a phone with this code from the next frame on
    >>> scene.wait_sent(1.0)                   # monotonic time its first frame left the server
    >>> camera.black(); camera.clear()         # lens covered; nobody at the camera
    >>> camera.unplug(); camera.replug()       # connections closed and refused; back on the same port
    >>> camera.stop()

Each view is drawn a few times (`variants`) by sim.camera.phone.render_frame and JPEG-encoded
once, up front: drawing takes 30-90 ms, which a 2-core machine cannot spend on every frame. The
stream cycles the variants and stamps each frame's number in a JPEG comment, so no two frames
are byte-identical, at the cost of a memcpy. A scripted scenario (sim/camera/scenario.py) is
rendered on a thread from start() on (start() itself returns at once: it is on the kiosk's
start-up path); show() renders on the caller's thread before switching, so the switch itself
is instant and `first_sent_at` is when the code really appeared. prepare() renders ahead.
"""
from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from sim.camera.scenario import CameraScenario, CameraStep
from sim.wire import TcpServer

if TYPE_CHECKING:
    import numpy as np

    from sim.camera.phone import Style

# numpy, OpenCV and the renderer are imported where frames are drawn (on the render thread), not
# here: `kiosk --sim` starts this server before its first frame, and they cost ~0.3 s to import.

log = logging.getLogger(__name__)

BOUNDARY = b"kioskframe"


@dataclass
class Scene:
    """One view the camera shows: a script step or a show()/clear()/black() call."""
    index: int
    kind: str                              # "nothing" | "phone" | "black" | "gone"
    payloads: list[bytes]
    first_sent_at: float | None = None     # monotonic: when its first frame was handed to a socket
    frames: list[bytes] = field(default_factory=list, repr=False)
    _sent: threading.Event = field(default_factory=threading.Event, repr=False)

    def wait_sent(self, timeout: float = 2.0) -> float:
        if not self._sent.wait(timeout):
            raise TimeoutError(f"no frame of scene {self.index} ({self.kind}) was sent within {timeout} s")
        assert self.first_sent_at is not None
        return self.first_sent_at


class CameraStream:
    def __init__(self, scenario: CameraScenario | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 path: str = "/stream.mjpg"):
        self.scenario = scenario or CameraScenario()
        self.host, self.port, self.path = host, port, path
        self._cache: dict[tuple, list[bytes]] = {}
        self._lock = threading.Lock()
        self._new_frame = threading.Condition(self._lock)
        self._seq = 0
        self._published: tuple[bytes, Scene] | None = None
        self._scene: Scene | None = None
        self.scenes: list[Scene] = []           # every view in order, with its send time
        self._server = _MjpegServer(self, host, port)
        self._plug_lock = threading.Lock()       # unplug()/replug() come from tests and the clock thread
        self._listening = False
        self._cut = threading.Event()            # unplugged: every _serve loop ends at once
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()
        self.unplugged = False
        self._script: list[CameraStep] = list(self.scenario.script)
        self._step = -1                          # index into the script; -1 = not started
        self._step_started = 0.0
        self._scripted = bool(self._script)
        self._first_client = threading.Event()
        self._ready = threading.Event()

    # ------------------------------------------------------------ lifetime
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    def start(self) -> str:
        """Listen and return the URL at once. The views are rendered on a thread once the first
        client connects (the kiosk opens its camera after its home screen is up: drawing earlier
        would only slow its start), and served as soon as they are ready."""
        self._listen()
        if self._script and self._script[0].kind == "gone":
            self._enter_step(0, time.monotonic())    # unplugged from the start
        self._spawn(self._render_views, "camera-sim render")
        self._spawn(self._clock, "camera-sim clock")
        return self.url

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """True once every scripted view (or the empty view) is rendered and being served."""
        return self._ready.wait(timeout)

    def _render_views(self) -> None:
        while not (self._first_client.wait(0.5) or self._stop.is_set()):
            pass
        try:
            for step in self._script:
                if step.kind != "gone":
                    self._frames_for(step.kind, step.payloads, step.style)
            if not self._script:
                scene = self._make_scene("nothing", [], None)
                with self._lock:
                    untouched = not self.scenes      # show() may have come first: it wins
                if untouched:
                    self._switch(scene)
        finally:
            self._ready.set()

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self.unplug()
        with self._new_frame:
            self._new_frame.notify_all()
        with self._threads_lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=3)

    def __enter__(self) -> "CameraStream":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------ runtime control (ends the script)
    def show(self, payloads: Sequence[bytes], style: "str | Style | None" = None) -> Scene:
        """A phone showing these codes (two = two codes in one frame); style: see scene_style()."""
        self._scripted = False
        return self._switch(self._make_scene("phone", [bytes(p) for p in payloads], style))

    def prepare(self, payloads: Sequence[bytes], style: "str | Style | None" = None) -> None:
        """Render a phone view ahead of time, so a later show() of it switches at once."""
        self._frames_for("phone", [bytes(p) for p in payloads], style)

    def clear(self, style: "str | Style | None" = None) -> Scene:
        """Nobody at the camera (style "sun": a mini-program code, which is not a QR code)."""
        self._scripted = False
        return self._switch(self._make_scene("nothing", [], style))

    def black(self) -> Scene:
        """Black frames, as with the lens covered."""
        self._scripted = False
        return self._switch(self._make_scene("black", [], None))

    def unplug(self) -> None:
        """Close every connection and refuse new ones, like a camera whose cable was pulled.
        Returns once the port is really closed (the server's threads joined), so replug() can
        listen on it again at once. Safe on the clock thread: it owns none of those threads."""
        with self._plug_lock:
            with self._new_frame:
                self.unplugged = True
                self._cut.set()
                self._new_frame.notify_all()     # _serve loops waiting for a frame end now
            if not self._listening:
                return
            self._listening = False
            with self._server._lock:
                cut = len(self._server._conns)
            self._server.stop()
            log.info("simulated camera unplugged (%d connection(s) cut)", cut)

    def replug(self) -> None:
        """Listen again on the same port."""
        if not self._stop.is_set() and self._listen():
            log.info("simulated camera plugged back in on %s", self.url)

    # ------------------------------------------------------------ views and frames
    def _make_scene(self, kind: str, payloads: list[bytes], style: str | None) -> Scene:
        frames = [] if kind == "gone" else self._frames_for(kind, payloads, style)
        return Scene(index=0, kind=kind, payloads=payloads, frames=frames)     # _switch numbers it

    def _switch(self, scene: Scene) -> Scene:
        with self._lock:
            scene.index = len(self.scenes)
            self.scenes.append(scene)
            if scene.frames:
                self._scene = scene
        return scene

    def _frames_for(self, kind: str, payloads: list[bytes], style: "str | Style | None") -> list[bytes]:
        key = (kind, tuple(payloads), style)
        if key not in self._cache:
            import cv2
            import numpy as np
            from sim.camera.phone import render_frame
            sc = self.scenario
            rng = np.random.default_rng([sc.seed, len(self._cache)])
            shot = scene_style(kind, payloads, rng, style, sc.width, sc.height)
            quality = shot.jpeg_quality or sc.jpeg_quality
            shot = dataclasses.replace(shot, jpeg_quality=None)      # one JPEG encoding, ours
            frames = []
            for i in range(sc.variants):
                variant = shot if i == 0 else _tremble(shot, rng)
                image = render_frame(payloads, rng, sc.width, sc.height, variant)
                ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
                assert ok
                frames.append(jpeg.tobytes())
            self._cache[key] = frames
        return self._cache[key]

    # ------------------------------------------------------------ the clock: script and frame rate
    def _clock(self) -> None:
        period = 1.0 / self.scenario.fps
        next_at = time.monotonic()
        n = 0
        while not self._stop.is_set():
            now = time.monotonic()
            if self._scripted:
                self._advance_script(now)
            with self._new_frame:
                scene = self._scene
                if scene is not None:
                    self._seq += 1
                    self._published = (_stamp(scene.frames[n % len(scene.frames)], self._seq), scene)
                    self._new_frame.notify_all()
            n += 1
            next_at += period
            if next_at < now - period:           # fell behind (a busy machine): skip, never burst
                next_at = now + period
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _advance_script(self, now: float) -> None:
        if not self._ready.is_set():
            return                               # a step must never wait for drawing
        if self._step < 0:
            if self._first_client.is_set():      # the script runs from the first connection on
                self._enter_step(0, now)
            return
        duration = self._script[self._step].duration
        if duration is None or now - self._step_started < duration:
            return
        following = self._step + 1
        if following >= len(self._script):
            if not self.scenario.repeat:
                if self._script[self._step].kind == "gone":
                    self.replug()
                self._scripted = False           # the last view stays
                return
            following = 0
        self._enter_step(following, now)

    def _enter_step(self, index: int, now: float) -> None:
        previous = self._script[self._step] if self._step >= 0 else None
        step = self._script[index]
        self._step, self._step_started = index, now
        if step.kind == "gone":
            self._switch(Scene(index=0, kind="gone", payloads=[]))
            self.unplug()
            return
        if previous is not None and previous.kind == "gone":
            self.replug()
        self._switch(self._make_scene(step.kind, step.payloads, step.style))

    # ------------------------------------------------------------ HTTP
    def _listen(self) -> bool:
        """Serve on the port (the same one after an unplug()); False when already listening."""
        with self._plug_lock:
            if self._listening:
                return False
            with self._lock:
                self._cut.clear()
                self.unplugged = False
            self.port = self._server.start()
            self._listening = True
            return True

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        with self._threads_lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _serve(self, conn: socket.socket) -> None:
        """One client, on a server thread: the request, then frames until it leaves or unplug()."""
        def ending() -> bool:
            return self._stop.is_set() or self._cut.is_set()

        try:
            if not self._answer_request(conn):
                return
            self._first_client.set()
            seq = self._seq
            while not ending():
                with self._new_frame:
                    self._new_frame.wait_for(lambda: self._seq != seq or ending(), timeout=1.0)
                    if ending() or self._published is None or self._seq == seq:
                        continue
                    seq, (jpeg, scene) = self._seq, self._published
                part = b"--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % (BOUNDARY, len(jpeg))
                self._mark_sent(scene)
                conn.sendall(part + jpeg + b"\r\n")
        except OSError:
            pass                                 # the client went away, or unplug() cut it

    def _answer_request(self, conn: socket.socket) -> bool:
        conn.settimeout(3.0)
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 16384:
            chunk = conn.recv(4096)
            if not chunk:
                return False
            request += chunk
        conn.settimeout(None)
        parts = request.split(b"\r\n", 1)[0].split()
        target = parts[1].decode("latin-1").split("?", 1)[0] if len(parts) >= 2 else ""
        if len(parts) < 2 or parts[0] != b"GET" or target != self.path:
            conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                         b"no such stream\n")
            return False
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=" + BOUNDARY +
                     b"\r\nCache-Control: no-cache, no-store\r\nPragma: no-cache\r\nConnection: close\r\n\r\n")
        return True

    def _mark_sent(self, scene: Scene) -> None:
        if scene.first_sent_at is None:
            with self._lock:
                if scene.first_sent_at is None:
                    scene.first_sent_at = time.monotonic()
                    scene._sent.set()


class _MjpegServer(TcpServer):
    """sim.wire's TCP server (its accept thread woken through a pipe and joined on stop()) with
    the stream's HTTP handler in place of a byte-in, byte-out device."""

    def __init__(self, stream: CameraStream, host: str, port: int):
        super().__init__(None, host, port, name="camera-sim")    # type: ignore[arg-type]  # _serve replaced
        self._stream = stream

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._stream._serve(conn)
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()


def scene_style(kind: str, payloads: list[bytes], rng: np.random.Generator, style: "str | Style | None",
                width: int, height: int) -> Style:
    """The shot for a view. style None: a citizen holding the phone comfortably (every code
    readable with a margin, no highlight on the glass); "random": any shot random_style draws, readable or not; a kind
    name ("phone", "cut", "two_phones", "two_on_screen", "sun", "empty", "black"); or a Style."""
    from sim.camera.phone import Style, random_style, render_labelled
    if isinstance(style, Style):
        return style
    if kind == "black":
        return random_style(rng, 0, kind="black", width=width, height=height)
    if style is not None:
        return random_style(rng, len(payloads), kind=None if style == "random" else style,
                            width=width, height=height, codes=payloads)
    if not payloads:
        return random_style(rng, 0, kind="empty", width=width, height=height)
    best = None
    for _ in range(40):
        shot = random_style(rng, len(payloads), kind="phone" if len(payloads) == 1 else None,
                            width=width, height=height, codes=payloads)
        labels = render_labelled(payloads, rng, width, height, dataclasses.replace(shot, jpeg_quality=None)).codes
        if all(p.glare == 0 for p in shot.phones) and all(
                c.readable and c.module_px >= 3.0 and c.attenuation >= 0.4 and c.snr >= 6 for c in labels):
            return shot
        best = best or (shot if all(c.readable for c in labels) else None)
    if best is None:
        raise ValueError(f"no readable shot found for {len(payloads)} code(s) of {[len(p) for p in payloads]} bytes")
    return best


def _tremble(shot: Style, rng: np.random.Generator) -> Style:
    """The same shot a moment later: a hand is never quite still (a pixel or two, a fraction of a degree)."""
    phones = tuple(dataclasses.replace(p, at=(p.at[0] + float(rng.normal(0, 1.2)), p.at[1] + float(rng.normal(0, 1.2))),
                                       roll=p.roll + float(rng.normal(0, 0.3))) for p in shot.phones)
    return dataclasses.replace(shot, phones=phones)


def _stamp(jpeg: bytes, seq: int) -> bytes:
    """The frame number as a JPEG comment (COM) right after SOI: every frame differs, for free."""
    text = b"frame %d" % seq
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]
