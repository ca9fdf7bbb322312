"""The staff's pages in a real browser: a window logs in and calls, the hall's display shows the
number within a second (with its chime and the words announced), recall, done, no-show, send to
another group and change of kind work from the buttons, a wrong password gets a calm answer,
/admin lists a kiosk with the devices it reported, and a display that lost its stream picks the
whole state up again when it reconnects."""
from __future__ import annotations

import threading
import time

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kiosk.hall.model import TicketKind, TicketState
from kiosk.server.push import QUEUE_SIZE

pytestmark = pytest.mark.browser

STAFF, PASSWORD = "W01-wang", "correct horse"


def wait_until(driver, condition, timeout: float = 5.0, what: str = ""):
    """condition(driver) true within timeout (polled every 20 ms); its value. The pages redraw
    whole lists on every pushed hint, so an element found a moment ago may be gone: try again."""
    return WebDriverWait(driver, timeout, poll_frequency=0.02,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                         ).until(condition, what)


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def shows(element_id: str, *words: str):
    return lambda driver: all(word in text(driver, element_id) for word in words)


def open_window(driver, hall, window_id: str = "W01") -> None:
    """Log in on /window as the window's staff member and sit at window_id."""
    hall.accounts.add_staff(STAFF, PASSWORD, "王芳")
    driver.get(f"{hall.url}/window")
    driver.find_element(By.ID, "staff-id").send_keys(STAFF)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-window={window_id}]"), what="the windows")
    driver.find_element(By.CSS_SELECTOR, f"[data-window={window_id}]").click()
    wait_until(driver, lambda d: d.find_element(By.ID, "live").get_attribute("data-on") == "true",
               what="the window page's live stream")


def open_display(driver, hall) -> None:
    driver.get(f"{hall.url}/display")
    wait_until(driver, lambda d: d.execute_script("return window.hallDisplay.connected"), what="the display's stream")


def press(driver, button_id: str) -> None:
    button = driver.find_element(By.ID, button_id)
    wait_until(driver, lambda d: button.is_enabled(), what=f"{button_id} enabled")
    button.click()


def shown_on_display(driver) -> list[dict]:
    return driver.execute_script("return window.hallDisplay.shown")


def current_number(driver) -> str:
    return text(driver, "current-number")


def test_a_wrong_password_is_answered_calmly_and_the_right_one_opens_the_window(staff_browser, live_hall):
    live_hall.accounts.add_staff(STAFF, PASSWORD)
    staff_browser.get(f"{live_hall.url}/window")
    staff_browser.find_element(By.ID, "staff-id").send_keys(STAFF)
    staff_browser.find_element(By.ID, "password").send_keys("not my password")
    staff_browser.find_element(By.ID, "login-button").click()
    wait_until(staff_browser, shows("login-message", "工号或密码不对，请再输入一次。", "Please try again."))
    assert staff_browser.execute_script("return sessionStorage.getItem('kiosk-hall.staff-token')") is None
    assert staff_browser.find_element(By.ID, "work-view").is_displayed() is False
    assert "500" not in text(staff_browser, "login-message") and "error" not in text(staff_browser, "login-message").lower()

    open_window(staff_browser, live_hall, "W03")
    assert "3号窗口" in text(staff_browser, "title")
    assert current_number(staff_browser) == "—" and not staff_browser.find_element(By.ID, "complete").is_enabled()
    assert "现在没有人等候" in text(staff_browser, "queue-list")


