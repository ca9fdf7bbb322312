"""Labelled 1280×720 camera frames for the QR decoder that the kiosk's own camera simulator did
not make.

Why a second generator: the decoder chain in drivers/scanner/decoders.py was chosen by measuring
it on sim/camera/'s frames, so those frames cannot tell us whether it merely learned them. This
module shares no rendering code with sim/camera/ (it imports nothing from sim/): segno gives
the QR matrix and everything else - the hall, the phone, the camera - is drawn and degraded here
with numpy and OpenCV, with other parameters: long WeChat-style URL payloads (bigger code
versions), small modules, motion blur up to two modules at any angle, strong uneven lighting and
JPEG quality down to 50. About one frame in eight holds no code at all (the hall, a face close to
the camera, a printed notice, a phone showing a chat).

Every frame is a pure function of (seed, index): `frame(seed, i)` gives the same pixels each time,
and a set of any size is the first `count` of an endless sequence.

    >>> f = frame(seed=1, index=0)
    >>> f.image.shape, f.payload, f.params["module_px"]

Run to look at frames:  .venv/bin/python tests/benchmarks/foreign_frames.py --out /tmp/foreign [--count 40]
"""
from __future__ import annotations

import argparse
import json
import math
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import segno

# ---------------------------------------------------------------- the set's parameters
# Chosen to differ from sim/camera/, then tuned so that zxing-cpp alone (ZxingDecoder in
# drivers/scanner/decoders.py) reads no more than about 94 % of the frames that carry a code: it
# reads 92.4 / 89.3 / 90.7 % of 300 frames with seeds 1 / 2 / 3. Tuned, against zxing-cpp alone
# only (never against the decoder under test): the first draft read 52 % (blur in every second
# frame, uniform up to 2 modules, defocus up to 1.1 px, a streak drawn longer than its nominal
# length); then DEFOCUS_SIGMA came down to 0.2-0.8 px, the streak got its exact length, and
# MOTION_SHARE / MOTION_MODULES became 40 % of codes with a triangular length distribution,
# because zxing-cpp reads under half of the codes smeared 1.5 modules or more.
WIDTH, HEIGHT = 1280, 720
FOCAL_PX = 1100.0                 # a 1280-wide camera with a ~60° horizontal field of view
EMPTY_SHARE = 0.12                # frames with no code at all
EMPTY_KINDS = ("hall", "face", "text", "chat")   # what such a frame shows instead
URL_SHARE = 0.65                  # payloads that are long WeChat-style URLs; the rest short tokens
URL_CHARS = (80, 200)             # length of a URL payload
TOKEN_CHARS = (6, 40)             # length of a short token
ERROR_LEVELS = ("L", "M", "M", "Q")   # QR error correction, drawn per code (M is the usual)
MODULE_PX = (2.0, 5.0)            # module side in the frame for a facing code, px
QUIET_MODULES = (2, 4)            # white margin the app leaves around the code, in modules
ROLL_DEG = 180.0                  # in-plane rotation, uniform in ±ROLL_DEG (a phone held any way)
TILT_DEG = 35.0                   # out-of-plane tilt about each axis, uniform in ±TILT_DEG
DEFOCUS_SIGMA = (0.2, 0.8)        # Gaussian defocus of the phone, px
MOTION_SHARE = 0.4                # codes with hand-shake motion blur (a linear kernel at a random angle)
MOTION_MODULES = (0.2, 2.0)       # its length in modules, from a triangular distribution that falls to
                                  # zero at 2 (short shakes are common, long ones rare)
UNEVEN_LIGHT = (0.40, 1.0)        # darkest part of the frame relative to the brightest (a gradient
                                  # across the frame times a vignette)
SCREEN_WHITE = (150, 250)         # grey level of the screen's white as the camera records it
SCREEN_BLACK = (5, 60)            # and of the code's dark modules
NOISE_SIGMA = (1.0, 6.0)          # sensor noise, grey levels
JPEG_QUALITY = (50, 90)           # every frame goes through a JPEG round trip


@dataclass
class Frame:
    image: np.ndarray                      # BGR uint8, HEIGHT × WIDTH
    payload: bytes | None                  # the code's bytes, None for a frame without a code
    params: dict = field(default_factory=dict)   # how it was drawn (for reading the results)


