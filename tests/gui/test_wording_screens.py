"""A third language is one file: a kiosk set to Traditional Chinese (kiosk.language: zh_HK)
shows its home screen and prints its ticket in it, and the language button goes to English and
back to the hall's own Chinese."""
from __future__ import annotations

import pytest

from kiosk.config import load_config
from screens.probe import tap, text_of, visible_texts, wait_for, wait_until
from test_journey import take_number

pytestmark = pytest.mark.gui


def hong_kong_config():
    config = load_config()
    return config.model_copy(update={"kiosk": config.kiosk.model_copy(update={"language": "zh_HK"})})


def test_the_home_screen_and_the_ticket_in_traditional_chinese(start_kiosk):
    ui, core = start_kiosk(config=hong_kong_config())
    w = ui.window
    assert text_of(wait_for(w, "takeNumberButton")).startswith("取號")
    shown = " ".join(visible_texts(w))
    assert "歡迎來辦事" in shown and "取号" not in shown

    take_number(ui, kind="consult")
    wait_for(w, "ticketNumber", timeout=10)
    printed = core.simulators.printer.wait_for_tickets(1)[0].text
    assert "排隊號票  Queue Ticket" in printed and "諮詢 Enquiry" in printed
    assert "前面約" in printed and "排队" not in printed


def test_the_language_button_goes_to_english_and_back_to_the_halls_chinese(start_kiosk):
    ui, _ = start_kiosk(config=hong_kong_config())
    w = ui.window
    wait_for(w, "takeNumberButton")
    tap(w, "languageButton")
    assert wait_until(lambda: text_of(wait_for(w, "takeNumberButton")).startswith("Take a number"), 5,
                      "the English home screen")
    tap(w, "languageButton")
    assert wait_until(lambda: text_of(wait_for(w, "takeNumberButton")).startswith("取號"), 5,
                      "the Traditional Chinese home screen again")
