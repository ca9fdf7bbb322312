"""A hall's day over several seeds: does routing halve the mean wait, does any department's p90
get worse, and how long does a simulated day take (goal ≤ 60 s for about 5,000 tickets)?

Run for figures:
    .venv/bin/python tests/benchmarks/test_hall_day.py --seeds 5
In the suite a 1,000-ticket day runs once; nothing here fails on timing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sim.hall_day.run import hall_day  # noqa: E402
from sim.hall_day.scenario import load  # noqa: E402


def seeds(count: int, scenario: Path | None = None) -> list[dict]:
    rows = []
    for seed in range(1, count + 1):
        day = hall_day(seed, scenario)
        before, after = day["halls"]["departments"], day["halls"]["routed"]
        rows.append({"seed": seed, "departments_mean": before["mean_wait_min"], "routed_mean": after["mean_wait_min"],
                     "departments_p90": before["p90_wait_min"], "routed_p90": after["p90_wait_min"],
                     "reduction": day["comparison"]["mean_wait_reduction"],
                     "busiest_hour_utilisation": before["busiest_hour_utilisation"],
                     "longest_walk_in": after["longest_walk_in_wait_min"],
                     "worse_p90": {d: (before["departments_p90_wait_min"][d], after["departments_p90_wait_min"][d])
                                   for d in day["comparison"]["departments_waiting_longer_p90"]},
                     "day_s": max(day["run_s"]["departments"], day["run_s"]["routed"])})
    return rows


def test_a_thousand_ticket_day_is_simulated_for_both_halls(tmp_path):
    scenario = load()
    scenario["tickets"] = 1000
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    [row] = seeds(1, path)
    assert row["routed_mean"] <= row["departments_mean"], row


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    table = seeds(args.seeds)
    for row in table:
        print(row)
    print(f"median reduction {statistics.median(r['reduction'] for r in table):.0%} "
          f"(worst {min(r['reduction'] for r in table):.0%}); seeds with a department's p90 worse: "
          f"{sum(1 for r in table if r['worse_p90'])} of {len(table)}; "
          f"a day simulated in {statistics.median(r['day_s'] for r in table):.1f} s (median)")
