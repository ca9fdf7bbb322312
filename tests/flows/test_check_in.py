"""Appointment check-in through the core, no screens: the real camera driver reading the
simulated MJPEG camera, the real card drivers, the hall on SQLite, the printer simulator."""
from __future__ import annotations

import threading

import pytest

from kiosk.events import AppointmentFound, AppointmentRefused
from kiosk.hall.model import AppointmentStatus
from kiosk.wording import say


class Events:
    """The core's appointment answers, as the screens would receive them."""

    def __init__(self, core):
        self.seen: list = []
        self.arrived = threading.Event()
        core.add_listener(self._on)

    def _on(self, event):
        if isinstance(event, (AppointmentFound, AppointmentRefused)):
            self.seen.append(event)
            self.arrived.set()

    def next(self, timeout=5.0):
        assert self.arrived.wait(timeout), "the core never answered the code"
        self.arrived.clear()
        return self.seen[-1]


def test_a_scanned_code_checks_in_once_and_prints_the_slot(kiosk):
    events = Events(kiosk)
    kiosk.scan_for_appointments(True)
    kiosk.simulators.show_code("young_wang")
    event = events.next()
    assert isinstance(event, AppointmentFound) and event.seen_at > 0
    appointment = event.appointment
    assert appointment.item_code == "SM024"

    ticket = kiosk.check_in(appointment).result(timeout=10)
    assert (ticket.appointment_id, ticket.slot_start) == (appointment.appointment_id, appointment.slot_start)
    printed = kiosk.simulators.printer.wait_for_tickets(1)[0].text
    assert f"预约 Appointment {appointment.slot_start:%H:%M}-{appointment.slot_end:%H:%M}" in printed
    assert kiosk.hall.appointment(appointment.appointment_id).status is AppointmentStatus.CHECKED_IN

    kiosk.end_session()                       # the next citizen shows the same code again
    kiosk.scan_for_appointments(True)
    kiosk.simulators.show_code("young_wang")
    event = events.next()
    assert isinstance(event, AppointmentRefused)
    error = event.error
    assert error.reason.value == "replayed"
    assert "已经签到过了" in say(error.message, "zh_CN")


def test_codes_are_only_looked_up_while_the_check_in_screen_asks(kiosk):
    events = Events(kiosk)
    kiosk.simulators.show_code("young_wang")
    assert not events.arrived.wait(1.5), "a code was looked up with no check-in screen open"
    kiosk.scan_for_appointments(True)
    assert isinstance(events.next(), AppointmentFound)


def test_a_failed_print_gives_the_appointment_back_for_another_try(kiosk):
    events = Events(kiosk)
    kiosk.scan_for_appointments(True)
    kiosk.simulators.show_code("young_wang")
    appointment = events.next().appointment
    kiosk.simulators.printer.set_state("paper_out")
    with pytest.raises(Exception) as failed:
        kiosk.check_in(appointment).result(timeout=10)
    assert say(getattr(failed.value, "message", None) or "", "zh_CN")
    assert kiosk.hall.appointment(appointment.appointment_id).status is AppointmentStatus.BOOKED

    kiosk.simulators.printer.set_state("ok")
    kiosk.end_session()
    kiosk.scan_for_appointments(True)
    kiosk.simulators.hide_code()
    kiosk.simulators.show_code("young_wang")    # the same code works again: its nonce was freed
    again = events.next().appointment
    assert kiosk.check_in(again).result(timeout=10).appointment_id == appointment.appointment_id


def test_an_elders_card_finds_the_appointment_and_lends_priority(kiosk, wait_until):
    kiosk.simulators.place_id_card("elder_zhang")
    assert wait_until(lambda: kiosk.identity() is not None, timeout=5), "the ID card read"
    found = kiosk.appointments_today().result(timeout=5)
    assert [a.item_code for a in found] == ["SM002"]
    ticket = kiosk.check_in(found[0]).result(timeout=10)
    assert ticket.priority and ticket.appointment_id == found[0].appointment_id


def test_a_card_without_appointments_finds_none_and_anonymous_finds_none(kiosk, wait_until):
    assert kiosk.appointments_today().result(timeout=5) == []
    kiosk.simulators.place_id_card("student_li")
    assert wait_until(lambda: kiosk.identity() is not None, timeout=5), "the ID card read"
    assert kiosk.appointments_today().result(timeout=5) == []


def test_the_camera_unplugged_is_a_faulty_device_and_comes_back(kiosk, wait_until):
    camera = lambda: next(h for h in kiosk.health() if h.role == "camera")     # noqa: E731
    assert wait_until(lambda: camera().state == "ok", timeout=10), "the camera open"
    kiosk.simulators.camera.unplug()
    assert wait_until(lambda: camera().state == "fault", timeout=10), "the camera reported faulty"
    assert say(camera().reason, "zh_CN") and not kiosk.scanner_usable()
    kiosk.simulators.camera.replug()
    assert wait_until(lambda: camera().state == "ok", timeout=15), "the camera back by itself"


@pytest.mark.parametrize("payload", [
    "https://qr.alipay.com/fkx12345".encode(),          # a payment code
    "预约号：123456".encode("gbk"),                       # text in GBK
    bytes(range(256)) * 2,                                # binary
    b"v1." + b"A" * 700,                                  # looks like ours, far too big
], ids=["payment", "gbk", "binary", "huge"])
def test_codes_that_are_not_appointments_are_refused_calmly(kiosk, payload):
    events = Events(kiosk)
    kiosk.scan_for_appointments(True)
    kiosk.simulators.show_code(payload)
    event = events.next(timeout=8)
    assert isinstance(event, AppointmentRefused)
    error = event.error
    assert say(error.message, "zh_CN") and error.reason.value in ("not_ours", "malformed")
