"""QR decoders on rendered camera frames: every library reads a clean code, keeps the exact bytes,
returns both of two codes, and reads nothing (without crashing) in a black frame or a sun code.
The default decoder's second look: a smeared or small code that zxing-cpp alone misses is read,
and a frame without a code costs one zxing-cpp pass (counted, not timed)."""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
import segno
import zxingcpp

from drivers.scanner import decoders as decoders_module
from drivers.scanner.decoders import (DecoderChain, ZxingDecoder, all_decoders, code_regions, deblur_rows,
                                      default_decoder, motion_blur, payload_from_json, payload_to_json)
from sim.camera.phone import PhoneStyle, Style, random_style, render_frame, render_labelled

TOKEN = b"v1.eyJhIjoiQVAyMDI2MTEyMTAwNDIiLCJoIjoiZ3oteXgiLCJuYmYiOjE3NjM2OTc2MDB9.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMzJieXRlcyE"
GBK = "政务服务预约 A042 社保窗口".encode("gbk")
BINARY = b"\x00\xff\x80\xfe binary \x01\x02"
DECODERS = all_decoders() + [default_decoder()]


def clean(codes, kind="phone", **phone) -> np.ndarray:
    """A sharp, facing, well-lit shot without noise or JPEG, as gray."""
    shape = dict(code_px=300.0, at=(640.0, 360.0), code_frac=0.6) | phone
    style = Style(kind=kind, phones=(PhoneStyle(**shape),), defocus=0.5, noise=1.0, jpeg_quality=None)
    frame = render_frame(codes, np.random.default_rng(0), style=style)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


@pytest.fixture(params=DECODERS, ids=lambda d: d.name)
def decoder(request):
    return request.param


def test_each_decoder_reads_a_clean_token(decoder):
    assert decoder.decode(clean([TOKEN])) == [TOKEN]


@pytest.mark.parametrize("payload", [GBK, BINARY, "预约号 A042".encode("utf-8")], ids=["gbk", "binary", "utf8"])
def test_exact_raw_bytes_come_back(decoder, payload):
    found = decoder.decode(clean([payload]))
    assert found == [payload] and all(isinstance(p, bytes) for p in found)


def test_two_codes_on_one_screen_both_come_back(decoder):
    gray = clean([TOKEN, GBK], kind="two_on_screen", code_px=220.0, code_frac=0.45)
    assert sorted(decoder.decode(gray)) == sorted([TOKEN, GBK])


def test_two_phones_both_come_back():
    codes = [TOKEN, b"v1.second-phone.sig"]
    style = Style(kind="two_phones", defocus=0.5, noise=1.0, jpeg_quality=None,
                  phones=(PhoneStyle(code_px=200.0, at=(340.0, 330.0), code_frac=0.65),
                          PhoneStyle(code_px=200.0, at=(940.0, 380.0), code_frac=0.65)))
    rendered = render_labelled(codes, np.random.default_rng(1), style=style)
    assert [c.readable for c in rendered.codes] == [True, True]
    assert sorted(default_decoder().decode(rendered.image)) == sorted(codes)


def test_black_frame_reads_nothing(decoder):
    frame = render_frame([], np.random.default_rng(2), style=Style(kind="black", noise=2.0))
    assert frame.mean() < 10
    assert decoder.decode(frame) == []


def test_sun_code_is_not_a_qr_code(decoder):
    assert decoder.decode(clean([], kind="sun", content="sun")) == []


def test_hall_without_a_code_reads_nothing():
    rng = np.random.default_rng(3)
    for _ in range(4):
        frame = render_frame([], rng, style=random_style(rng, 0, kind="empty"))
        assert default_decoder().decode(frame) == []


def test_a_code_cut_by_the_frame_edge_is_labelled_unreadable_and_gives_no_wrong_bytes():
    rng = np.random.default_rng(4)
    for _ in range(3):
        rendered = render_labelled([TOKEN], rng, style=random_style(rng, 1, kind="cut"))
        assert rendered.codes[0].reason == "cut by the frame edge"
        assert default_decoder().decode(rendered.image) in ([], [TOKEN])


def test_frames_are_bgr_and_the_style_fixes_every_pixel():
    rng = np.random.default_rng(5)
    style = random_style(rng, 1, codes=[TOKEN])
    a = render_frame([TOKEN], np.random.default_rng(6), width=640, height=360, style=style)
    b = render_frame([TOKEN], np.random.default_rng(7), width=640, height=360, style=style)
    assert a.shape == (360, 640, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)


