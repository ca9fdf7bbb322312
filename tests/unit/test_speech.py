"""The kiosk's voice: numbers said as a hall clerk says them, polyphones right, personal data
never whole, and real audio from espeak-ng (not silent, a plausible length)."""
from __future__ import annotations

import array
import io
import json
import math
import time
import wave

import pytest

from drivers.speech.espeak import SpeechUnavailable, render
from kiosk.config import VoiceSettings
from kiosk.speech.pinyin import to_pinyin
from kiosk.speech.spoken import spoken
from kiosk.speech.voice import NullSink, Voice


@pytest.mark.parametrize("text, said", [
    ("请 A012 号到 3 号窗口办理", "请 A 零幺二 号到 三 号窗口办理"),
    ("请A012号到12号窗口", "请 A 零幺二 号到十二号窗口"),
    ("请 A-07-012 号", "请 A 零七 零幺二 号"),                      # an offline number
    ("前面还有 105 人，约 15 分钟", "前面还有 一百零五 人，约 十五 分钟"),
    ("请在14:30前取件", "请在十四点三十分前取件"),
    ("开放时间 9:00", "开放时间 九点整"),
    ("预约时间 2026-11-26 10:05", "预约时间 二零二六年十一月二十六日 十点零五分"),
    ("服务热线 12345", "服务热线 幺二三四五"),
    ("事项 SM001", "事项 S M 零零幺"),
    ("社会民生综合窗口 (1-4号窗口)", "社会民生综合窗口 (一到四号窗口)"),
])
def test_numbers_are_said_the_way_a_hall_clerk_says_them(text, said):
    assert spoken(text) == said


@pytest.mark.parametrize("text", ["身份证 440106199001011234", "证件号 4401**********1234",
                                  "手机 13800138000", "手机 138****1234"])
def test_personal_numbers_are_never_said_whole(text):
    said = spoken(text)
    assert "尾号" in said
    digits = [c for c in said if c in "零幺二三四五六七八九"]
    assert len(digits) == 4, said


def test_polyphones_come_out_right_in_context():
    assert to_pinyin("长辈模式")[0] == "zhang3 bei4 mo2 shi4"
    assert to_pinyin("银行卡")[0] == "yin2 hang2 ka3"
    assert to_pinyin("请重新取号")[0] == "qing3 chong2 xin1 qu3 hao4"
    assert to_pinyin("请 A 零幺二 号")[0] == "qing3 A ling2 yao1 er4 hao4"


def test_a_character_without_a_reading_is_left_out_and_the_rest_is_said():
    pinyin, skipped = to_pinyin("你好😀，请取号")
    assert pinyin == "ni3 hao3, qing3 qu3 hao4" and skipped == ["😀"]


def audio(wav: bytes) -> tuple[float, int]:
    """(seconds, RMS) of a 16-bit mono WAV, read by Python's own wave module."""
    with wave.open(io.BytesIO(wav)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        samples = array.array("h", w.readframes(w.getnframes()))
        return w.getnframes() / w.getframerate(), round(math.sqrt(sum(s * s for s in samples) / len(samples)))


def test_espeak_speaks_a_call_audibly_and_at_a_plausible_length():
    pinyin = to_pinyin(spoken("请 A012 号到 3 号窗口办理"))[0]
    seconds, rms = audio(render(pinyin, rate_wpm=150))
    syllables = len(pinyin.split())                   # 14
    assert rms > 1000, "the speech is (nearly) silent"
    assert 0.15 * syllables < seconds < 0.6 * syllables, seconds
    slower, _ = audio(render(pinyin, rate_wpm=100))
    assert slower > seconds * 1.2                     # the rate setting is heard


def test_the_voice_plays_the_newest_request_and_reuses_what_it_rendered():
    sink = NullSink()
    voice = Voice(VoiceSettings(), sink)
    try:
        first = voice.utterance("请取表")
        again = voice.utterance("请取表")
        assert not first.cached and again.cached and again.wav == first.wav
        voice.say("请插入身份证")
        deadline = time.monotonic() + 5
        while not sink.played and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(sink.played) == 1 and audio(sink.played[0][1])[1] > 1000
    finally:
        voice.close()


def test_a_kiosk_without_espeak_stays_silent_and_tells_the_technician_why():
    def missing(*args, **kwargs):
        raise SpeechUnavailable("espeak-ng is not installed (apt install espeak-ng): the kiosk stays silent")
    sink = NullSink()
    voice = Voice(VoiceSettings(), sink, render=missing)
    try:
        voice.say("请取号")
        deadline = time.monotonic() + 5
        while voice.problem() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "espeak-ng is not installed" in voice.problem() and sink.played == []
    finally:
        voice.close()


def test_a_quiet_hall_turns_the_voice_off():
    sink = NullSink()
    voice = Voice(VoiceSettings(enabled=False), sink)
    voice.say("请取号")
    voice.close()
    assert sink.played == []


def test_kiosk_diag_say_writes_what_the_kiosk_would_say(tmp_path, capsys):
    from kiosk.diag import main
    out = tmp_path / "call.wav"
    assert main(["say", "请 A012 号到 3 号窗口办理", "--wav", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["spoken"] == "请 A 零幺二 号到 三 号窗口办理"
    assert result["pinyin"].startswith("qing3 A ling2 yao1 er4 hao4")
    seconds, rms = audio(out.read_bytes())
    assert rms > 1000 and abs(seconds - result["seconds"]) < 0.01