def frame(seed: int, index: int) -> Frame:
    """Frame `index` of the set `seed`."""
    rng = np.random.default_rng([seed, index])
    canvas = _hall(rng)
    params: dict = {}
    if rng.random() < EMPTY_SHARE:
        kind = EMPTY_KINDS[int(rng.integers(len(EMPTY_KINDS)))]
        params["kind"] = kind
        if kind == "face":
            _face(canvas, rng)
        elif kind == "text":
            _notice(canvas, rng)
        elif kind == "chat":
            _phone(canvas, rng, None, params)
        payload = None
    else:
        params["kind"] = "code"
        payload = _payload(rng)
        _phone(canvas, rng, payload, params)
    canvas = _light_and_sensor(canvas, rng, params)
    return Frame(canvas, payload, params)


def frames(seed: int, count: int) -> list[Frame]:
    return [frame(seed, i) for i in range(count)]


# ---------------------------------------------------------------- payloads

_B64 = string.ascii_letters + string.digits + "-_"
_HEX = "0123456789abcdef"


def _pick(rng, alphabet: str, n: int) -> str:
    return "".join(alphabet[i] for i in rng.integers(len(alphabet), size=n))


def _payload(rng) -> bytes:
    if rng.random() < URL_SHARE:
        return _url(rng, int(rng.integers(URL_CHARS[0], URL_CHARS[1] + 1))).encode("ascii")
    n = int(rng.integers(TOKEN_CHARS[0], TOKEN_CHARS[1] + 1))
    style = rng.integers(3)
    if style == 0:                                     # a ticket or appointment number
        text = f"{_pick(rng, 'ABCPGZ', 1)}{rng.integers(1, 999):03d}-" + _pick(rng, string.digits, 40)
    elif style == 1:                                   # an opaque token
        text = _pick(rng, _B64, n)
    else:                                              # a short link
        text = "https://u.wechat.com/" + _pick(rng, _B64, max(n - 21, 4))
    return text[:max(n, 25) if style == 2 else n].encode("ascii")


def _url(rng, length: int) -> str:
    """A WeChat-style https URL with a query string, exactly `length` characters."""
    kind = rng.integers(3)
    if kind == 0:
        url = (f"https://mp.weixin.qq.com/s?__biz={_pick(rng, _B64, 14)}==&mid={rng.integers(10**9, 10**10)}"
               f"&idx={rng.integers(1, 5)}&sn={_pick(rng, _HEX, 32)}&chksm={_pick(rng, _HEX, 40)}")
        tail = "#wechat_redirect"
    elif kind == 1:
        url = (f"https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx{_pick(rng, _HEX, 16)}"
               f"&redirect_uri=https%3A%2F%2Fzwfw.gd.gov.cn%2Fyyqh%2Fcheckin&response_type=code"
               f"&scope=snsapi_base&state={_pick(rng, _B64, 24)}")
        tail = "#wechat_redirect"
    else:
        url = (f"https://zwfw.{_pick(rng, string.ascii_lowercase, 2)}.gov.cn/yyqh/checkin?appt=AP"
               f"{rng.integers(10**11, 10**12)}&hall=gz-{_pick(rng, string.ascii_lowercase, 2)}"
               f"&t={rng.integers(1_700_000_000, 1_800_000_000)}&sig={_pick(rng, _B64, 43)}")
        tail = ""
    while len(url) + len(tail) < length:
        url += f"&{_pick(rng, string.ascii_lowercase, 2)}={_pick(rng, _B64, 12)}"
    url = url[:length - len(tail)] + tail
    return url[:length]


# ---------------------------------------------------------------- the scene

