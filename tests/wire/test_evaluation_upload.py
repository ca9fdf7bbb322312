"""好差评 from the outbox to the simulated provincial receiver over real HTTP: every evaluation
arrives exactly once however the province misbehaves, and a refused one is kept and counted."""
from __future__ import annotations

import time
from datetime import datetime

import pytest
import yaml

from kiosk.config import ConfigError, EvaluationUpload, load_config
from kiosk.evaluation.model import COMMENT_MAX, Draft, Level
from kiosk.evaluation.outbox import Outbox
from kiosk.evaluation.upload import Sender, UploadFailed, load_uploader
from sim.province import ProvinceReceiver


@pytest.fixture
def province():
    receiver = ProvinceReceiver()
    yield receiver
    receiver.stop()


def evaluation(level: int = 5, tags=("G01",), comment: str = "", reference: str = "A001"):
    draft = Draft("ticket", "SM001", reference)
    draft.choose(Level(level))
    for tag in tags:
        draft.toggle(tag)
    draft.write(comment)
    return draft.finish(made_at=datetime.now(), hall_id="hall-1", kiosk_id="kiosk-1", content_version="v1")


def sender_for(outbox: Outbox, url: str, timeout_s: float = 2.0) -> Sender:
    return Sender(outbox, load_uploader(EvaluationUpload(url=url, timeout_s=timeout_s)), first_s=0.05, most_s=0.2)


