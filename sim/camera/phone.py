"""Camera frames of phones showing QR codes, as the kiosk's scanner camera sees them.

A frame is a hall-like background, then one or two phones held up at some distance with a
mini-program screen on them (status bar, a coloured header, text, a white card holding the QR
code and its quiet zone), seen through an ordinary camera: tilt and perspective, defocus or hand
shake, a specular highlight on the glass, a dim screen, sensor noise and JPEG. Also the frames
the kiosk must survive: nothing at all, two codes, a code cut by the frame edge, a WeChat
mini-program "sun" code (round, not a QR code), a black frame.

Everything about a frame is in its `Style` (drawn from the rng when not given): the same Style and
codes give the same pixels. `render_labelled` also says, per code, whether a decoder can be
expected to read it at all, judged from the physics of the shot (module size against blur,
contrast against noise, glare, the frame edge), never from what some decoder did.

hall.py draws the background, screen.py what the phone shows; this module places phones,
puts screens in perspective and plays the camera.

Speed matters: the camera simulator renders live. The background is drawn at a quarter of the
size and scaled up (it is out of focus anyway), only the visible part of a screen is drawn, blur
is applied only around the phones, noise comes from a cached tile, and QR matrices are cached
(segno's mask choice costs ~13 ms). ~25 ms a 1280×720 frame with the JPEG round trip, one core.
"""
from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from typing import Sequence

import cv2
import numpy as np

from sim.camera.hall import hall_background
from sim.camera.screen import APPS, glare_at, qr_modules, screen_texture

FOCAL = 1000.0            # px; a 1280-wide camera with a ~65° horizontal field of view
SCREEN_ASPECT = 2.1       # screen height / width of a modern phone
QUIET = 4                 # modules of quiet zone the app leaves around the code
KINDS = {"phone": 1, "cut": 1, "two_phones": 2, "two_on_screen": 2, "empty": 0, "sun": 0, "black": 0}

# What any decoder needs, as physics (see `_assess`). Set from measurement: on ~1,200 generated
# frames no decoder in drivers/scanner, with any retry, read a code past these lines (the
# benchmark's "bonus" column keeps checking). Between them and easy lies a band of hard codes.
MIN_MODULE_PX = 1.25       # smallest module side in the frame
MIN_ATTENUATION = 0.10     # contrast left at the module frequency after blur (1 = sharp)
MIN_SNR = 1.5              # module contrast after blur, in units of the noise sigma
MAX_LOST_FRACTION = 0.12   # modules washed out by glare (error level M restores ~15 % of codewords)


@dataclass(frozen=True)
class PhoneStyle:
    """One phone in the shot. Sizes are frame pixels as if the screen faced the camera."""
    code_px: float                      # side of each code on the screen (quiet zone not included)
    at: tuple[float, float]             # where the codes' centre lands, in frame pixels (x, y)
    roll: float = 0.0                   # degrees, in the image plane
    yaw: float = 0.0                    # degrees, tilt about the phone's vertical axis
    pitch: float = 0.0                  # degrees, tilt about its horizontal axis
    code_frac: float = 0.6              # code side / screen width
    content: str = "qr"                 # "qr", "sun" (mini-program code, not QR) or "chat" (no code)
    app: str = "wechat"
    case_bgr: tuple[int, int, int] = (40, 40, 40)
    screen_white: float = 230.0         # the screen's white and black as the camera records them
    screen_black: float = 25.0
    glare: float = 0.0                  # peak brightness added by a reflected ceiling light (0 = none)
    glare_xy: tuple[float, float] = (0.5, 0.4)   # its centre on the screen, fractions of width/height
    glare_r: float = 0.2                # its short radius, fraction of screen width
    glare_stretch: float = 1.0          # long radius / short radius
    glare_angle: float = 0.0            # degrees
    hand: bool = True                   # fingers on the edges and a palm below


