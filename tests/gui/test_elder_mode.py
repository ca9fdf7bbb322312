"""长辈模式 on the real screens: one tap makes the text 1.4× and the targets 1.5× bigger, gives
three minutes before the countdown home, and says each screen aloud; a 70-year-old's card turns
it on by itself, 标准模式 turns it off in one tap, and the next citizen starts standard."""
from __future__ import annotations

import pytest

from screens.probe import find, tap, text_of, wait_for, wait_until
from test_journey import open_item

pytestmark = pytest.mark.gui


def said(core, count: int) -> str:
    wait_until(lambda: len(core.voice.sink.played) >= count, timeout=5, what="the voice")
    return core.voice.last_said.spoken


def test_one_tap_makes_everything_bigger_slower_and_spoken(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    assert text_of(find(w, "elderButton").childItems()[0]) == "长辈模式"
    assert ui.viewmodel.property("elder").property("on") is False
    top = find(w, "readAloudButton").height()
    tap(w, "elderButton")
    assert ui.viewmodel.property("elder").property("on") is True
    assert "欢迎来办事" in said(core, 1)                       # the home screen, said at once
    assert find(w, "readAloudButton").height() >= top * 1.3
    assert text_of(find(w, "elderButton").childItems()[0]) == "标准模式"
    tap(w, "takeNumberButton")
    wait_for(w, "categoryScreen")
    assert "哪一类" in said(core, 2)                           # each screen says what it asks
    assert ui.viewmodel.idle.timeout_s == 180 and ui.viewmodel.idle.warning_s == 30
    tap(w, "elderButton")                                       # one tap back, from any screen
    assert ui.viewmodel.property("elder").property("on") is False
    assert ui.viewmodel.idle.timeout_s == core.config.kiosk.idle_timeout_s


def test_a_seventy_year_olds_card_turns_it_on_and_the_next_citizen_starts_standard(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: ui.viewmodel.property("elder").property("on"), timeout=5, what="长辈模式 by the card")
    wait_for(w, "categoryScreen")
    assert find(w, "elderButton") is not None                   # the way back is right there
    tap(w, "homeButton")                                        # Home ends the visit and forgets the card
    wait_until(lambda: not ui.viewmodel.property("elder").property("on"), timeout=5,
               what="the standard mode for the next citizen")


def test_asking_for_help_shows_staff_a_big_message_until_someone_comes(start_kiosk):
    """请工作人员帮忙: big enough to read across the hall, said aloud, and (with no hall server to
    page) the citizen told they can also go to the desk."""
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "elderButton")
    assert find(w, "helpOverlay") is None
    tap(w, "helpButton")
    wait_for(w, "helpOverlay")
    assert text_of(find(w, "helpText")) == "这位市民需要帮助"
    wait_until(lambda: "咨询台" in text_of(find(w, "helpStatus")), timeout=5, what="no hall server to page")
    assert "工作人员马上过来" in said(core, 2)
    tap(w, "helpDoneButton")
    assert find(w, "helpOverlay") is None


def test_a_page_that_goes_on_below_the_glass_says_so_until_it_is_scrolled(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "elderButton")
    open_item(w)
    wait_for(w, "kindScreen")
    assert text_of(wait_for(w, "moreBelow").childItems()[0]) == "下面还有内容，请用手指向上滑动查看"
    area = find(w, "kindArea")
    area.setProperty("contentY", area.property("contentHeight") - area.height())   # the citizen slides up
    wait_until(lambda: find(w, "moreBelow") is None, timeout=3, what="the hint gone at the end of the page")


def test_the_business_this_kiosk_issues_most_comes_first_in_elder_mode(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    for _ in range(2):
        open_item(w, "social", "SM001")
        tap(w, "kindButton_consult")
        wait_for(w, "doneScreen", timeout=10)
        tap(w, "doneTapArea")
    open_item(w, "tax", core.config.categories[[c.code for c in core.config.categories].index("tax")].items[0].code)
    tap(w, "kindButton_consult")
    wait_for(w, "doneScreen", timeout=10)
    tap(w, "doneTapArea")
    tap(w, "takeNumberButton")
    assert find(w, "usualItem_SM001") is None                   # the standard screens stay as they were
    tap(w, "homeButton")
    tap(w, "elderButton")
    tap(w, "takeNumberButton")
    usual = [i for i in ui.viewmodel.property("usualItems")]
    assert usual[0]["code"] == "SM001" and len(usual) == 2       # most issued first
    tap(w, "usualItem_SM001")
    wait_for(w, "kindButton_accept")
    tap(w, "backButton")                                        # back leads to its category's items
    wait_for(w, "itemRow_SM001")
    assert ui.viewmodel.property("currentCategory")["code"] == "social"
