"""What keeps the kiosk usable unattended: the idle countdown, the printer notice, the lockdown,
the technician's hidden door, and both screen orientations."""
from __future__ import annotations

import re

import time

import pytest
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest

from kiosk.config import load_config
from kiosk.events import SessionEnded
from screens.idle import KioskInputGuard
from screens.probe import find, settle, tap, text_of, visible_texts, wait_for, wait_until, walk

pytestmark = pytest.mark.gui


def with_kiosk_settings(config, **changes):
    """The same configuration with some kiosk.* settings changed: here a short idle timeout,
    below the minimum a hall may configure, so a test need not wait a minute."""
    return config.model_copy(update={"kiosk": config.kiosk.model_copy(update=changes)})


def test_idle_kiosk_counts_down_then_goes_home_and_ends_the_session(start_kiosk):
    ui, core = start_kiosk(config=with_kiosk_settings(load_config(), idle_timeout_s=3, idle_warning_s=2))
    w = ui.window
    ended = []
    core.add_listener(lambda event: ended.append(event) if isinstance(event, SessionEnded) else None)
    tap(w, "takeNumberButton")
    wait_for(w, "categoryScreen")
    assert find(w, "idleCountdown") is None          # no countdown while the citizen is active

    countdown = wait_for(w, "idleCountdown", timeout=3)
    assert text_of(find(w, "idleCountdownText")) in ("还有 2 秒返回首页", "还有 1 秒返回首页")
    assert "点击屏幕继续" in visible_texts(w)

    tap(w, "idleCountdown")                           # a touch keeps the citizen where they are
    assert not countdown.isVisible() and find(w, "categoryScreen")

    started = time.monotonic()
    wait_for(w, "homeScreen", timeout=5)
    assert time.monotonic() - started >= 2.5          # the touch restarted the full timeout
    assert find(w, "idleCountdown") is None
    wait_until(lambda: ended, what="session_ended")


def test_idle_timeout_brings_the_next_visitor_back_to_chinese(start_kiosk):
    ui, _ = start_kiosk(config=with_kiosk_settings(load_config(), idle_timeout_s=2, idle_warning_s=1))
    w = ui.window
    tap(w, "languageButton")
    tap(w, "takeNumberButton")
    wait_for(w, "categoryScreen")
    wait_for(w, "homeScreen", timeout=5)
    assert wait_until(lambda: text_of(find(w, "takeNumberButton")) == "取号", what="Chinese home")


def test_paper_out_disables_taking_a_number_with_a_plain_notice_until_paper_is_back(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    button = find(w, "takeNumberButton")
    assert button.isEnabled() and find(w, "availabilityBanner") is None

    core.simulators.printer.set_state("paper_out")
    banner = wait_for(w, "availabilityBanner", timeout=5)
    assert not button.isEnabled()
    notice = text_of(banner)
    assert "纸" in notice and "咨询台" in notice
    tap(w, "takeNumberButton")
    assert find(w, "homeScreen")                      # the greyed button does nothing

    core.simulators.printer.set_state("ok")
    wait_until(lambda: button.isEnabled(), timeout=5, what="the button back")
    assert find(w, "availabilityBanner") is None
    tap(w, "takeNumberButton")
    assert wait_for(w, "categoryScreen")


def test_escape_and_closing_do_not_leave_the_kiosk(start_kiosk):
    ui, _ = start_kiosk()
    w = ui.window
    tap(w, "takeNumberButton")
    wait_for(w, "categoryScreen")
    for key, mods in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                      (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                      (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)):
        QTest.keyClick(w, key, mods)
    w.close()
    settle()
    assert w.isVisible() and find(w, "categoryScreen")
    # Alt+F4 normally reaches the window manager, not us; make sure our guard swallows it too.
    guard = KioskInputGuard(lambda: None)
    assert guard.refused(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier))
    assert guard.refused(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier))
    assert not guard.refused(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier))


def _open_pin_pad(w):
    for _ in range(5):
        tap(w, "hallNameTapArea")
    return wait_for(w, "pinPad")


def _enter_pin(w, pin):
    for digit in pin:
        tap(w, f"pinKey_{digit}")
    tap(w, "pinKey_ok")