@dataclass(frozen=True)
class Style:
    kind: str = "phone"                 # one of KINDS
    phones: tuple[PhoneStyle, ...] = ()
    defocus: float = 0.6                # Gaussian sigma, px, around the phones
    motion_px: float = 0.0              # hand-shake blur length, px
    motion_deg: float = 0.0
    noise: float = 2.5                  # sensor noise sigma, grey levels
    jpeg_quality: int | None = 80       # None: no JPEG round trip (a caller that encodes itself)
    scene_gain: float = 1.0             # hall brightness
    detail_seed: int = 0                # background, chrome text, fingers, noise offset

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CodeLabel:
    payload: bytes
    readable: bool
    reason: str | None                  # why not readable: "cut by the frame edge", "too blurred", ...
    module_px: float                    # smallest module side in the frame
    attenuation: float                  # module-frequency contrast left after blur
    snr: float                          # module contrast after blur / noise sigma
    glare_lost: float                   # fraction of modules washed out by glare
    quad: tuple[tuple[float, float], ...]   # code corners in the frame (TL, TR, BR, BL)


@dataclass(frozen=True)
class Rendered:
    image: np.ndarray                   # BGR uint8
    style: Style
    codes: tuple[CodeLabel, ...]

    @property
    def readable(self) -> list[bytes]:
        return [c.payload for c in self.codes if c.readable]


def render_frame(codes: Sequence[bytes], rng: np.random.Generator, width: int = 1280, height: int = 720,
                 style: Style | None = None) -> np.ndarray:
    """One BGR frame showing `codes` (0, 1 or 2 payloads); a random shot when style is None."""
    return render_labelled(codes, rng, width, height, style).image


def render_labelled(codes: Sequence[bytes], rng: np.random.Generator, width: int = 1280, height: int = 720,
                    style: Style | None = None) -> Rendered:
    """The frame, its Style, and per code whether it can be read (CodeLabel). A Style's kind
    fixes how many codes it shows (KINDS): two_phones gives one code to each phone."""
    codes = [bytes(c) for c in codes]
    if style is None:
        style = random_style(rng, len(codes), width=width, height=height, codes=codes)
    if KINDS.get(style.kind) != len(codes):
        raise ValueError(f"a {style.kind!r} frame shows {KINDS.get(style.kind)} codes, got {len(codes)}")
    detail = np.random.default_rng(style.detail_seed)
    frame = hall_background(detail, width, height, [(p.at[0], p.at[1], p.code_px) for p in style.phones],
                            style.scene_gain)
    placed = _assign(style, codes)
    bodies = []
    for phone, payloads in placed:
        bodies.append(_draw_phone(frame, phone, payloads, style, detail))
    if style.kind == "black":
        frame[:] = detail.integers(0, 6)
    _add_noise(frame, style.noise, detail)
    if style.jpeg_quality is not None:
        ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(style.jpeg_quality)])
        frame = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    labels = []
    for i, (phone, payloads) in enumerate(placed):
        centres = _layout(phone, len(payloads))[3]
        for payload, quad, centre in zip(payloads, _code_quads(phone, len(payloads)), centres):
            labels.append(_assess(payload, quad, centre, phone, len(payloads), style, width, height, bodies[i + 1:]))
    return Rendered(frame, style, tuple(labels))


# ---------------------------------------------------------------- styles

