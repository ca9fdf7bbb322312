"""QR code decoders for the scanner camera, behind one small interface.

A decoder has a `name` and `decode(gray) -> list[bytes]`: given a greyscale frame (2-D uint8
array) it returns the raw payload bytes of every QR code it read, [] when none. Bytes, never text:
an appointment token is ASCII, but a code may hold GBK or binary, and only the caller, which
validates and verifies the token, knows what the bytes mean. Nothing here caps the size either (a
QR code holds at most 2,953 bytes); the caller rejects whatever is not a token.

The scanner uses `default_decoder()`: one zxing-cpp pass, and a second look (enlarged, sharpened,
or with hand shake undone) only at a region that probably holds a code the pass could not read
(SecondLookDecoder; docs/qr-decoding.md).

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
import math
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
    no code runs every step, and most frames at a kiosk have none (which is why the scanner's
    default is a SecondLookDecoder, not a chain)."""

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


# ---------------------------------------------------------------- one pass, and a second look where it pays

class SecondLookDecoder:
    """zxing-cpp once over the frame; a second, closer look only where a code probably is that
    this pass could not read. See docs/qr-decoding.md for the measurements behind each choice.

    Most frames at a kiosk hold no code and most codes read in one pass, so the frame pass is
    plain zxing-cpp with ZxingDecoder's options and nothing added: the chain reads every frame
    zxing-cpp alone reads, at the same cost. When that pass reads nothing, the second look goes to
    1. the codes it found but could not decode (their corners come back with return_errors), at
       most MAX_LOOKS of them; or else
    2. the region of the frame most like a QR code's texture (`code_regions`, ~0.2 ms), if any:
       a hall, a face or a blurred background has none, so such a frame costs one pass and
       this check. A printed notice or a chat screen may have one and costs a look at a crop.
    A frame where the pass read a code gets a second look only at codes it found and could not
    read (two phones held up at once).

    A look (`look`) at a crop: when it is smeared in one direction (hand shake), the smear's
    direction and length are measured from the crop and undone with a Wiener filter, and the
    result is read enlarged; when that reads nothing or there is no smear, the crop is sharpened
    and read enlarged (up to 2×: a small code's modules get enough pixels for the binarizer).
    A second look accepts what the frame pass accepts: a whole QR code whose Reed-Solomon check
    passed, on this frame's own pixels. Sharpening or undoing a smear can make a code unreadable,
    not turn it into another payload.
    """

    name = "default"

    def __init__(self):
        import zxingcpp
        self._zx = zxingcpp
        formats = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2", zxingcpp.BarcodeFormat.QRCode)
        self._options = dict(formats=formats, try_rotate=False, try_downscale=True, try_invert=False,
                             binarizer=zxingcpp.Binarizer.LocalAverage)      # as ZxingDecoder
        # A crop is read as it is: scanning it again at a smaller scale would repeat the frame pass.
        self._crop_options = dict(self._options, try_downscale=False)

    def decode(self, gray: np.ndarray) -> list[bytes]:
        gray = _gray(gray)
        results = self._zx.read_barcodes(gray, return_errors=True, **self._options)
        found = [r.bytes for r in results if r.valid]
        regions = [_box_around(_corners(r.position), gray.shape) for r in results if not r.valid][:MAX_LOOKS]
        if not found and not regions:
            regions = code_regions(gray)[:MAX_GUESSES]
        for box in regions:
            found += self.look(gray, box)
        return _unique(found)

    def look(self, gray: np.ndarray, box: tuple[int, int, int, int]) -> list[bytes]:
        """Read the region box = (x0, y0, x1, y1) of the frame more closely; [] if nothing in it reads."""
        x0, y0, x1, y1 = box
        crop = gray[y0:y1, x0:x1]
        if min(crop.shape) < 16:
            return []
        blur = motion_blur(crop)
        if blur is not None:
            length, degrees = blur
            # Turned so that the smear runs along the rows (zxing-cpp reads a code at any angle),
            # the smear is undone row by row: a 1-D filter, cheaper than a 2-D one and as exact.
            turned = turn(crop, degrees)
            found = self._read(_enlarge(deblur_rows(turned, length, WIENER_NSR), _factor(turned)))
            if found:
                return found
        # No smear, or undoing it did not help (a short smear measured long, a soft code).
        return self._read(_enlarge(sharpen(crop, *LOOK_SHARPEN), _factor(crop)))

    def _read(self, image: np.ndarray) -> list[bytes]:
        return [r.bytes for r in self._zx.read_barcodes(image, **self._crop_options) if r.valid]


MAX_LOOKS = 2                    # codes found but not read, looked at again per frame
MAX_GUESSES = 1                  # regions of code-like texture looked at when nothing was found: a
                                 # second costs more on text-heavy empty frames than it reads
