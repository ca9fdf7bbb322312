"""QR decoders side by side on rendered camera frames of phones, and how fast frames render.

Generates the labelled still set (sim/camera/stills.py, seeded, in a temp dir), then runs every
decoder on every frame in the same pass (so machine load hits all alike; the order rotates from
frame to frame, so none always runs first on a frame), one core (cv2.setNumThreads(1); zxing-cpp
and zbar are single-threaded):
- read: frames where every code labelled readable came back, exact bytes, nothing else;
- false: frames where a payload came back that the frame does not show;
- bonus: codes read although labelled unreadable (a check that the labels are not too strict);
- ms: per-frame decode time of the grey frame, median / p95 / max, and median on frames with
  no readable code (what every frame costs while nobody holds up a phone);
- whole: the sum of per-frame times relative to zxing-cpp alone;
- cpu/wall: CPU time over wall time, ~1.0 when a decoder keeps to one core.

Run for figures:  .venv/bin/python tests/benchmarks/test_qr_decoders.py [--count 300] [--seed 1]
In the suite a dozen frames run once: it checks that everything runs, clean codes read and the
default decoder reads every frame zxing-cpp alone reads, never timing. The same comparison on
frames made elsewhere: test_qr_foreign_frames.py.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # so the script runs on its own

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from drivers.scanner.decoders import all_decoders, default_decoder  # noqa: E402
from sim.camera.phone import random_style, render_labelled  # noqa: E402
from sim.camera.stills import load_labels, random_payload, write_still_set  # noqa: E402
from tests.benchmarks.figures import percentile  # noqa: E402


def run(count: int = 300, seed: int = 1, out_dir=None) -> tuple[list[dict], list[dict]]:
    """Decode the generated set with every decoder; returns (table rows, frames with results)."""
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory(prefix="qr-stills-") as tmp:
        folder = Path(out_dir or tmp)
        write_still_set(folder, count=count, seed=seed)
        frames = load_labels(folder)
        decoders = all_decoders() + [default_decoder()]
        for i, frame in enumerate(frames):
            gray = cv2.cvtColor(cv2.imread(str(folder / frame["file"])), cv2.COLOR_BGR2GRAY)
            frame["results"] = {}
            for decoder in decoders[i % len(decoders):] + decoders[:i % len(decoders)]:
                start, cpu = time.perf_counter(), time.process_time()
                found = decoder.decode(gray)
                frame["results"][decoder.name] = (found, (time.perf_counter() - start) * 1000,
                                                  (time.process_time() - cpu) * 1000)
    rows = [_score(d.name, frames) for d in decoders]
    zxing = next(r for r in rows if r["decoder"] == "zxing-cpp")
    for row in rows:
        row["whole"] = row["total"] / zxing["total"]
    return rows, frames


def _score(name: str, frames: list[dict]) -> dict:
    readable = read = false = bonus = 0
    times, idle, cpu = [], [], 0.0
    for frame in frames:
        found, ms, cpu_ms = frame["results"][name]
        times.append(ms)
        cpu += cpu_ms
        foreign = [p for p in found if p not in frame["payloads"]]
        false += bool(foreign)
        bonus += len([p for p in found if p in frame["payloads"] and p not in frame["expected"]])
        if frame["expected"]:
            readable += 1
            read += set(frame["expected"]) <= set(found) and not foreign
        else:
            idle.append(ms)
    return {"decoder": name, "read": read, "readable": readable, "rate": read / max(readable, 1),
            "false": false, "bonus": bonus, "median": statistics.median(times),
            "p95": percentile(times, 0.95), "max": max(times), "total": sum(times),
            "idle": statistics.median(idle) if idle else float("nan"), "cpu": cpu / max(sum(times), 1e-9)}


def print_table(rows: list[dict], frames: list[dict]) -> None:
    kinds = {}
    for f in frames:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    unreadable = sum(not ok for f in frames for ok in f["readable"])
    print(f"{len(frames)} frames {kinds}; {sum(bool(f['expected']) for f in frames)} with a readable code, "
          f"{unreadable} codes labelled unreadable")
    print(f"{'decoder':34} {'read':>9} {'rate':>6} {'false':>5} {'bonus':>5} {'median':>7} {'p95':>7} "
          f"{'max':>7} {'no-code':>8} {'whole':>6} {'cpu/wall':>8}")
    for r in rows:
        print(f"{r['decoder']:34} {r['read']:>4}/{r['readable']:<4} {100 * r['rate']:5.1f}% {r['false']:>5} "
              f"{r['bonus']:>5} {r['median']:6.1f}ms {r['p95']:6.1f}ms {r['max']:6.0f}ms {r['idle']:6.1f}ms "
              f"{r['whole']:5.2f}x {r['cpu']:8.2f}")


def render_speed(frames: int = 100, seed: int = 7, jpeg: bool = True) -> dict:
    """Median and p95 ms to render one 1280×720 frame, a few payloads reused as a live stream
    does (QR matrices cached), on one core; also how many frames were timed and their shapes."""
    cv2.setNumThreads(1)
    rng = np.random.default_rng(seed)
    pool = [random_payload(rng) for _ in range(6)]
    times, shapes = [], set()
    for i in range(frames + 5):
        n = int(rng.choice([0, 1, 1, 1, 1, 1, 1, 1, 2]))
        codes = [pool[j] for j in rng.choice(len(pool), size=n, replace=False)]
        style = random_style(rng, n, codes=codes)
        if not jpeg:
            style = dataclasses.replace(style, jpeg_quality=None)
        start = time.process_time()
        rendered = render_labelled(codes, rng, style=style)
        if i >= 5:                                   # the first frames fill the caches
            times.append((time.process_time() - start) * 1000)
            shapes.add(rendered.image.shape)
    return {"median": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times),
            "frames": len(times), "shapes": shapes}


def test_decoders_side_by_side_small(tmp_path):
    rows, frames = run(count=12, seed=5, out_dir=tmp_path)
    print_table(rows, frames)
    assert {r["decoder"] for r in rows} == {"zxing-cpp", "zxing-cpp+refine", "pyzbar", "opencv", "opencv-aruco",
                                            "default"}
    assert all(r["false"] == 0 for r in rows if r["decoder"] in ("zxing-cpp", "default"))
    lost = [f["file"] for f in frames if f["expected"] and set(f["expected"]) <= set(f["results"]["zxing-cpp"][0])
            and not set(f["expected"]) <= set(f["results"]["default"][0])]
    assert lost == [], f"the default decoder misses frames zxing-cpp alone reads: {lost}"
    clean = [(f, c) for f in frames for c, ok in zip(f["codes"], f["readable"])
             if ok and c["attenuation"] > 0.5 and c["module_px"] >= 3]
    assert clean, "the small set should hold some easy frames"
    for frame, code in clean:
        found = frame["results"]["default"][0]
        assert set(frame["expected"]) <= set(found), f"{frame['file']}: a clean code was not read ({code})"


def test_render_speed_times_the_frames_asked_for_at_full_size():
    figures = render_speed(frames=3)
    assert figures["frames"] == 3 and figures["shapes"] == {(720, 1280, 3)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows, frames = run(args.count, args.seed)
    print_table(rows, frames)
    for jpeg in (True, False):
        r = render_speed(jpeg=jpeg)
        print(f"render 1280x720{' with JPEG' if jpeg else ' without JPEG'}: median {r['median']:.1f} ms, "
              f"p95 {r['p95']:.1f} ms, max {r['max']:.0f} ms (CPU time, one core)")