def _hall(rng) -> np.ndarray:
    """A service hall out of focus: wall, floor, counters with signs, ceiling lights, people."""
    h, w = HEIGHT // 2, WIDTH // 2                      # drawn at half size: it is blurred anyway
    wall = np.array(rng.uniform(150, 225, 3))
    img = np.empty((h, w, 3), np.uint8)       # uint8: OpenCV 5 draws text on 8-bit images only
    horizon = int(rng.uniform(0.45, 0.7) * h)
    img[:horizon] = wall * np.linspace(0.85, 1.05, horizon)[:, None, None]
    floor = np.array(rng.uniform(90, 170, 3))
    img[horizon:] = floor * np.linspace(0.9, 1.1, h - horizon)[:, None, None]
    for x in range(int(rng.integers(-40, 20)), w, int(rng.integers(90, 160))):   # counters
        cv2.rectangle(img, (x, horizon - 60), (x + 70, horizon), tuple(rng.uniform(60, 200, 3).tolist()), -1)
        cv2.rectangle(img, (x + 8, horizon - 95), (x + 62, horizon - 75), (20, 20, 20), -1)
        cv2.putText(img, f"{rng.integers(1, 40):02d}", (x + 18, horizon - 79), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, (30, 30, 230), 1, cv2.LINE_AA)           # a red LED window number
    for _ in range(int(rng.integers(2, 6))):                      # ceiling lights
        cv2.ellipse(img, (int(rng.uniform(0, w)), int(rng.uniform(5, 40))), (int(rng.uniform(20, 50)), 6),
                    0, 0, 360, (250, 250, 250), -1)
    for _ in range(int(rng.integers(0, 5))):                      # people further back
        x, y = int(rng.uniform(0, w)), int(horizon + rng.uniform(-20, 40))
        s = rng.uniform(0.6, 1.4)
        cv2.ellipse(img, (x, y), (int(22 * s), int(55 * s)), 0, 0, 360, tuple(rng.uniform(20, 160, 3).tolist()), -1)
        cv2.circle(img, (x, int(y - 65 * s)), int(14 * s), (120, 150, 190), -1)
    img = cv2.GaussianBlur(img.astype(np.float32), (0, 0), rng.uniform(1.0, 3.0))
    return cv2.resize(img, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)


def _face(canvas: np.ndarray, rng) -> None:
    """Someone leaning into the camera: a skin-coloured oval with hair, eyes and a mouth."""
    cx, cy = rng.uniform(300, 980), rng.uniform(250, 470)
    r = rng.uniform(120, 260)
    skin = tuple(rng.uniform([90, 120, 160], [150, 180, 225]).tolist())
    cv2.ellipse(canvas, (int(cx), int(cy + 2.2 * r)), (int(1.8 * r), int(1.2 * r)), 0, 0, 360,
                tuple(rng.uniform(20, 120, 3).tolist()), -1)                      # shoulders
    cv2.ellipse(canvas, (int(cx), int(cy - 0.15 * r)), (int(0.85 * r), int(1.1 * r)), 0, 0, 360,
                tuple(rng.uniform(10, 50, 3).tolist()), -1)                       # hair
    cv2.ellipse(canvas, (int(cx), int(cy)), (int(0.75 * r), int(r)), 0, 0, 360, skin, -1)
    for side in (-1, 1):
        ex, ey = int(cx + side * 0.3 * r), int(cy - 0.15 * r)
        cv2.ellipse(canvas, (ex, ey), (int(0.14 * r), int(0.07 * r)), 0, 0, 360, (235, 235, 235), -1)
        cv2.circle(canvas, (ex, ey), int(0.06 * r), (30, 25, 20), -1)
        cv2.line(canvas, (int(ex - 0.15 * r), int(ey - 0.18 * r)), (int(ex + 0.15 * r), int(ey - 0.2 * r)),
                 (40, 35, 30), max(2, int(0.04 * r)), cv2.LINE_AA)               # eyebrow
    cv2.ellipse(canvas, (int(cx), int(cy + 0.5 * r)), (int(0.25 * r), int(0.08 * r)), 0, 0, 360,
                (90, 90, 170), -1)                                                # mouth
    box = (slice(max(int(cy - 1.5 * r), 0), int(cy + 3 * r)), slice(max(int(cx - 2 * r), 0), int(cx + 2 * r)))
    canvas[box] = cv2.GaussianBlur(canvas[box], (0, 0), rng.uniform(1.5, 4.0))


_WORDS = ("SERVICE", "HALL", "WINDOW", "Appointment", "Social Security", "ID card", "Queue", "No.",
          "please", "wait", "A042", "2026-11-21", "Tax", "Business licence", "Help desk", "Exit")