def test_technician_gesture_and_pin_open_the_health_screen(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    for _ in range(4):
        tap(w, "hallNameTapArea")
    assert find(w, "pinPad") is None                  # four taps are just taps
    tap(w, "hallNameTapArea")
    wait_for(w, "pinPad")

    _enter_pin(w, "2468")                             # the demo PIN (config/kiosk.yaml)
    wait_for(w, "techScreen", timeout=10)
    row = wait_for(w, "deviceRow_ticket_printer")
    state = next(i for i in walk(row) if i.objectName() == "deviceState")
    assert text_of(state) == "正常"

    before = len(core.simulators.printer.printed)
    tap(w, "testPrintButton")
    wait_until(lambda: "测试页已打印" in text_of(find(w, "testPrintResult") or row), timeout=10, what="test print")
    assert "TEST" in core.simulators.printer.wait_for_tickets(before + 1)[-1].text

    core.simulators.printer.set_state("cover_open")   # the health page follows the device live
    wait_until(lambda: text_of(next(i for i in walk(find(w, "deviceRow_ticket_printer"))
                                    if i.objectName() == "deviceState")) == "故障", timeout=5, what="fault")
    core.simulators.printer.set_state("ok")
    # today's timeline of the printer: when the cover was opened and when it came back (the
    # screen re-reads it every 2 s)
    def history():
        try:
            row = find(w, "deviceRow_ticket_printer")
            return text_of(next(i for i in walk(row) if i.objectName() == "deviceHistory")) if row else ""
        except RuntimeError:            # the row rebuilt under the read (the 2 s health refresh)
            return ""
    wait_until(lambda: "恢复正常" in history(), timeout=8, what="the printer's recovery in its history")
    lines = history().splitlines()
    assert lines[0] == "今日记录" and re.fullmatch(r"\d\d:\d\d 故障：打印机盖子没有关好，请工作人员关好", lines[-2])
    assert re.fullmatch(r"\d\d:\d\d 恢复正常", lines[-1])
    kiosk_day = text_of(find(w, "kioskHistory"))
    assert "自助机启动" in kiosk_day and "首页提示：取号机正在维护，请到咨询台取号，或稍后再试。" in kiosk_day

    tap(w, "selfTestButton")                          # every device, internal and external
    wait_until(lambda: "项全部通过" in text_of(find(w, "selfTestResult")), timeout=15, what="the self-test")
    assert re.fullmatch(r"自检 \d\d:\d\d：\d+ 项全部通过", text_of(find(w, "selfTestResult")))
    wait_until(lambda: "外部自检通过" in history(), timeout=5, what="the self-test in the printer's day")

    tap(w, "quitButton")
    assert ui.quits == [True] and ui.viewmodel.may_close


def test_wrong_pins_get_a_gentle_word_then_a_lockout(start_kiosk):
    ui, _ = start_kiosk()
    w = ui.window
    _open_pin_pad(w)
    _enter_pin(w, "1111")
    wait_until(lambda: "密码不对" in text_of(find(w, "pinMessage")), timeout=5, what="gentle message")
    for _ in range(4):
        _enter_pin(w, "1111")
        wait_until(lambda: ui.viewmodel.tech.pinState in ("wrong", "locked"), timeout=5, what="answer")
    wait_until(lambda: "请 30 秒后再试" in text_of(find(w, "pinMessage")), timeout=5, what="lockout")

    _enter_pin(w, "2468")                             # even the right PIN waits out the lockout
    settle(500)
    assert find(w, "techScreen") is None and find(w, "pinPad")


def _in_scrolling_page(item) -> bool:
    """Inside a page that scrolls because its content is taller than the glass (长辈模式)."""
    parent = item.parentItem()
    while parent is not None:
        if parent.property("contentHeight") is not None and parent.property("contentHeight") > parent.height() + 1:
            return True
        parent = parent.parentItem()
    return False


def _outside(window, item) -> bool:
    r = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
    return r.left() < -1 or r.top() < -1 or r.right() > window.width() + 1 or r.bottom() > window.height() + 1


@pytest.mark.parametrize("orientation,size", [("portrait", (1080, 1920)), ("landscape", (1920, 1080))])
def test_both_orientations_fit_every_screen_on_the_glass(start_kiosk, orientation, size):
    ui, core = start_kiosk(orientation=orientation)
    w = ui.window
    assert (w.width(), w.height()) == size

    def named_items_inside():
        named = [i for i in walk(w.contentItem()) if i.objectName() and i.isVisible()
                 and not i.objectName().startswith("itemRow_")    # list rows scroll by design
                 and not _in_scrolling_page(i)]
        bad = [i.objectName() for i in named if _outside(w, i)]
        assert not bad, f"{orientation}: off screen: {bad}"
        return named

    named_items_inside()
    assert find(w, "takeNumberButton").height() >= 120 and find(w, "cardPrompt")
    tap(w, "languageButton")                          # English runs longer: the card prompt wraps
    wait_until(lambda: text_of(find(w, "takeNumberButton")) == "Take a number", what="English home")
    named_items_inside()
    tap(w, "languageButton")
    # An identified elder: the greeting strip takes room from every screen after this.
    core.simulators.place_id_card("elder_zhang")
    wait_for(w, "categoryTile_tax", timeout=5)
    assert find(w, "identityGreeting") and find(w, "priorityBadge")
    for c in core.config.categories:                 # each tile holds its name and count
        tile = find(w, f"categoryTile_{c.code}")
        assert tile.height() >= max(120, tile.implicitHeight()), c.code
    named_items_inside()
    tap(w, "categoryTile_social")
    tap(w, "itemRow_SM001")
    wait_for(w, "kindButton_pickup")
    named_items_inside()
    for name in ("kindButton_accept", "kindButton_consult", "kindButton_pickup", "backButton", "homeButton"):
        assert find(w, name).height() >= 120, name
    tap(w, "kindButton_accept")
    wait_for(w, "priorityNote", timeout=10)
    named_items_inside()
