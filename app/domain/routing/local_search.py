"""Iterated local search over point orders: 2-opt and Or-opt with neighbour lists, double-bridge kicks.

Used where the exact DP is not (more blocks than it is allowed to handle). The walk is an array
``[start, p1, ..., pn, end]`` whose two ends never move, so closed tours and open walks to a drop point are the
same problem. Moves are first-improvement, limited to each point's nearest neighbours and driven by a queue of
"dirty" points (don't-look bits), which keeps a pass at O(n k) instead of O(n^2). Between local optima a
double-bridge kick (plus a random segment reversal) escapes; the best walk found is kept. Deterministic for a
given seed, bounded by both an iteration count and a time budget.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

_EPS = 1e-9


def walk_length(dist: Sequence[Sequence[float]], walk: Sequence[int]) -> float:
    return sum(dist[walk[i]][walk[i + 1]] for i in range(len(walk) - 1))


def improve(
    dist: Sequence[Sequence[float]],
    walk: list[int],
    *,
    neighbours: int = 10,
    budget_s: float = 0.03,
    max_kicks: int = 2000,
    seed: int = 0,
) -> list[int]:
    """Best walk found from ``walk`` (same end points) within the budget."""
    if len(walk) <= 3:
        return list(walk)
    inner = walk[1:-1]
    near = {u: sorted((v for v in inner if v != u), key=lambda v: dist[u][v])[:neighbours] for u in inner}
    current = _local_opt(dist, list(walk), near, set(inner))
    best, best_len = list(current), walk_length(dist, current)
    if len(inner) < 4:
        return best
    rng = random.Random(seed)
    deadline = time.perf_counter() + budget_s
    cur_len = best_len
    for _ in range(max_kicks):
        if time.perf_counter() > deadline:
            break
        trial, touched = _double_bridge(current, rng)
        trial = _local_opt(dist, trial, near, touched)
        length = walk_length(dist, trial)
        if length < cur_len - _EPS or (length <= cur_len + _EPS and rng.random() < 0.5):
            current, cur_len = trial, length
            if length < best_len - _EPS:
                best, best_len = list(trial), length
        elif rng.random() < 0.05:
            current, cur_len = list(best), best_len
    return best


def _double_bridge(walk: list[int], rng: random.Random) -> tuple[list[int], set[int]]:
    """Cut the inner part into four pieces A B C D and reconnect A C B D; short pieces keep it local."""
    n = len(walk) - 2
    span = min(n, max(8, n // 3))
    lo = rng.randint(1, n - span + 1)
    a, b, c = sorted(rng.sample(range(lo + 1, lo + span), 3)) if span >= 4 else (lo + 1, lo + 1, lo + 1)
    out = walk[:a] + walk[b:c] + walk[a:b] + walk[c:]
    touched = {out[i] for i in range(max(1, a - 1), min(len(out) - 1, c + 2))}
    return out, touched


def _local_opt(
    dist: Sequence[Sequence[float]], walk: list[int], near: dict[int, list[int]], dirty: set[int]
) -> list[int]:
    """2-opt and Or-opt (segments of 1-3, either orientation) until no dirty point yields a gain."""
    n = len(walk)
    pos = {v: i for i, v in enumerate(walk)}
    queue = [v for v in walk[1:-1] if v in dirty]
    queued = set(queue)
    while queue:
        u = queue.pop()
        queued.discard(u)
        moved = _try_two_opt(dist, walk, pos, near, u, n) or _try_or_opt(dist, walk, pos, near, u, n)
        if moved:
            for v in moved:
                if v not in queued and 0 < pos[v] < n - 1:
                    queue.append(v)
                    queued.add(v)
    return walk


def _reverse(walk: list[int], pos: dict[int, int], i: int, j: int) -> None:
    walk[i : j + 1] = walk[i : j + 1][::-1]
    for k in range(i, j + 1):
        pos[walk[k]] = k


def _try_two_opt(
    dist: Sequence[Sequence[float]], walk: list[int], pos: dict[int, int], near: dict[int, list[int]], u: int, n: int
) -> list[int] | None:
    i = pos[u]
    for v in near[u]:
        j = pos[v]
        # successor edges: (u, u+) and (v, v+) -> (u, v) and (u+, v+)
        if i < n - 1 and j < n - 1 and abs(i - j) > 1:
            a, b = (i, j) if i < j else (j, i)
            pa, na, pb, nb = walk[a], walk[a + 1], walk[b], walk[b + 1]
            delta = dist[pa][pb] + dist[na][nb] - dist[pa][na] - dist[pb][nb]
            if delta < -_EPS:
                _reverse(walk, pos, a + 1, b)
                return [pa, na, pb, nb]
        # predecessor edges: (u-, u) and (v-, v) -> (u-, v-) and (u, v)
        if i > 0 and j > 0 and abs(i - j) > 1:
            a, b = (i, j) if i < j else (j, i)
            pa, xa, pb, xb = walk[a - 1], walk[a], walk[b - 1], walk[b]
            delta = dist[pa][pb] + dist[xa][xb] - dist[pa][xa] - dist[pb][xb]
            if delta < -_EPS:
                _reverse(walk, pos, a, b - 1)
                return [pa, xa, pb, xb]
    return None


def _try_or_opt(
    dist: Sequence[Sequence[float]], walk: list[int], pos: dict[int, int], near: dict[int, list[int]], u: int, n: int
) -> list[int] | None:
    """Move a segment starting or ending at ``u`` next to one of its near neighbours."""
    i = pos[u]
    for length in (1, 2, 3):
        for s in (i, i - length + 1):
            e = s + length - 1
            if s < 1 or e > n - 2:
                continue
            prev, nxt = walk[s - 1], walk[e + 1]
            first, last = walk[s], walk[e]
            removal = dist[prev][first] + dist[last][nxt] - dist[prev][nxt]
            if removal <= _EPS:
                continue
            for v in near[u]:
                j = pos[v]
                if s - 1 <= j <= e:
                    continue
                # insert between j and j+1 (j+1 must not be in the segment) and between j-1 and j
                for a in (j, j - 1):
                    b = a + 1
                    if a < 0 or b > n - 1 or s <= a <= e or s <= b <= e or (a == s - 1 and b == e + 1):
                        continue
                    if a == s - 1 or b == e + 1:
                        continue
                    wa, wb = walk[a], walk[b]
                    base = dist[wa][wb]
                    keep = dist[wa][first] + dist[last][wb] - base
                    flip = dist[wa][last] + dist[first][wb] - base
                    gain_keep, gain_flip = removal - keep, removal - flip
                    if max(gain_keep, gain_flip) > _EPS:
                        segment = walk[s : e + 1]
                        if gain_flip > gain_keep:
                            segment.reverse()
                        rest = walk[:s] + walk[e + 1 :]
                        at = rest.index(wa) + 1
                        walk[:] = rest[:at] + segment + rest[at:]
                        for k, node in enumerate(walk):
                            pos[node] = k
                        return [prev, nxt, wa, wb, *segment]
    return None
