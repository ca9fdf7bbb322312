"""The scanner's default decoder against zxing-cpp alone, side by side in the same run, on
camera frames that the kiosk's own simulator did not make (tests/benchmarks/foreign_frames.py).

Goals: decode rate at least zxing-cpp alone + 2 points, p95 ≤ 40 ms per frame, the whole run
≤ 1.5× zxing-cpp alone, no false read. Frames are rendered first (not timed) and converted to
grey, as the scanner does; then each frame is decoded by both, in alternating order, one core
(cv2.setNumThreads(1); zxing-cpp is single-threaded):
- read: frames with a code whose payload came back; false: frames where a payload came back
  that is not the frame's (or anything from a frame without a code);
- ms: per-frame decode time, median / p95 / max, and the median on frames without a code;
- whole run: the sum of per-frame times, and its ratio to zxing-cpp alone.
Timing is repeated --runs times over the same frames and each figure is the median of the runs
(other work on the machine shifts single runs); reads are the same every run.

Run for figures:  .venv/bin/python tests/benchmarks/test_qr_foreign_frames.py [--count 300] [--seed 1] [--runs 3]
In the suite a few dozen frames run once: it checks behaviour (the default decoder reads every
frame zxing-cpp reads and more, never a wrong payload), never timing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # so the script runs on its own

import cv2  # noqa: E402

from drivers.scanner.decoders import ZxingDecoder, default_decoder  # noqa: E402
from tests.benchmarks.figures import percentile  # noqa: E402
from tests.benchmarks.foreign_frames import frame  # noqa: E402


def run(count: int = 300, seed: int = 1, runs: int = 1) -> tuple[list[dict], list[dict]]:
    """Decode the set with zxing-cpp alone and the default decoder; returns (rows, frames)."""
    cv2.setNumThreads(1)
    decoders = [ZxingDecoder(), default_decoder()]
    frames = []
    for i in range(count):
        f = frame(seed, i)
        frames.append({"index": i, "payload": f.payload, "params": f.params,
                       "gray": cv2.cvtColor(f.image, cv2.COLOR_BGR2GRAY), "found": {}, "ms": {}})
    for r in range(runs):
        for f in frames:
            order = decoders if (f["index"] + r) % 2 == 0 else decoders[::-1]   # neither always goes first
            for decoder in order:
                start = time.perf_counter()
                found = decoder.decode(f["gray"])
                f["ms"].setdefault(decoder.name, []).append((time.perf_counter() - start) * 1000)
                f["found"][decoder.name] = found
    baseline = decoders[0].name
    return [_score(d.name, frames, baseline, runs) for d in decoders], frames


def _score(name: str, frames: list[dict], baseline: str, runs: int) -> dict:
    coded = [f for f in frames if f["payload"] is not None]
    read = sum(f["payload"] in f["found"][name] for f in coded)
    false = sum(any(p != f["payload"] for p in f["found"][name]) for f in frames)
    per_run = []
    for r in range(runs):
        times = [f["ms"][name][r] for f in frames]
        idle = [f["ms"][name][r] for f in frames if f["payload"] is None]
        total = sum(times)
        per_run.append({"median": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times),
                        "idle": statistics.median(idle) if idle else float("nan"), "total": total,
                        "ratio": total / sum(f["ms"][baseline][r] for f in frames)})
    row = {"decoder": name, "read": read, "readable": len(coded), "rate": read / max(len(coded), 1),
           "false": false}
    for key in per_run[0]:
        row[key] = statistics.median(run[key] for run in per_run)
    return row


def by_condition(frames: list[dict], names: list[str]) -> list[str]:
    """Read rate by motion blur and by module size, to see where each decoder fails."""
    lines = []
    for key, edges in (("motion_modules", (0.0, 0.01, 0.5, 1.0, 1.5, 2.01)), ("module_px", (2.0, 2.5, 3.0, 4.0, 5.01))):
        for lo, hi in zip(edges, edges[1:]):
            group = [f for f in frames if f["payload"] is not None and lo <= f["params"][key] < hi]
            if group:
                rates = "  ".join(f"{n} {sum(f['payload'] in f['found'][n] for f in group):>3}/{len(group):<3}"
                                  for n in names)
                lines.append(f"  {key} [{lo:g}, {hi:g}): {rates}")
    return lines


def print_table(rows: list[dict], frames: list[dict], runs: int) -> None:
    kinds: dict[str, int] = {}
    for f in frames:
        kinds[f["params"]["kind"]] = kinds.get(f["params"]["kind"], 0) + 1
    print(f"{len(frames)} foreign frames {kinds}; timing: median of {runs} run(s)")
    print(f"{'decoder':12} {'read':>9} {'rate':>6} {'false':>5} {'median':>8} {'p95':>8} {'max':>8} "
          f"{'no-code':>8} {'whole run':>10} {'ratio':>6}")
    for r in rows:
        print(f"{r['decoder']:12} {r['read']:>4}/{r['readable']:<4} {100 * r['rate']:5.1f}% {r['false']:>5} "
              f"{r['median']:6.2f}ms {r['p95']:6.2f}ms {r['max']:6.1f}ms {r['idle']:6.2f}ms "
              f"{r['total']:8.0f}ms {r['ratio']:6.2f}")
    print("\n".join(by_condition(frames, [r["decoder"] for r in rows])))


def test_default_reads_all_that_zxing_reads_and_more_never_a_wrong_payload():
    # The first 50 frames of seed 1 (~3 s to render) hold 7 without a code and 2 small codes that
    # zxing-cpp alone misses (frames 3 and 49) and the second look reads.
    rows, frames = run(count=50, seed=1)
    print_table(rows, frames, runs=1)
    zxing, default = (next(r for r in rows if r["decoder"] == name) for name in ("zxing-cpp", "default"))
    assert zxing["false"] == 0 and default["false"] == 0
    lost = [f["index"] for f in frames if f["payload"] in f["found"]["zxing-cpp"]
            and f["payload"] not in f["found"]["default"]]
    assert lost == [], f"frames zxing-cpp reads but the default decoder does not: {lost}"
    assert default["read"] >= zxing["read"] + 1
    empty = [f for f in frames if f["payload"] is None]
    assert empty and all(f["found"]["default"] == [] for f in empty)


def test_foreign_frames_are_a_pure_function_of_seed_and_index():
    a, b, other = frame(7, 3), frame(7, 3), frame(8, 3)
    assert a.image.shape == (720, 1280, 3) and (a.image == b.image).all() and a.payload == b.payload
    assert a.params == b.params and not (a.image == other.image).all()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows, frames = run(args.count, args.seed, args.runs)
    print_table(rows, frames, args.runs)
