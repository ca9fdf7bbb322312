"""Speech rendered by espeak-ng, offline, as WAV bytes.

Mandarin goes in as tone-numbered pinyin for espeak-ng's `cmn-latn-pinyin` voice: its own
Mandarin voice reads characters through a small dictionary and gets everyday words wrong (请 read
as an English word), while pinyin worked out by pypinyin (kiosk.speech.pinyin) keeps polyphones
right. One short sentence renders in 10-30 ms, so there is no daemon to keep alive: each phrase
is one `espeak-ng --stdout` run. Qt's QtTextToSpeech goes through speech-dispatcher instead,
which takes seconds to list voices and files the Mandarin ones under locale "C".
"""
from __future__ import annotations

import shutil
import struct
import subprocess

from drivers.errors import DeviceError
from drivers.sentence import Sentence

VOICE = "cmn-latn-pinyin"
SAMPLE_RATE = 22050          # what espeak-ng writes: 16-bit mono PCM at this rate


class SpeechUnavailable(DeviceError):
    message = Sentence("语音播报暂时不能使用，请看屏幕上的文字。")


def espeak_path() -> str:
    path = shutil.which("espeak-ng")
    if path is None:
        raise SpeechUnavailable("espeak-ng is not installed (apt install espeak-ng): the kiosk stays silent")
    return path


def render(pinyin: str, rate_wpm: int = 150, amplitude: int = 100, timeout_s: float = 10.0) -> bytes:
    """WAV bytes of `pinyin` ("qing3 A ling2 yao1 er4 hao4 ..."), at `rate_wpm` words a minute and
    espeak's amplitude (0-200, 100 its normal)."""
    try:
        done = subprocess.run([espeak_path(), "-v", VOICE, "-s", str(rate_wpm), "-a", str(amplitude), "--stdout",
                               "--", pinyin], capture_output=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SpeechUnavailable(f"espeak-ng: {type(e).__name__}: {e}") from None
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise SpeechUnavailable(f"espeak-ng exited {done.returncode}: {done.stderr[-300:].decode(errors='replace')}")
    return whole_wav(done.stdout)


def whole_wav(wav: bytes) -> bytes:
    """A WAV written to a pipe says its length is unknown (0x7fffffff frames): the true sizes go
    in, so a player (or Python's wave module) knows where the sound ends."""
    data = wav.find(b"data", 12)
    if data < 0:
        raise SpeechUnavailable("espeak-ng wrote a WAV without a data chunk")
    body = len(wav) - data - 8
    return (wav[:4] + struct.pack("<I", len(wav) - 8) + wav[8:data + 4] + struct.pack("<I", body)
            + wav[data + 8:])
