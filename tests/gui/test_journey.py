"""A citizen takes a number: home → category → item → kind → the number on screen and on paper."""
from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.config import load_config
from screens.probe import find, tap, text_of, type_on_keyboard, visible_texts, wait_for, wait_until, walk

pytestmark = pytest.mark.gui


def open_item(w, category="social", item="SM001"):
    tap(w, "takeNumberButton")
    tap(w, f"categoryTile_{category}")
    tap(w, f"itemRow_{item}")


def take_number(ui, category="social", item="SM001", kind="accept"):
    open_item(ui.window, category, item)
    tap(ui.window, f"kindButton_{kind}")


def test_journey_shows_the_number_the_printer_printed(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    take_number(ui)

    number = text_of(wait_for(w, "ticketNumber", timeout=10))
    printed = core.simulators.printer.wait_for_tickets(1)
    assert number.startswith("A") and number in printed[0].text
    assert text_of(find(w, "ticketKind")) == "受理"
    assert "社会保障卡申领" in text_of(find(w, "ticketItem"))
    assert "窗口" in text_of(find(w, "ticketWindow"))
    assert "请取走您的号票" in visible_texts(w)
    assert find(w, "reprintMark") is None and find(w, "priorityMark") is None

    tap(w, "doneTapArea")                  # a tap anywhere goes back home for the next person
    assert wait_for(w, "takeNumberButton")


def test_done_screen_goes_home_by_itself_for_the_next_citizen(start_kiosk):
    ui, _ = start_kiosk(done_return_s=2)
    w = ui.window
    take_number(ui)
    wait_for(w, "ticketNumber", timeout=10)
    assert "2 秒后自动返回" in " ".join(visible_texts(w))
    assert wait_for(w, "takeNumberButton", timeout=4)


def test_kind_screen_offers_only_the_items_kinds_and_lists_materials(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    # The first item on its category's page that offers fewer than all three kinds.
    item = next(i for c in core.config.categories for i in c.items[:4] if len(i.kinds) < 3 and i.materials)
    tap(w, "takeNumberButton")
    tap(w, f"categoryTile_{item.category}")
    tap(w, f"itemRow_{item.code}")
    wait_for(w, "kindScreen")

    offered = {k.value for k in item.kinds}
    for kind in ("accept", "consult", "pickup"):
        assert (find(w, f"kindButton_{kind}") is not None) == (kind in offered), kind
    on_screen = " ".join(visible_texts(w))
    assert all(m in on_screen for m in item.materials)


def test_search_sbk_on_the_onscreen_keyboard_lists_social_security_card_items(start_kiosk):
    ui, _ = start_kiosk()
    w = ui.window
    tap(w, "takeNumberButton")
    tap(w, "searchEntry")
    wait_for(w, "searchField")
    type_on_keyboard(w, "sbk")

    names = wait_until(lambda: [text_of(r) for r in _item_rows(w)], what="search results")
    assert names and all("社会保障卡" in n for n in names[:3])
    assert names[0] == "社会保障卡申领"


def _item_rows(window):
    """The item rows on screen, top to bottom."""
    rows = [i for i in walk(window.contentItem()) if i.objectName().startswith("itemRow_") and i.isVisible()]
    return sorted(rows, key=lambda r: r.y())   # rows share one parent: the list


def test_english_toggle_changes_what_the_citizen_reads(start_kiosk):
    ui, _ = start_kiosk()
    w = ui.window
    assert text_of(find(w, "takeNumberButton")) == "取号"
    tap(w, "languageButton")
    wait_until(lambda: text_of(find(w, "takeNumberButton")) == "Take a number", what="English button")
    assert "Dongguan Songshan Lake Government Service Centre" in visible_texts(w)
    assert text_of(find(w, "languageButton")) == "中文"

    tap(w, "takeNumberButton")
    assert text_of(wait_for(w, "categoryTile_social")) == "Social Affairs"
    tap(w, "categoryTile_social")
    assert text_of(wait_for(w, "itemRow_SM001")) == "Social security card application"
    tap(w, "itemRow_SM001")
    assert text_of(wait_for(w, "kindButton_accept")) == "Application"
    assert "Back" in visible_texts(w) and "Home" in visible_texts(w)

    tap(w, "languageButton")
    assert text_of(wait_for(w, "kindButton_accept")) == "受理"


def test_a_refused_ticket_shows_a_calm_message_and_a_way_home(start_kiosk, config_dir):
    catalogue = config_dir / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("daily_cap: 200", "daily_cap: 1", 1),
                         encoding="utf-8")
    ui, core = start_kiosk(config=load_config(config_dir))
    w = ui.window
    take_number(ui)
    wait_for(w, "ticketNumber", timeout=10)
    tap(w, "doneTapArea")
    wait_for(w, "takeNumberButton")

    take_number(ui)                       # today's only SM001 number is gone
    message = text_of(wait_for(w, "errorMessage", timeout=10))
    assert "今天的号已经取完了" in message
    assert not any("Traceback" in t or "Error" in t for t in visible_texts(w))
    assert len(core.simulators.printer.printed) == 1
    tap(w, "messageHomeButton")
    assert wait_for(w, "takeNumberButton")


def test_back_and_home_buttons_walk_the_journey_backwards(start_kiosk):
    ui, _ = start_kiosk()
    w = ui.window
    tap(w, "takeNumberButton")
    tap(w, "categoryTile_social")
    tap(w, "itemRow_SM001")
    wait_for(w, "kindScreen")
    tap(w, "backButton")
    assert wait_for(w, "itemRow_SM001")
    tap(w, "backButton")
    assert wait_for(w, "categoryTile_social")
    tap(w, "homeButton")
    assert wait_for(w, "takeNumberButton")


def test_the_clocks_on_screen_tell_the_halls_time(start_kiosk):
    """In a demo after hours the simulated hall runs on its next opening day: the clocks a
    citizen reads must agree with the times on the tickets and appointments."""
    ui, core = start_kiosk()
    shown = text_of(find(ui.window, "homeClock"))
    hall_now = core.clock()
    assert shown in {f"{hall_now:%H:%M}", f"{hall_now - timedelta(minutes=1):%H:%M}"}


def test_the_kind_screen_says_how_long_the_queue_is_before_a_number_is_taken(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    open_item(w)
    assert text_of(wait_for(w, "expectedWait")) == "现在不用排队"
    tap(w, "homeButton")
    for _ in range(6):              # other citizens before: every group serving the item has a queue
        core.take_number("SM001", "accept").result(timeout=20)
    wait_until(lambda: (core.expected_wait("SM001") or (0, 0))[0] >= 1, timeout=5, what="the queue read again")
    open_item(w)
    said = text_of(wait_for(w, "expectedWait"))
    people, minutes = core.expected_wait("SM001")
    assert said == f"现在约有 {people} 人在等，预计等候约 {minutes} 分钟" and people >= 1
