"""`kiosk-sim hall-day`: both halls (and a what-if plan) on the same day, the figures as JSON
and the chart as PNG."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kiosk.config import ConfigError
from sim.hall_day import report as reporting
from sim.hall_day.engine import run_day
from sim.hall_day.halls import GrownHall
from sim.hall_day.scenario import citizens, load, peak_hour_share


def simulate(seed: int, scenario_path: Path | str | None = None, plan: Path | str | None = None) -> dict:
    """Each hall's day on the same citizens: name → (its settings, its DayResult, seconds)."""
    scenario = load(scenario_path)
    grown = GrownHall(scenario)
    people = citizens(scenario, grown.item_demand, seed)
    layouts = {"departments": grown.departments_hall(), "routed": grown.routed_hall()}
    if plan:
        layouts["what_if"] = grown.what_if(Path(plan))
    days = {}
    for name, settings in layouts.items():
        t = time.perf_counter()
        days[name] = (settings, run_day(settings, people, scenario, seed), round(time.perf_counter() - t, 2))
    return {"scenario": scenario, "grown": grown, "people": people, "days": days}


def hall_day(seed: int, scenario_path: Path | str | None = None, plan: Path | str | None = None,
             simulated: dict | None = None) -> dict:
    """The figures of `simulated` (else of a new simulation)."""
    started = time.perf_counter()
    sim = simulated or simulate(seed, scenario_path, plan)
    scenario, grown, people = sim["scenario"], sim["grown"], sim["people"]
    halls = {}
    for name, (settings, day, _) in sim["days"].items():
        windows = {g: sum(1 for w in settings.windows if w.group == g) for g in settings.window_groups}
        halls[name] = {**reporting.figures(day, windows), "groups": day.groups}
    timings = {name: seconds for name, (_, _, seconds) in sim["days"].items()}
    return {"seed": seed,
            "scenario": {"date": str(scenario["date"]), "tickets": len(people), "windows": scenario["windows"],
                         "items": len(grown.items), "departments": len(grown.departments),
                         "peak_hour_share": round(peak_hour_share(people), 3),
                         "walk_in_bound_min": scenario["walk_in_bound_min"]},
            "halls": halls,
            "comparison": reporting.compare(halls),
            "run_s": {**timings, "total": round(time.perf_counter() - started + sum(timings.values()), 2)}}


def add_parser(sub) -> None:
    p = sub.add_parser("hall-day", help="simulate a hall's day on the real queue code: department windows "
                                        "against our routing (and a what-if plan)")
    p.add_argument("--seed", type=int, default=1, help="the day's random seed (in the output)")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--png", type=Path, help="write the chart here")
    p.add_argument("--scenario", type=Path, help="the day (default sim/hall_day/day.yaml)")
    p.add_argument("--plan", type=Path, help="a what-if window plan: groups: {id: {name, departments, windows}}")
    p.set_defaults(run=_run)


def _run(args) -> int:
    try:
        result = hall_day(args.seed, args.scenario, args.plan)
    except (ConfigError, OSError) as e:
        print(f"kiosk-sim hall-day: {e}", file=sys.stderr)
        return 2
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.png:
        reporting.chart(result, args.png)
    for name, h in result["halls"].items():
        print(f"{name:12s} mean {h['mean_wait_min']:5.1f} min  median {h['median_wait_min']:5.1f}  "
              f"p90 {h['p90_wait_min']:5.1f}  max {h['max_wait_min']:5.1f}  70+ mean {h['elders']['mean_wait_min']:4.1f}  "
              f"longest walk-in {h['longest_walk_in_wait_min']:5.1f}  busiest hour {h['busiest_hour']} "
              f"{h['busiest_hour_utilisation']:.0%}  refused {sum(h['refused'].values())}")
    c = result["comparison"]
    print(f"routing cuts the mean wait by {c['mean_wait_reduction']:.0%} (p90 by {c['p90_wait_reduction']:.0%}); "
          f"departments waiting longer at p90: {', '.join(c['departments_waiting_longer_p90']) or 'none'}; "
          f"seed {result['seed']}, {result['run_s']['total']} s")
    return 0
