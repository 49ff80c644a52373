"""Iterated 3-opt over point orders: 2-opt and sequential 3-opt with neighbour lists, double-bridge kicks.

Used where the exact DP is not (more blocks than it can handle in time). The walk is an array
``[start, p1, ..., pn, end]`` whose two ends never move, so closed tours and open walks to a drop point are the
same problem. Why 3-opt and not only Or-opt: on an aisle grid the good changes move or turn a whole run of picks
(everything in one aisle segment, say), which Or-opt with short segments cannot do in one step and 2-opt cannot
do at all without reversing what lies between. The search is Lin-Kernighan style to depth 3: remove an edge
(t1, t2), add (t2, t3) with t3 among t2's nearest neighbours while the partial gain stays positive, remove an
edge at t3, add one from t4 to a near t5, remove an edge at t5, and close with the best of the four pure 3-opt
reconnections of the three removed edges (segment moves with or without reversal). Points whose edges did not
change keep a "don't look" bit, so a pass after a kick only looks around the kick. Deterministic for a seed:
the number of kicks bounds the work; the budget (CPU seconds of this thread, not wall-clock time, so other
processes on the cores do not change the answer) only caps it for very large orders.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

_EPS = 1e-9


def walk_length(dist: Sequence[Sequence[float]], walk: Sequence[int]) -> float:
    return sum(dist[walk[i]][walk[i + 1]] for i in range(len(walk) - 1))


def neighbour_lists(dist: Sequence[Sequence[float]], nodes: Sequence[int], k: int) -> dict[int, list[int]]:
    """The ``k`` nearest other nodes of each node (ties broken by index, for determinism)."""
    return {u: sorted((v for v in nodes if v != u), key=lambda v: (dist[u][v], v))[:k] for u in nodes}


def improve(
    dist: Sequence[Sequence[float]],
    walk: list[int],
    *,
    neighbours: int = 8,
    kicks: int = 1000,
    budget_s: float = 1.0,
    seed: int = 0,
) -> list[int]:
    """Best walk found from ``walk`` (same end points): a 3-opt local optimum, then ``kicks`` perturbations."""
    if len(walk) <= 3:
        return list(walk)
    near = neighbour_lists(dist, walk, neighbours)
    current = list(walk)
    _local_opt(dist, current, near, set(walk))
    cur_len = walk_length(dist, current)
    best, best_len = list(current), cur_len
    if len(walk) < 8:
        return best
    rng = random.Random(seed)
    deadline = time.thread_time() + budget_s  # CPU time: a busy machine does not change the result
    for _ in range(kicks):
        if time.thread_time() > deadline:
            break
        trial, touched = double_bridge(current, rng)
        _local_opt(dist, trial, near, touched)
        length = walk_length(dist, trial)
        if length < cur_len + _EPS:
            current, cur_len = trial, length
            if length < best_len - _EPS:
                best, best_len = list(trial), length
    return best


def double_bridge(walk: list[int], rng: random.Random) -> tuple[list[int], set[int]]:
    """Cut a stretch of the inner part at three places into A B C D and reconnect A C B D: a 4-opt kick that
    3-opt cannot undo in one move. The stretch is short (30 stops) so the kick stays local and its repair quick;
    cuts chosen among a point's floor neighbours instead were measured no better."""
    n = len(walk)
    span = min(n - 2, 30)
    lo = rng.randint(0, n - 2 - span)
    a, b, c = sorted(rng.sample(range(lo + 1, lo + span + 1), 3))
    out = walk[:a] + walk[b:c] + walk[a:b] + walk[c:]
    touched = {walk[i] for i in (a - 1, a, b - 1, b, c - 1, c) if 0 <= i < n}
    return out, touched


def _local_opt(dist: Sequence[Sequence[float]], walk: list[int], near: dict[int, list[int]], dirty: set[int]) -> None:
    """2-opt and 3-opt until no dirty point yields a gain (``walk`` is changed in place)."""
    pos = [0] * (max(walk) + 1)
    for i, v in enumerate(walk):
        pos[v] = i
    queue = [v for v in walk if v in dirty]
    queued = set(queue)
    while queue:
        u = queue.pop()
        queued.discard(u)
        touched = _improve_at(dist, walk, pos, near, u)
        if touched:
            for v in touched:
                if v not in queued:
                    queue.append(v)
                    queued.add(v)
            queue.append(u)
            queued.add(u)


