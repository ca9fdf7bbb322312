"""读给我听 on the real screens: the button on the top bar says what the screen asks, and on the
done screen the citizen's own number, digit by digit as the hall calls it (a null sink stands
for the speaker: this machine has no sound device)."""
from __future__ import annotations

import io
import time
import wave

import pytest

from kiosk.config import load_config
from kiosk.speech.spoken import spoken
from screens.probe import find, tap, wait_for, wait_until

pytestmark = pytest.mark.gui


def heard(core, count: int, timeout: float = 5.0) -> bytes:
    deadline = time.monotonic() + timeout
    while len(core.voice.sink.played) < count:
        assert time.monotonic() < deadline, "nothing was said"
        time.sleep(0.02)
    return core.voice.sink.played[-1][1]


def seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as w:
        return w.getnframes() / w.getframerate()


def test_read_aloud_says_the_screen_and_then_the_citizens_number(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "readAloudButton")
    assert seconds(heard(core, 1)) > 3                # the home screen's welcome, a long sentence
    tap(w, "takeNumberButton")
    tap(w, "categoryTile_social")
    tap(w, "itemRow_SM001")
    tap(w, "kindButton_accept")
    wait_for(w, "ticketNumber", timeout=10)
    ticket = ui.viewmodel.visit.ticket
    tap(w, "readAloudButton")
    heard(core, 2)
    digits = "".join("零幺二三四五六七八九"[int(d)] for d in ticket.number[1:])
    said = core.voice.last_said.spoken
    assert f"您的号码是 {ticket.number[0]} {digits}" in said and spoken(ticket.window_group_name) in said, said


def test_the_technician_sees_that_a_kiosk_without_speakers_is_silent(start_kiosk):
    ui, core = start_kiosk()
    voice = next(h for h in core.health() if h.role == "voice")
    assert voice.state == "warning" and "不出声" in str(voice.reason.text)
    assert find(ui.window, "readAloudButton") is not None


def test_an_open_locker_door_is_said_in_every_mode_and_so_is_one_left_open(start_kiosk):
    """The door to take the document from, said as it opens (not only in 长辈模式); and a door
    left open past the alert time, said to whoever may still be near."""
    config = load_config()
    bus = next(name for name, s in config.devices.items() if getattr(s, "door_open_alert_s", None))
    config = config.with_devices(**{bus: config.devices[bus].model_copy(update={"door_open_alert_s": 1.0})})
    ui, core = start_kiosk(config=config)
    w = ui.window
    tap(w, "pickupButton")
    wait_for(w, "pickupScreen")
    for digit in core.simulators.pickup_codes["elder_chen"]:
        tap(w, f"pickupKey_{digit}")
    tap(w, "pickupKey_取件")
    wait_for(w, "pickupOpenScreen", timeout=10)
    wait_until(lambda: core.voice.last_said and "柜门已经打开" in core.voice.last_said.spoken, timeout=5,
               what="the open door said")
    wait_until(lambda: "柜门还开着" in core.voice.last_said.spoken, timeout=8, what="the door left open said")
