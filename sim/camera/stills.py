"""A labelled set of still camera frames for the decoder benchmark and `kiosk-sim camera-stills`.

Each frame is a PNG of exactly the pixels a decoder sees (after the JPEG round trip). labels.json
holds, per file, the payloads shown (a string when valid UTF-8, else {"base64": ...}), which of
them a decoder can be expected to read and why not, and the full Style, so any frame can be
rendered again from its label.

The mix follows what a kiosk camera sees: mostly one phone with an appointment token, some
other payloads (URLs, GBK text, binary, long or short), and the hard cases: two codes, a code cut
by the frame edge, no code, a mini-program sun code, a black frame.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

import cv2
import numpy as np

from drivers.scanner.decoders import payload_from_json, payload_to_json
from sim.camera.phone import render_labelled, random_style

# Share of frames of each kind; "phone" takes the rest.
MIX = {"two_phones": 0.03, "two_on_screen": 0.03, "cut": 0.04, "empty": 0.05, "sun": 0.04, "black": 0.02}
CODES = {"phone": 1, "cut": 1, "two_phones": 2, "two_on_screen": 2, "empty": 0, "sun": 0, "black": 0}


def random_payload(rng: np.random.Generator) -> bytes:
    """Mostly signed appointment tokens (`v1.<payload>.<signature>`, base64url, ~80–120 chars)."""
    b64 = lambda n: base64.urlsafe_b64encode(rng.bytes(n)).rstrip(b"=")   # noqa: E731
    token = b"v1." + b64(int(rng.integers(40, 62))) + b"." + b64(32)
    roll = rng.random()
    if roll < 0.74:
        return token
    if roll < 0.82:
        return b"https://zwfw.example.gov.cn/yy?t=" + token
    if roll < 0.87:                                   # GBK text (no personal data in a code)
        return f"政务服务预约 A{int(rng.integers(1, 999)):03d} 社保窗口".encode("gbk")
    if roll < 0.91:
        return rng.bytes(int(rng.integers(16, 64)))
    if roll < 0.95:                                   # long: a code some other system made
        return b"v1." + b64(int(rng.integers(200, 420))) + b"." + b64(64)
    return f"A{int(rng.integers(1, 999)):03d}".encode()


def frame_kinds(count: int, rng: np.random.Generator) -> list[str]:
    kinds = [kind for kind, share in MIX.items() for _ in range(round(share * count))]
    kinds += ["phone"] * max(count - len(kinds), 0)
    kinds = kinds[:count]
    rng.shuffle(kinds)
    return kinds


def write_still_set(out_dir, count: int = 300, seed: int = 1, width: int = 1280, height: int = 720) -> dict:
    """Render `count` frames into out_dir as NNNN.png plus labels.json; returns the labels."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    entries = []
    for i, kind in enumerate(frame_kinds(count, rng)):
        codes = [random_payload(rng) for _ in range(CODES[kind])]
        while len(set(codes)) < len(codes):
            codes[-1] = random_payload(rng)
        style = random_style(rng, len(codes), kind=kind, width=width, height=height, codes=codes)
        frame = render_labelled(codes, rng, width, height, style)
        name = f"{i:04d}.png"
        cv2.imwrite(str(out / name), frame.image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        entries.append({
            "file": name,
            "kind": kind,
            "payloads": [payload_to_json(c.payload) for c in frame.codes],
            "readable": [c.readable for c in frame.codes],
            "codes": [{k: v for k, v in vars(c).items() if k != "payload"} for c in frame.codes],
            "style": style.to_dict(),
        })
    labels = {"seed": seed, "count": count, "width": width, "height": height,
              "payload_format": 'string when valid UTF-8, else {"base64": ...}', "frames": entries}
    head = json.dumps({k: v for k, v in labels.items() if k != "frames"}, ensure_ascii=False)[:-1]
    rows = ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries)      # one frame per line
    (out / "labels.json").write_text(f'{head}, "frames": [\n{rows}\n]}}\n', encoding="utf-8")
    return labels


def load_labels(out_dir) -> list[dict]:
    """labels.json's frames with payloads back as bytes: "payloads" all shown, "expected" readable."""
    labels = json.loads((Path(out_dir) / "labels.json").read_text(encoding="utf-8"))
    frames = []
    for entry in labels["frames"]:
        payloads = [payload_from_json(p) for p in entry["payloads"]]
        frames.append({**entry, "payloads": payloads,
                       "expected": [p for p, ok in zip(payloads, entry["readable"]) if ok]})
    return frames

