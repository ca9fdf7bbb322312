"""The paper runs out in the middle of a citizen's ticket: what they see, and what the technician sees."""
from __future__ import annotations

import pytest

from kiosk.config import load_config

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


def quick_idle_config():
    """The demo kiosk with a 3 s idle timeout (长辈模式's too), so a test can watch a citizen walk away."""
    config = load_config()
    return config.model_copy(update={"kiosk": config.kiosk.model_copy(update={
        "idle_timeout_s": 3, "idle_warning_s": 1, "elder_idle_timeout_s": 3, "elder_idle_warning_s": 1})})


def test_a_citizen_who_walks_away_from_a_torn_ticket_spoils_it_by_the_idle_timeout(start_kiosk, qapp):
    ui, core = start_kiosk(config=quick_idle_config())
    w, printer = ui.window, core.simulators.printer
    printer.fail_mid_ticket("paper_out")
    take_number(ui)
    wait_for(w, "stopWaitingButton", timeout=10)
    assert wait_for(w, "takeNumberButton", timeout=8)           # nobody touched: back home by itself
    assert wait_until(lambda: [e.number for e in core.hall.spoiled_today()] == ["A001"], 5, "A001 spoiled")
    printer.set_state("ok")                                     # mended later: nothing prints for nobody
    wait_until(lambda: core.ticket_service().available, 5, "the printer back")
    assert [s.complete for s in printer.printed] == [False] and core.hall.tickets_today() == []


def test_a_card_read_while_no_number_can_be_taken_is_forgotten_when_its_owner_leaves(start_kiosk):
    ui, core = start_kiosk(config=quick_idle_config())
    w, printer = ui.window, core.simulators.printer
    printer.set_state("paper_out")
    wait_until(lambda: not core.ticket_service().available, 5, "the paper-out notice")
    core.simulators.place_id_card("elder_zhang")
    wait_until(lambda: core.identity() is not None, 5, "the card read")
    assert find(w, "homeScreen") is not None                    # nothing to take: the kiosk stays home
    wait_until(lambda: core.identity() is None, 8, "the elder's identity forgotten after they left")
    assert not any("张" in t for t in visible_texts(w))           # no greeting left for the next person
