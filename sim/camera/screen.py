"""What the phone's screen shows, drawn flat before it is put in perspective: a mini-program
page (status bar, coloured header, pseudo-Chinese text, white cards, a button) with the QR
code(s) and their quiet zone, or a WeChat "sun" code look-alike, or a chat; then the screen's
brightness and contrast as the camera records them, and a reflected ceiling light."""
from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import cv2
import numpy as np
import segno

if TYPE_CHECKING:
    from sim.camera.phone import PhoneStyle

APPS = {  # header colour (BGR), header text colour, screen background
    "wechat": ((96, 193, 7), (255, 255, 255), (237, 237, 237)),
    "alipay": ((255, 119, 22), (255, 255, 255), (245, 245, 245)),
    "plain": ((255, 255, 255), (40, 40, 40), (250, 250, 250)),
}


@functools.lru_cache(maxsize=512)
def qr_modules(payload: bytes) -> np.ndarray:
    """The code's modules (1 = dark), no quiet zone. Byte mode, so the payload stays exact bytes."""
    matrix = np.array(segno.make(payload, error="m", micro=False, mode="byte").matrix, dtype=np.uint8)
    matrix.flags.writeable = False
    return matrix


@functools.lru_cache(maxsize=1)
def _text_strip() -> np.ndarray:
    """A long line of pseudo-Chinese glyphs, 12 px high plus a 1 px gap each (255 = ink): strokes,
    so a line of it looks like a line of 汉字 from a metre away."""
    rng = np.random.default_rng(7)
    glyphs = np.zeros((40, 12, 13), np.uint8)
    for g in glyphs:
        for _ in range(rng.integers(5, 10)):
            if rng.random() < 0.55:
                y = int(rng.integers(1, 11)); x0 = int(rng.integers(0, 6)); g[y, x0:x0 + int(rng.integers(3, 11))] = 255
            else:
                x = int(rng.integers(1, 11)); y0 = int(rng.integers(0, 6)); g[y0:y0 + int(rng.integers(3, 11)), x] = 255
        g[:, 12] = 0
    return np.ascontiguousarray(glyphs[rng.integers(0, 40, 300)].transpose(1, 0, 2).reshape(12, -1))


