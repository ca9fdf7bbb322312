"""Card faults scripted by scenario files reach the kiosk as calm messages; the kiosk keeps going."""

import pytest

from kiosk.app import build_core
from kiosk.config import load_config
from kiosk.events import CardFailed
from kiosk.wording import say
from sim.scenario import ScenarioError


@pytest.fixture
def start(tmp_path):
    cores = []

    def start_with(scenario_text: str):
        scenario = tmp_path / "scenario.yaml"
        scenario.write_text(scenario_text, encoding="utf-8")
        events = []
        core = build_core(load_config(), sim=True, scenario=scenario, out_dir=tmp_path / "out", start=False)
        core.add_listener(events.append)
        core.start()
        cores.append(core)
        return core, events
    yield start_with
    for core in cores:
        core.stop()


def reader(core, role):
    return next(h for h in core.health() if h.role == role)


def test_sam_self_test_failure_is_a_reader_fault_and_recovers(start, wait_until):
    core, _ = start("id_card:\n  faults: [sam_self_test]\n")
    assert wait_until(lambda: reader(core, "id_card_reader").state == "fault")
    assert say(reader(core, "id_card_reader").reason, "zh_CN")
    core.simulators.id_reader.clear_faults()
    assert wait_until(lambda: reader(core, "id_card_reader").state == "ok"), "the reader never came back"
    core.simulators.place_id_card("elder_chen")
    assert wait_until(lambda: core.identity() is not None)


def test_garbage_from_the_reader_while_looking_bothers_nobody_and_the_card_is_read(start, wait_until):
    core, events = start("id_card:\n  faults: [garbage]\n")
    assert wait_until(lambda: reader(core, "id_card_reader").details.get("failures", 0) >= 1)
    core.simulators.id_reader.inject("garbage")                 # and again, while it looks for cards
    assert wait_until(lambda: reader(core, "id_card_reader").details.get("failures", 0) >= 2)
    assert reader(core, "id_card_reader").state == "ok" and "ReaderProtocolError" in \
        reader(core, "id_card_reader").details["last_error"]     # the technician sees it...
    assert not any(isinstance(e, CardFailed) for e in events)   # ...an empty kiosk shows no note
    core.simulators.place_id_card("young_wang")
    assert wait_until(lambda: core.identity() is not None)
    assert core.ticket_service().available                     # taking a number still works


def test_a_card_failing_mid_read_is_a_calm_card_error(start, wait_until):
    core, events = start("id_card:\n  citizen: young_wang\n  faults: [removed_after_select]\n")
    assert wait_until(lambda: any(isinstance(e, CardFailed) for e in events))
    error = next(e.error for e in events if isinstance(e, CardFailed))
    message = say(error.message, "zh_CN")
    assert message and "Traceback" not in message and "重新放" in message


def test_social_security_card_pulled_mid_read_asks_to_insert_again(start, wait_until):
    core, events = start("social_security_card:\n  citizen: young_wang\n  faults: {pull_after_apdus: 5}\n")
    assert wait_until(lambda: any(isinstance(e, CardFailed) for e in events)), "the half-read card went unnoticed"
    error = next(e.error for e in events if isinstance(e, CardFailed))
    assert type(error).__name__ == "CardRemovedTooEarly" and "重新插入" in say(error.message, "zh_CN")
    assert core.identity() is None


def test_unknown_citizen_in_a_scenario_names_the_key(tmp_path):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("id_card:\n  citizen: nobody\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="id_card.citizen.*nobody"):
        build_core(load_config(), sim=True, scenario=scenario, out_dir=tmp_path / "out")
