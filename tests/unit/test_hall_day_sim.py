"""`kiosk-sim hall-day` on a small day: the real hall core issues and calls every number in both
layouts, the figures come out in the promised shape, and the same seed gives the same day."""
from __future__ import annotations

import json

import pytest
import yaml
from PIL import Image

from kiosk.config import ConfigError
from sim.cli import main as kiosk_sim
from sim.hall_day.engine import away
from sim.hall_day.halls import SMALL, GrownHall, _split
from sim.hall_day.run import hall_day
from sim.hall_day.scenario import load


def small_day(tmp_path, tickets: int = 700, windows: int = 32):
    scenario = load()
    scenario.update(tickets=tickets, windows=windows)
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return path


def test_a_small_day_runs_on_the_real_core_and_routing_cuts_the_wait(tmp_path):
    day = hall_day(3, small_day(tmp_path))
    assert day["seed"] == 3 and day["scenario"]["tickets"] == 700 and day["scenario"]["departments"] == 27
    before, after = day["halls"]["departments"], day["halls"]["routed"]
    for hall in (before, after):
        assert hall["tickets"] == 700 and hall["walk_ins"]["count"] + hall["appointments"]["count"] == 700
        assert sum(hall["windows"].values()) == 32 and set(hall["by_kind"]) == {"accept", "consult", "pickup"}
        assert 0 < hall["busiest_hour_utilisation"] <= 1 and hall["queue"][0][1] == 0
    assert len(before["windows"]) == 27 and len(after["windows"]) == 7      # a queue per department / our groups
    assert after["mean_wait_min"] < before["mean_wait_min"]
    assert day["comparison"]["mean_wait_reduction"] == round(1 - after["mean_wait_min"] / before["mean_wait_min"], 3)
    again = hall_day(3, small_day(tmp_path))
    assert again["halls"]["routed"]["queue"] == after["queue"]             # the seed fixes the whole day


def test_the_command_writes_the_figures_the_chart_and_a_what_if_plan(tmp_path, capsys):
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump({"groups": {
        "all": {"name": "综合窗口", "windows": 10, "departments": [
            "rsj", "ybj", "gjj", "mzj", "wjj", "jyj", "scjg", "zjj", "zrzy", "sthj", "fgj", "tyjr", "cl", "sfj",
            "wgl", "nyj", "swu", "tjj", "yc", "cgj", "rf", "xf", "gxj", "jtj", "gd"]},
        "police": {"name": "公安", "windows": 2, "departments": ["gaj"], "home": {"gaj": 1}},
        "tax": {"name": "税务", "windows": 2, "departments": ["swj"]}}}, allow_unicode=True), encoding="utf-8")
    out_json, out_png = tmp_path / "day.json", tmp_path / "day.png"
    assert kiosk_sim(["hall-day", "--seed", "5", "--scenario", str(small_day(tmp_path, 500)), "--plan", str(plan),
                      "--json", str(out_json), "--png", str(out_png)]) == 0
    day = json.loads(out_json.read_text(encoding="utf-8"))
    assert set(day["halls"]) == {"departments", "routed", "what_if"}
    assert day["halls"]["what_if"]["windows"] == {"all": 10, "police": 2, "tax": 2}
    assert day["halls"]["what_if"]["tickets"] == 500
    assert GrownHall(load()).what_if(plan).windows[10].home == ["gaj"]     # the first police window
    with Image.open(out_png) as chart:
        assert chart.size == (1600, 800) and len(chart.getcolors(1 << 16)) > 10     # drawn, not blank
    said = capsys.readouterr().out
    assert "routing cuts the mean wait by" in said and "seed 5" in said


def test_department_windows_follow_demand_and_every_department_keeps_one():
    counts = _split(80, {"big": 0.5, "middle": 0.3, "small": 0.19, "tiny": 0.01})
    assert counts == {"big": 40, "middle": 24, "small": 15, "tiny": 1}


def test_routed_windows_keep_each_departments_own_count_as_home_windows_and_the_same_staff_are_away():
    grown = GrownHall(load())
    before, after = grown.departments_hall(), grown.routed_hall()
    own = {g: sum(1 for w in before.windows if w.group == g) for g in before.window_groups}
    homes = {d: sum(1 for w in after.windows if w.home[:1] == [d]) for d in own}
    assert homes == own and all(w.home for w in after.windows)
    for w in after.windows:          # a window calls first only departments its group serves
        assert set(w.home) <= set(after.window_groups[w.group].departments)
        if own[w.home[0]] > SMALL:
            assert len(w.home) == 1
    small_shared = [w.home for w in after.windows if own[w.home[0]] <= SMALL]
    assert any(len(h) > 1 for h in small_shared)              # small departments share their windows
    for share in (0.1, 0.25):       # 8 late and 20 at lunch, department by department, in both halls
        away_before, away_after = away(before.windows, share), away(after.windows, share)
        assert len(away_before) == len(away_after) == round(80 * share)
        by_group = {g: sum(1 for w in before.windows if w.id in away_before and w.group == g) for g in own}
        by_home = {d: sum(1 for w in after.windows if w.id in away_after and w.home[0] == d) for d in own}
        assert by_group == by_home and all(by_group[d] < own[d] for d in own)     # nobody's last window


def test_a_what_if_plan_with_a_mistake_names_its_file_and_key(tmp_path, capsys):
    plan = tmp_path / "plan.yaml"
    plan.write_text("groups:\n  all: {windows: 80, departments: [rsj, ghost]}\n", encoding="utf-8")
    assert kiosk_sim(["hall-day", "--plan", str(plan), "--scenario", str(small_day(tmp_path, 100))]) == 2
    assert "plan.yaml: groups.all.departments: unknown department 'ghost'" in capsys.readouterr().err
    plan.write_text("groups:\n  all: {windows: 80, departments: [rsj], home: {gaj: 1}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"plan.yaml: groups.all.home: 'gaj' is not among"):
        GrownHall(load()).what_if(plan)