def _notice(canvas: np.ndarray, rng) -> None:
    """A printed notice or form held up to the camera: text lines and a table in perspective."""
    pw, ph = int(rng.uniform(380, 620)), int(rng.uniform(480, 700))
    paper = np.full((ph, pw, 3), int(rng.uniform(200, 250)), np.uint8)
    y = 40
    while y < ph - 20:
        line = " ".join(_WORDS[i] for i in rng.integers(len(_WORDS), size=int(rng.integers(2, 6))))
        scale = rng.uniform(0.5, 1.1)
        cv2.putText(paper, line, (20, y), int(rng.choice([cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX,
                                                          cv2.FONT_HERSHEY_COMPLEX])),
                    scale, (20, 20, 20), max(1, int(scale * 2)), cv2.LINE_AA)
        y += int(32 * scale + rng.uniform(6, 20))
        if rng.random() < 0.15 and y < ph - 120:                  # a small table
            for r in range(5):
                cv2.line(paper, (20, y + 20 * r), (pw - 20, y + 20 * r), (30, 30, 30), 1)
            for c in np.linspace(20, pw - 20, 5):
                cv2.line(paper, (int(c), y), (int(c), y + 80), (30, 30, 30), 1)
            y += 100
    quad = _pose(rng, pw, ph, scale=rng.uniform(0.6, 1.0), centre=(rng.uniform(350, 930), rng.uniform(260, 460)))
    _paste(canvas, paper.astype(np.float32), np.ones((ph, pw), np.float32), quad, blur=rng.uniform(0.4, 1.2))