def random_style(rng: np.random.Generator, n_codes: int = 1, kind: str | None = None, width: int = 1280,
                 height: int = 720, codes: Sequence[bytes] | None = None) -> Style:
    """A plausible shot at a kiosk for n_codes codes; `kind` picks one of the hard cases. With
    `codes`, the placement keeps their real quiet zone in view (else that of a 41-module code)."""
    if kind is None:
        kind = {0: str(rng.choice(["empty", "sun", "black"], p=[0.5, 0.35, 0.15])),
                1: "cut" if rng.random() < 0.05 else "phone",
                2: str(rng.choice(["two_phones", "two_on_screen"]))}.get(n_codes)
    if kind not in KINDS or KINDS[kind] != n_codes:
        raise ValueError(f"no {kind!r} shot shows {n_codes} codes")
    phones: list[PhoneStyle] = []
    if kind in ("phone", "cut", "sun"):
        far = rng.random() < 0.04           # most people bring the phone up close; a few do not
        code_px = _log_uniform(rng, 80, 130) if far else _log_uniform(rng, 130, 480)
        phones.append(_random_phone(rng, code_px, width / 2, height / 2, "sun" if kind == "sun" else "qr"))
    elif kind == "two_on_screen":
        phones.append(_random_phone(rng, _log_uniform(rng, 100, 260), width / 2, height / 2, "qr",
                                    code_frac=rng.uniform(0.36, 0.48)))
    elif kind == "two_phones":                  # side by side, each at most a third of the frame wide
        for x in (0.27, 0.73):
            phones.append(_random_phone(rng, _log_uniform(rng, 110, 250), width * x, height / 2, "qr",
                                        tame=True, code_frac=rng.uniform(0.62, 0.72)))
    elif kind == "empty" and rng.random() < 0.5:
        phones.append(_random_phone(rng, _log_uniform(rng, 110, 400), width / 2, height / 2, "chat"))
    detail_seed = int(rng.integers(2**31))
    modules = max((qr_modules(bytes(c)).shape[0] for c in codes or []), default=41)
    phones = [_place(rng, p, kind, width, height, modules) for p in phones]
    near = max((p.code_px for p in phones), default=200.0)
    # Fixed-focus camera, sharpest for a code of ~250 px (where people hold phones): the blur
    # circle grows with |1/distance - 1/focus|, i.e. with |code_px - 250| in pixels, so a far code
    # is blurrier per module than a near one. Plus a focus error, and hand shake in a quarter of frames.
    defocus = 0.4 + rng.gamma(2.0, 0.45) * abs(near - 250.0) / 250.0 + rng.gamma(1.2, 0.15)
    motion = float(rng.gamma(1.5, 1.5)) if rng.random() < 0.25 else 0.0
    dim = rng.random() < 0.12
    return Style(kind=kind, phones=tuple(phones), defocus=round(float(defocus), 3), motion_px=round(motion, 3),
                 motion_deg=round(float(rng.uniform(0, 180)), 1),
                 noise=round(float(rng.uniform(1.5, 5.0) * (1.5 if dim else 1.0)), 2),
                 jpeg_quality=int(rng.integers(50, 93)),
                 scene_gain=round(float(rng.uniform(0.5, 1.15) * (0.6 if dim else 1.0)), 3),
                 detail_seed=detail_seed)


def _random_phone(rng, code_px, x, y, content, *, tame=False, code_frac=None) -> PhoneStyle:
    upright = tame or rng.random() < 0.75
    roll = rng.normal(0, 10 if tame else 14) if upright else rng.uniform(-180, 180)
    tilt = 12 if tame else 16
    dim = rng.random() < 0.12
    white = rng.uniform(85, 145) if dim else rng.uniform(150, 250)
    glare = rng.random() < 0.3
    return PhoneStyle(
        code_px=round(float(code_px), 2), at=(float(x), float(y)), roll=round(float(roll), 2),
        yaw=round(float(np.clip(rng.normal(0, tilt), -45, 45)), 2),
        pitch=round(float(np.clip(rng.normal(0, tilt), -45, 45)), 2),
        code_frac=round(float(code_frac if code_frac is not None else rng.uniform(0.5, 0.72)), 3),
        content=content, app=str(rng.choice(list(APPS), p=[0.5, 0.25, 0.25])),
        case_bgr=tuple(int(v) for v in rng.integers(10, 220, 3)),
        screen_white=round(float(white), 1), screen_black=round(float(white * rng.uniform(0.04, 0.28)), 1),
        glare=round(float(rng.uniform(30, 210)), 1) if glare else 0.0,
        glare_xy=(round(float(rng.uniform(0.15, 0.85)), 3), round(float(rng.uniform(0.15, 0.75)), 3)),
        glare_r=round(float(rng.uniform(0.06, 0.3)), 3), glare_stretch=round(float(rng.uniform(1, 3.5)), 2),
        glare_angle=round(float(rng.uniform(0, 180)), 1), hand=bool(rng.random() < 0.8))