def test_a_called_number_is_on_the_display_within_a_second_and_a_recall_announces_it_again(
        staff_browser, board_browser, live_hall):
    kiosk = live_hall.kiosk_token()
    issued = [live_hall.issue(kiosk, item="GA01") for _ in range(2)]       # 公安 → police, window W04
    open_display(board_browser, live_hall)
    open_window(staff_browser, live_hall, "W04")
    wait_until(staff_browser, shows("queue-list", *issued), what="the waiting queue")
    assert "等候中 2 人" in text(staff_browser, "queue-count")

    pressed = time.time()
    press(staff_browser, "call-next")
    first = wait_until(board_browser, shown_on_display, timeout=2, what="the call on the display")[0]
    latency_s = first["at"] / 1000 - pressed
    print(f"\ncall → display: {latency_s * 1000:.0f} ms (from the click on 叫号 to the number drawn on /display)")
    assert first["number"] == issued[0] and first["window_id"] == "W04" and first["recall"] is False
    assert latency_s < 1.0, f"the display showed the call {latency_s:.3f} s after the click"
    assert text(board_browser, "newest-number") == issued[0] and "4号窗口" in text(board_browser, "newest-window")
    assert text(board_browser, "announcement-zh") == f"请 {issued[0]} 号到 4号窗口 办理"
    assert text(board_browser, "announcement-en") == f"Number {issued[0]}, please go to Window 4."
    assert board_browser.execute_script("return window.hallDisplay.chimes") == 1
    # After the chime the call is said aloud, by the server's offline voice.
    spoken = wait_until(board_browser, lambda d: [s for s in d.execute_script("return window.hallDisplay.spoken")
                                                  if s["played"] or s["error"]], timeout=5, what="the spoken call")
    assert spoken[0]["number"] == issued[0] and spoken[0]["played"] and spoken[0]["duration_s"] > 1.5, spoken
    wait_until(staff_browser, lambda d: current_number(d) == issued[0], what="the called number on /window")
    assert f"已叫 {issued[0]} 号" in text(staff_browser, "message")
    assert issued[0] not in text(staff_browser, "queue-list") and issued[1] in text(staff_browser, "queue-list")

    press(staff_browser, "recall")
    again = wait_until(board_browser, lambda d: shown_on_display(d)[1:], what="the recall on the display")[0]
    assert (again["number"], again["recall"]) == (issued[0], True)
    assert board_browser.execute_script("return window.hallDisplay.chimes") == 2
    wait_until(staff_browser, shows("message", f"已重呼 {issued[0]} 号"))


def test_done_and_no_show_free_the_window_for_the_next_number(staff_browser, board_browser, live_hall):
    kiosk = live_hall.kiosk_token()
    first, second = (live_hall.issue(kiosk, item="GA01") for _ in range(2))
    open_display(board_browser, live_hall)
    open_window(staff_browser, live_hall, "W04")

    press(staff_browser, "call-next")
    wait_until(staff_browser, lambda d: current_number(d) == first)
    assert not staff_browser.find_element(By.ID, "call-next").is_enabled(), "one number at a time"
    press(staff_browser, "complete")
    wait_until(staff_browser, lambda d: current_number(d) == "—")
    assert f"{first} 号已办结" in text(staff_browser, "message")
    wait_until(board_browser, lambda d: d.find_element(By.ID, "newest").get_attribute("data-window") == "W04")

    press(staff_browser, "call-next")
    wait_until(staff_browser, lambda d: current_number(d) == second)
    wait_until(board_browser, lambda d: text(d, "newest-number") == second, what="the second call on the display")
    press(staff_browser, "no-show")
    wait_until(staff_browser, shows("message", f"{second} 号未到"))
    states = {t.number: t.state for t in live_hall.hall.tickets_today()}
    assert states == {first: TicketState.DONE, second: TicketState.NO_SHOW}
    press(staff_browser, "call-next")
    wait_until(staff_browser, shows("message", "现在没有人等候"))
    assert current_number(staff_browser) == "—"


