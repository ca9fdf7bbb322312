"""A citizen with a card: the greeting, priority, the reprint, a card that cannot be read, and
the end of the visit wiping it all. Real core, real card drivers, the readers' simulators."""
from __future__ import annotations

import time

import pytest

from kiosk.config import load_config
from screens.probe import find, spin, tap, text_of, visible_texts, wait_for, wait_until, walk

pytestmark = pytest.mark.gui

ZHANG = {"name": "张建国", "id_number": "441900194910011236"}     # elder_zhang in sim/citizens/demo.yaml


def every_text(window) -> str:
    """All text the screens hold, shown or not: personal data must not be anywhere in them."""
    texts = []
    for item in walk(window.contentItem()):
        if item.metaObject().indexOfProperty("text") >= 0:
            value = item.property("text")
            if isinstance(value, str):
                texts.append(value)
    return "\n".join(texts)


def assert_nothing_unmasked(window, person=ZHANG) -> None:
    held = every_text(window)
    assert person["name"] not in held and person["id_number"] not in held


def shown(window, name: str) -> str:
    """The text of that item if it is on screen now, else ""."""
    item = find(window, name)
    return text_of(item) if item is not None else ""


def greeting(window) -> str:
    return shown(window, "identityGreeting")


def choose_item(window, category="social", item="SM001", kind="accept") -> str:
    tap(window, f"categoryTile_{category}")
    tap(window, f"itemRow_{item}")
    tap(window, f"kindButton_{kind}")
    return text_of(wait_for(window, "ticketNumber", timeout=10))


def replace_id_card(core, citizen: str) -> None:
    """Lift the card and put it down again: a reader reads a card once per placement."""
    core.simulators.take_id_card()
    time.sleep(0.6)            # the reader looks every 0.5 s; let it see the empty pad once
    core.simulators.place_id_card(citizen)


def test_id_card_on_home_greets_the_elder_and_gives_priority(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    assert "请刷身份证或社保卡" in text_of(find(w, "cardPrompt"))
    assert "没有带卡也可以直接取号" in visible_texts(w)
    assert find(w, "identityGreeting") is None

    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: greeting(w) == "您好，张*国", timeout=5, what="the greeting")
    assert text_of(find(w, "priorityBadge")) == "优先"
    assert "离开时请带走您的身份证" in visible_texts(w)
    assert find(w, "categoryScreen"), "a card read on home goes straight to choosing the business"
    assert_nothing_unmasked(w)

    number = choose_item(w)
    assert "您年满70岁，已为您优先安排" == text_of(find(w, "priorityNote"))
    assert find(w, "priorityMark") is not None and find(w, "reprintNote") is None
    assert greeting(w) == "您好，张*国"
    assert "优先" in core.simulators.printer.wait_for_tickets(1)[0].text
    assert number
    assert_nothing_unmasked(w)


def test_the_same_item_again_is_a_reprint_explained_kindly(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.place_id_card("elder_zhang")
    wait_for(w, "categoryScreen", timeout=5)
    first = choose_item(w)
    tap(w, "doneTapArea")
    wait_for(w, "homeScreen")
    assert find(w, "identityGreeting") is None and core.identity() is None

    replace_id_card(core, "elder_zhang")
    wait_for(w, "categoryScreen", timeout=5)
    again = choose_item(w)
    assert again == first
    assert text_of(find(w, "reprintNote")) == "您已经取过这个事项的号，这是补打的号票"
    assert text_of(find(w, "reprintMark")) == "补打"
    assert_nothing_unmasked(w)


def test_home_and_the_idle_timeout_forget_the_citizen(start_kiosk):
    config = load_config()
    config = config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"idle_timeout_s": 3,
                                                                                 "idle_warning_s": 1})})
    ui, core = start_kiosk(config=config)
    w = ui.window
    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: greeting(w), timeout=5, what="the greeting")
    tap(w, "homeButton")
    wait_for(w, "homeScreen")
    assert find(w, "identityGreeting") is None and find(w, "priorityBadge") is None
    assert core.identity() is None

    replace_id_card(core, "elder_zhang")
    wait_until(lambda: greeting(w), timeout=5, what="the greeting again")
    tap(w, "elderButton")                         # 标准模式: the short countdown (长辈模式 gives 3 minutes)
    tap(w, "categoryTile_social")
    wait_for(w, "homeScreen", timeout=6)          # nobody touches the screen: back home
    assert find(w, "identityGreeting") is None and core.identity() is None
    assert_nothing_unmasked(w)


