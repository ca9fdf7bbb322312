"""A window calls a number → the kiosks' waits: the time from the staff page's call-next request
to the kiosk's HallEvents handing the new queue lengths to the core (which the kiosk screen shows
before a number is taken). A real uvicorn on 127.0.0.1, the kiosk's own HallEvents client.
Prints the median and worst of N calls; never fails on timing.

    .venv/bin/python tests/benchmarks/test_push_to_kiosk.py --calls 30
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from kiosk.hall.hall_events import HallEvents  # noqa: E402
from tests.wire.test_hall_push import Hall  # noqa: E402


def run(calls: int) -> dict:
    with Hall(Path(tempfile.mkdtemp(prefix="push-"))) as hall:
        kiosk = hall.kiosk_token("kiosk-1")
        staff = hall.staff_token()
        for _ in range(calls):
            hall.issue(kiosk, item="SB01")
        waiting: list[tuple[float, int]] = []
        heard = threading.Condition()

        def on_loads(loads) -> None:
            with heard:
                waiting.append((time.perf_counter(), sum(load.waiting for load in loads)))
                heard.notify_all()

        events = HallEvents(hall.url, kiosk, "kiosk-1", True, lambda locked, reason: None, on_loads)
        events.start()
        took = []
        try:
            with heard:
                assert heard.wait_for(lambda: waiting and waiting[-1][1] == calls, 10), "no state from the stream"
            for n in range(calls):
                before = calls - n
                started = time.perf_counter()
                reply = hall.post("/v1/windows/W01/call-next", staff)
                assert reply.status_code == 200, reply.text
                with heard:
                    assert heard.wait_for(lambda: waiting[-1][1] == before - 1, 5), "the call never reached the kiosk"
                    took.append(waiting[-1][0] - started)
                assert hall.post(f"/v1/tickets/{reply.json()['ticket_id']}/complete", staff, {}).status_code == 200
        finally:
            events.stop()
    return {"calls": len(took), "median_ms": round(statistics.median(took) * 1000, 1),
            "max_ms": round(max(took) * 1000, 1)}


def test_a_call_reaches_a_kiosks_waits_by_push():
    result = run(calls=5)
    print(result)
    assert result["calls"] == 5


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=30)
    for key, value in run(**vars(p.parse_args())).items():
        print(f"{key:10} {value}")