def _improve_at(
    dist: Sequence[Sequence[float]], walk: list[int], pos: list[int], near: dict[int, list[int]], t1: int
) -> list[int] | None:
    """One improving 2-opt or 3-opt move with a first removed edge at ``t1``; returns the touched points.

    Written flat on purpose: this loop is where the routing time goes.
    """
    last = len(walk) - 1
    p1 = pos[t1]
    d1 = dist[t1]
    for e1 in (p1, p1 - 1):  # the edge (walk[e1], walk[e1 + 1]) holding t1
        if e1 < 0 or e1 >= last:
            continue
        t2 = walk[e1 + 1] if e1 == p1 else walk[e1]
        d2 = dist[t2]
        d12 = d1[t2]
        for t3 in near[t2]:
            g1 = d12 - d2[t3]
            if g1 <= _EPS:
                break
            p3 = pos[t3]
            d3 = dist[t3]
            for e2 in (p3, p3 - 1):
                if e2 < 0 or e2 >= last or e2 == e1:
                    continue
                t4 = walk[e2 + 1] if e2 == p3 else walk[e2]
                d4 = dist[t4]
                g2 = g1 + d3[t4]
                if g2 - d4[t1] > _EPS:  # closing here gains: the 2-opt move (if the orientation allows)
                    touched = _try_two_opt(dist, walk, pos, e1, e2)
                    if touched:
                        return touched
                for t5 in near[t4]:
                    g3 = g2 - d4[t5]
                    if g3 <= _EPS:
                        break
                    p5 = pos[t5]
                    d5 = dist[t5]
                    for e3 in (p5, p5 - 1):
                        if e3 < 0 or e3 >= last or e3 in (e1, e2):
                            continue
                        # the chain's own closing edge (t6, t1) must gain before the reconnections are tried
                        t6 = walk[e3 + 1] if e3 == p5 else walk[e3]
                        if g3 + d5[t6] - d1[t6] > _EPS:
                            touched = _try_three_opt(dist, walk, pos, e1, e2, e3)
                            if touched:
                                return touched
    return None


def _try_two_opt(
    dist: Sequence[Sequence[float]], walk: list[int], pos: list[int], e1: int, e2: int
) -> list[int] | None:
    i, j = (e1, e2) if e1 < e2 else (e2, e1)
    a, a2, b, b2 = walk[i], walk[i + 1], walk[j], walk[j + 1]
    if dist[a][b] + dist[a2][b2] < dist[a][a2] + dist[b][b2] - _EPS:
        walk[i + 1 : j + 1] = walk[i + 1 : j + 1][::-1]
        for k in range(i + 1, j + 1):
            pos[walk[k]] = k
        return [a, a2, b, b2]
    return None


def _try_three_opt(
    dist: Sequence[Sequence[float]], walk: list[int], pos: list[int], e1: int, e2: int, e3: int
) -> list[int] | None:
    """Best pure 3-opt reconnection of the edges after positions i < j < k, applied when it gains."""
    i, j = (e1, e2) if e1 < e2 else (e2, e1)
    if e3 < i:
        i, j, k = e3, i, j
    elif e3 < j:
        j, k = e3, j
    else:
        k = e3
    a, a2, b, b2, c, c2 = walk[i], walk[i + 1], walk[j], walk[j + 1], walk[k], walk[k + 1]
    da, db, dc = dist[a], dist[b], dist[c]
    best = da[a2] + db[b2] + dc[c2] - _EPS
    kind = -1
    option = da[b2] + dc[a2] + db[c2]  # S3 S2: move the second piece before the first
    if option < best:
        best, kind = option, 0
    option = da[c] + dist[b2][a2] + db[c2]  # S3 reversed, S2
    if option < best:
        best, kind = option, 1
    option = da[b2] + dc[b] + dist[a2][c2]  # S3, S2 reversed
    if option < best:
        best, kind = option, 2
    option = da[b] + dc[a2] + dist[b2][c2]  # S2 reversed, S3 reversed
    if option < best:
        best, kind = option, 3
    if kind < 0:
        return None
    s2, s3 = walk[i + 1 : j + 1], walk[j + 1 : k + 1]
    if kind == 0:
        middle = s3 + s2
    elif kind == 1:
        middle = s3[::-1] + s2
    elif kind == 2:
        middle = s3 + s2[::-1]
    else:
        middle = s2[::-1] + s3[::-1]
    walk[i + 1 : k + 1] = middle
    for p in range(i + 1, k + 1):
        pos[walk[p]] = p
    return [a, a2, b, b2, c, c2]
