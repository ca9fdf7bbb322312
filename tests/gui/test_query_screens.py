"""自助查询 on the real screens, against the simulated back-ends over HTTP: by receipt number,
by ID card, printed as 仅供查询, wiped on Home; a dead back-end gets a calm sentence."""
from __future__ import annotations

import pytest

from screens.probe import find, tap, text_of, type_on_keyboard, visible_texts, wait_for, wait_until

pytestmark = pytest.mark.gui


def test_case_progress_by_receipt_shown_masked_printed_and_forgotten(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "queriesButton")
    tap(w, "query_case_progress")
    wait_for(w, "queryScreen")
    assert not find(w, "askButton").isEnabled()
    find(w, "receiptField").setProperty("text", "SL20261120-0012")
    tap(w, "phoneField")
    type_on_keyboard(w, "8000")                 # the digits keypad
    wait_until(lambda: find(w, "askButton").isEnabled(), what="查询 enabled")
    tap(w, "askButton")
    wait_for(w, "queryResultScreen", timeout=10)
    texts = visible_texts(w)
    assert "申请人：张*国" in texts and "当前环节：制卡中" in texts and "仅供查询" in texts
    assert "张建国" not in " ".join(texts)
    tap(w, "printQueryButton")
    [printed] = core.simulators.printer.wait_for_tickets(1)
    assert "【仅供查询 For reference only】" in printed.text_lines and "申请人：张*国" in printed.text_lines
    wait_until(lambda: "打印好了" in text_of(find(w, "queryPrintText")), what="the printed note")
    tap(w, "homeButton")
    assert ui.viewmodel.visit.query_answer is None


def test_payments_by_id_card_laid_on_the_query_screen(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "queriesButton")
    tap(w, "query_ssc_contributions")
    wait_for(w, "cardPrompt")
    core.simulators.place_id_card("young_wang")
    wait_for(w, "queryResultScreen", timeout=10)
    assert any(t.startswith("个人缴纳：640.00") for t in visible_texts(w))


def test_a_dead_back_end_gets_a_calm_sentence_and_the_screen_stays_usable(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.query_backends.down()
    tap(w, "queriesButton")
    tap(w, "query_case_progress")
    find(w, "receiptField").setProperty("text", "SL20261120-0012")
    find(w, "phoneField").setProperty("text", "8000")
    tap(w, "askButton")
    notice = wait_for(w, "queryNotice", timeout=10)
    assert text_of(notice.childItems()[0]) if notice.childItems() else True
    assert "暂时查不到" in " ".join(visible_texts(w))
    tap(w, "homeButton")
    wait_for(w, "homeScreen")