def test_a_ticket_sent_to_another_group_or_changed_in_kind_keeps_its_number(staff_browser, live_hall):
    kiosk = live_hall.kiosk_token()
    sent, changed = (live_hall.issue(kiosk, item="GA01") for _ in range(2))
    open_window(staff_browser, live_hall, "W04")

    press(staff_browser, "call-next")
    wait_until(staff_browser, lambda d: current_number(d) == sent)
    Select(staff_browser.find_element(By.ID, "transfer-group")).select_by_value("general")
    press(staff_browser, "transfer")
    wait_until(staff_browser, shows("message", f"{sent} 号已转到综合受理窗口"))
    wait_until(staff_browser, lambda d: current_number(d) == "—", what="the window free again")
    moved = next(t for t in live_hall.hall.tickets_today() if t.number == sent)
    assert (moved.state, moved.window_group, moved.number) == (TicketState.WAITING, "general", sent)

    press(staff_browser, "call-next")
    wait_until(staff_browser, lambda d: current_number(d) == changed)
    Select(staff_browser.find_element(By.ID, "convert-kind")).select_by_value("pickup")
    press(staff_browser, "convert")
    wait_until(staff_browser, shows("message", f"{changed} 号已换成取件号"))
    wait_until(staff_browser, shows("current-detail", "取件"))
    kept = next(t for t in live_hall.hall.tickets_today() if t.number == changed)
    assert (kept.kind, kept.state, kept.window) == (TicketKind.PICKUP, TicketState.CALLED, "W04")

    Select(staff_browser.find_element(By.ID, "convert-kind")).select_by_value("consult")   # 居住证: no 咨询
    press(staff_browser, "convert")
    wait_until(staff_browser, shows("message", "这个事项不提供这种号"))
    assert next(t for t in live_hall.hall.tickets_today() if t.number == changed).kind == TicketKind.PICKUP