def test_a_style_must_match_the_number_of_codes():
    with pytest.raises(ValueError):
        render_frame([TOKEN], np.random.default_rng(0), style=Style(kind="black"))


def test_chain_stops_at_the_first_step_that_reads():
    calls = []

    class Step:
        def __init__(self, name, result):
            self.name, self.result = name, result

        def decode(self, gray):
            calls.append(self.name)
            return self.result

    chain = DecoderChain([Step("a", []), Step("b", [b"x"]), Step("c", [b"y"])])
    assert chain.decode(np.zeros((8, 8), np.uint8)) == [b"x"]
    assert calls == ["a", "b"]
    assert chain.name == "a > b > c"
    with pytest.raises(ValueError):
        DecoderChain([])


@pytest.mark.parametrize("payload", [TOKEN, GBK, BINARY, "预约".encode("utf-8"), b""])
def test_payload_json_round_trip(payload):
    as_json = payload_to_json(payload)
    assert payload_from_json(as_json) == payload
    assert isinstance(as_json, str) == (payload in (TOKEN, "预约".encode("utf-8"), b""))


# ---------------------------------------------------------------- the default decoder's second look

URL = (b"https://mp.weixin.qq.com/s?__biz=MzA3ODk5NTYwMg==&mid=2650000000&idx=1"
       b"&sn=0123456789abcdef0123456789abcdef#wechat_redirect")


def smear_kernel(length: float, degrees: float) -> np.ndarray:
    """Hand shake: a straight streak `length` px long at `degrees` (x right, y down)."""
    size = (int(math.ceil(length)) | 1) + 2
    kernel = np.zeros((size, size), np.float32)
    for t in np.linspace(-0.5, 0.5, int(length * 16)):
        x = (size - 1) / 2 + t * length * math.cos(math.radians(degrees))
        y = (size - 1) / 2 + t * length * math.sin(math.radians(degrees))
        x0, y0 = int(x), int(y)
        fx, fy = x - x0, y - y0
        kernel[y0:y0 + 2, x0:x0 + 2] += np.array([[(1 - fx) * (1 - fy), fx * (1 - fy)], [(1 - fx) * fy, fx * fy]])
    return kernel / kernel.sum()


