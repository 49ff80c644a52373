"""Exact reference by exhaustive search (Held-Karp DP over subsets): for tests and benchmarks, small n only.

Independent of the aisle-graph DP on purpose: it only uses the distance formula, so agreement between the two
is real evidence that the graph DP is exact.
"""

from __future__ import annotations

from app.domain.routing.problem import Metric, Problem

MAX_POINTS = 13
"""Held-Karp costs O(2^n n^2): 13 points take a few seconds in CPython, more is not a 'small case'."""


def solve(problem: Problem) -> list[int]:
    """Optimal visiting order of the distinct points (start -> all points -> end)."""
    n = len(problem.points)
    if n > MAX_POINTS:
        raise ValueError(f"exhaustive search is limited to {MAX_POINTS} distinct points, got {n}")
    if n == 0:
        return []
    metric = Metric(problem.layout)
    d = metric.matrix(list(problem.points))
    from_start = [metric(problem.start, p) for p in problem.points]
    to_end = [metric(p, problem.end) for p in problem.points]
    full = (1 << n) - 1
    inf = float("inf")
    # best[mask][j]: shortest walk from start over mask ending at j (j in mask)
    best = [[inf] * n for _ in range(1 << n)]
    parent = [[-1] * n for _ in range(1 << n)]
    for j in range(n):
        best[1 << j][j] = from_start[j]
    for mask in range(1, full + 1):
        row = best[mask]
        for j in range(n):
            cost = row[j]
            if cost == inf:
                continue
            dj = d[j]
            for k in range(n):
                if mask >> k & 1:
                    continue
                nm = mask | 1 << k
                value = cost + dj[k]
                if value < best[nm][k]:
                    best[nm][k] = value
                    parent[nm][k] = j
    last = min(range(n), key=lambda j: best[full][j] + to_end[j])
    order = []
    mask = full
    while last != -1:
        order.append(last)
        prev = parent[mask][last]
        mask &= ~(1 << last)
        last = prev
    order.reverse()
    return order