def test_admin_lists_a_kiosk_with_the_devices_it_reported(staff_browser, live_hall):
    token = live_hall.kiosk_token("kiosk-7")
    live_hall.kiosk_token("kiosk-8")
    live_hall.issue(token, item="GA01")
    devices = [{"role": "ticket_printer", "name": "ESC/POS 80 mm", "state": "fault", "reason_zh": "打印纸用完了"},
               {"role": "id_card", "name": "SAM", "state": "ok"}]
    assert live_hall.post("/v1/kiosks/kiosk-7/health", token, {"devices": devices}).status_code == 204
    live_hall.accounts.add_staff(STAFF, PASSWORD)
    staff_browser.get(f"{live_hall.url}/admin")
    staff_browser.find_element(By.ID, "staff-id").send_keys(STAFF)
    staff_browser.find_element(By.ID, "password").send_keys(PASSWORD)
    staff_browser.find_element(By.ID, "login-button").click()
    def row(kiosk_id: str):
        return lambda d: d.find_element(By.CSS_SELECTOR, f"[data-kiosk={kiosk_id}]").text

    reported = wait_until(staff_browser, row("kiosk-7"), what="kiosk-7 on /admin")
    assert "ticket_printer" in reported and "故障" in reported and "打印纸用完了" in reported
    assert "1 个有效 / 共 1 个" in reported
    assert "id_card" in reported and "正常" in reported
    assert "还没有报告" in wait_until(staff_browser, row("kiosk-8"))
    police = wait_until(staff_browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#groups [data-group=police] td"))
    assert [cell.text for cell in police[1:3]] == ["1", "1"], "one window, one person waiting"

    later = [{"role": "ticket_printer", "name": "ESC/POS 80 mm", "state": "ok"}]
    assert live_hall.post("/v1/kiosks/kiosk-7/health", token, {"devices": later}).status_code == 204
    wait_until(staff_browser, lambda d: d.find_element(
        By.CSS_SELECTOR, "[data-kiosk=kiosk-7] [data-role=ticket_printer]").get_attribute("data-state") == "ok",
        what="the new report pushed to /admin")


def test_a_display_that_lost_its_stream_reads_the_whole_state_again(board_browser, live_hall):
    kiosk = live_hall.kiosk_token()
    number = live_hall.issue(kiosk, item="GA01")
    open_display(board_browser, live_hall)
    assert board_browser.execute_script("return window.hallDisplay.states") == 1
    live_hall.hall.call_next("W04")                       # straight on the hall: no event is pushed

    def flood():                                          # more than a stream may fall behind: it is dropped
        for n in range(3 * QUEUE_SIZE):
            live_hall.app.state.push.publish("noise", {"n": n})
    flooding = threading.Thread(target=flood)
    flooding.start()
    flooding.join()
    wait_until(board_browser, lambda d: d.execute_script("return window.hallDisplay.states") >= 2, timeout=8,
               what="the state read again after reconnecting")
    wait_until(board_browser, lambda d: text(d, "newest-number") == number)
    assert requests.get(f"{live_hall.url}/display/state", timeout=5).json()["windows"][0]["number"] == number


def test_admin_shows_what_an_offline_ticket_could_not_check(staff_browser, live_hall):
    from datetime import datetime
    token = live_hall.kiosk_token("kiosk-7")
    live_hall.issue(token, item="SB01", person="p-1")
    offline = {"idempotency_key": "offline-key-0001", "number": "A-07-001", "series": "A-07", "seq": 1,
               "kind": "accept", "item_code": "SB01", "issued_at": datetime(2026, 11, 23, 10, 0).isoformat(),
               "citizen": {"person_key": "p-1"}, "window_group": "social"}
    assert live_hall.post("/v1/offline-tickets", token, offline).status_code == 200
    live_hall.accounts.add_staff(STAFF, PASSWORD)
    staff_browser.get(f"{live_hall.url}/admin")
    staff_browser.find_element(By.ID, "staff-id").send_keys(STAFF)
    staff_browser.find_element(By.ID, "password").send_keys(PASSWORD)
    staff_browser.find_element(By.ID, "login-button").click()
    shown = wait_until(staff_browser, lambda d: d.find_element(By.CSS_SELECTOR, "[data-conflict='A-07-001']").text,
                       what="the conflict on /admin")
    assert "kiosk-7" in shown and "此人当时已有同一事项的号" in shown and "already held an open ticket" in shown


def test_admin_takes_a_kiosk_out_of_use_and_puts_it_back(staff_browser, live_hall):
    token = live_hall.kiosk_token("kiosk-9")
    live_hall.accounts.add_staff(STAFF, PASSWORD)
    staff_browser.get(f"{live_hall.url}/admin")
    staff_browser.find_element(By.ID, "staff-id").send_keys(STAFF)
    staff_browser.find_element(By.ID, "password").send_keys(PASSWORD)
    staff_browser.find_element(By.ID, "login-button").click()
    wait_until(staff_browser, lambda d: d.find_element(By.CSS_SELECTOR, "[data-kiosk=kiosk-9] [data-lock=off]"))
    reason = staff_browser.find_element(By.ID, "lock-reason")
    reason.clear()
    reason.send_keys("打印机换纸")
    click = lambda selector: lambda d: d.find_element(By.CSS_SELECTOR, selector).click() or True  # noqa: E731
    wait_until(staff_browser, click("[data-kiosk=kiosk-9] [data-lock=off] button"))
    wait_until(staff_browser, lambda d: d.find_element(By.CSS_SELECTOR, "[data-kiosk=kiosk-9] [data-lock=on]"),
               what="shown as out of use")
    state = live_hall.get("/v1/kiosks/kiosk-9/state", token).json()
    assert (state["locked"], state["reason"]) == (True, "打印机换纸")
    wait_until(staff_browser, click("[data-kiosk=kiosk-9] [data-lock=on] button"))
    wait_until(staff_browser, lambda d: d.find_element(By.CSS_SELECTOR, "[data-kiosk=kiosk-9] [data-lock=off]"),
               what="back in use")
    assert live_hall.get("/v1/kiosks/kiosk-9/state", token).json()["locked"] is False


def test_admin_asks_a_kiosk_for_a_test_print_and_shows_its_answer(staff_browser, live_hall):
    token = live_hall.kiosk_token("kiosk-6")
    devices = [{"role": "ticket_printer", "name": "ESC/POS 80 mm", "state": "ok"}]
    assert live_hall.post("/v1/kiosks/kiosk-6/health", token, {"devices": devices, "version": "0.1.0"}).status_code == 204
    live_hall.accounts.add_staff(STAFF, PASSWORD)
    staff_browser.get(f"{live_hall.url}/admin")
    staff_browser.find_element(By.ID, "staff-id").send_keys(STAFF)
    staff_browser.find_element(By.ID, "password").send_keys(PASSWORD)
    staff_browser.find_element(By.ID, "login-button").click()
    row = lambda d: d.find_element(By.CSS_SELECTOR, "[data-kiosk=kiosk-6]").text  # noqa: E731
    assert "v0.1.0" in wait_until(staff_browser, row, what="the kiosk's version on /admin")
    wait_until(staff_browser, lambda d: d.find_element(
        By.CSS_SELECTOR, "[data-kiosk=kiosk-6] [data-command=test_print]").click() or True)
    assert "测试打印（W01-wang）：等待自助机" in wait_until(
        staff_browser, lambda d: "等待自助机" in row(d) and row(d), what="the command shown waiting")
    # the kiosk hears it on its own state (as on reconnect) and answers
    [command] = live_hall.get("/v1/kiosks/kiosk-6/state", token).json()["commands"]
    assert command["command"] == "test_print"
    assert live_hall.post(f"/v1/kiosks/kiosk-6/commands/{command['command_id']}", token,
                          {"ok": True, "result": "test slip printed"}).status_code == 204
    assert "测试打印（W01-wang）：完成 test slip printed" in wait_until(
        staff_browser, lambda d: "完成" in row(d) and row(d), what="the kiosk's answer pushed to /admin")
    assert live_hall.get("/v1/kiosks/kiosk-6/state", token).json()["commands"] == []


def test_admin_reloads_the_halls_files_and_says_which_key_is_wrong(staff_browser, live_hall):
    catalogue = live_hall.hall.settings.directory / "catalogue.yaml"
    good = catalogue.read_text(encoding="utf-8")
    live_hall.accounts.add_staff(STAFF, PASSWORD)
    staff_browser.get(f"{live_hall.url}/admin")
    staff_browser.find_element(By.ID, "staff-id").send_keys(STAFF)
    staff_browser.find_element(By.ID, "password").send_keys(PASSWORD)
    staff_browser.find_element(By.ID, "login-button").click()
    wait_until(staff_browser, shows("catalogue-now", "个事项"), what="the catalogue in use")
    catalogue.write_text(good.replace("department:", "department: [", 1), encoding="utf-8")
    press(staff_browser, "reload")
    wait_until(staff_browser, shows("reload-message", "文件有误", "catalogue.yaml", "照旧"), what="the mistake named")
    catalogue.write_text(good, encoding="utf-8")
    press(staff_browser, "reload")
    wait_until(staff_browser, shows("reload-message", "文件没有改动"), what="nothing changed")


def test_the_tour_photographs_the_window_and_display_pages(tmp_path):
    from PIL import Image
    from sim import hall_pages_tour
    files = hall_pages_tour.run(tmp_path)
    for name in ("window", "display"):
        with Image.open(files[name]) as image:
            assert image.size == (1920, 1080) and len(image.getcolors(1 << 16) or range(300)) > 20, name


def test_a_kiosk_asking_for_help_is_shown_on_the_window_page_and_admin(staff_browser, live_hall):
    from kiosk.hall.http_hall import HttpHall
    open_window(staff_browser, live_hall)
    kiosk = HttpHall(live_hall.url, live_hall.kiosk_token("kiosk-3"))
    kiosk.ask_for_help("kiosk-3")
    wait_until(staff_browser, shows("help-message", "自助机 kiosk-3", "需要帮助", "kiosk-3 needs help"),
               what="the help request on the window page")
    staff_browser.get(f"{live_hall.url}/admin")        # (the window page's login carries over)
    wait_until(staff_browser, lambda d: d.find_element(By.ID, "live").get_attribute("data-on") == "true",
               what="the admin page's live stream")
    kiosk.ask_for_help("kiosk-3")
    wait_until(staff_browser, shows("help-message", "自助机 kiosk-3", "请派人过去"), what="the help request on /admin")


def test_the_boards_spoken_call_is_audible_and_says_only_calls(live_hall):
    """What the board plays: the call in the server's offline voice, audible and of a call's
    length; anything but a known window and a number's shape is refused."""
    import requests
    from tests.unit.test_speech import audio
    answer = requests.get(f"{live_hall.url}/display/speech/W04/A012.wav", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "audio/wav"
    seconds, rms = audio(answer.content)
    assert 1.5 < seconds < 6 and rms > 1000, (seconds, rms)
    for path in ("W99/A012.wav", "W04/%E4%BD%A0%E5%A5%BD.wav", "W04/A012;rm.wav"):
        assert requests.get(f"{live_hall.url}/display/speech/{path}", timeout=10).status_code == 404, path
