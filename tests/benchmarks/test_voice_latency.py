"""Tap → the first audio of a prompt handed to the audio output: say() on the calling thread to
the voice thread giving the sink its WAV (normalise, pinyin, espeak-ng, cache). A null sink
stands for the sound device (this machine has none). Prints the medians for phrases heard the
first time and again (cached); never fails on timing.

    .venv/bin/python tests/benchmarks/test_voice_latency.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import VoiceSettings  # noqa: E402
from kiosk.speech.voice import NullSink, Voice  # noqa: E402

PHRASES = ["请 A{:03d} 号到 {} 号窗口办理", "您前面还有 {} 人，预计等候 {} 分钟", "请在 {}:{:02d} 前到大厅取号",
           "取件码已核对，{} 号柜门已打开，请取走您的证件", "请取表，表格共 {} 页"]


def latency(voice: Voice, sink: NullSink, text: str) -> float:
    count = len(sink.played)
    started = time.perf_counter()
    voice.say(text)
    while len(sink.played) == count:
        time.sleep(0.0005)
    return sink.played[-1][0] - started


def run(phrases: int = 60) -> dict:
    sink = NullSink()
    voice = Voice(VoiceSettings(), sink)
    voice.prepare()                     # as the kiosk does once its home screen is up (KioskCore.start)
    texts = [PHRASES[n % len(PHRASES)].format(n % 97 + 1, n % 12 + 1) for n in range(phrases)]
    try:
        first = [latency(voice, sink, t) for t in texts]
        again = [latency(voice, sink, t) for t in texts]
    finally:
        voice.close()
    return {"phrases": phrases, "first_median_ms": round(statistics.median(first) * 1000, 1),
            "first_max_ms": round(max(first) * 1000, 1), "cached_median_ms": round(statistics.median(again) * 1000, 2),
            "cached_max_ms": round(max(again) * 1000, 2)}


def test_a_prompt_reaches_the_audio_output():
    result = run(phrases=5)
    print(result)
    assert result["phrases"] == 5


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:17} {value}")
