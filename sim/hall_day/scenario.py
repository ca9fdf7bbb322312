"""The day both halls face: every citizen decided in advance from the scenario and the seed (when
they come, for what, which kind, how long the window will need, 70+, an appointment, a no-show),
so the halls differ only in how their windows are arranged."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

DEFAULT = Path(__file__).resolve().parent / "day.yaml"


@dataclass(frozen=True)
class Citizen:
    n: int
    arrives_min: float          # minutes after midnight
    item_code: str
    department: str
    kind: str                   # accept | consult | pickup
    minutes: float              # at the window, for the kind they are served as
    elder: bool
    no_show: bool
    converts: bool              # a consultation the window turns into an application
    slot_min: float | None      # an appointment's slot start (minutes after midnight)


def load(path: Path | str | None = None) -> dict:
    return yaml.safe_load(Path(path or DEFAULT).read_text(encoding="utf-8"))


def clock_min(text: str) -> float:
    t = time.fromisoformat(text)
    return t.hour * 60 + t.minute


def day_of(scenario: dict) -> date:
    value = scenario["date"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def at(scenario: dict, minutes: float) -> datetime:
    return datetime.combine(day_of(scenario), time()) + timedelta(minutes=minutes)


def _lognormal(rng: random.Random, mean: float, sd: float) -> float:
    sigma2 = math.log(1 + (sd / mean) ** 2)
    return rng.lognormvariate(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))


def _arrival(rng: random.Random, a: dict) -> float:
    first, last = clock_min(a["first"]), clock_min(a["last"])
    draw = rng.random()
    for peak in ("morning_peak", "afternoon_peak"):
        share = a[peak]["share"]
        if draw < share:
            while True:
                t = rng.gauss(clock_min(a[peak]["at"]), a[peak]["spread_min"])
                if first <= t <= last:
                    return t
        draw -= share
    return rng.uniform(first, last)


def citizens(scenario: dict, items: list[tuple[str, str, float, tuple[str, ...]]], seed: int) -> list[Citizen]:
    """The day's citizens in arrival order. `items`: (code, department, demand weight, kinds offered)."""
    rng = random.Random(seed)
    kinds = scenario["kinds"]
    names, shares = list(kinds), [kinds[k]["share"] for k in kinds]
    codes, weights = [i[0] for i in items], [i[2] for i in items]
    department = {i[0]: i[1] for i in items}
    offered = {i[0]: i[3] for i in items}
    appointments = scenario["appointments"]
    early, late = appointments["early_late_min"]
    first, last = clock_min(scenario["arrivals"]["first"]), clock_min(scenario["arrivals"]["last"])
    made = []
    for n in range(scenario["tickets"]):
        item = rng.choices(codes, weights)[0]
        kind = rng.choices(names, shares)[0]
        if kind not in offered[item]:            # the item's own kinds only (most take all three)
            kind = rng.choices(offered[item], [kinds[k]["share"] for k in offered[item]])[0]
        converts = kind == "consult" and "accept" in offered[item] and rng.random() < scenario["consult_becomes_accept"]
        served_as = "accept" if converts else kind
        minutes = _lognormal(rng, kinds[served_as]["minutes"], kinds[served_as]["sd"])
        slot = None
        if rng.random() < appointments["share"] and "accept" in offered[item]:
            kind = "accept"
            minutes = _lognormal(rng, kinds["accept"]["minutes"], kinds["accept"]["sd"])
            converts = False
            length = appointments["slot_min"]
            slot = first + length * rng.randrange(int((last - first) // length))
            arrives = min(last, max(first, slot + rng.uniform(early, late)))
        else:
            arrives = _arrival(rng, scenario["arrivals"])
        made.append(Citizen(n, arrives, item, department[item], kind, minutes, rng.random() < scenario["elders"],
                            rng.random() < scenario["no_show"], converts, slot))
    return sorted(made, key=lambda c: c.arrives_min)


def peak_hour_share(people: list[Citizen]) -> float:
    """The busiest clock hour's share of the day's tickets."""
    hours: dict[int, int] = {}
    for c in people:
        hours[int(c.arrives_min // 60)] = hours.get(int(c.arrives_min // 60), 0) + 1
    return max(hours.values()) / len(people)
