"""Appointment check-in on the real screens: a phone's QR code held up to the simulated camera
(an MJPEG stream the real OpenCV driver reads), or an ID card, into a printed appointment ticket.
Today's demo appointments (sim/appointments/demo.py) belong to elder_zhang and young_wang."""
from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.hall.model import AppointmentRequest
from kiosk.hall.tokens import Signer
from kiosk.privacy import person_key
from sim.appointments import SIGNING_KEYS
from screens.probe import find, tap, text_of, visible_texts, wait_for, wait_until

pytestmark = pytest.mark.gui


def open_check_in(w):
    tap(w, "checkInButton")
    wait_for(w, "checkInScreen")


def notice(w) -> str:
    banner = find(w, "scanNotice")
    return text_of(find_in(banner, "bannerText")) if banner is not None else ""


def find_in(item, name):
    from screens.probe import walk
    return next((i for i in walk(item) if i.objectName() == name), None)


def test_a_qr_code_checks_in_and_prints_an_appointment_ticket(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    assert "预约取号" in visible_texts(w)
    open_check_in(w)
    wait_until(lambda: ui.viewmodel.appointments.previewFrame > 3, timeout=5, what="the camera's picture")
    assert find(w, "scanGuide") is not None and find(w, "cardPrompt") is not None

    core.simulators.show_code("elder_zhang")
    wait_for(w, "appointmentScreen", timeout=5)
    assert text_of(find(w, "appointmentItem")) == "社会保障卡补换领"
    slot = text_of(find(w, "appointmentSlot"))
    assert slot.startswith("预约时间 ") and "–" in slot

    tap(w, "checkInButton")
    wait_for(w, "doneScreen", timeout=10)
    assert find(w, "appointmentMark") is not None
    hours = slot.removeprefix("预约时间 ")
    assert text_of(find(w, "appointmentNote")) == f"已签到。{hours} 之间优先为您叫号"
    printed = core.simulators.printer.wait_for_tickets(1)[0].text
    assert "预约 Appointment " + hours.replace("–", "-") in printed
    ticket = core.hall.tickets_today()[0]
    assert ticket.appointment_id is not None and ticket.number in printed

    # The same code again: checked in already, said calmly, and the kiosk keeps scanning.
    tap(w, "doneTapArea")
    wait_for(w, "homeScreen")
    open_check_in(w)
    core.simulators.show_code("elder_zhang")
    wait_until(lambda: "已经签到过了" in notice(w), timeout=5, what="the 'already used' notice")
    assert find(w, "checkInScreen") is not None and len(core.hall.tickets_today()) == 1


def test_a_code_that_is_not_ours_is_explained_and_scanning_goes_on(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    open_check_in(w)
    core.simulators.show_code(b"https://qr.alipay.com/fkx12345")      # a payment code
    wait_until(lambda: "不是本大厅的预约码" in notice(w), timeout=5, what="the 'not ours' notice")
    core.simulators.show_code("young_wang")
    wait_for(w, "appointmentScreen", timeout=5)
    assert text_of(find(w, "appointmentItem")) == "住房公积金提取"


def test_an_id_card_finds_todays_appointment_and_a_card_without_one_is_offered_a_number(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    open_check_in(w)
    core.simulators.place_id_card("young_wang")
    wait_for(w, "appointmentScreen", timeout=5)
    assert text_of(find(w, "appointmentItem")) == "住房公积金提取"
    tap(w, "checkInButton")
    wait_for(w, "doneScreen", timeout=10)
    assert find(w, "appointmentMark") is not None

    tap(w, "doneTapArea")
    wait_for(w, "homeScreen")
    core.simulators.take_id_card()
    open_check_in(w)
    core.simulators.place_id_card("student_li")
    wait_for(w, "appointmentsScreen", timeout=5)
    assert "今天没有查到您的预约" in visible_texts(w)
    tap(w, "walkInButton")
    wait_for(w, "categoryScreen")


def test_a_lapsed_appointment_offers_a_walk_in_number_for_the_same_business(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    now = core.clock()
    start = now - timedelta(hours=2)
    booked = core.hall.book_appointment(AppointmentRequest(
        person_key("440305195607081023", core.config.hall.id), "SM001", start, start + timedelta(minutes=30)),
        "test-lapsed", now)
    token = Signer.from_file(SIGNING_KEYS).token_for(booked, now)
    open_check_in(w)
    core.simulators.show_code(token.encode())
    wait_for(w, "appointmentScreen", timeout=5)
    assert "已经过了签到时间" in text_of(find_in(find(w, "appointmentState"), "bannerText"))
    assert find(w, "checkInButton") is None
    tap(w, "walkInButton")
    wait_for(w, "kindScreen")
    assert ui.viewmodel.currentItem["code"] == "SM001"


def test_with_the_camera_gone_the_screen_says_so_and_the_card_still_checks_in(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.camera.unplug()
    wait_until(lambda: core.camera.health.state == "fault", timeout=10, what="the camera reported faulty")
    ui.viewmodel.tech.refresh_health()      # what the technician screen lists
    camera = next(row for row in ui.viewmodel.tech.health if row["role"] == "camera")
    assert camera["state"] == "fault" and camera["name"] == "扫码摄像头" and camera["reason"]
    open_check_in(w)
    banner = find(w, "scannerOutBanner")
    assert banner is not None and "扫码暂时用不了" in text_of(find_in(banner, "bannerText"))
    assert find(w, "cameraPreview") is None
    core.simulators.place_id_card("elder_zhang")
    wait_for(w, "appointmentScreen", timeout=5)

    core.simulators.camera.replug()
    wait_until(lambda: core.camera.health.state == "ok", timeout=10, what="the camera back")