def test_another_persons_card_replaces_the_greeting_and_a_younger_citizen_has_no_badge(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: greeting(w) == "您好，张*国", timeout=5, what="the first greeting")
    replace_id_card(core, "young_wang")
    wait_until(lambda: greeting(w) == "您好，王*", timeout=5, what="the second citizen's greeting")
    assert find(w, "priorityBadge") is None
    assert find(w, "categoryScreen")
    choose_item(w)
    assert find(w, "priorityNote") is None and find(w, "priorityMark") is None

    tap(w, "languageButton")
    wait_until(lambda: greeting(w) == "Hello, 王*", what="the English greeting")
    assert "Please take your ID card with you" in visible_texts(w)


def test_social_security_card_greets_and_pulling_it_out_ends_the_visit(start_kiosk):
    ui, core = start_kiosk(ssc=True)
    w = ui.window
    core.simulators.insert_ssc("elder_zhang")
    wait_until(lambda: greeting(w) == "您好，张*国", timeout=10, what="the greeting from the SSC")
    assert text_of(find(w, "priorityBadge")) == "优先"
    assert "离开时请取回您的社保卡" in visible_texts(w)
    tap(w, "categoryTile_social")
    wait_for(w, "itemRow_SM001")
    assert_nothing_unmasked(w)

    core.simulators.pull_ssc()
    wait_for(w, "homeScreen", timeout=5)
    assert find(w, "identityGreeting") is None and core.identity() is None


