"""A hall's day over several seeds: does routing halve the mean wait, does any department's p90
get worse, and how long does a simulated day take (goal ≤ 60 s for about 5,000 tickets)?

A department's p90 is judged over all the seeds' days together: a department of one window
sees about 50 citizens a day, so one day's p90 is its fifth-longest wait, and two arrangements
that serve it equally well differ by minutes on a single day. Each day's exceptions are printed
too.

Run for figures:
    .venv/bin/python tests/benchmarks/test_hall_day.py --seeds 5
In the suite a smaller hall's day runs once; nothing here fails on timing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sim.hall_day.report import _stats  # noqa: E402
from sim.hall_day.run import hall_day, simulate  # noqa: E402
from sim.hall_day.scenario import load  # noqa: E402


def seeds(count: int, scenario: Path | None = None, waits: dict | None = None) -> list[dict]:
    """One row per seed; `waits` (hall → department → waits over every day) is filled if given."""
    rows = []
    for seed in range(1, count + 1):
        simulated = simulate(seed, scenario)
        day = hall_day(seed, simulated=simulated)
        for hall, (_, result, _) in simulated["days"].items():
            for s in result.served:
                if waits is not None and s.wait_min is not None:
                    waits.setdefault(hall, {}).setdefault(s.citizen.department, []).append(s.wait_min)
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


def departments_p90(waits: dict) -> dict[str, tuple[float, float]]:
    """Department → (p90 in the department hall, p90 routed), over all the days."""
    return {d: (_stats(waits["departments"][d])["p90_wait_min"], _stats(waits["routed"][d])["p90_wait_min"])
            for d in sorted(waits["departments"])}


def test_a_busy_small_hall_halves_the_wait(tmp_path):
    """40 windows, 2,400 citizens (2 s a hall): the headline on a shorter day."""
    scenario = load()
    scenario.update(tickets=2400, windows=40)
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    [row] = seeds(1, path)
    assert row["departments_mean"] > 2 and row["routed_mean"] <= 0.5 * row["departments_mean"], row


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    waits: dict = {}
    table = seeds(args.seeds, waits=waits)
    for row in table:
        print(row)
    p90 = departments_p90(waits)
    worse = {d: v for d, v in p90.items() if v[1] > v[0]}
    closest = min(p90, key=lambda d: p90[d][0] - p90[d][1] if d not in ("gaj", "swj") else float("inf"))
    print(f"median reduction {statistics.median(r['reduction'] for r in table):.0%} "
          f"(worst {min(r['reduction'] for r in table):.0%}); a day simulated in "
          f"{statistics.median(r['day_s'] for r in table):.1f} s (median)")
    print(f"each department's p90 over the {len(table)} days: {len(worse)} of {len(p90)} higher routed {worse or ''}; "
          f"closest: {closest} {p90[closest][0]} → {p90[closest][1]} min (police and tax keep their windows); "
          f"single days with a department's p90 higher: {sum(1 for r in table if r['worse_p90'])} of {len(table)}")
