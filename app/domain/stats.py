"""Percentiles of measurements, the one definition the KPIs and the benchmarks share.

Nearest rank, no interpolation: the p-th percentile is the smallest value with at least p % of the values at or
below it, so it is always an actual measurement (a real order's cycle time, a real scan's latency), never a
number between two that nobody saw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], pct: float) -> float:
    """The nearest-rank ``pct``-th percentile (0 < pct <= 100; 0 gives the smallest) of ``values`` (any order).

    Raises ValueError for no values or a ``pct`` outside 0-100."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct}: expected 0 to 100")
    rank = math.ceil(pct * len(ordered) / 100)  # pct * n first: exact for whole percents, no 0.07 * 100 = 7.000001
    return ordered[max(0, rank - 1)]
