"""The paper runs out in the middle of a citizen's ticket: what they see, and what the technician sees."""
from __future__ import annotations

import pytest

from screens.probe import find, tap, text_of, visible_texts, wait_for, wait_until
from test_journey import take_number

pytestmark = pytest.mark.gui


def test_the_citizen_is_told_and_gets_the_same_number_whole(start_kiosk):
    ui, core = start_kiosk()
    w, printer = ui.window, core.simulators.printer
    printer.fail_mid_ticket("paper_out")
    take_number(ui)
    problem = text_of(wait_until(lambda: find(w, "bannerText") if find(w, "printProblem") else None, 10,
                                 "the printing screen saying the ticket stopped"))
    assert "A001" in problem and "纸" in problem and "重新完整打印" in problem
    assert "号票没有打完，请稍候" in visible_texts(w)
    assert find(w, "stopWaitingButton") is not None
    printer.set_state("ok")                                     # staff put in a new roll
    assert text_of(wait_for(w, "ticketNumber", timeout=10)) == "A001"
    assert [(s.complete, "A001" in s.text_lines) for s in printer.printed] == [(False, True), (True, True)]


def test_a_citizen_who_stops_waiting_leaves_a_spoiled_number_for_the_technician(start_kiosk):
    ui, core = start_kiosk()
    w, printer = ui.window, core.simulators.printer
    printer.fail_mid_ticket("cover_open")
    take_number(ui)
    tap(w, wait_for(w, "stopWaitingButton", timeout=10))
    assert wait_for(w, "takeNumberButton")
    for _ in range(5):
        tap(w, "hallNameTapArea")
    for digit in "2468":
        tap(w, f"pinKey_{digit}")
    tap(w, "pinKey_ok")
    spoiled = text_of(wait_for(w, "spoiledNumbers", timeout=10))
    assert "作废" in spoiled and "A001" in spoiled
    tap(w, "techLanguageButton")
    assert "Spoiled numbers today" in text_of(wait_for(w, "spoiledNumbers"))
