"""QR code decoders for the scanner camera, behind one small interface.

A decoder has a `name` and `decode(gray) -> list[bytes]`: given a greyscale frame (2-D uint8
array) it returns the raw payload bytes of every QR code it read, [] when none. Bytes, never text:
an appointment token is ASCII, but a code may hold GBK or binary, and only the caller, which
validates and verifies the token, knows what the bytes mean. Nothing here caps the size either (a
QR code holds at most 2,953 bytes); the caller rejects whatever is not a token.

What each library gives:
- zxing-cpp: `Barcode.bytes` is the byte content as encoded (ECI markers removed); its text is
  not used. Single-threaded (CPU time equals wall time in tests/benchmarks/test_qr_decoders.py).
- pyzbar (needs the system's libzbar0): zbar turns byte-mode data into UTF-8 by guessing a
  charset (GBK comes out mangled) unless ZBAR_CFG_BINARY is set, which pyzbar's decode() cannot
  do; ZbarDecoder drives libzbar through pyzbar's ctypes wrapper and sets it.
- OpenCV QRCodeDetector and QRCodeDetectorAruco: `detectAndDecodeBytesMulti` (OpenCV ≥ 4.11)
  returns bytes, but not raw ones: byte-mode data that is not valid UTF-8 comes back converted
  from Latin-1 to UTF-8 (GBK "张" d5c5 comes back c395c385). OpenCVDecoder undoes that; it
  cannot tell apart a payload that was UTF-8 made only of U+0080–U+00FF characters ("é" c3a9)
  from its Latin-1 bytes (e9), and returns the latter. ASCII tokens are never affected. The
  older `detectAndDecodeMulti` returns text only and is not used. Both use OpenCV's thread
  pool: call cv2.setNumThreads(1) to keep them on one core.

Use one decoder object per thread: the OpenCV detectors keep state between calls.
"""
from __future__ import annotations

import base64
import ctypes
from typing import Callable, Protocol, Sequence

import cv2
import numpy as np


class Decoder(Protocol):
    name: str

    def decode(self, gray: np.ndarray) -> list[bytes]: ...


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(image, dtype=np.uint8)


def _unique(payloads) -> list[bytes]:
    """Drop empties (a detector that found a code but could not read it) and repeats, keep order."""
    seen: list[bytes] = []
    for p in payloads:
        p = bytes(p)
        if p and p not in seen:
            seen.append(p)
    return seen


class ZxingDecoder:
    """zxing-cpp, QR Model 2 only (no Micro QR or rMQR: appointment codes are plain QR).

    With refine=True, a code zxing-cpp found but could not read (its error correction failed:
    too few pixels per module, too soft) is tried again on a crop around it, enlarged and
    sharpened. It costs a few ms, and only in frames where a code was found and not read."""

    def __init__(self, *, refine: bool = False):
        import zxingcpp
        self._zx = zxingcpp
        self.refine = refine
        self.name = "zxing-cpp+refine" if refine else "zxing-cpp"
        formats = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2", zxingcpp.BarcodeFormat.QRCode)   # 2.x: QRCode
        self._options = dict(formats=formats, try_rotate=False, try_downscale=True, try_invert=False,
                             binarizer=zxingcpp.Binarizer.LocalAverage)

    def decode(self, gray: np.ndarray) -> list[bytes]:
        gray = _gray(gray)
        results = self._zx.read_barcodes(gray, return_errors=self.refine, **self._options)
        found = [r.bytes for r in results if r.valid]
        for failed in [r for r in results if not r.valid][:MAX_REFINES]:
            found += self._refine(gray, failed.position)
        return _unique(found)

    def _refine(self, gray: np.ndarray, position) -> list[bytes]:
        corners = np.array([(p.x, p.y) for p in (position.top_left, position.top_right,
                                                  position.bottom_right, position.bottom_left)], float)
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
        margin = 0.25 * max(x1 - x0, y1 - y0)
        x0, y0 = int(max(x0 - margin, 0)), int(max(y0 - margin, 0))
        x1, y1 = int(min(x1 + margin, gray.shape[1])), int(min(y1 + margin, gray.shape[0]))
        crop = gray[y0:y1, x0:x1]
        if crop.size == 0:
            return []
        for factor, amount, sigma in RESCUES:
            factor = min(factor, (MAX_RESCUE_PIXELS / crop.size) ** 0.5)
            if factor < 1.3:
                break
            big = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
            results = self._zx.read_barcodes(sharpen(big, amount, sigma), **self._options)
            if any(r.valid for r in results):
                return [r.bytes for r in results if r.valid]
        return []


MAX_REFINES = 3                          # found-but-unread codes retried per frame
MAX_RESCUE_PIXELS = 1_500_000            # an enlarged crop no bigger than this (~2 ms to read)
RESCUES = ((2.0, 1.0, 1.5), (3.0, 2.0, 3.0))   # enlarge ×, then unsharp amount, sigma


