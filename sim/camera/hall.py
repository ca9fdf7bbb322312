"""The hall behind the phone: drawn at a quarter of the frame size and scaled up, because a
camera focused on a phone a hand's length away sees the hall out of focus anyway (and it is
fast: ~4 ms of a frame's ~25). Gradients, ceiling lights, counters with window numbers, a
red LED queue display, floor joints, people as blobs, a mottled texture, vignetting."""
from __future__ import annotations

import functools

import cv2
import numpy as np


def hall_background(rng: np.random.Generator, width: int, height: int, holders=(), gain: float = 1.0) -> np.ndarray:
    """A service hall, out of focus: ceiling lights, walls with counters and signs, people, floor.
    `holders`: (x, y, size) in frame pixels of each citizen holding a phone up, drawn behind it."""
    w, h = max(width // 4, 8), max(height // 4, 8)
    horizon = rng.uniform(0.35, 0.6)
    ceiling = rng.uniform(170, 235, 3)
    wall = rng.choice([[200, 210, 215], [170, 190, 205], [205, 200, 185], [150, 160, 170]]) + rng.normal(0, 12, 3)
    floor = rng.choice([[120, 125, 130], [90, 110, 140], [150, 150, 150]]) + rng.normal(0, 10, 3)
    t = np.linspace(0, 1, h)[:, None]
    upper = np.clip(t / horizon, 0, 1)
    column = np.where(t < horizon, ceiling * (1 - upper) + wall * upper,
                      floor * (0.8 + 0.4 * (t - horizon) / (1 - horizon)))
    img = cv2.resize(column.astype(np.float32)[:, None, :], (w, h), interpolation=cv2.INTER_NEAREST)
    hz = int(horizon * h)
    for _ in range(rng.integers(3, 7)):                         # ceiling light panels
        x, y = rng.integers(0, w), rng.integers(0, max(hz // 2, 1))
        size = (int(x + rng.integers(8, 30)), int(y + rng.integers(2, 5)))
        cv2.rectangle(img, (int(x), int(y)), size, (255, 255, 255), -1)
    for _ in range(rng.integers(2, 5)):                         # counters and service windows
        x0 = int(rng.integers(-20, w)); x1 = x0 + int(rng.integers(20, 80))
        y0 = int(hz - rng.integers(5, 25)); y1 = int(hz + rng.integers(0, 15))
        cv2.rectangle(img, (x0, y0), (x1, y1), tuple(float(v) for v in rng.uniform(60, 220, 3)), -1)
        cv2.rectangle(img, (x0 + 3, y0 - 9), (x0 + 13, y0 - 3), (160, 90, 30), -1)   # window number plate
    if rng.random() < 0.7:                                      # red LED queue display
        x, y = int(rng.integers(0, w - 40)), int(rng.integers(2, max(hz - 14, 3)))
        cv2.rectangle(img, (x, y), (x + 46, y + 11), (25, 20, 20), -1)
        lit = np.kron(rng.random((2, 8)) < 0.7, np.pad(np.ones((3, 3), bool), ((0, 2), (0, 2))))   # 2×8 dots
        board = img[y + 2:y + 12, x + 3:x + 43]
        board[lit[:board.shape[0], :board.shape[1]]] = (40, 40, 240)
    vx = rng.uniform(0.3, 0.7) * w                              # floor tile joints toward a vanishing point
    for k in range(-6, 7):
        cv2.line(img, (int(vx), hz), (int(vx + k * w * 0.25), h), tuple(float(v) * 0.8 for v in floor), 1, cv2.LINE_AA)
    for _ in range(rng.integers(1, 6)):                         # people behind
        _person(img, rng, rng.uniform(0, w), hz + rng.uniform(-5, 20), rng.uniform(0.4, 1.0) * h * 0.35)
    for x, y, size in holders:                                  # the citizen holding the phone
        _person(img, rng, x / 4 + rng.uniform(-20, 20), y / 4 + size / 6, size / 4 * rng.uniform(1.8, 3.0))
    mottle = cv2.resize(rng.normal(1.0, 0.06, (max(h // 10, 2), max(w // 10, 2))).astype(np.float32), (w, h),
                        interpolation=cv2.INTER_CUBIC)
    img *= (mottle * _vignette(w, h) * gain)[:, :, None]
    small = cv2.GaussianBlur(np.clip(img, 0, 255).astype(np.uint8), (5, 5), 0.9)   # out of focus
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def _person(img, rng, x, y, size):
    cloth = tuple(float(v) for v in rng.choice([[40, 40, 45], [120, 60, 30], [200, 200, 205], [40, 40, 140],
                                                  [70, 110, 60], [150, 130, 110]]) + rng.normal(0, 10, 3))
    skin = tuple(float(v) for v in (rng.uniform(110, 170), rng.uniform(140, 190), rng.uniform(180, 230)))
    cv2.ellipse(img, (int(x), int(y + size * 0.6)), (int(size * 0.35), int(size * 0.6)), 0, 0, 360, cloth, -1,
                cv2.LINE_AA)
    cv2.circle(img, (int(x), int(y - size * 0.1)), max(int(size * 0.16), 1), skin, -1, cv2.LINE_AA)
    cv2.ellipse(img, (int(x), int(y - size * 0.17)), (max(int(size * 0.17), 1), max(int(size * 0.1), 1)), 0, 180, 360,
                (30, 30, 35), -1, cv2.LINE_AA)                  # hair


@functools.lru_cache(maxsize=8)
def _vignette(w: int, h: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    return 1.0 - 0.18 * r2 / 2
