"""好差评 exactly once: thousands of evaluations through the kiosk's real outbox and sender to
the simulated provincial receiver over HTTP, while the receiver goes down, turns slow (answering
after the kiosk gave up) and loses its replies after storing, and the kiosk itself restarts.

Counted at the end: evaluations the province never got, and evaluations it holds twice (it
keys by the evaluation id; a copy it was sent again is counted, not kept).

Run for figures:
    .venv/bin/python tests/benchmarks/test_evaluation_exactly_once.py --evaluations 10000
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import EvaluationUpload  # noqa: E402
from kiosk.evaluation.model import Draft, Level  # noqa: E402
from kiosk.evaluation.outbox import Outbox  # noqa: E402
from kiosk.evaluation.upload import Sender, load_uploader  # noqa: E402
from sim.province import ProvinceReceiver  # noqa: E402

MOODS = ("up", "up", "down", "slow", "lose_replies")


def make(i: int, rng: random.Random):
    draft = Draft(rng.choice(("ticket", "form", "pickup", "visit")), "SM001", f"A{i:05}")
    draft.choose(Level(rng.randint(1, 5)))
    if draft.level.needs_reason or rng.random() < 0.5:
        draft.toggle("B01" if draft.level.needs_reason else "G01")
    return draft.finish(made_at=datetime.now(), hall_id="hall-1", kiosk_id="kiosk-1", content_version="v1")


def run(evaluations: int, seed: int = 20261126, restarts: int = 5, verbose: bool = True) -> dict:
    rng = random.Random(seed)
    province = ProvinceReceiver()
    folder = Path(tempfile.mkdtemp(prefix="evaluations-"))
    path = folder / "evaluations.sqlite"
    settings = EvaluationUpload(url=province.url, timeout_s=0.2)

    def kiosk():
        outbox = Outbox(path)
        sender = Sender(outbox, load_uploader(settings), first_s=0.02, most_s=0.3)
        sender.start()
        return outbox, sender

    moods: dict[str, int] = {}
    stop = threading.Event()

    def weather():     # the province's mood changes every 50-300 ms
        while not stop.is_set():
            mood = rng.choice(MOODS)
            moods[mood] = moods.get(mood, 0) + 1
            province.lose_replies, province.slow_s = mood == "lose_replies", 0.3 if mood == "slow" else 0.0
            province.down() if mood == "down" else province.up()
            stop.wait(rng.uniform(0.05, 0.3))

    started = time.monotonic()
    outbox, sender = kiosk()
    chaos = threading.Thread(target=weather, daemon=True)
    chaos.start()
    made = []
    restart_at = {round(evaluations * (k + 1) / (restarts + 1)) for k in range(restarts)}
    for i in range(evaluations):
        evaluation = make(i, rng)
        outbox.add(evaluation)
        made.append(evaluation.evaluation_id)
        sender.wake()
        if i in restart_at:             # the kiosk restarts: its memory gone, the outbox file kept
            sender.stop()
            outbox.close()
            outbox, sender = kiosk()
        if i % 50 == 0:
            time.sleep(0.01)            # citizens, not a firehose: the sender keeps pace meanwhile
    produced_s = time.monotonic() - started
    # The weather goes on until nearly all are through: the backlog is uploaded under it too.
    while outbox.day(datetime.now().date())["waiting"] > evaluations * 0.02 and time.monotonic() - started < 600:
        time.sleep(0.05)
    stop.set()
    chaos.join()
    province.lose_replies, province.slow_s = False, 0.0
    province.up()
    sender.retry_now()
    deadline = time.monotonic() + 120
    while outbox.day(datetime.now().date())["waiting"] and time.monotonic() < deadline:
        time.sleep(0.05)
    total_s = time.monotonic() - started
    today = outbox.day(datetime.now().date())
    sender.stop()
    outbox.close()
    province.stop()
    result = {"evaluations": evaluations, "stored": len(province.stored),
              "missing": len(set(made) - set(province.stored)), "extra": len(set(province.stored) - set(made)),
              "copies_sent_again": province.copies, "refused": province.refused,
              "left_waiting": today["waiting"], "rejected_on_kiosk": today["rejected"], "restarts": restarts,
              "moods": moods, "produce_s": round(produced_s, 1), "all_uploaded_s": round(total_s, 1)}
    if verbose:
        print(result)
    return result


def test_every_evaluation_reaches_the_province_exactly_once():
    result = run(300, restarts=2, verbose=False)
    assert (result["stored"], result["missing"], result["extra"]) == (300, 0, 0), result
    assert result["left_waiting"] == 0 and result["refused"] == 0 and result["rejected_on_kiosk"] == 0, result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--evaluations", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--restarts", type=int, default=5)
    args = parser.parse_args()
    outcome = run(args.evaluations, args.seed, args.restarts)
    sys.exit(0 if outcome["missing"] == 0 and outcome["extra"] == 0 and outcome["left_waiting"] == 0 else 1)