def test_a_card_that_cannot_be_read_gets_a_calm_note_that_goes_away(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    ui.viewmodel.citizen.card_error_s = 2.0
    core.simulators.id_reader.inject("removed_after_select")
    core.simulators.place_id_card("elder_zhang")

    note = wait_until(lambda: shown(w, "cardErrorToast"), timeout=5, what="the card-error note")
    assert note == "卡片拿开得太早了，请把身份证重新放好，读完前请不要拿开。"
    assert not any("Traceback" in t or "Error" in t for t in visible_texts(w))
    assert find(w, "identityGreeting") is None
    tap(w, "takeNumberButton")                        # the note blocks nothing
    assert wait_for(w, "categoryScreen")
    wait_until(lambda: find(w, "cardErrorToast") is None, timeout=4, what="the note to go away")


def _open_technician_screen(w):
    for _ in range(5):
        tap(w, "hallNameTapArea")
    for digit in "2468":
        tap(w, f"pinKey_{digit}")
    tap(w, "pinKey_ok")
    return wait_for(w, "techScreen", timeout=10)


def _detail(w, role, key) -> str:
    row = find(w, f"deviceRow_{role}")
    return next(text_of(i) for i in walk(row) if i.objectName() == f"detail_{key}")


def test_technician_test_read_shows_only_masked_data(start_kiosk):
    ui, core = start_kiosk(ssc=True)
    w = ui.window
    _open_technician_screen(w)
    wait_until(lambda: "05.01-20101011" in _detail(w, "id_card_reader", "sam_id"), timeout=5, what="the SAM ID")
    assert _detail(w, "id_card_reader", "reads") == "读卡次数：0"

    tap(w, "testReadButton_id_card_reader")
    assert wait_until(lambda: shown(w, "testReadResult") == "请放卡…", what="waiting")
    assert not find(w, "testReadButton_id_card_reader").isEnabled()
    core.simulators.place_id_card("elder_zhang")
    result = wait_until(lambda: "张*国" in shown(w, "testReadResult") and shown(w, "testReadResult"),
                        timeout=10, what="the test read")
    for field in ("姓名：张*国", "证件号码：4419**********1236", "出生日期：1949-10-01", "ms", "帧"):
        assert field in result, field
    wait_until(lambda: _detail(w, "id_card_reader", "reads") == "读卡次数：1", timeout=5, what="the count")
    assert find(w, "techScreen") and find(w, "identityGreeting") is None   # nobody is greeted here
    assert_nothing_unmasked(w)

    core.simulators.insert_ssc("young_wang")       # read at once as a citizen's card, then tested
    wait_until(lambda: core.identity() and core.identity()["name"] == "王*", timeout=10, what="the SSC in")
    tap(w, "testReadButton_ssc_reader")
    result = wait_until(lambda: "王*" in shown(w, "testReadResult") and shown(w, "testReadResult"),
                        timeout=10, what=f"the SSC test read, not {shown(w, 'testReadResult')!r}")
    assert "证件号码：4401**********4829" in result and "社保卡" in result
    wait_until(lambda: _detail(w, "ssc_reader", "reads") == "读卡次数：2", timeout=5, what="both SSC reads counted")
    assert _detail(w, "ssc_reader", "card_present") == "有卡：是"
    assert _detail(w, "ssc_reader", "last_atr").startswith("上次 ATR：3B")
    assert "440106197803154829" not in every_text(w)

    tap(w, "techBackButton")
    wait_for(w, "homeScreen")
    assert core.identity() is None and find(w, "identityGreeting") is None


def test_a_social_security_card_with_odd_fields_is_read_and_the_technician_sees_the_warnings(start_kiosk):
    """A real card's 卡识别码 with another card's ATR: the citizen is identified as usual, and the
    technician's test read and the reader's row say what was odd (nothing unmasked)."""
    from sim.card.ssc_card import VirtualSocialSecurityCard
    ui, core = start_kiosk(ssc=True)
    w = ui.window
    _open_technician_screen(w)
    card = VirtualSocialSecurityCard(core.simulators.citizens["elder_zhang"],
                                     card_id="440300D1560000050050640776EF3192",
                                     atr="3B6D0000" "0081544C9786843202AD932A48")
    core.simulators.ssc_card = card                # pulled like any simulated card when the kiosk stops
    card.insert()
    wait_until(lambda: core.identity() and core.identity()["name"] == "张*国", timeout=10, what="the SSC in")

    tap(w, "testReadButton_ssc_reader")
    result = wait_until(lambda: "张*国" in shown(w, "testReadResult") and shown(w, "testReadResult"),
                        timeout=10, what=f"the SSC test read, not {shown(w, 'testReadResult')!r}")
    assert "证件号码：4419**********1236" in result
    assert "注意：ATR: historical bytes 8-9 carry region 3202, 卡识别码 starts 4403" in result
    def warnings_detail() -> str:          # "" until the health refresh has brought it
        row = find(w, "deviceRow_ssc_reader")
        return next((text_of(i) for i in walk(row) if i.objectName() == "detail_card_warnings"), "")
    wait_until(lambda: "region 3202" in warnings_detail(), timeout=5, what="the warnings among the reader's details")
    assert_nothing_unmasked(w)


def test_a_card_laid_down_while_the_printer_is_out_carries_on_once_it_is_back(start_kiosk):
    """The citizen put their card down to take a number; the paper was out. They are greeted
    and told why they must wait, and the moment the printer is back the kiosk takes them on to
    choosing the business, as it would have at once."""
    ui, core = start_kiosk()
    w, printer = ui.window, core.simulators.printer
    printer.set_state("paper_out")
    wait_until(lambda: not ui.viewmodel.property("ticketAvailable"), 5, "the kiosk noticing the paper is out")
    core.simulators.place_id_card("elder_zhang")
    assert wait_until(lambda: greeting(w), 10, "the greeting")
    spin(500)                                              # the kiosk keeps them on home meanwhile
    assert find(w, "homeScreen") is not None and ui.viewmodel.property("screen") == "home"
    printer.set_state("ok")
    assert wait_for(w, "categoryScreen", timeout=8)
    assert greeting(w) and core.identity() is not None