def _place(rng, phone: PhoneStyle, kind: str, width: int, height: int, modules: int) -> PhoneStyle:
    """Move the phone to a random spot where its codes are fully in view (or cut, for 'cut')."""
    per_screen = 2 if kind == "two_on_screen" else 1
    x0, y0 = phone.at
    for attempt in range(40):
        if kind == "two_phones":
            at = (x0 + rng.uniform(-0.06, 0.06) * width, y0 + rng.uniform(-0.2, 0.2) * height)
        elif kind == "cut":
            edge = rng.integers(4)
            inside = rng.uniform(-0.1, 0.25) * phone.code_px      # code centre this far inside the edge
            along = rng.uniform(0.3, 0.7)
            at = [(inside, along * height), (width - inside, along * height),
                  (along * width, inside), (along * width, height - inside)][edge]
        else:
            at = (rng.uniform(0.2, 0.8) * width, rng.uniform(0.25, 0.75) * height)
        candidate = _replace(phone, at=(round(float(at[0]), 1), round(float(at[1]), 1)))
        if kind == "cut":
            return candidate
        quads = _code_quads(candidate, per_screen, quiet_of=modules)
        if all(_inside(q, width, height, 2) for q in quads):
            return candidate
        if attempt % 4 == 3:       # too big for the frame at this pose: step back a little
            phone = _replace(phone, code_px=round(phone.code_px * 0.92, 2))
    return candidate


def _replace(phone: PhoneStyle, **changes) -> PhoneStyle:
    return PhoneStyle(**{**asdict(phone), **changes})


def _log_uniform(rng, lo, hi) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


# ---------------------------------------------------------------- geometry

def _modules(phone: PhoneStyle, payloads) -> int:
    """Modules across the densest code on this screen (all its codes are shown code_px wide)."""
    return max(qr_modules(p).shape[0] for p in payloads) if payloads and phone.content == "qr" else 41


def _assign(style: Style, codes: list[bytes]) -> list[tuple[PhoneStyle, list[bytes]]]:
    if style.kind == "two_on_screen":
        return [(style.phones[0], codes)]
    if style.kind == "two_phones":
        return [(p, [c]) for p, c in zip(style.phones, codes)]
    if style.kind in ("phone", "cut"):
        return [(style.phones[0], codes)]
    return [(p, []) for p in style.phones]


def _layout(phone: PhoneStyle, per_screen: int):
    """Screen size and code centres in phone-plane units (origin: the centre of the codes)."""
    sw = phone.code_px / phone.code_frac
    sh = sw * SCREEN_ASPECT
    if per_screen == 2:
        top = -0.49 * sh
        centres = [(0.0, (0.30 - 0.49) * sh), (0.0, (0.70 - 0.49) * sh)]
    else:
        top = -0.42 * sh
        centres = [(0.0, 0.0)]
    return sw, sh, (-sw / 2, top), centres


@functools.lru_cache(maxsize=64)
def _rotation(phone: PhoneStyle) -> np.ndarray:
    r, y, p = np.radians([phone.roll, phone.yaw, phone.pitch])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    return rx @ ry @ rz


def _project(points, phone: PhoneStyle) -> np.ndarray:
    """Phone-plane points (N, 2) to frame pixels: rotate the phone, then a pinhole camera."""
    rotated = np.asarray(points, dtype=np.float64) @ _rotation(phone)[:, :2].T
    z = np.maximum(FOCAL + rotated[:, 2], 0.2 * FOCAL)
    return np.stack([FOCAL * rotated[:, 0] / z + phone.at[0], FOCAL * rotated[:, 1] / z + phone.at[1]], axis=1)