def _phone(canvas: np.ndarray, rng, payload: bytes | None, params: dict) -> None:
    """A phone held up: a dark body, a screen with an app header, text, and the code on a white
    card (or, with payload None, a chat). Drawn facing the camera at `scale` source px per frame
    px, then put in perspective, blurred by defocus and hand shake, and pasted."""
    if payload is not None:
        qr = segno.make_qr(payload, error=ERROR_LEVELS[int(rng.integers(len(ERROR_LEVELS)))], boost_error=False)
        matrix = np.array(qr.matrix, dtype=np.uint8)
        n = matrix.shape[0]
        module = rng.uniform(*MODULE_PX)
        params.update(version=qr.version, error=qr.error, modules=n, module_px=round(float(module), 2),
                      chars=len(payload))
    else:
        n, module = 33, rng.uniform(*MODULE_PX)
    px = 8                                           # source px per module: drawn fine, then sampled
    quiet = int(rng.integers(QUIET_MODULES[0], QUIET_MODULES[1] + 1))
    code_px = n * px
    screen_w = int(code_px / rng.uniform(0.55, 0.8))
    screen_h = int(screen_w * rng.uniform(1.9, 2.2))
    bezel = int(screen_w * 0.04)
    white = rng.uniform(*SCREEN_WHITE)
    black = rng.uniform(*SCREEN_BLACK)
    body = np.zeros((screen_h + 2 * bezel, screen_w + 2 * bezel, 3), np.float32)
    body[:] = rng.uniform(15, 70)
    screen = np.full((screen_h, screen_w, 3), round(white), np.uint8)
    header = int(screen_h * 0.08)
    screen[:header] = np.array(rng.choice([[96, 193, 7], [220, 140, 40], [60, 60, 200], [200, 200, 200]]),
                               np.float32) * white / 255
    cv2.putText(screen, "Check-in", (int(screen_w * 0.3), int(header * 0.7)), cv2.FONT_HERSHEY_SIMPLEX,
                header / 60, (255, 255, 255), max(1, header // 25), cv2.LINE_AA)
    top = int(screen_h * 0.2)
    left = (screen_w - code_px) // 2
    if payload is not None:
        grey = (1 - matrix.astype(np.float32)) * (white - black) + black
        code = cv2.resize(grey, (code_px, code_px), interpolation=cv2.INTER_NEAREST)
        screen[top:top + code_px, left:left + code_px] = code[:, :, None]
        ink = black
    else:                                            # a chat: speech bubbles and lines of text
        ink = black
        y = top
        while y < top + code_px:
            right = rng.random() < 0.5
            bw = int(rng.uniform(0.3, 0.7) * screen_w)
            x0 = screen_w - bw - 20 if right else 20
            colour = (150, 230, 150) if right else (235, 235, 235)
            cv2.rectangle(screen, (x0, y), (x0 + bw, y + 50), tuple(c * white / 255 for c in colour), -1)
            cv2.putText(screen, "ok, see you at window 12", (x0 + 8, y + 32), cv2.FONT_HERSHEY_SIMPLEX,
                        0.6, (ink,) * 3, 1, cv2.LINE_AA)
            y += int(rng.uniform(60, 110))
    y = top + code_px + (quiet + 3) * px
    while y < screen_h - 30:                         # text below the card
        cv2.putText(screen, " ".join(_WORDS[i] for i in rng.integers(len(_WORDS), size=3)), (20, y),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.9, (ink + 40,) * 3, 2, cv2.LINE_AA)
        y += int(rng.uniform(45, 80))
    body[bezel:bezel + screen_h, bezel:bezel + screen_w] = screen
    bh, bw = body.shape[:2]
    r = int(bw * 0.12)                               # a body with rounded corners
    mask = np.zeros((bh, bw), np.float32)
    cv2.rectangle(mask, (r, 0), (bw - 1 - r, bh - 1), 1.0, -1)
    cv2.rectangle(mask, (0, r), (bw - 1, bh - 1 - r), 1.0, -1)
    for cx, cy in ((r, r), (bw - 1 - r, r), (r, bh - 1 - r), (bw - 1 - r, bh - 1 - r)):
        cv2.circle(mask, (cx, cy), r, 1.0, -1)
    scale = module / px                              # frame px per source px
    code_centre = np.array([bezel + left + code_px / 2, bezel + top + code_px / 2])
    # The code (with its quiet zone) must land inside the frame: a frame that carries a code
    # carries all of it. Place its centre far enough from the edges for the worst tilt.
    reach = (n + 2 * quiet) * module * 0.5 * 1.6 + 8
    centre = (rng.uniform(reach, WIDTH - reach), rng.uniform(reach, HEIGHT - reach)) \
        if 2 * reach < HEIGHT else (WIDTH / 2, HEIGHT / 2)
    quad = _pose(rng, bw, bh, scale=scale, centre=centre, pivot=code_centre, params=params)
    if payload is not None:                          # where the code's corners land, for reading results
        h = cv2.getPerspectiveTransform(np.array([[0, 0], [bw, 0], [bw, bh], [0, bh]], np.float32), quad)
        x, y = bezel + left, bezel + top
        corners = cv2.perspectiveTransform(np.array([[[x, y], [x + code_px, y], [x + code_px, y + code_px],
                                                      [x, y + code_px]]], np.float32), h)[0]
        params["code_corners"] = [[round(float(cx), 1), round(float(cy), 1)] for cx, cy in corners]
    blur = rng.uniform(*DEFOCUS_SIGMA)
    motion = rng.triangular(MOTION_MODULES[0], MOTION_MODULES[0], MOTION_MODULES[1]) \
        if rng.random() < MOTION_SHARE else 0.0
    angle = rng.uniform(0, 180)
    params.update(defocus=round(float(blur), 2), motion_modules=round(float(motion), 2),
                  motion_deg=round(float(angle), 1), screen=(round(float(white)), round(float(black))),
                  quiet=quiet)
    _paste(canvas, body, mask, quad, blur=blur, motion_px=motion * module, motion_deg=angle, src_px=1 / scale)


def _pose(rng, w: int, h: int, *, scale: float, centre, pivot=None, params: dict | None = None) -> np.ndarray:
    """Where the corners of a w×h picture land in the frame: rotated by roll, tilted by yaw and
    pitch, seen through a pinhole camera, with `pivot` (source px) at `centre` (frame px)."""
    roll, yaw, pitch = (math.radians(rng.uniform(-ROLL_DEG, ROLL_DEG)),
                        math.radians(rng.uniform(-TILT_DEG, TILT_DEG)),
                        math.radians(rng.uniform(-TILT_DEG, TILT_DEG)))
    if params is not None:
        params.update(roll=round(math.degrees(roll), 1), yaw=round(math.degrees(yaw), 1),
                      pitch=round(math.degrees(pitch), 1))
    cr, sr, cy, sy, cp, sp = (math.cos(roll), math.sin(roll), math.cos(yaw), math.sin(yaw),
                              math.cos(pitch), math.sin(pitch))
    rot = (np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]]) @ np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
           @ np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]]))
    px, py = (w / 2, h / 2) if pivot is None else pivot
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float) - (px, py)
    pts = np.c_[corners * scale, np.zeros(4)] @ rot.T + (0, 0, FOCAL_PX)
    return (pts[:, :2] * FOCAL_PX / pts[:, 2:3] + centre).astype(np.float32)


