"""The kiosk's voice: a sentence from the screens (or the locker, the form printer, the hall's
calls) → spoken Chinese (spoken.py) → pinyin (pinyin.py) → espeak-ng's WAV (drivers.speech) →
the audio output, on a thread of its own so the Qt thread never waits for any of it.

Rendered phrases are cached (most of what a kiosk says is the same few dozen sentences), so a
prompt heard before starts within milliseconds. A new request interrupts the one playing: a
citizen who taps on does not want to hear the screen before. Without espeak-ng or an audio
device the kiosk stays silent, logs why once, and `health()` tells the technician.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Protocol

from drivers.sentence import NOTHING, Sentence
from drivers.speech import espeak
from kiosk.config import VoiceSettings
from kiosk.devices import DeviceHealth
from kiosk.speech.pinyin import to_pinyin
from kiosk.speech.spoken import spoken

log = logging.getLogger(__name__)
CACHE_SIZE = 256


class AudioSink(Protocol):
    def play(self, wav: bytes) -> None: ...     # start playing (returns at once), ending what plays
    def stop(self) -> None: ...


class NullSink:
    """No sound device (a test machine, a kiosk without speakers): keeps what it was given."""
    description = "none"

    def __init__(self):
        self.played: list[tuple[float, bytes]] = []      # (time.perf_counter(), wav)

    def play(self, wav: bytes) -> None:
        self.played.append((time.perf_counter(), wav))

    def stop(self) -> None:
        pass


@dataclass(frozen=True)
class Utterance:
    text: str           # as the screen wrote it
    spoken: str         # as it is said (numbers expanded, personal data cut to its last four)
    pinyin: str         # what espeak-ng read
    wav: bytes
    cached: bool
    skipped: tuple[str, ...] = ()


class Voice:
    def __init__(self, settings: VoiceSettings, sink: AudioSink | None = None,
                 render: Callable[..., bytes] = espeak.render):
        self.settings, self.sink, self._render = settings, sink or NullSink(), render
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._requests: queue.Queue = queue.Queue()
        self._problem: str | None = None
        self.last_said: Utterance | None = None      # what was played last (the technician's check, tests)
        self._thread = threading.Thread(target=self._speak_loop, name="voice", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- any thread
    def say(self, text: str) -> None:
        """Say `text` now (what was playing stops), without waiting for any of it."""
        if self.settings.enabled and text.strip():
            self._requests.put(text)

    def silence(self) -> None:
        self._requests.put(None)

    def close(self) -> None:
        self._requests.put(StopIteration)
        self._thread.join(timeout=5)

    def problem(self) -> str | None:
        """Why the kiosk cannot speak (for the technician), or None."""
        return self._problem

    def health(self) -> DeviceHealth:
        """The voice as the technician screen shows it: silent, and why, or speaking."""
        name = "语音播报 Voice"
        details = {"rate_wpm": self.settings.rate_wpm, "volume": self.settings.volume,
                   "output": getattr(self.sink, "description", "none")}
        if not self.settings.enabled:
            return DeviceHealth("voice", name, "ok", Sentence("语音播报已在配置中关闭"), details, time.time())
        if self._problem:
            return DeviceHealth("voice", name, "warning", Sentence("语音播报暂时不能使用，请看屏幕上的文字。"),
                                {**details, "problem": self._problem}, time.time())
        if isinstance(self.sink, NullSink):
            return DeviceHealth("voice", name, "warning", Sentence("没有声音输出设备：自助机不出声"), details,
                                time.time())
        return DeviceHealth("voice", name, "ok", NOTHING, details, time.time())

    def prepare(self) -> None:
        """Load what the first sentence would otherwise wait for (pypinyin's dictionaries)."""
        to_pinyin("请")

    def utterance(self, text: str) -> Utterance:
        """`text` rendered (or from the cache); SpeechUnavailable without espeak-ng."""
        said = spoken(text)
        pinyin, skipped = to_pinyin(said)
        key = f"{self.settings.rate_wpm}/{self.settings.volume}/{pinyin}"
        with self._lock:
            wav = self._cache.get(key)
            if wav is not None:
                self._cache.move_to_end(key)
        cached = wav is not None
        if not cached:
            wav = self._render(pinyin, rate_wpm=self.settings.rate_wpm, amplitude=self.settings.volume)
            with self._lock:
                self._cache[key] = wav
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return Utterance(text, said, pinyin, wav, cached, tuple(skipped))

    # ---------------------------------------------------------------- the voice's thread
    def _speak_loop(self) -> None:
        while True:
            text = self._requests.get()
            while not self._requests.empty():          # only the newest request matters
                text = self._requests.get()
            if text is StopIteration:
                self.sink.stop()
                return
            if text is None:
                self.sink.stop()
                continue
            try:
                said = self.utterance(text)
                self.sink.play(said.wav)
                self.last_said, self._problem = said, None
            except espeak.SpeechUnavailable as e:
                if self._problem != str(e):
                    log.warning("the kiosk cannot speak: %s", e)
                self._problem = str(e)
            except Exception as e:                   # an audio device gone: silent, never a crash
                if self._problem != str(e):
                    log.warning("speech not played: %s: %s", type(e).__name__, e)
                self._problem = f"{type(e).__name__}: {e}"
