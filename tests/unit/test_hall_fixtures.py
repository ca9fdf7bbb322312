"""A small hall of our own for the queue-core tests (the shipped catalogue keeps changing).

Other test_hall_* modules import `small_config` and `Clock` from here (pytest puts tests/unit on
sys.path). The hall: two groups serve 人社 (rsj) — `social` with windows W01-W02 and `general`
with W03 — and `general` also serves 市场监管 (scjg); `police` (W04) serves 公安 (gaj); `tax`
serves 税务 (swj) but has no window today.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from kiosk.config import HallSettings, load_hall_settings

MONDAY_10AM = datetime(2026, 11, 23, 10, 0)          # a Monday, the hall is open

def hall_yaml(holidays=(), windows=None) -> dict:
    return {
        "hall": {"id": "test-hall", "name": "测试政务服务中心",
                 "opening_hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:30"},
                                   {"days": ["sat"], "open": "09:00", "close": "12:00"}],
                 "holidays": list(holidays), "priority_age": 70,
                 "minutes_per_ticket": {"accept": 12, "consult": 5, "pickup": 3}},
        "departments": [{"code": c, "name": n} for c, n in
                        [("rsj", "人力资源和社会保障分局"), ("scjg", "市场监督管理分局"), ("gaj", "公安分局"), ("swj", "税务局")]],
        "window_groups": [{"id": "social", "name": "社会民生综合窗口", "departments": ["rsj"]},
                          {"id": "general", "name": "综合受理窗口", "departments": ["rsj", "scjg"]},
                          {"id": "police", "name": "公安专区", "departments": ["gaj"]},
                          {"id": "tax", "name": "税务专区", "departments": ["swj"]}],
        "windows": windows if windows is not None else [
            {"id": "W01", "name": "1号窗口", "group": "social"}, {"id": "W02", "name": "2号窗口", "group": "social"},
            {"id": "W03", "name": "3号窗口", "group": "general"}, {"id": "W04", "name": "4号窗口", "group": "police"}],
    }


def catalogue_yaml(cap: int | None = 3) -> dict:
    return {"categories": [{"code": "c1", "name": "测试类", "items": [
        {"code": "SB01", "name": "社会保障卡申领", "department": "rsj", "kinds": ["accept", "consult", "pickup"]},
        {"code": "SB02", "name": "失业登记", "department": "rsj", "kinds": ["accept"], "daily_cap": cap},
        {"code": "QY01", "name": "企业开办", "department": "scjg", "kinds": ["accept", "consult"]},
        {"code": "GA01", "name": "居住证办理", "department": "gaj", "kinds": ["accept", "pickup"]},
        {"code": "SW01", "name": "发票申领", "department": "swj", "kinds": ["accept"]},
    ]}]}


def small_config(directory: Path, holidays=(), windows=None, cap: int | None = 3) -> HallSettings:
    """A small hall: hall.yaml and catalogue.yaml only, as a hall server would read them."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {"hall.yaml": hall_yaml(holidays, windows), "catalogue.yaml": catalogue_yaml(cap)}
    for name, data in files.items():
        (directory / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_hall_settings(directory)


class Clock:
    """The hall's wall clock, moved by the test."""

    def __init__(self, now: datetime = MONDAY_10AM):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def born_years_ago(years: int, on: date = MONDAY_10AM.date()) -> date:
    return on.replace(year=on.year - years)


def test_small_hall_config_loads(tmp_path):
    config = small_config(tmp_path)
    assert set(config.items) == {"SB01", "SB02", "QY01", "GA01", "SW01"}
    assert [w.group for w in config.windows] == ["social", "social", "general", "police"]