class ZbarDecoder:
    """libzbar through pyzbar's ctypes wrapper, QR only, bytes kept raw (ZBAR_CFG_BINARY)."""
    CFG_BINARY = 4          # zbar ≥ 0.23; pyzbar's enum predates it (there, 4 is CFG_NUM)

    name = "pyzbar"

    def __init__(self):
        from pyzbar import wrapper as zbar
        self._z = zbar

    def decode(self, gray: np.ndarray) -> list[bytes]:
        z = self._z
        pixels = _gray(gray)
        height, width = pixels.shape
        scanner = z.zbar_image_scanner_create()
        image = z.zbar_image_create()
        try:
            z.zbar_image_scanner_set_config(scanner, z.ZBarSymbol.NONE, z.ZBarConfig.CFG_ENABLE, 0)
            z.zbar_image_scanner_set_config(scanner, z.ZBarSymbol.QRCODE, z.ZBarConfig.CFG_ENABLE, 1)
            z.zbar_image_scanner_set_config(scanner, z.ZBarSymbol.QRCODE, self.CFG_BINARY, 1)
            z.zbar_image_set_format(image, _Y800)
            z.zbar_image_set_size(image, width, height)
            z.zbar_image_set_data(image, ctypes.c_void_p(pixels.ctypes.data), pixels.size, None)
            found = []
            if z.zbar_scan_image(scanner, image) > 0:
                symbol = z.zbar_image_first_symbol(image)
                while symbol:
                    found.append(ctypes.string_at(z.zbar_symbol_get_data(symbol),
                                                  z.zbar_symbol_get_data_length(symbol)))
                    symbol = z.zbar_symbol_next(symbol)
            return _unique(found)
        finally:
            z.zbar_image_destroy(image)
            z.zbar_image_scanner_destroy(scanner)


_Y800 = int.from_bytes(b"Y800", "little")     # zbar's fourcc for 8-bit grey


class OpenCVDecoder:
    """cv2.QRCodeDetector (aruco=False) or cv2.QRCodeDetectorAruco, several codes per frame."""

    def __init__(self, aruco: bool = False):
        self._detector = cv2.QRCodeDetectorAruco() if aruco else cv2.QRCodeDetector()
        self.name = "opencv-aruco" if aruco else "opencv"

    def decode(self, gray: np.ndarray) -> list[bytes]:
        try:
            ok, payloads, _points, _straight = self._detector.detectAndDecodeBytesMulti(_gray(gray))
        except cv2.error:          # seen on degenerate quads; a frame that cannot be read, not a fault
            return []
        return _unique(_undo_latin1(p) for p in payloads) if ok else []


def _undo_latin1(data: bytes) -> bytes:
    """OpenCV's bytes back to the code's bytes (see the module docstring for the one ambiguity)."""
    try:
        text = bytes(data).decode("utf-8")
        raw = text.encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return bytes(data)          # characters past U+00FF: the code held this UTF-8 as it is
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw                  # not UTF-8 as Latin-1 bytes: OpenCV converted it
    return bytes(data)


# ---------------------------------------------------------------- retries and the chain

def upscale(gray: np.ndarray, factor: float = 1.5) -> np.ndarray:
    """Gives a far-away code's modules enough pixels for the binarizer."""
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)


def sharpen(gray: np.ndarray, amount: float = 1.5, sigma: float = 2.0) -> np.ndarray:
    """Unsharp mask: puts back some of the module contrast that defocus and hand shake took."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1 + amount, blurred, -amount, 0)


class Transformed:
    """A decoder that first transforms the frame (a retry step in a DecoderChain)."""

    def __init__(self, decoder: Decoder, transform: Callable[[np.ndarray], np.ndarray], label: str):
        self.decoder, self.transform = decoder, transform
        self.name = f"{decoder.name}+{label}"

    def decode(self, gray: np.ndarray) -> list[bytes]:
        return self.decoder.decode(self.transform(_gray(gray)))


class DecoderChain:
    """Steps tried in order; the first that reads anything wins. Cheap steps first: a frame with
    no code runs every step, and most frames at a kiosk have none."""

    def __init__(self, steps: Sequence[Decoder], name: str | None = None):
        if not steps:
            raise ValueError("a DecoderChain needs at least one step")
        self.steps = list(steps)
        self.name = name or " > ".join(s.name for s in self.steps)

    def decode(self, gray: np.ndarray) -> list[bytes]:
        gray = _gray(gray)
        for step in self.steps:
            found = step.decode(gray)
            if found:
                return found
        return []


def all_decoders() -> list[Decoder]:
    """Every library on its own (zxing-cpp also with refine), for the side-by-side benchmark."""
    return [ZxingDecoder(), ZxingDecoder(refine=True), ZbarDecoder(), OpenCVDecoder(), OpenCVDecoder(aruco=True)]


def sharpened_upscale(gray: np.ndarray) -> np.ndarray:
    """1.5× larger, then a strong unsharp mask: for small, soft codes far from the camera."""
    return sharpen(upscale(gray, 1.5), amount=2.0, sigma=2.0)


def default_decoder() -> DecoderChain:
    """The scanner's decoder, chosen by measurement (tests/benchmarks/test_qr_decoders.py, 300
    generated frames per seed, one core):

    1. zxing-cpp (refine) on the frame lightly sharpened: reads nearly all that plain zxing-cpp
       reads, more soft codes, and both codes of a pair more often, for ~2 ms more;
    2. the same on the frame 1.5× larger and sharpened harder: small, soft codes far away;
    3. the same on the frame as it is: a screen half washed out by a highlight, which sharpening
       clips.
    98.8 % of readable frames on seeds 1–3 (plain zxing-cpp 93.5–96.4 %), no false read; median
    4–6 ms, p95 20–26 ms. A frame with no code runs all three steps (~16–22 ms). pyzbar and OpenCV
    read nothing this misses, at 10–40× the time; CLAHE or a downscaled retry added nothing."""
    zxing = ZxingDecoder(refine=True)
    return DecoderChain([Transformed(zxing, lambda g: sharpen(g, amount=1.5, sigma=1.0), "sharpen"),
                         Transformed(zxing, sharpened_upscale, "upscale-sharpen"),
                         zxing], name="default")


# ---------------------------------------------------------------- payloads as JSON

def payload_to_json(payload: bytes) -> str | dict:
    """A payload as JSON: a string when it is valid UTF-8 (ASCII tokens are), else {"base64": ...}."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(payload).decode("ascii")}


def payload_from_json(value: str | dict) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return base64.b64decode(value["base64"])