def wait_for(condition, timeout: float = 10.0, what: str = "the upload"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_a_bad_rating_needs_a_reason_and_a_new_level_starts_its_tags_afresh():
    draft = Draft("visit")
    assert not draft.ready                          # no level yet
    draft.choose(Level.DISSATISFIED)
    assert draft.missing_reason and not draft.ready
    draft.write("   ")                              # blanks are no reason
    assert not draft.ready
    draft.toggle("B01")
    assert draft.ready
    draft.choose(Level.SATISFIED)                   # the bad level's reason is not a good level's tag
    assert draft.tags == [] and draft.ready
    draft.write("很好\x00\x1b[2J" + "好" * 500)     # control characters dropped, the length capped
    assert draft.comment.startswith("很好[2J") and len(draft.comment) == COMMENT_MAX
    with pytest.raises(ValueError):
        Draft("visit").finish(made_at=datetime.now(), hall_id="h", kiosk_id="k", content_version="v")


def test_a_reply_lost_after_the_province_stored_it_is_retried_and_kept_once(province, tmp_path):
    outbox = Outbox(tmp_path / "evaluations.sqlite")
    sender = sender_for(outbox, province.url)
    province.lose_replies = True
    for i in range(5):
        outbox.add(evaluation(reference=f"A{i:03}"))
    sender.start()
    wait_for(lambda: province.copies >= 3, what="the repeated attempts")
    province.lose_replies = False
    wait_for(lambda: outbox.day(datetime.now().date())["waiting"] == 0)
    sender.stop()
    assert len(province.stored) == 5 and province.copies >= 3          # sent again, stored once
    assert sorted(e["reference"] for e in province.stored.values()) == [f"A{i:03}" for i in range(5)]


def test_a_province_down_then_slow_gets_everything_once_when_it_recovers(province, tmp_path):
    outbox = Outbox(tmp_path / "evaluations.sqlite")
    sender = sender_for(outbox, province.url, timeout_s=0.3)
    province.down()
    sender.start()
    for i in range(20):
        outbox.add(evaluation(level=1 + i % 5, tags=("B01",) if i % 5 < 2 else ("G01",), reference=f"A{i:03}"))
        sender.wake()
    wait_for(lambda: outbox.day(datetime.now().date())["last_error"] == "ConnectionError", what="the failure")
    province.up()
    province.slow_s = 0.6                            # answers after the kiosk has given up
    wait_for(lambda: outbox.day(datetime.now().date())["last_error"] == "ReadTimeout", what="the timeout")
    province.slow_s = 0
    wait_for(lambda: outbox.day(datetime.now().date())["waiting"] == 0)
    sender.stop()
    assert len(province.stored) == 20 and province.refused == 0
    today = outbox.day(datetime.now().date())
    assert today["levels"] == {5: 4, 4: 4, 3: 4, 2: 4, 1: 4} and today["last_error"] == ""


def test_what_waits_survives_a_restart_of_the_kiosk(province, tmp_path):
    path = tmp_path / "evaluations.sqlite"
    province.down()
    first = Outbox(path)
    first.add(evaluation(reference="A001"))
    first.add(evaluation(level=2, tags=("B02",), reference="A002"))
    first.close()                                   # the kiosk is switched off before any upload
    province.up()
    outbox = Outbox(path)
    sender = sender_for(outbox, province.url)
    sender.start()
    wait_for(lambda: len(province.stored) == 2)
    sender.stop()
    assert outbox.day(datetime.now().date())["waiting"] == 0 and province.copies == 0


def test_an_evaluation_the_province_refuses_is_kept_counted_and_not_retried(province, tmp_path):
    outbox = Outbox(tmp_path / "evaluations.sqlite")
    refused = evaluation(level=1, tags=(), comment="x")
    outbox.add(refused)
    # What a plug-in of an older content version would send: the province answers 400 for good.
    uploader = load_uploader(EvaluationUpload(url=province.url))
    sent = Sender(outbox, type("Broken", (), {"upload": lambda self, p: uploader.upload({**p, "level": 9})})(),
                  first_s=0.05)
    assert sent.send_due() == 0
    today = outbox.day(datetime.now().date())
    assert today["rejected"] == 1 and today["waiting"] == 0 and province.refused == 1
    assert sent.send_due() == 0 and province.refused == 1       # never tried again


def test_an_unreachable_province_is_a_typed_failure_not_a_hang(tmp_path):
    uploader = load_uploader(EvaluationUpload(url="http://127.0.0.1:9/evaluations", timeout_s=1))
    started = time.monotonic()
    with pytest.raises(UploadFailed):
        uploader.upload(evaluation().payload())
    assert time.monotonic() - started < 2


def test_a_province_plug_in_is_loaded_by_its_dotted_name(tmp_path, monkeypatch):
    plugin = tmp_path / "province_gd.py"
    plugin.write_text("class Upload:\n    got = []\n    def __init__(self, settings): self.settings = settings\n"
                      "    def upload(self, payload): Upload.got.append(payload['evaluation_id'])\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    uploader = load_uploader(EvaluationUpload(plugin="province_gd:Upload"))
    outbox = Outbox(tmp_path / "e.sqlite")
    outbox.add(evaluation())
    assert Sender(outbox, uploader).send_due() == 1 and len(type(uploader).got) == 1


def test_evaluation_settings_mistakes_name_the_file_and_key(config_dir):
    content = yaml.safe_load((config_dir / "evaluation.yaml").read_text(encoding="utf-8"))
    del content["tags"]["basic"]
    (config_dir / "evaluation.yaml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("evaluation.yaml") and "basic" in str(e.value)

    (config_dir / "evaluation.yaml").unlink()
    with pytest.raises(ConfigError, match="evaluation.yaml.*file not found"):
        load_config(config_dir)


@pytest.mark.parametrize("change, key", [
    (lambda e: e["upload"].pop("url"), "kiosk.evaluation.upload"),
    (lambda e: e.update(ticket_qr_url="https://x/?id={id_number}"), "kiosk.evaluation.ticket_qr_url"),
])
def test_kiosk_evaluation_mistakes_name_the_key(config_dir, change, key):
    path = config_dir / "kiosk.yaml"
    kiosk = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(kiosk["kiosk"]["evaluation"])
    path.write_text(yaml.safe_dump(kiosk, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("kiosk.yaml") and e.value.key.startswith(key), str(e.value)
