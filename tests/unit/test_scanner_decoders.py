"""QR decoders on rendered camera frames: every library reads a clean code, keeps the exact bytes,
returns both of two codes, and reads nothing (without crashing) in a black frame or a sun code."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.scanner.decoders import (DecoderChain, all_decoders, default_decoder, payload_from_json,
                                      payload_to_json)
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
