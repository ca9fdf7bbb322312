"""The kiosk's speaker: WAV bytes from the voice (kiosk.speech.voice) played through QtMultimedia.

The audio object lives on a QThread of its own, so neither the voice's thread (which has no Qt
event loop) nor the screens' thread does the playing; a new sentence stops the one playing.
Without a sound device (this test machine, a kiosk whose speakers are unplugged) there is no
sink and the voice tells the technician the kiosk is silent.
"""
from __future__ import annotations

import io
import logging
import wave

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QThread, Signal, Slot
from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices

log = logging.getLogger(__name__)


class QtAudioSink(QObject):
    _play = Signal(bytes)
    _stop = Signal()

    def __init__(self, device):
        super().__init__()
        self.description = device.description()
        self._device, self._sink, self._buffer = device, None, None
        self._thread = QThread()
        self._thread.setObjectName("audio-out")
        self.moveToThread(self._thread)
        self._play.connect(self._start)
        self._stop.connect(self._halt)
        self._thread.start()

    # ---------------------------------------------------------------- any thread (the voice's)
    def play(self, wav: bytes) -> None:
        self._play.emit(wav)

    def stop(self) -> None:
        self._stop.emit()

    def close(self) -> None:
        self._stop.emit()
        self._thread.quit()
        self._thread.wait(2000)

    # ---------------------------------------------------------------- the audio thread
    @Slot(bytes)
    def _start(self, wav: bytes) -> None:
        self._halt()
        with wave.open(io.BytesIO(wav)) as w:
            form = QAudioFormat()
            form.setSampleRate(w.getframerate())
            form.setChannelCount(w.getnchannels())
            form.setSampleFormat(QAudioFormat.SampleFormat.Int16)
            pcm = w.readframes(w.getnframes())
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(pcm))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(self._device, form)
        self._sink.start(self._buffer)

    @Slot()
    def _halt(self) -> None:
        if self._sink is not None:
            self._sink.stop()
        self._sink = self._buffer = None


def speaker() -> QtAudioSink | None:
    """The default sound output, or None when the machine has none."""
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        log.warning("no sound output device: the kiosk's voice is silent")
        return None
    return QtAudioSink(device)
