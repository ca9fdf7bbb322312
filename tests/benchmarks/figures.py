"""Shared arithmetic for the benchmark scripts."""
from __future__ import annotations


def percentile(values: list[float], q: float) -> float:
    """The q-th quantile by the nearest rank (q=0.95: p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
