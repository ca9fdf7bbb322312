"""The hall of the simulation: config/ (Songshan Lake) grown to 27 departments, about 700 items
and 80 windows, in two arrangements of the same 80 windows:

- departments: each department its own windows and its own queue, the windows split in
  proportion to its demand (how halls worked before the reform);
- routed: our comprehensive window groups, each serving several departments as config/hall.yaml
  does, the windows split in proportion to the groups' demand; the hall core routes each item to
  the serving group with the shortest expected wait, and any free window of a group calls next.
A what-if plan (YAML: groups with their departments and windows) is a third arrangement.
"""
from __future__ import annotations

from itertools import islice
from pathlib import Path

import yaml

from kiosk.config import Category, ConfigError, Department, HallSettings, ServiceItem, Window, WindowGroup, load_hall_settings
from kiosk.hall.model import TicketKind

# Demand per department (share of the day's citizens): the 13 of config/hall.yaml, then 14 more
# a city hall of Songshan Lake's size hosts, each with the routed group that would serve it.
DEMAND = {"rsj": 0.12, "swj": 0.10, "gaj": 0.09, "scjg": 0.09, "ybj": 0.07, "gjj": 0.06, "mzj": 0.05,
          "zjj": 0.04, "zrzy": 0.04, "wjj": 0.03, "jyj": 0.03, "sthj": 0.02, "fgj": 0.02}
MORE = [  # code, name, name_en, share, routed group
    ("tyjr", "退役军人事务局", "Veterans Affairs", 0.015, "social"),
    ("cl", "残疾人联合会", "Disabled Persons' Federation", 0.01, "social"),
    ("sfj", "司法局", "Justice", 0.02, "social"),
    ("wgl", "文化广电旅游体育局", "Culture and Tourism", 0.015, "general"),
    ("nyj", "农业农村局", "Agriculture", 0.015, "general"),
    ("swu", "水务局", "Water Affairs", 0.015, "general"),
    ("tjj", "统计局", "Statistics", 0.01, "general"),
    ("yc", "烟草专卖局", "Tobacco Monopoly", 0.01, "enterprise"),
    ("cgj", "城市管理综合执法局", "Urban Management", 0.02, "construction"),
    ("rf", "人民防空办公室", "Civil Air Defence", 0.01, "construction"),
    ("xf", "消防救援大队", "Fire and Rescue", 0.02, "construction"),
    ("gxj", "工业和信息化局", "Industry and IT", 0.02, "investment"),
    ("jtj", "交通运输局", "Transport", 0.025, "investment"),
    ("gd", "供电局", "Power Supply", 0.025, "general"),
]
SMALL = 3       # windows in the department hall: at most this many, a department shares its home windows
CATEGORY_OF_GROUP = {"social": "social", "general": "social", "enterprise": "enterprise",
                     "construction": "construction", "investment": "investment", "police": "police", "tax": "tax"}


def _split(total: int, demand: dict[str, float]) -> dict[str, int]:
    """`total` windows in proportion to demand (largest remainders), at least one each."""
    if total < len(demand):
        raise ValueError(f"{total} windows for {len(demand)} queues: each needs at least one")
    whole = sum(demand.values())
    exact = {k: total * demand[k] / whole for k in demand}
    counts = {k: max(1, int(exact[k])) for k in demand}
    by_remainder = sorted(demand, key=lambda k: exact[k] - counts[k], reverse=True)
    while sum(counts.values()) < total:
        counts[by_remainder.pop(0)] += 1
    while sum(counts.values()) > total:        # the floor of one took windows from the biggest
        counts[max((k for k in counts if counts[k] > 1), key=lambda k: counts[k] - exact[k])] -= 1
    return counts


def _windows(counts: dict[str, int]) -> list[Window]:
    windows, n = [], 0
    for group, count in counts.items():
        for _ in range(count):
            n += 1
            windows.append(Window(id=f"W{n:02d}", name=f"{n}号窗口", group=group))
    return windows