def _code_quads(phone: PhoneStyle, per_screen: int, quiet_of: int | None = None) -> list[np.ndarray]:
    """Each code's corners in the frame (TL, TR, BR, BL); with quiet_of (its module count), the
    corners of its quiet zone."""
    half = phone.code_px / 2 * ((quiet_of + 2 * QUIET) / quiet_of if quiet_of else 1.0)
    out = []
    for cx, cy in _layout(phone, per_screen)[3]:
        corners = [(cx - half, cy - half), (cx + half, cy - half), (cx + half, cy + half), (cx - half, cy + half)]
        out.append(_project(corners, phone))
    return out


def _inside(quad: np.ndarray, width: int, height: int, margin: float) -> bool:
    return bool((quad[:, 0] >= margin).all() and (quad[:, 0] <= width - 1 - margin).all()
                and (quad[:, 1] >= margin).all() and (quad[:, 1] <= height - 1 - margin).all())


def _rounded_rect(x0, y0, x1, y1, r, steps=6) -> np.ndarray:
    pts = []
    for cx, cy, a0 in ((x1 - r, y0 + r, -90), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180)):
        for a in np.radians(np.linspace(a0, a0 + 90, steps)):
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return np.array(pts)


# ---------------------------------------------------------------- drawing

def _draw_phone(frame, phone: PhoneStyle, payloads: list[bytes], style: Style, rng) -> np.ndarray:
    """Palm, case, screen and fingers of one phone; blur around it. Returns its outline (frame px)."""
    height, width = frame.shape[:2]
    per_screen = max(len(payloads), 1)
    sw, sh, (sx, sy), centres = _layout(phone, per_screen)
    module = phone.code_px / _modules(phone, payloads)
    texel = max(3, round(module))                 # texels per module of the densest code: whole, crisp
    scale = texel / module                        # texels per phone-plane unit
    bezel = 0.04 * sw
    case = _project(_rounded_rect(sx - bezel * 1.4, sy - bezel * 2.2, sx + sw + bezel * 1.4, sy + sh + bezel * 2.2,
                                  0.14 * sw), phone)
    front = _project(_rounded_rect(sx - bezel, sy - bezel * 1.8, sx + sw + bezel, sy + sh + bezel * 1.8,
                                   0.12 * sw), phone)
    palm = _project(_ellipse_pts(sx + sw / 2, sy + sh + 0.05 * sw, 0.62 * sw, 0.4 * sw), phone) if phone.hand else None

    margin = int(3 * style.defocus + style.motion_px + 3)
    outline = case if palm is None else np.vstack([case, palm])
    x0, y0 = np.floor(outline.min(axis=0)).astype(int) - margin
    x1, y1 = np.ceil(outline.max(axis=0)).astype(int) + margin
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return case
    patch = frame[y0:y1, x0:x1].copy()
    offset = np.array([x0, y0])
    skin = tuple(float(v) for v in (rng.uniform(120, 170), rng.uniform(150, 190), rng.uniform(190, 235)))
    if palm is not None:
        _fill(patch, palm - offset, skin)
    _fill(patch, case - offset, phone.case_bgr)
    _fill(patch, front - offset, (18, 18, 20))

    # Screen texture to patch; only the part of the screen that lands in the patch is drawn.
    tw, th = max(int(round(sw * scale)), 8), max(int(round(sh * scale)), 8)
    src = np.float32([[0, 0], [tw, 0], [tw, th], [0, th]])
    dst = _project([(sx, sy), (sx + sw, sy), (sx + sw, sy + sh), (sx, sy + sh)], phone) - offset
    qx0, qy0 = np.maximum(np.floor(dst.min(axis=0)).astype(int), 0)          # the screen's box in the patch
    qx1, qy1 = np.minimum(np.ceil(dst.max(axis=0)).astype(int) + 1, (patch.shape[1], patch.shape[0]))
    if qx1 - qx0 >= 2 and qy1 - qy0 >= 2:
        to_box = cv2.getPerspectiveTransform(src, (dst - (qx0, qy0)).astype(np.float32))
        window = _visible_window(to_box, qx1 - qx0, qy1 - qy0, tw, th)
        tex = screen_texture(phone, payloads, sw, sh, centres, (sx, sy), scale, rng, window)
        shift = np.array([[1, 0, window[0]], [0, 1, window[1]], [0, 0, 1]], np.float64)
        box = patch[qy0:qy1, qx0:qx1].copy()
        cv2.warpPerspective(tex, to_box @ shift, (qx1 - qx0, qy1 - qy0), dst=box, flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_TRANSPARENT)
        patch[qy0:qy1, qx0:qx1] = box
    if phone.hand:
        for side in rng.choice([-1, 1], size=1) if rng.random() < 0.5 else (-1, 1):
            edge_x = sx + sw / 2 + side * (sw / 2 + bezel * 1.4)
            for k in range(int(rng.integers(1, 4)) if side == 1 else 1):
                fy = sy + sh * (0.72 + 0.09 * k) + rng.uniform(-0.02, 0.02) * sh
                finger = _ellipse_pts(edge_x, fy, 0.09 * sw, 0.045 * sw)
                _fill(patch, _project(finger, phone) - offset, tuple(v * rng.uniform(0.85, 1.0) for v in skin))
    _blur(patch, style)
    frame[y0:y1, x0:x1] = patch
    return case