def _motion_kernel(length: float, degrees: float) -> np.ndarray:
    """A straight streak `length` px long at `degrees`: points along the segment splatted
    bilinearly, so that fractional lengths and any angle come out right (a drawn line's thickness
    and round caps would make it longer than `length`)."""
    size = (int(math.ceil(length)) | 1) + 2
    kernel = np.zeros((size, size), np.float32)
    c = (size - 1) / 2
    t = np.linspace(-0.5, 0.5, max(int(length * 16), 2))
    xs = c + t * length * math.cos(math.radians(degrees))
    ys = c + t * length * math.sin(math.radians(degrees))
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, ys - y0
    for dx, dy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        np.add.at(kernel, (y0 + dy, x0 + dx), wgt)
    return kernel / kernel.sum()


def _paste(canvas: np.ndarray, picture: np.ndarray, mask: np.ndarray, quad: np.ndarray, *, blur: float,
           motion_px: float = 0.0, motion_deg: float = 0.0, src_px: float | None = None) -> None:
    """Warp `picture` onto `quad` and blend it in by `mask`, with defocus and motion blur applied
    to the warped layer only (the phone moves, the hall does not)."""
    h, w = picture.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    if src_px is None:
        src_px = math.dist(src[0], src[1]) / max(math.dist(quad[0], quad[1]), 1)
    if src_px > 1.5:                                  # integrate over a frame pixel before sampling
        sigma = 0.35 * src_px
        picture, mask = cv2.GaussianBlur(picture, (0, 0), sigma), cv2.GaussianBlur(mask, (0, 0), sigma)
    x0, y0 = np.floor(quad.min(axis=0)).astype(int) - 16
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 16
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, WIDTH), min(y1, HEIGHT)
    if x1 <= x0 or y1 <= y0:
        return
    m = cv2.getPerspectiveTransform(src, (quad - (x0, y0)).astype(np.float32))
    size = (x1 - x0, y1 - y0)
    layer = cv2.warpPerspective(picture, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    alpha = cv2.warpPerspective(mask, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    layer *= alpha[:, :, None]                        # premultiplied, so blurring keeps the edge right
    layer, alpha = cv2.GaussianBlur(layer, (0, 0), blur), cv2.GaussianBlur(alpha, (0, 0), blur)
    if motion_px >= 0.5:
        kernel = _motion_kernel(motion_px, motion_deg)
        layer, alpha = cv2.filter2D(layer, -1, kernel), cv2.filter2D(alpha, -1, kernel)
    region = canvas[y0:y1, x0:x1]
    region *= 1 - alpha[:, :, None]
    region += layer


def _light_and_sensor(canvas: np.ndarray, rng, params: dict) -> np.ndarray:
    """Uneven light (a gradient across the frame and a vignette), sensor noise, then JPEG."""
    lo = rng.uniform(*UNEVEN_LIGHT)
    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:HEIGHT:8, 0:WIDTH:8].astype(np.float32)      # smooth: computed coarse
    ramp = (xx - WIDTH / 2) * math.cos(angle) + (yy - HEIGHT / 2) * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1)
    r2 = ((xx - WIDTH / 2) / WIDTH) ** 2 + ((yy - HEIGHT / 2) / HEIGHT) ** 2
    light = (lo + (1 - lo) * ramp) * (1 - 0.5 * r2)
    light = cv2.resize(light, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
    out = canvas * light[:, :, None] * rng.uniform(0.85, 1.1)
    noise = rng.uniform(*NOISE_SIGMA)
    out += rng.normal(0, noise, (HEIGHT, WIDTH, 1)).astype(np.float32)   # luminance noise
    quality = int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))
    params.update(light_low=round(float(lo), 2), noise=round(float(noise), 1), jpeg=quality)
    ok, data = cv2.imencode(".jpg", np.clip(out, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def write_set(folder: Path, seed: int, count: int) -> None:
    """The frames as PNG (already JPEG-degraded) and labels.json, to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    labels = []
    for i in range(count):
        f = frame(seed, i)
        name = f"{i:04d}.png"
        cv2.imwrite(str(folder / name), f.image)
        labels.append({"file": name, "payload": f.payload.decode("ascii") if f.payload else None} | f.params)
    (folder / "labels.json").write_text(json.dumps(labels, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    write_set(args.out, args.seed, args.count)
    print(f"{args.count} frames in {args.out}", file=sys.stderr)
