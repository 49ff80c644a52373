"""Exact shortest walk over the aisle / cross-aisle graph (Ratliff & Rosenthal 1983, Roodbergen & de Koster 2001).

Why a DP: pickers can only walk along aisle centre lines and cross aisles, so an optimal walk is an Eulerian
sub-multigraph of that grid: connected, every edge used at most twice, every vertex of even degree (or odd at the
start and end of an open walk). This module sweeps the grid vertex by vertex, left to right and front to back,
and keeps, for each frontier pattern, the cheapest partial subgraph. A frontier pattern records how often the walk
crosses the frontier on each cross aisle (0, 1 or 2) and which crossings are already joined, which is exactly
Ratliff & Rosenthal's equivalence classes for one block and Roodbergen & de Koster's for two, written generically
for any number of blocks (the number of patterns grows quickly with blocks, so the caller limits its use).

Verticals are the distinct x of the pick points, the start and the end: a depot between two aisles simply gets
its own (virtual) vertical, which the conventions' distance formula already implies. An end point different from
the start is handled exactly too: those two points need odd degree, which only changes the options of the
segment(s) they lie on. Points in front of the front cross aisle or behind the back one (only a depot or drop
can be there) are clamped onto it: every walk pays the same overhang.

The optimal subgraph is turned into a visiting order by an Eulerian walk from the start; the walk length equals
the DP optimum and visiting points in first-seen order is never longer.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.layout import Point
from app.domain.routing.problem import Problem
from app.domain.routing.segments import ALL_KEYS, EMPTY_KEY, SegmentOption, segment_options

_DONE = -1
_NO_STATE = -2


@dataclass(slots=True)
class _Segment:
    """One aisle segment of one vertical: its required points (node ids) and its covering options."""

    length: float
    offsets: list[float]
    nodes: list[list[int]]
    options: list[SegmentOption]


@dataclass(slots=True)
class _Column:
    x: float
    segments: list[_Segment]


class _Patterns:
    """Frontier patterns of one block count, interned to ints, with memoised transitions.

    A pattern is a tuple of ``blocks + 2`` ints: one slot per cross aisle (0 = not crossed, else
    ``mult * 16 + label``) and a last slot for the segment pending above the current vertex
    (``mult * 16 + label``, label 0 = not joined to the vertex below). Labels name connected pieces and are
    renumbered by first appearance so that equal situations share one pattern.
    """

    def __init__(self, blocks: int) -> None:
        self.blocks = blocks
        self.ids: dict[tuple[int, ...], int] = {}
        self.patterns: list[tuple[int, ...]] = []
        self.memo: dict[tuple[int, int, tuple[int, ...]], tuple[tuple[int, int], ...]] = {}
        self.zero = self.intern((0,) * (blocks + 2))

    def intern(self, pattern: tuple[int, ...]) -> int:
        found = self.ids.get(pattern)
        if found is None:
            found = len(self.patterns)
            self.ids[pattern] = found
            self.patterns.append(pattern)
        return found

    def moves(self, state: int, row: int, keys: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        """Valid moves at vertex ``row`` as ``(option position * 3 + h, next pattern)``.

        ``keys`` are the option keys of the segment above the vertex, in order; ``h`` is how often the walk
        continues right along cross aisle ``row``. Memoised per (pattern, row, key set): a handful of key sets
        occur, so after warm-up a DP step is one flat loop.
        """
        memo_key = (state, row, keys)
        found = self.memo.get(memo_key)
        if found is None:
            found = tuple(
                (pos * 3 + h, new)
                for pos, key in enumerate(keys)
                for h in range(3)
                if (new := self._step(state, row, key, h)) != _NO_STATE
            )
            self.memo[memo_key] = found
        return found

    def _step(self, state: int, row: int, key: int, h: int) -> int:
        mb, mt, joined = ALL_KEYS[key]
        if state == _DONE:
            return _DONE if (mb, mt, h) == (0, 0, 0) else _NO_STATE
        pattern = list(self.patterns[state])
        top = self.blocks
        m_in, in_label = divmod(pattern[row], 16)
        m_pend, pend_label = divmod(pattern[top + 1], 16)
        degree = m_in + m_pend + mb + h
        if degree % 2 or (row == top and (mt or mb)):
            return _NO_STATE
        taken = {v % 16 for v in pattern if v}

        def fresh() -> int:
            label = next(lab for lab in range(1, 16) if lab not in taken)
            taken.add(label)
            return label

        if degree == 0:
            pattern[row] = 0
            pattern[top + 1] = mt * 16 + fresh() if mt else 0
            return self._canonical(pattern)
        labels = [lab for m, lab in ((m_in, in_label), (m_pend, pend_label)) if m]
        if labels:
            mine = labels[0]
            for other in labels[1:]:
                if other != mine:
                    pattern = [(v // 16) * 16 + mine if v and v % 16 == other else v for v in pattern]
        else:
            mine = fresh()
        pattern[row] = h * 16 + mine if h else 0
        pattern[top + 1] = mt * 16 + (mine if joined else fresh()) if mt else 0
        if not any(v and v % 16 == mine for v in pattern):
            # this piece of walk is finished: it must be the whole walk
            return _DONE if not any(pattern) else _NO_STATE
        return self._canonical(pattern)

    def _canonical(self, pattern: list[int]) -> int:
        relabel: dict[int, int] = {}
        out = []
        for v in pattern:
            if v and v % 16:
                lab = relabel.setdefault(v % 16, len(relabel) + 1)
                out.append((v // 16) * 16 + lab)
            else:
                out.append(v)
        return self.intern(tuple(out))


_PATTERNS: dict[int, _Patterns] = {}


def _patterns(blocks: int) -> _Patterns:
    if blocks not in _PATTERNS:
        _PATTERNS[blocks] = _Patterns(blocks)
    return _PATTERNS[blocks]


def _clamp(p: Point, top: float) -> Point:
    return Point(p.x, min(max(p.y, 0.0), top))


@functools.lru_cache(maxsize=4096)
def _cached_options(length: float, offsets: tuple[float, ...], odd: tuple[bool, ...]) -> list[SegmentOption]:
    """Batching routes many overlapping pick sets: the same aisle segments come back again and again."""
    return segment_options(length, offsets, odd)


def _columns(problem: Problem) -> tuple[list[_Column], int, int]:
    """Build verticals; node ids: 0 = start, 1 = end (== 0 for a closed walk), 2.. = pick points."""
    layout = problem.layout
    blocks = layout.blocks
    pitch = layout.block_length + layout.cross_aisle_width
    top = blocks * pitch
    start = _clamp(problem.start, top)
    end = _clamp(problem.end, top)
    closed = problem.closed or (abs(start.x - end.x) < 1e-9 and abs(start.y - end.y) < 1e-9)
    entries: dict[tuple[float, float], list[int]] = {}
    for node, p in [(0, start), *([] if closed else [(1, end)])] + [(i + 2, p) for i, p in enumerate(problem.points)]:
        entries.setdefault((round(p.x, 9), round(p.y, 9)), []).append(node)
    start_node, end_node = 0, 0 if closed else 1
    by_x: dict[float, list[tuple[float, list[int]]]] = {}
    for (x, y), nodes in entries.items():
        by_x.setdefault(x, []).append((y, nodes))
    columns: list[_Column] = []
    for x in sorted(by_x):
        per_block: list[list[tuple[float, list[int]]]] = [[] for _ in range(blocks)]
        for y, nodes in by_x[x]:
            b = min(int(y // pitch), blocks - 1) if y > 0 else 0
            if b > 0 and abs(y - b * pitch) < 1e-9:
                b -= 1  # exactly on a middle cross aisle: the segment below holds it
            per_block[b].append((y - b * pitch, nodes))
        segments = []
        for b in range(blocks):
            items = sorted(per_block[b])
            offsets = [y for y, _ in items]
            nodes_here = [nodes for _, nodes in items]
            odd = [(start_node in ns) != (end_node in ns) for ns in nodes_here]
            options = _cached_options(pitch, tuple(offsets), tuple(odd))
            segments.append(_Segment(pitch, offsets, nodes_here, options))
        columns.append(_Column(x, segments))
    return columns, start_node, end_node


def solve(problem: Problem) -> list[int]:
    """Optimal visiting order of ``problem.points`` (indices) from start to end."""
    if not problem.points:
        return []
    columns, start_node, _ = _columns(problem)
    history: list[tuple[dict[int, tuple[int, int]], list[SegmentOption]]] = []
    _sweep(problem.layout.blocks, columns, history)
    return _order_from_history(problem, columns, history, start_node)


def length(problem: Problem, bound: float = math.inf) -> float:
    """Length of the optimal walk without building it (what batching needs, a little faster).

    With a finite ``bound`` the sweep drops partial walks that cannot finish below it (cost so far plus a
    lower bound on the rest) and returns ``math.inf`` when the optimum is not below ``bound``: rejecting a
    batching move usually takes a fraction of a full solve.
    """
    if not problem.points:
        value = problem.distance_of([])
        return value if value < bound else math.inf
    columns, start_node, end_node = _columns(problem)
    top = problem.layout.blocks * (problem.layout.block_length + problem.layout.cross_aisle_width)
    overhang = sum(max(0.0, -p.y) + max(0.0, p.y - top) for p in (problem.start, problem.end))
    if bound == math.inf:
        return _sweep(problem.layout.blocks, columns, None) + overhang
    rest = _rest_bounds(problem.layout.blocks, columns, start_node, end_node)
    value = _sweep(problem.layout.blocks, columns, None, bound - overhang, rest)
    return value + overhang if value + overhang < bound else math.inf


def _rest_bounds(blocks: int, columns: list[_Column], start_node: int, end_node: int) -> list[float]:
    """Lower bound on what a walk still has to pay after each sweep step.

    Each segment still to decide costs at least its cheapest option, and every gap between two later
    verticals is crossed at least twice (once when it separates the start from the end of an open walk).
    """

    def holds(column: _Column, node: int) -> bool:
        return any(node in group for seg in column.segments for group in seg.nodes)

    start_col = next(j for j, c in enumerate(columns) if holds(c, start_node))
    end_col = next(j for j, c in enumerate(columns) if holds(c, end_node))
    lo, hi = min(start_col, end_col), max(start_col, end_col)
    cheapest = [[min(o.cost for o in seg.options) for seg in col.segments] + [0.0] for col in columns]
    cross = [(columns[j + 1].x - columns[j].x) * (1 if lo <= j < hi else 2) for j in range(len(columns) - 1)] + [0.0]
    rest = [0.0] * (len(columns) * (blocks + 1))
    acc = 0.0
    for j in range(len(columns) - 1, -1, -1):
        for row in range(blocks, -1, -1):
            rest[j * (blocks + 1) + row] = acc
            acc += cheapest[j][row]
        acc += cross[j]  # column j - 1 pays its own gap while it decides its vertices
    return rest


def _sweep(
    blocks: int,
    columns: list[_Column],
    history: list[tuple[dict[int, tuple[int, int]], list[SegmentOption]]] | None,
    bound: float = math.inf,
    rest: Sequence[float] = (),
) -> float:
    """The DP proper: one step per grid vertex; returns the optimum and fills ``history`` for backtracking.

    With ``bound`` and ``rest`` (lower bounds per step) it prunes and returns ``math.inf`` if nothing is left.
    """
    pats = _patterns(blocks)
    moves = pats.moves
    frontier: dict[int, float] = {pats.zero: 0.0}
    big = float("inf")
    for j, column in enumerate(columns):
        dx = columns[j + 1].x - column.x if j + 1 < len(columns) else big
        for row in range(blocks + 1):
            options = column.segments[row].options if row < blocks else _TOP_OPTIONS
            keys = tuple(o.key for o in options)
            add = [o.cost + h * dx if h else o.cost for o in options for h in range(3)]
            nxt: dict[int, float] = {}
            get = nxt.get
            if rest:
                limit = bound - rest[j * (blocks + 1) + row]
                for state, cost in frontier.items():
                    for a, new in moves(state, row, keys):
                        value = cost + add[a]
                        if value < limit and value < get(new, big) - 1e-9:
                            nxt[new] = value
                if not nxt:
                    return math.inf
            elif history is None:
                for state, cost in frontier.items():
                    for a, new in moves(state, row, keys):
                        value = cost + add[a]
                        if value < get(new, big) - 1e-9:
                            nxt[new] = value
            else:
                back: dict[int, tuple[int, int]] = {}
                for state, cost in frontier.items():
                    for a, new in moves(state, row, keys):
                        value = cost + add[a]
                        if value < get(new, big) - 1e-9:
                            nxt[new] = value
                            back[new] = (state, a)
                history.append((back, options))
            frontier = nxt
    if _DONE not in frontier:
        raise RuntimeError("routing DP found no walk")  # cannot happen for a valid problem
    return frontier[_DONE]


_TOP_OPTIONS = [SegmentOption(EMPTY_KEY, 0.0, ())]


def _order_from_history(
    problem: Problem,
    columns: list[_Column],
    history: list[tuple[dict[int, tuple[int, int]], list[SegmentOption]]],
    start_node: int,
) -> list[int]:
    blocks = problem.layout.blocks
    choices: list[tuple[SegmentOption, int]] = []
    state = _DONE
    for back, options in reversed(history):
        state, a = back[state]
        choices.append((options[a // 3], a % 3))
    choices.reverse()
    # nodes: 0.. reserved for problem nodes (start/end/picks), then one per grid vertex
    base = len(problem.points) + 2
    adjacency: dict[int, list[int]] = {}
    edges: list[tuple[int, int]] = []
    members: dict[int, list[int]] = {}

    def add(u: int, v: int, times: int) -> None:
        for _ in range(times):
            edges.append((u, v))

    def vertex(j: int, row: int) -> int:
        return base + j * (blocks + 1) + row

    for j, column in enumerate(columns):
        for row in range(blocks + 1):
            option, h = choices[j * (blocks + 1) + row]
            if h:
                add(vertex(j, row), vertex(j + 1, row), h)
            if row == blocks:
                continue
            seg = column.segments[row]
            chain = [vertex(j, row), *(group[0] for group in seg.nodes), vertex(j, row + 1)]
            for group in seg.nodes:
                members[group[0]] = group
            for i, m in enumerate(option.mults):
                if m:
                    add(chain[i], chain[i + 1], m)
    for idx, (u, v) in enumerate(edges):
        adjacency.setdefault(u, []).append(idx)
        adjacency.setdefault(v, []).append(idx)
    walk = _euler_walk(adjacency, edges, start_node)
    seen: set[int] = set()
    order: list[int] = []
    for node in walk:
        if node < base and node not in seen:
            seen.add(node)
            order.extend(m - 2 for m in members[node] if m >= 2)
    if len(order) != len(problem.points):
        raise RuntimeError("routing DP walk missed a point")  # cannot happen: every point has an edge
    return order


def _euler_walk(adjacency: dict[int, list[int]], edges: Sequence[tuple[int, int]], start: int) -> list[int]:
    """Hierholzer's algorithm; with two odd vertices the walk starts at ``start`` (one of them)."""
    used = [False] * len(edges)
    pointer = dict.fromkeys(adjacency, 0)
    stack = [start]
    walk: list[int] = []
    while stack:
        u = stack[-1]
        incident = adjacency.get(u, [])
        i = pointer.get(u, 0)
        while i < len(incident) and used[incident[i]]:
            i += 1
        pointer[u] = i
        if i == len(incident):
            walk.append(stack.pop())
            continue
        e = incident[i]
        used[e] = True
        a, b = edges[e]
        stack.append(b if a == u else a)
    walk.reverse()
    return walk