def _text(tex, x, y, glyph_h, width, colour, rng, origin=(0, 0)):
    """A line of pseudo-text, glyph_h texels high, at (x, y) of the full screen (tex starts at origin)."""
    x, y = int(x - origin[0]), int(y - origin[1])
    h, w = max(int(round(glyph_h)), 3), max(int(width), 1)
    if x >= tex.shape[1] or y >= tex.shape[0] or x + w <= 0 or y + h <= 0:
        return
    strip = _text_strip()
    span = min(int(w * 13 / (glyph_h * 1.1)) + 1, strip.shape[1] - 13)
    start = 13 * int(rng.integers(0, (strip.shape[1] - span) // 13))
    ink = cv2.resize(strip[:, start:start + span], (w, h), interpolation=cv2.INTER_AREA)
    cx0, cy0 = max(-x, 0), max(-y, 0)
    cx1, cy1 = min(w, tex.shape[1] - x), min(h, tex.shape[0] - y)
    roi = tex[y + cy0:y + cy1, x + cx0:x + cx1]
    roi[ink[cy0:cy1, cx0:cx1] > 80] = colour


def screen_texture(phone: PhoneStyle, payloads, sw, sh, centres, origin, scale, rng, window) -> np.ndarray:
    """The visible window (x0, y0, x1, y1) of the screen drawn at `scale` texels per unit."""
    header, header_ink, background = APPS[phone.app]
    wx0, wy0, wx1, wy1 = window
    tw, th = int(round(sw * scale)), int(round(sh * scale))
    tex = np.empty((wy1 - wy0, wx1 - wx0, 3), np.uint8)
    cv2.rectangle(tex, (0, 0), (tex.shape[1], tex.shape[0]), background, -1)   # 40× faster than tex[:] = bgr
    at = (wx0, wy0)
    p = lambda x, y: (int(x - wx0), int(y - wy0))                   # noqa: E731  full screen -> window
    u = tw                                                           # layout unit: screen width in texels
    bar = int(0.13 * u)
    cv2.rectangle(tex, p(0, 0), p(tw, bar), header, -1)
    _text(tex, 0.04 * u, 0.025 * u, 0.035 * u, 0.1 * u, header_ink, rng, at)          # the clock
    cv2.rectangle(tex, p(0.86 * u, 0.03 * u), p(0.93 * u, 0.055 * u), header_ink, -1)   # battery
    _text(tex, 0.35 * u, 0.075 * u, 0.045 * u, 0.3 * u, header_ink, rng, at)           # page title
    to_tex = lambda px, py: ((px - origin[0]) * scale, (py - origin[1]) * scale)   # noqa: E731
    side = phone.code_px * scale
    for cx, cy in centres if phone.content != "chat" else ():
        tx, ty = to_tex(cx, cy)
        card_top, card_bottom = ty - side * 0.5 - 0.12 * u, ty + side * 0.5 + 0.2 * u
        cv2.rectangle(tex, p(0.05 * u, card_top), p(0.95 * u, card_bottom), (255, 255, 255), -1)
        _text(tex, 0.1 * u, card_top + 0.03 * u, 0.045 * u, 0.5 * u, (30, 30, 30), rng, at)
        _text(tex, 0.1 * u, ty + side * 0.5 + 0.05 * u, 0.035 * u, 0.7 * u, (120, 120, 120), rng, at)
        _text(tex, 0.1 * u, ty + side * 0.5 + 0.11 * u, 0.035 * u, 0.45 * u, (120, 120, 120), rng, at)
    if phone.content == "chat":
        for k in range(int(th / (0.09 * u))):
            _text(tex, 0.06 * u, bar + 0.05 * u + k * 0.09 * u, 0.04 * u, rng.uniform(0.3, 0.85) * u, (60, 60, 60),
                  rng, at)
    else:
        last = to_tex(*centres[-1])[1] + side * 0.5 + 0.24 * u
        for k in range(int((th - last) / (0.07 * u))):
            _text(tex, 0.06 * u, last + k * 0.07 * u, 0.035 * u, rng.uniform(0.3, 0.85) * u, (90, 90, 90), rng, at)
        if th - last > 0.2 * u:
            cv2.rectangle(tex, p(0.1 * u, th - 0.16 * u), p(0.9 * u, th - 0.06 * u),
                          header if phone.app != "plain" else (96, 193, 7), -1)
    if phone.content == "qr":
        for (cx, cy), payload in zip(centres, payloads):
            tx, ty = to_tex(cx, cy)
            _paste_code(tex, qr_modules(payload), int(round(side)), int(round(tx)) - wx0, int(round(ty)) - wy0)
    elif phone.content == "sun":
        tx, ty = to_tex(*centres[0])
        _sun_code(tex, tx - wx0, ty - wy0, side / 2, rng)
    if scale > 1.15:                                   # finer than the frame: keep the warp from aliasing
        tex = cv2.GaussianBlur(tex, (0, 0), 0.4 * scale)
    span = phone.screen_white - phone.screen_black
    tint = 1.0 + np.array([0.06, 0.0, -0.05]) * rng.uniform(0, 1)   # screens look a little cool
    tex = cv2.transform(tex, np.hstack([np.diag(tint * span / 255), np.full((3, 1), phone.screen_black)]))
    if phone.glare > 0:
        gw, gh = max(tex.shape[1] // 8, 2), max(tex.shape[0] // 8, 2)
        xs = (wx0 + (np.arange(gw) + 0.5) * (wx1 - wx0) / gw) / tw
        ys = (wy0 + (np.arange(gh) + 0.5) * (wy1 - wy0) / gh) / th
        small = np.clip(glare_at(phone, sw, sh, xs[None, :], ys[:, None]), 0, 255).astype(np.uint8)
        glare = cv2.resize(small, (tex.shape[1], tex.shape[0]))
        tex = cv2.add(tex, cv2.merge([glare, glare, glare]))
    return tex


def _paste_code(tex, modules, side, cx, cy):
    """The code, side×side texels, centred at (cx, cy) of the window (clipped to it). Modules are
    whole texels, uneven by one where side is not a multiple, as a phone draws them."""
    x, y = cx - side // 2, cy - side // 2
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + side, tex.shape[1]), min(y + side, tex.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    light = cv2.resize((1 - modules) * 255, (side, side), interpolation=cv2.INTER_NEAREST)   # the card is white
    tex[y0:y1, x0:x1] = cv2.cvtColor(light[y0 - y:y1 - y, x0 - x:x1 - x], cv2.COLOR_GRAY2BGR)


def _sun_code(tex, cx, cy, radius, rng):
    """A WeChat mini-program code look-alike: rays of rounded strokes around a logo, three eyes."""
    cv2.circle(tex, (int(cx), int(cy)), int(radius * 1.05), (255, 255, 255), -1)
    ink = (25, 25, 25)
    stroke = max(int(radius * 0.045), 1)
    for ring, count in ((0.42, 28), (0.55, 36), (0.68, 44), (0.81, 52), (0.94, 60)):
        for a in np.linspace(0, 2 * np.pi, count, endpoint=False) + rng.uniform(0, 0.1):
            if rng.random() < 0.35:
                continue
            length = rng.uniform(0.02, 0.1) * radius
            r0 = ring * radius
            p0 = (cx + r0 * math.cos(a), cy + r0 * math.sin(a))
            p1 = (cx + (r0 + length) * math.cos(a), cy + (r0 + length) * math.sin(a))
            cv2.line(tex, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), ink, stroke, cv2.LINE_AA)
    for a in (np.pi * 1.25, np.pi * 1.75, np.pi * 0.75):
        ex, ey = int(cx + 0.68 * radius * math.cos(a)), int(cy + 0.68 * radius * math.sin(a))
        cv2.circle(tex, (ex, ey), int(radius * 0.13), ink, -1, cv2.LINE_AA)
        cv2.circle(tex, (ex, ey), int(radius * 0.09), (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(tex, (ex, ey), int(radius * 0.05), ink, -1, cv2.LINE_AA)
    cv2.circle(tex, (int(cx), int(cy)), int(radius * 0.3), (96, 193, 7), -1, cv2.LINE_AA)     # the logo
    cv2.circle(tex, (int(cx), int(cy)), int(radius * 0.18), (255, 255, 255), -1, cv2.LINE_AA)


def glare_at(phone: PhoneStyle, sw, sh, xs, ys) -> np.ndarray:
    """Brightness the highlight adds at screen points (fractions of the screen's width/height)."""
    dx, dy = (xs - phone.glare_xy[0]) * sw, (ys - phone.glare_xy[1]) * sh
    a = math.radians(phone.glare_angle)
    along, across = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
    r = phone.glare_r * sw
    return phone.glare * np.exp(-0.5 * ((along / (r * phone.glare_stretch)) ** 2 + (across / r) ** 2))