def _visible_window(to_patch, pw, ph, tw, th) -> tuple[int, int, int, int]:
    """The texture rectangle (x0, y0, x1, y1) that lands inside a pw×ph patch."""
    corners = np.float32([[[0, 0]], [[pw, 0]], [[pw, ph]], [[0, ph]]])
    inverse = np.linalg.inv(to_patch)
    w = inverse[2, 0] * corners[:, 0, 0] + inverse[2, 1] * corners[:, 0, 1] + inverse[2, 2]
    if (w <= 1e-6).any():                          # the patch reaches past the horizon: draw it all
        return 0, 0, tw, th
    back = cv2.perspectiveTransform(corners, inverse)[:, 0]
    x0, y0 = np.floor(back.min(axis=0)).astype(int) - 4
    x1, y1 = np.ceil(back.max(axis=0)).astype(int) + 4
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, tw), min(y1, th)
    return (0, 0, tw, th) if x1 - x0 < 2 or y1 - y0 < 2 else (int(x0), int(y0), int(x1), int(y1))


def _ellipse_pts(cx, cy, ax, ay, steps=16) -> np.ndarray:
    a = np.linspace(0, 2 * np.pi, steps, endpoint=False)
    return np.stack([cx + ax * np.cos(a), cy + ay * np.sin(a)], axis=1)


def _fill(img, pts, colour):
    cv2.fillPoly(img, [np.round(pts * 16).astype(np.int32)], tuple(float(c) for c in colour), cv2.LINE_AA, shift=4)


def _blur(patch, style: Style) -> None:
    if style.defocus > 0.3:
        k = 2 * int(math.ceil(2.5 * style.defocus)) + 1
        patch[:] = cv2.GaussianBlur(patch, (k, k), style.defocus)
    if style.motion_px >= 1.0:
        patch[:] = cv2.filter2D(patch, -1, _motion_kernel(round(style.motion_px, 1), round(style.motion_deg)))


