"""The figures of a simulated day, for each hall, and the chart comparing them."""
from __future__ import annotations

import statistics
from pathlib import Path

from sim.hall_day.engine import DayResult


def _stats(waits: list[float]) -> dict:
    if not waits:
        return {"count": 0, "mean_wait_min": 0.0, "median_wait_min": 0.0, "p90_wait_min": 0.0, "max_wait_min": 0.0}
    ordered = sorted(waits)
    return {"count": len(ordered), "mean_wait_min": round(statistics.fmean(ordered), 2),
            "median_wait_min": round(statistics.median(ordered), 2),
            "p90_wait_min": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 2),
            "max_wait_min": round(ordered[-1], 2)}


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def hourly_utilisation(day: DayResult) -> dict[int, float]:
    """Clock hour → the share of open window-minutes spent serving."""
    hours = {}
    for hour in range(int(min(o[1] for o in day.open) // 60), int(max(o[2] for o in day.open) // 60) + 1):
        start, end = hour * 60, hour * 60 + 60
        open_ = sum(_overlap(o[1], o[2], start, end) for o in day.open)
        busy = sum(_overlap(b[1], b[2], start, end) for b in day.busy)
        if open_ > 0:
            hours[hour] = round(busy / open_, 3)
    return hours


def figures(day: DayResult, windows: dict[str, int]) -> dict:
    called = [s for s in day.served if s.wait_min is not None]
    waits = [s.wait_min for s in called]
    walk_ins = [s.wait_min for s in called if s.citizen.slot_min is None]
    by_kind = {k: _stats([s.wait_min for s in called if s.citizen.kind == k]) for k in ("accept", "consult", "pickup")}
    departments = sorted({s.citizen.department for s in called})
    busy = {g: sum(b[2] - b[1] for b in day.busy if b[0] == g) for g in windows}
    open_ = {g: sum(o[2] - o[1] for o in day.open if o[0] == g) for g in windows}
    hourly = hourly_utilisation(day)
    busiest = max(hourly, key=hourly.get)
    return {
        **_stats(waits),
        "by_kind": by_kind,
        "elders": _stats([s.wait_min for s in called if s.citizen.elder]),
        "appointments": _stats([s.wait_min for s in called if s.citizen.slot_min is not None]),
        "walk_ins": _stats(walk_ins),
        "longest_walk_in_wait_min": round(max(walk_ins), 2) if walk_ins else 0.0,
        "departments_p90_wait_min": {d: _stats([s.wait_min for s in called if s.citizen.department == d])
                                     ["p90_wait_min"] for d in departments},
        "windows": windows,
        "utilisation": {g: round(busy[g] / open_[g], 3) if open_[g] else 0.0 for g in windows},
        "hourly_utilisation": {f"{h:02d}:00": u for h, u in hourly.items()},
        "busiest_hour": f"{busiest:02d}:00", "busiest_hour_utilisation": hourly[busiest],
        "queue": [[round(t, 1), n] for t, n in day.queue],
        "refused": day.refused,
        "tickets": len(day.served),
    }


def compare(halls: dict[str, dict]) -> dict:
    """The routed hall against the department hall: the reduction, and which departments'
    citizens would wait longer (p90) under routing."""
    before, after = halls["departments"], halls["routed"]
    worse = sorted(d for d, p90 in after["departments_p90_wait_min"].items()
                   if p90 > before["departments_p90_wait_min"].get(d, 0.0))
    return {"mean_wait_reduction": round(1 - after["mean_wait_min"] / before["mean_wait_min"], 3)
            if before["mean_wait_min"] else 0.0,
            "p90_wait_reduction": round(1 - after["p90_wait_min"] / before["p90_wait_min"], 3)
            if before["p90_wait_min"] else 0.0,
            "mean_halved": after["mean_wait_min"] <= 0.5 * before["mean_wait_min"],
            "departments_waiting_longer_p90": worse}


# ---------------------------------------------------------------------------- the chart
COLOURS = {"departments": (196, 90, 40), "routed": (29, 79, 145), "what_if": (46, 125, 50)}
NAMES = {"departments": "department windows", "routed": "routed (ours)", "what_if": "what-if plan"}


def chart(report: dict, path: Path) -> None:
    """Queue length over the day (left) and waits per kind of ticket (right), for each hall."""
    from PIL import Image, ImageDraw, ImageFont
    width, height = 1600, 800
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("NotoSansCJK-Regular.ttc", 20)      # the kiosk's own font (汉字 too)
        small = ImageFont.truetype("NotoSansCJK-Regular.ttc", 16)
    except OSError:
        font = small = ImageFont.load_default()
    halls = report["halls"]
    draw.text((40, 20), f"A hall's day, simulated on the real queue code (seed {report['seed']}, "
                        f"{report['scenario']['tickets']} tickets, {report['scenario']['windows']} windows)",
              fill="black", font=font)

    # Left: citizens waiting over the day.
    left, top, right, bottom = 80, 90, 820, 700
    draw.rectangle((left, top, right, bottom), outline=(180, 180, 180))
    series = {name: h["queue"] for name, h in halls.items()}
    t0 = min(q[0][0] for q in series.values())
    t1 = max(q[-1][0] for q in series.values())
    peak = max(max(n for _, n in q) for q in series.values()) or 1
    for name, points in series.items():
        xy = [(left + (t - t0) / (t1 - t0) * (right - left), bottom - n / peak * (bottom - top)) for t, n in points]
        draw.line(xy, fill=COLOURS[name], width=3)
    for hour in range(int(t0 // 60), int(t1 // 60) + 1):
        x = left + (hour * 60 - t0) / (t1 - t0) * (right - left)
        if left <= x <= right:
            draw.line((x, bottom, x, bottom + 6), fill="black")
            draw.text((x - 18, bottom + 10), f"{hour:02d}:00", fill="black", font=small)
    draw.text((left, top - 30), f"citizens waiting (0-{peak})", fill="black", font=font)

    # Right: mean and p90 wait per kind, and for 70+ citizens.
    groups = [("accept", "受理"), ("consult", "咨询"), ("pickup", "取件"), ("elders", "70+"), ("all", "all")]
    left, right = 900, 1560
    longest = max(max(h["p90_wait_min"], *(k["p90_wait_min"] for k in h["by_kind"].values()),
                      h["elders"]["p90_wait_min"]) for h in halls.values()) or 1
    slot = (right - left) / len(groups)
    bar = slot / (2 * len(halls) + 1)
    for g, (key, label) in enumerate(groups):
        for i, (name, h) in enumerate(halls.items()):
            stats = h if key == "all" else h["elders"] if key == "elders" else h["by_kind"][key]
            for j, measure in enumerate(("mean_wait_min", "p90_wait_min")):
                x = left + g * slot + (2 * i + j + 0.5) * bar
                y = bottom - stats[measure] / longest * (bottom - top)
                colour = COLOURS[name] if measure == "mean_wait_min" else tuple(min(255, c + 90) for c in COLOURS[name])
                draw.rectangle((x, y, x + bar - 2, bottom), fill=colour)
        draw.text((left + g * slot + slot / 3, bottom + 10), label if key != "all" else "all", fill="black", font=small)
    draw.text((left, top - 30), f"wait in minutes: mean (dark) and p90 (light), 0-{longest:.0f}", fill="black", font=font)

    # The legend and the headline.
    y = 750
    x = 80
    for name in halls:
        draw.rectangle((x, y, x + 24, y + 16), fill=COLOURS[name])
        text = f"{NAMES[name]}: mean {halls[name]['mean_wait_min']:.1f} min, p90 {halls[name]['p90_wait_min']:.1f}"
        draw.text((x + 32, y - 2), text, fill="black", font=small)
        x += 32 + draw.textlength(text, font=small) + 40
    image.save(path)