def code_frame(payload: bytes, module_px: float, *, smear_modules: float = 0.0, degrees: float = 30.0,
               roll: float = 20.0, defocus: float = 0.6, seed: int = 0) -> np.ndarray:
    """A grey 1280×720 frame with one code in the middle (dark 40, light 220 on a 120 background),
    turned by `roll`, defocused, smeared by hand shake `smear_modules` long, with noise."""
    fine = 8
    matrix = np.array(segno.make_qr(payload, error="m", boost_error=False).matrix, np.uint8)
    code = np.kron(1 - matrix, np.ones((fine, fine), np.uint8)).astype(np.float32) * 180 + 40
    code = cv2.copyMakeBorder(code, 4 * fine, 4 * fine, 4 * fine, 4 * fine, cv2.BORDER_CONSTANT, value=220)
    scale = module_px / fine
    h, w = code.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), roll, scale)
    turn[:, 2] += (640 - w / 2, 360 - h / 2)
    code = cv2.GaussianBlur(code, (0, 0), 0.4 / scale)          # a camera pixel averages what it sees
    layer = cv2.warpAffine(code, turn, (1280, 720), flags=cv2.INTER_AREA)
    mask = cv2.warpAffine(np.ones_like(code), turn, (1280, 720))
    frame = cv2.GaussianBlur(120 * (1 - mask) + layer, (0, 0), defocus)
    if smear_modules:
        frame = cv2.filter2D(frame, -1, smear_kernel(smear_modules * module_px, degrees))
    frame += np.random.default_rng(seed).normal(0, 3.0, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def hall_frame(seed: int = 0) -> np.ndarray:
    """No code: a wall and floor out of focus, counters, a person, a face close up, noise."""
    rng = np.random.default_rng(seed)
    frame = np.empty((720, 1280), np.float32)
    frame[:400] = np.linspace(170, 200, 400)[:, None]
    frame[400:] = np.linspace(110, 140, 320)[:, None]
    for x in range(40, 1280, 260):
        cv2.rectangle(frame, (x, 280), (x + 150, 400), float(rng.uniform(60, 200)), -1)
    cv2.ellipse(frame, (900, 420), (60, 150), 0, 0, 360, 80.0, -1)
    cv2.ellipse(frame, (400, 330), (150, 200), 0, 0, 360, 150.0, -1)           # a face
    for eye in (345, 455):
        cv2.ellipse(frame, (eye, 290), (25, 12), 0, 0, 360, 40.0, -1)
    frame = cv2.GaussianBlur(frame, (0, 0), 3.0) + rng.normal(0, 3.0, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


@pytest.fixture
def zxing_calls(monkeypatch):
    """Every zxingcpp.read_barcodes call a decoder makes, by the size of the image it was given."""
    calls: list[tuple[int, int]] = []
    real = zxingcpp.read_barcodes

    def counting(image, *args, **kwargs):
        calls.append(image.shape[:2])
        return real(image, *args, **kwargs)

    monkeypatch.setattr(zxingcpp, "read_barcodes", counting)
    return calls


@pytest.mark.parametrize("degrees", [0, 30, 75, 120])
def test_a_code_smeared_by_hand_shake_that_zxing_alone_misses_is_read(degrees):
    gray = code_frame(URL, 3.0, smear_modules=1.9, degrees=degrees)
    assert ZxingDecoder().decode(gray) == []
    assert default_decoder().decode(gray) == [URL]


def test_a_small_soft_code_that_zxing_alone_misses_is_read_enlarged():
    gray = code_frame(URL, 2.0, defocus=0.8, roll=30)
    assert ZxingDecoder().decode(gray) == []
    assert default_decoder().decode(gray) == [URL]


def test_the_smear_is_measured_from_the_crop():
    crop = code_frame(URL, 4.0, smear_modules=2.0, degrees=30, roll=10)[200:520, 480:800]
    length, degrees = motion_blur(crop)
    assert abs(length - 8.0) <= 1.5
    assert min(abs(degrees - 30), 180 - abs(degrees - 30)) <= 10
    assert motion_blur(code_frame(URL, 4.0, roll=10)[200:520, 480:800]) is None


def test_deblur_rows_undoes_a_horizontal_smear():
    rng = np.random.default_rng(0)
    sharp = np.repeat(rng.choice([40, 220], size=(8, 60)), 4, axis=1).astype(np.uint8)   # 4-px bars
    smeared = cv2.filter2D(sharp, -1, smear_kernel(7.0, 0), borderType=cv2.BORDER_REFLECT)
    restored = deblur_rows(smeared, 7.0, 0.02)
    inner = (slice(None), slice(20, -20))
    error = lambda image: np.abs(image[inner].astype(int) - sharp[inner]).mean()   # noqa: E731
    assert error(restored) < 0.7 * error(smeared)     # the Wiener filter's noise term keeps some smear


def test_a_frame_without_a_code_costs_one_zxing_pass(zxing_calls, monkeypatch):
    looks = []
    monkeypatch.setattr(decoders_module.SecondLookDecoder, "look", lambda self, gray, box: looks.append(box) or [])
    for seed in range(3):
        gray = hall_frame(seed)
        assert code_regions(gray) == []
        assert default_decoder().decode(gray) == []
    assert zxing_calls == [(720, 1280)] * 3 and looks == []


def test_a_frame_read_in_one_pass_gets_no_second_look(zxing_calls):
    assert default_decoder().decode(code_frame(URL, 4.0)) == [URL]
    assert zxing_calls == [(720, 1280)]


def test_an_empty_frame_never_costs_more_than_one_pass_and_one_look(zxing_calls):
    """A textured frame without a code (the simulator's hall, a sun code) may get one look at one
    region: at most two reads of a crop, each smaller than the frame."""
    rng = np.random.default_rng(3)
    for kind in ("empty", "empty", "empty", "sun", "sun"):
        zxing_calls.clear()
        frame = render_frame([], rng, style=random_style(rng, 0, kind=kind))
        assert default_decoder().decode(frame) == []
        assert 1 <= len(zxing_calls) <= 3 and zxing_calls[0] == (720, 1280)
        assert all(h * w <= decoders_module.MAX_LOOK_PIXELS for h, w in zxing_calls[1:])