LOOK_SHARPEN = (2.0, 1.0)        # unsharp amount and sigma for a crop without a smear
MAX_LOOK_PIXELS = 400_000        # an enlarged crop no bigger than this (~0.5 ms to read)
WIENER_NSR = 0.02                # noise-to-signal of the Wiener filter: at 0.01 it rings, at 0.05
                                 # it leaves the smear (measured: fewer reads either way)


def _corners(position) -> np.ndarray:
    return np.array([(p.x, p.y) for p in (position.top_left, position.top_right,
                                          position.bottom_right, position.bottom_left)], float)


def _box_around(corners: np.ndarray, shape, margin: float = 0.25) -> tuple[int, int, int, int]:
    """The bounding box of a found code's corners, a quarter of its size added on each side (the
    corners of a code zxing-cpp could not read are approximate)."""
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    m = margin * max(x1 - x0, y1 - y0)
    return (int(max(x0 - m, 0)), int(max(y0 - m, 0)), int(min(x1 + m, shape[1])), int(min(y1 + m, shape[0])))


def _factor(crop: np.ndarray) -> float:
    """2× for a small code's modules to get enough pixels for the binarizer; less for a big
    region (a phone close up: its modules are big anyway, and a read costs time per pixel)."""
    return min(2.0, (MAX_LOOK_PIXELS / crop.size) ** 0.5)


def _enlarge(gray: np.ndarray, factor: float) -> np.ndarray:
    if factor <= 1.0:
        return gray
    h, w = gray.shape                  # rounded down, so that the pixels stay within MAX_LOOK_PIXELS
    return cv2.resize(gray, (int(w * factor), int(h * factor)), interpolation=cv2.INTER_CUBIC)


# What `code_regions` calls a code-like texture, in blocks of 8×8 frame pixels. Measured on the
# foreign frames (tests/benchmarks/foreign_frames.py, seeds 1-3): every code zxing-cpp missed lay
# in the first region found, with a texture of 25.5 or more, while a hall, a face or a blurred
# background gives none (a printed notice or a chat screen may).
TEXTURE_MIN = 20.0               # light-dark change per pixel at half size, per 100 grey levels of brightness
REGION_MIN_TEXTURE = 25.0        # and at least this much on average over a region
REGION_MIN_BLOCKS = 36           # a region at least 6×6 blocks (48×48 px: a 21-module code at 2 px)
REGION_MARGIN = 16               # px added around a region: the code's own edge is at its border
REGION_MAX_FRACTION = 0.25       # a region wider than this part of the frame is a texture, not a code