class GrownHall:
    """The departments, the ~700 items with their demand, and the hall settings of each layout."""

    def __init__(self, scenario: dict, config_dir: Path | None = None):
        base = load_hall_settings(config_dir)
        self.base, self.scenario = base, scenario
        self.departments = dict(base.departments)
        self.routed_groups = {g.id: list(g.departments) for g in base.window_groups.values()}
        demand = dict(DEMAND)
        for code, name, name_en, share, group in MORE:
            self.departments[code] = Department(code=code, name=name, name_en=name_en)
            self.routed_groups[group].append(code)
            demand[code] = share
        # 综合受理 (one window for everything, 一窗通办) takes every department but the police's
        # and the tax office's, which keep their own areas as halls do.
        self.routed_groups["general"] = [d for d in demand if d not in ("gaj", "swj")]
        self.demand = demand
        # Items: config's own, then generated ones, each department's count after its demand.
        self.items: list[ServiceItem] = list(base.items.values())
        own = {d: sum(1 for i in self.items if i.department == d) for d in demand}
        total_demand = sum(demand.values())
        wanted = {d: max(own[d], round(scenario["items"] * demand[d] / total_demand)) for d in demand}
        category = {d: next((i.category for i in self.items if i.department == d), None) for d in demand}
        for d in demand:
            group = next(g for g, deps in self.routed_groups.items() if d in deps)
            for k in range(own[d], wanted[d]):
                self.items.append(ServiceItem(code=f"{d.upper()}{k + 1:03d}", name=f"{self.departments[d].name}事项{k + 1}",
                                              department=d, kinds=list(TicketKind),
                                              category=category[d] or CATEGORY_OF_GROUP[group]))
        # An item's share of its department's demand falls off with its rank (a few items are most of it).
        self.item_demand: list[tuple[str, str, float, tuple[str, ...]]] = []
        for d in demand:
            mine = [i for i in self.items if i.department == d]
            ranks = sum(1 / (r + 1) for r in range(len(mine)))
            self.item_demand += [(i.code, d, demand[d] / (r + 1) / ranks, tuple(k.value for k in i.kinds))
                                 for r, i in enumerate(mine)]

    def _settings(self, groups: dict[str, tuple[str, str, list[str]]], windows: list[Window]) -> HallSettings:
        minutes = {TicketKind(k): v["minutes"] for k, v in self.scenario["kinds"].items()}
        hall = self.base.hall.model_copy(update={"minutes_per_ticket": minutes,
                                                 "walk_in_wait_bound_min": self.scenario["walk_in_bound_min"]})
        categories = [Category(code=c.code, name=c.name, name_en=c.name_en,
                               items=[i for i in self.items if i.category == c.code]) for c in self.base.categories]
        return HallSettings(directory=self.base.directory, hall=hall, appointments=self.base.appointments,
                            pickup=self.base.pickup, departments=self.departments,
                            window_groups={g: WindowGroup(id=g, name=name, name_en=name_en, departments=deps)
                                           for g, (name, name_en, deps) in groups.items()},
                            windows=windows, categories=categories, items={i.code: i for i in self.items})

    def departments_hall(self) -> HallSettings:
        counts = _split(self.scenario["windows"], self.demand)
        groups = {d: (f"{self.departments[d].name}窗口", self.departments[d].name_en, [d]) for d in self.demand}
        return self._settings(groups, _windows(counts))

    def routed_hall(self) -> HallSettings:
        """Our layout: the police's and the tax office's areas keep the windows they have in the
        department hall; the other windows go to the comprehensive groups by their demand."""
        own = _split(self.scenario["windows"], self.demand)
        kept = {"police": own["gaj"], "tax": own["swj"]}
        rest = {g: self.routed_groups[g] for g in self.routed_groups if g not in kept}
        counts = _split(self.scenario["windows"] - sum(kept.values()), self._group_demand(rest))
        plan = {g.id: {"name": g.name, "name_en": g.name_en, "departments": self.routed_groups[g.id],
                       "windows": kept.get(g.id, counts.get(g.id))} for g in self.base.window_groups.values()}
        settings = self.plan_hall(plan)
        return settings.model_copy(update={"windows": self._home_windows(settings, own)})

    def _home_windows(self, settings: HallSettings, own: dict[str, int]) -> list[Window]:
        """Each department keeps as many home windows (calling its citizens first) as it has
        windows in the department hall, in the smallest group serving it that has room. The small
        departments (≤ SMALL windows) of a group share their home windows: one window's citizen
        in service no longer holds up the next citizen of its department."""
        free = {g: [w.id for w in settings.windows if w.group == g] for g in settings.window_groups}
        home: dict[str, str] = {}                       # window → its department
        for d in sorted(own, key=own.get, reverse=True):
            serving = sorted((g for g in settings.window_groups.values() if d in g.departments),
                             key=lambda g: len(g.departments))
            for _ in range(own[d]):
                g = next((g.id for g in serving if free[g.id]), None)
                if g is not None:
                    home[free[g].pop(0)] = d
        group_of = {w.id: w.group for w in settings.windows}
        shared: dict[str, list[str]] = {}               # group → its small departments
        for w, d in home.items():
            if own[d] <= SMALL and d not in shared.setdefault(group_of[w], []):
                shared[group_of[w]].append(d)

        def departments(w: str) -> list[str]:           # its own department first (its lunch, its lateness)
            d = home[w]
            return [d] + [o for o in shared[group_of[w]] if o != d] if own[d] <= SMALL else [d]
        return [w.model_copy(update={"home": departments(w.id)}) if w.id in home else w for w in settings.windows]

    def _group_demand(self, groups: dict[str, list[str]]) -> dict[str, float]:
        """Each department's demand shared equally by the groups serving it."""
        serving = {d: sum(1 for deps in groups.values() if d in deps) for d in self.demand}
        return {g: sum(self.demand[d] / serving[d] for d in deps) for g, deps in groups.items()}

    def plan_hall(self, plan: dict) -> HallSettings:
        """groups: id → {name, departments, windows (optional: else split by demand), home
        (optional: department → how many of the group's windows call its citizens first)}."""
        counts = _split(self.scenario["windows"], self._group_demand({g: spec["departments"] for g, spec in plan.items()}))
        if all("windows" in spec for spec in plan.values()):
            counts = {g: int(spec["windows"]) for g, spec in plan.items()}
        groups = {g: (spec.get("name", g), spec.get("name_en", ""), list(spec["departments"])) for g, spec in plan.items()}
        windows = _windows(counts)
        for g, spec in plan.items():
            mine = iter(i for i, w in enumerate(windows) if w.group == g)
            for d, n in spec.get("home", {}).items():
                for i in islice(mine, n):
                    windows[i] = windows[i].model_copy(update={"home": [d]})
        return self._settings(groups, windows)

    def what_if(self, path: Path) -> HallSettings:
        """The operator's plan, its mistakes named by file and key."""
        groups = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("groups")
        if not isinstance(groups, dict) or not groups:
            raise ConfigError(Path(path), "groups", "a plan needs groups: {id: {name, departments, windows}}")
        for g, spec in groups.items():
            for d in spec.get("departments", []):
                if d not in self.demand:
                    raise ConfigError(Path(path), f"groups.{g}.departments", f"unknown department '{d}'")
            for d in spec.get("home", {}):
                if d not in spec.get("departments", []):
                    raise ConfigError(Path(path), f"groups.{g}.home", f"'{d}' is not among the group's departments")
        return self.plan_hall(groups)