@functools.lru_cache(maxsize=256)
def _motion_kernel(length: float, degrees: float) -> np.ndarray:
    size = int(math.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    c = (size - 1) / 2
    dx, dy = math.cos(math.radians(degrees)) * (length - 1) / 2, math.sin(math.radians(degrees)) * (length - 1) / 2
    cv2.line(kernel, (round((c - dx) * 16), round((c - dy) * 16)), (round((c + dx) * 16), round((c + dy) * 16)),
             1.0, 1, cv2.LINE_AA, shift=4)
    return kernel / kernel.sum()


# ---------------------------------------------------------------- camera

@functools.lru_cache(maxsize=4)
def _noise_tile(height: int, width: int) -> np.ndarray:
    """Unit Gaussian noise, fixed seed, stored as uint8 around 128 with sigma 32."""
    rng = np.random.default_rng(12345)
    tile = rng.normal(128, 32, (height + 64, width + 64, 3))
    return np.clip(tile, 0, 255).astype(np.uint8)


def _add_noise(frame, sigma, rng) -> None:
    if sigma <= 0:
        return
    h, w = frame.shape[:2]
    oy, ox = int(rng.integers(0, 64)), int(rng.integers(0, 64))
    tile = _noise_tile(h, w)[oy:oy + h, ox:ox + w]
    k = sigma / 32
    cv2.addWeighted(frame, 1.0, tile, k, -128 * k, dst=frame)


# ---------------------------------------------------------------- labels

def _assess(payload, quad, centre, phone: PhoneStyle, per_screen, style: Style, width, height,
            later_bodies) -> CodeLabel:
    n = qr_modules(payload).shape[0]
    edges = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    module = float(edges.min() / n)
    # Blur as one Gaussian: defocus, the box of hand shake, and the camera's own softness.
    sigma = math.sqrt(style.defocus ** 2 + style.motion_px ** 2 / 12 + 0.5 ** 2)
    attenuation = math.exp(-(math.pi * sigma) ** 2 / (2 * module ** 2))   # square wave of period 2 modules
    span = phone.screen_white - phone.screen_black
    noise = max(style.noise, 1.0) + (100 - (style.jpeg_quality or 100)) * 0.03
    snr = span * attenuation / noise
    lost = _glare_lost(phone, payload, centre, per_screen, attenuation, noise)
    quad_t = tuple((round(float(x), 1), round(float(y), 1)) for x, y in quad)
    reason = None
    if not _inside(quad, width, height, 0.5) or any(_covers(b, quad) for b in later_bodies):
        reason = "cut by the frame edge" if not _inside(quad, width, height, 0.5) else "hidden by the other phone"
    elif module < MIN_MODULE_PX:
        reason = "too small"
    elif attenuation < MIN_ATTENUATION:
        reason = "too blurred"
    elif snr < MIN_SNR:
        reason = "too faint"
    elif lost > MAX_LOST_FRACTION:
        reason = "washed out by glare"
    return CodeLabel(payload, reason is None, reason, round(module, 3), round(attenuation, 4), round(snr, 2),
                     round(lost, 4), quad_t)


def _glare_lost(phone: PhoneStyle, payload, centre, per_screen, attenuation, noise) -> float:
    """Fraction of modules whose contrast the highlight washes below what noise lets through;
    a finder pattern washed out loses the whole code."""
    if phone.glare <= 0:
        return 0.0
    n = qr_modules(payload).shape[0]
    sw, sh, (sx, sy), _ = _layout(phone, per_screen)
    idx = (np.arange(n) + 0.5) / n - 0.5
    xs = (centre[0] + idx[None, :] * phone.code_px - sx) / sw
    ys = (centre[1] + idx[:, None] * phone.code_px - sy) / sh
    g = glare_at(phone, sw, sh, xs, ys)
    white, black = phone.screen_white, phone.screen_black
    contrast = np.minimum(255, white + g) - np.minimum(255, black + g)
    washed = contrast * attenuation < 2.5 * noise
    for fy, fx in ((3, 3), (3, n - 4), (n - 4, 3)):
        if washed[fy - 1:fy + 2, fx - 1:fx + 2].all():
            return 1.0
    return float(washed.mean())


def _covers(body: np.ndarray, quad: np.ndarray) -> bool:
    contour = body.astype(np.float32).reshape(-1, 1, 2)
    for t in np.linspace(0, 1, 5):
        for s in np.linspace(0, 1, 5):
            top = quad[0] + (quad[1] - quad[0]) * t
            bottom = quad[3] + (quad[2] - quad[3]) * t
            p = top + (bottom - top) * s
            if cv2.pointPolygonTest(contour, (float(p[0]), float(p[1])), False) >= 0:
                return True
    return False