def code_regions(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Regions (x0, y0, x1, y1) of the frame that look like a QR code's texture, most code-like
    first: many sharp light-dark changes at the scale of a few pixels, over an area, whatever the
    brightness there. Edges of large shapes (a counter, a person, a window frame) are thin lines
    and vanish in the averaging; text and codes do not. ~0.2 ms on a 1280×720 frame: only 2×
    reductions (OpenCV's fast path) and absolute differences."""
    h, w = gray.shape
    if h < 64 or w < 64:
        return []
    half = cv2.resize(gray, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    hh, hw = (half.shape[0] - 1) // 4 * 4, (half.shape[1] - 1) // 4 * 4
    change = cv2.add(cv2.absdiff(half[:hh, 1:hw + 1], half[:hh, :hw]),
                     cv2.absdiff(half[1:hh + 1, :hw], half[:hh, :hw]))

    def blocks(image):                   # mean over 4×4 half-size pixels, smoothed over 3×3 blocks
        quarter = cv2.resize(image, (hw // 2, hh // 2), interpolation=cv2.INTER_AREA)
        return cv2.blur(cv2.resize(quarter, (hw // 4, hh // 4), interpolation=cv2.INTER_AREA)
                        .astype(np.float32), (3, 3))

    texture = blocks(change) * 100 / (blocks(half[:hh, :hw]) + 20)   # contrast, not brightness
    if texture.max() < REGION_MIN_TEXTURE:
        return []                        # the usual empty frame: no need to find regions (~0.1 ms)
    count, labels, stats, _ = cv2.connectedComponentsWithStats((texture > TEXTURE_MIN).astype(np.uint8),
                                                               connectivity=8)
    regions = []
    for label in range(1, count):
        x, y, bw, bh, area = stats[label]
        if area < REGION_MIN_BLOCKS or bw * bh > REGION_MAX_FRACTION * texture.size:
            continue
        strength = float(texture[y:y + bh, x:x + bw][labels[y:y + bh, x:x + bw] == label].mean())
        if strength < REGION_MIN_TEXTURE:
            continue
        box = (max(8 * x - REGION_MARGIN, 0), max(8 * y - REGION_MARGIN, 0),
               min(8 * (x + bw) + REGION_MARGIN, w), min(8 * (y + bh) + REGION_MARGIN, h))
        regions.append((strength, box))
    regions.sort(key=lambda r: -r[0])
    return [box for _, box in regions]


MIN_BLUR_PX = 2.0                # shorter smears are left to the plain enlarged look
MAX_BLUR_PX = 16                 # the longest smear looked for: 2 modules of a code with 8-px modules
BLUR_WINDOW = 160                # px: the blur is measured on at most this much of the middle
MAX_ISOTROPY = 0.8               # weakest / strongest gradient energy: below this the crop is smeared


def motion_blur(crop: np.ndarray) -> tuple[float, float] | None:
    """(length px, direction degrees) of a straight motion smear in the crop, or None if it is
    not smeared. A QR code has as many edges across one axis as across the other, so a direction
    with clearly less gradient energy is the direction of the smear (the structure tensor's weakest
    eigenvector). Along it, the derivative of a smeared edge is a box as long as the smear: its
    autocorrelation dips most negative one smear length away, which gives the length. ~0.3 ms."""
    h, w = crop.shape
    side = min(h // 2, w // 2, BLUR_WINDOW)      # the middle of the region, where its code is
    if side < 2 * MAX_BLUR_PX:
        return None
    y0, x0 = (h - side) // 2, (w - side) // 2
    centre = crop[y0:y0 + side, x0:x0 + side].astype(np.float32)
    gx = cv2.Sobel(centre, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(centre, cv2.CV_32F, 0, 1, ksize=3)
    a, b, c = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    spread = math.hypot((a - b) / 2, c)
    strong, weak = (a + b) / 2 + spread, (a + b) / 2 - spread
    if strong <= 0 or weak / strong > MAX_ISOTROPY:
        return None
    degrees = (math.degrees(0.5 * math.atan2(2 * c, a - b)) + 90) % 180
    # Turn the window so that the smear runs along x, and keep its middle (no corners from turning).
    matrix = cv2.getRotationMatrix2D((side / 2, side / 2), degrees, 1.0)
    along = cv2.warpAffine(centre, matrix, (side, side), flags=cv2.INTER_LINEAR)
    along = along[side // 4:side - side // 4, side // 4:side - side // 4]
    d = np.diff(along, axis=1)
    d -= d.mean()
    energy = float((d * d).mean())
    if energy <= 0:
        return None
    lags = range(1, min(MAX_BLUR_PX, d.shape[1] - 1) + 1)
    dips = [float((d[:, :-k] * d[:, k:]).mean()) for k in lags]
    lag = 1 + int(np.argmin(dips))
    length = lag - 0.5               # np.diff's own step widens the dip by about half a pixel
    if length < MIN_BLUR_PX:
        return None
    return length, degrees


def turn(gray: np.ndarray, degrees: float) -> np.ndarray:
    """The image turned so that the direction `degrees` (x right, y down) runs along x, on a
    canvas big enough to hold all of it; the new corners repeat the nearest edge pixels."""
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    size = (int(math.ceil(w * cos + h * sin)), int(math.ceil(w * sin + h * cos)))
    matrix[0, 2] += size[0] / 2 - w / 2
    matrix[1, 2] += size[1] / 2 - h / 2
    return cv2.warpAffine(gray, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def deblur_rows(gray: np.ndarray, length: float, nsr: float) -> np.ndarray:
    """Undo a horizontal motion smear `length` px long with a Wiener filter, G·K / (K² + nsr) in
    the frequency domain. The smear is symmetric about its centre, so K is real and the filter is
    a symmetric row kernel: applied as one (cv2.filter2D, ~0.3 ms) instead of Fourier transforms,
    cut off where its ringing has died down."""
    size = int(math.ceil(length)) | 1
    smear = np.zeros(size + 2)
    t = np.linspace(-0.5, 0.5, max(int(length * 16), 2))
    xs = (size + 1) / 2 + t * length               # points along the smear, centred on the middle tap
    x0 = np.floor(xs).astype(int)
    np.add.at(smear, x0, 1 - (xs - x0))
    np.add.at(smear, x0 + 1, xs - x0)
    smear /= smear.sum()
    n = 256
    k = np.fft.rfft(np.roll(np.pad(smear, (0, n - smear.size)), -(smear.size // 2))).real
    taps = np.roll(np.fft.irfft(k / (k * k + nsr), n=n), n // 2)
    reach = int(DEBLUR_REACH * length) + 2
    taps = taps[n // 2 - reach:n // 2 + reach + 1]
    return cv2.filter2D(gray, -1, (taps / taps.sum()).reshape(1, -1).astype(np.float32),
                        borderType=cv2.BORDER_REFLECT)


DEBLUR_REACH = 4                 # the filter's half-width, in smear lengths


def default_decoder() -> SecondLookDecoder:
    """The scanner's decoder, chosen by measurement (tests/benchmarks/test_qr_decoders.py on the
    camera simulator's frames, tests/benchmarks/test_qr_foreign_frames.py on frames made
    elsewhere, one core); see docs/qr-decoding.md."""
    return SecondLookDecoder()


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
