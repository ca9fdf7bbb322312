"""好差评 on the real screens: after a ticket, from the home screen, and left half-way. The
evaluation goes through the kiosk's outbox to the simulated provincial receiver over HTTP."""
from __future__ import annotations

import json

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as scan

from screens.probe import find, tap, text_of, type_on_keyboard, wait_for, wait_until
from test_journey import take_number

pytestmark = pytest.mark.gui


def received(core, count: int = 1) -> list[dict]:
    province = core.simulators.province
    wait_until(lambda: len(province.stored) >= count, timeout=10, what="the province's receiver")
    return list(province.stored.values())


def test_an_unhappy_rating_after_a_ticket_needs_a_reason_and_reaches_the_province(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    take_number(ui)
    number = text_of(wait_for(w, "ticketNumber", timeout=10))
    # The ticket carries the way to rate the service later from a phone, this ticket's own.
    [printed] = core.simulators.printer.wait_for_tickets(1)
    codes = {c.data.decode() for c in scan(Image.open(printed.png_path))}
    assert f"https://hcp.example.gov.cn/rate?hall={core.config.hall.id}&ticket={ui.viewmodel.visit.ticket.ticket_id}" in codes
    tap(w, "doneEvaluate")
    wait_for(w, "evaluationScreen")
    assert find(w, "submitEvaluation") is None                  # no level yet: nothing to submit
    tap(w, "level_2")                                           # 不满意
    assert find(w, "reasonNeeded") is not None
    assert not find(w, "submitEvaluation").isEnabled()          # a reason first, and the button says so
    assert text_of(find(w, "submitEvaluation").childItems()[0].childItems()[0]) == "请先选一个原因，或写几句话"
    assert text_of(find(w, "tag_B01").childItems()[0]) == "等候时间太长"
    tap(w, "tag_B01")
    assert find(w, "reasonNeeded") is None
    tap(w, "submitEvaluation")
    wait_for(w, "evaluatedScreen")
    [evaluation] = received(core)
    assert (evaluation["level"], evaluation["tags"], evaluation["journey"]) == (2, ["B01"], "ticket")
    assert evaluation["reference"] == number and evaluation["item_code"] == "SM001"
    assert evaluation["channel"] == "self_service_terminal" and evaluation["real_name"] is False
    assert evaluation["content_version"] == core.config.evaluation.version
    today = core.evaluations.today()
    assert today["levels"][2] == 1 and today["bad_reasons"] == {"B01": 1} and today["waiting"] == 0


def test_a_few_words_typed_in_pinyin_are_reason_enough_and_the_card_holder_stays_a_hash(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    citizen = core.simulators.citizens["elder_zhang"]
    core.simulators.place_id_card("elder_zhang")
    wait_for(w, "categoryScreen", timeout=10)
    tap(w, "homeButton")                    # Home ends the visit: an evaluation from home is anonymous
    tap(w, "evaluateButton")
    tap(w, "level_1")
    tap(w, "commentField")
    type_on_keyboard(w, "paidui ")          # pinyin, and the space bar takes the first candidate
    wait_until(lambda: find(w, "submitEvaluation").isEnabled(), timeout=5, what="the typed reason to count")
    tap(w, "submitEvaluation")
    wait_for(w, "evaluatedScreen")
    [evaluation] = received(core)
    assert evaluation["comment"] == "排队" and evaluation["tags"] == [] and evaluation["journey"] == "visit"
    assert evaluation["real_name"] is False and evaluation["person_hash"] == ""
    # After a ticket taken with the card: real-name, and the ID number nowhere, only its keyed hash.
    tap(w, "evaluatedHomeButton")
    core.simulators.take_id_card()
    core.simulators.place_id_card("elder_zhang")
    for target in ("categoryTile_social", "itemRow_SM001", "kindButton_accept", "doneEvaluate", "level_5"):
        tap(w, target, timeout=10)
    tap(w, "tag_G02")
    tap(w, "submitEvaluation")
    wait_for(w, "evaluatedScreen")
    second = [e for e in received(core, 2) if e["level"] == 5][0]
    assert second["real_name"] is True and len(second["person_hash"]) == 64
    stored = b"".join(p.read_bytes() for p in core.state_dir.glob("evaluations.sqlite*"))
    assert citizen.id_number.encode() not in stored
    assert citizen.id_number not in json.dumps(second) and citizen.name not in json.dumps(second)


def test_leaving_half_way_keeps_nothing(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    tap(w, "evaluateButton")
    tap(w, "level_4")
    tap(w, "tag_G01")
    tap(w, "homeButton")                    # walked away, or the idle timeout: the same Home
    wait_for(w, "homeScreen")
    assert core.evaluations.today()["levels"] == {5: 0, 4: 0, 3: 0, 2: 0, 1: 0}
    tap(w, "evaluateButton")                # the next citizen starts from nothing
    assert find(w, "tag_G01") is None and find(w, "submitEvaluation") is None
    assert core.simulators.province.stored == {}


def test_the_technician_sees_todays_counts_and_what_waits_for_the_province(start_kiosk):
    ui, core = start_kiosk()
    w = ui.window
    core.simulators.province.down()         # the province's system is down: kept, counted, said
    for level, tag in ((5, "G01"), (1, "B02"), (1, "B01")):
        tap(w, "evaluateButton")
        tap(w, f"level_{level}")
        tap(w, f"tag_{tag}")
        tap(w, "submitEvaluation")
        tap(w, "evaluatedHomeButton")
    wait_until(lambda: core.evaluations.today()["last_error"], timeout=10, what="a failed upload")
    for _ in range(5):
        tap(w, "hallNameTapArea")
    for key in (*"2468", "ok"):
        tap(w, f"pinKey_{key}")
    counts = text_of(wait_for(w, "evaluationCounts"))
    assert "非常满意 1 · 满意 0 · 基本满意 0 · 不满意 0 · 非常不满意 2" in counts
    assert "差评原因：服务态度不好 1 · 等候时间太长 1" in counts or "差评原因：等候时间太长 1 · 服务态度不好 1" in counts
    assert "待报送省平台 3 条（ConnectionError）" in counts
    core.simulators.province.up()           # back: all three go, once each
    tap(w, "uploadEvaluationsButton")
    wait_until(lambda: len(core.simulators.province.stored) == 3, timeout=10, what="the province back up")
    wait_until(lambda: "待报送" not in text_of(find(w, "evaluationCounts")), timeout=5, what="the counts to refresh")
    assert core.simulators.province.copies == 0
