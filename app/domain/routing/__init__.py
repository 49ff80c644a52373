"""Picker routing: the shortest walk through a set of pick locations, plus baseline heuristics.

``shortest_route`` is exact for layouts of up to ``MAX_DP_BLOCKS`` blocks (a dynamic programme over the aisle
graph, see ``dp``), including depots between aisles and routes that end at a drop point instead of the depot, and
for any layout whose picks, start and end all lie within its first ``MAX_DP_BLOCKS`` blocks (a walk never gains
by going behind the last block it needs), and for up to ``EXHAUSTIVE_UP_TO`` stops (Held-Karp). Other walks get
iterated 3-opt (``local_search``) on the walking-distance matrix, started from the better of S-shape and largest
gap, so they are never longer than either. All functions
take location codes and return a ``Route`` listing every distinct code once; codes at the same bay position
(other side or level) share one stop and are listed together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.domain.layout import Layout, Point
from app.domain.routing import dp, exhaustive, heuristics, local_search
from app.domain.routing.problem import InvalidRouteLocations, Metric, Problem, Route, build_problem, parse_codes

__all__ = [
    "EXHAUSTIVE_UP_TO",
    "MAX_DP_BLOCKS",
    "InvalidRouteLocations",
    "Problem",
    "Route",
    "build_problem",
    "code_order_route",
    "estimated_order",
    "exhaustive_route",
    "largest_gap_route",
    "local_search_route",
    "optimal_order",
    "parse_codes",
    "s_shape_route",
    "shortest_route",
]

MAX_DP_BLOCKS = 3
"""Largest block count routed by the exact DP: its frontier patterns number 22, 110 and ~600 for 1, 2 and 3
blocks, which keeps 60 locations within a few tens of milliseconds; with 4 blocks they are ~5,000 per step
(seconds in CPython), so beyond 3 the iterated 3-opt takes over."""

MIN_KICKS_PER_POINT, MAX_KICKS_PER_POINT, KICKS_GROWTH = 2, 6, 24
"""Perturbations of the iterated 3-opt: ``n * n / 24`` for ``n`` stops, at least ``2 n`` and at most ``6 n``.
A kick changes a stretch of at most 30 stops, so a longer walk needs more kicks per stop to be searched as
well; these numbers hold 0.25 % mean above LKH's walks on the 4-8 block benchmark (``bench routing``). A count
rather than a time budget makes the result the same on every machine."""

ESTIMATE_KICKS_PER_POINT = 0.25
"""Kicks per stop when a caller only compares candidates (``estimated_order``): the 3-opt optimum does most of
the work, a few kicks mend its worst spots."""

NEIGHBOURS = 8
"""Nearest neighbours per stop that the 3-opt tries at each level (6 was measured worse at 200 stops and no faster)."""

EXHAUSTIVE_UP_TO = 9
"""Beyond the DP's block range, walks of this many stops or fewer are solved exactly by Held-Karp (a few ms)."""

LOCAL_SEARCH_BUDGET_S = 2.0
"""Cap on the iterated 3-opt's CPU seconds (hundreds of stops more than the benchmark's 200); normally the kicks
end it first (about 0.5 s of CPU at 200 stops here)."""


def shortest_route(
    layout: Layout, codes: Iterable[str], *, end: Point | None = None, start: Point | None = None
) -> Route:
    """Shortest walk from ``start`` (default: the depot) through all codes to ``end``.

    ``end`` defaults to the layout's drop point when it has one, else the walk returns to the start.
    Raises ``InvalidRouteLocations`` naming every malformed or unknown code.
    """
    problem = build_problem(layout, codes, start=start, end=end)
    return problem.route_for(optimal_order(problem))


def estimated_order(problem: Problem) -> list[int]:
    """``optimal_order`` for callers that compare many candidate sets (batching): the same exact answer where
    that is cheap, otherwise a 3-opt local optimum with few kicks (about a tenth of the work, typically within a
    percent of the full search), so a wave plan on a layout of many blocks does not spend its budget routing."""
    return optimal_order(problem, kicks_per_point=ESTIMATE_KICKS_PER_POINT)


def optimal_order(problem: Problem, *, kicks_per_point: float | None = None) -> list[int]:
    """Point order of the shortest walk: exact where that is cheap (see the module), iterated 3-opt elsewhere.

    Beyond the DP's range this costs tens to hundreds of milliseconds of CPU (about 0.5 s at 200 stops), which
    callers that route many candidate sets (batching) should keep in mind.
    """
    if not problem.points:
        return []
    line = _single_line_order(problem)
    if line is not None:
        return line
    if problem.layout.blocks <= MAX_DP_BLOCKS:
        return dp.solve(problem)
    used = _blocks_used(problem)
    if used <= MAX_DP_BLOCKS:
        return dp.solve(replace(problem, layout=replace(problem.layout, blocks=used)))
    if len(problem.points) <= EXHAUSTIVE_UP_TO:
        return exhaustive.solve(problem)
    return _local_search_order(problem, budget_s=LOCAL_SEARCH_BUDGET_S, kicks_per_point=kicks_per_point)


def _blocks_used(problem: Problem) -> int:
    """How many blocks from the front hold a pick, the start or the end (all of them if one lies behind)."""
    pitch = problem.layout.block_length + problem.layout.cross_aisle_width
    far = max(p.y for p in (problem.start, problem.end, *problem.points))
    if far > problem.layout.blocks * pitch - 1e-9:
        return problem.layout.blocks
    return max(1, min(problem.layout.blocks, int(far // pitch) + 1))


def s_shape_route(layout: Layout, codes: Iterable[str], *, end: Point | None = None) -> Route:
    """Baseline: S-shape (traversal) routing."""
    problem = build_problem(layout, codes, end=end)
    return problem.route_for(heuristics.s_shape_order(problem))


def largest_gap_route(layout: Layout, codes: Iterable[str], *, end: Point | None = None) -> Route:
    """Baseline: largest-gap routing."""
    problem = build_problem(layout, codes, end=end)
    return problem.route_for(heuristics.largest_gap_order(problem))


def code_order_route(layout: Layout, codes: Iterable[str], *, end: Point | None = None) -> Route:
    """Baseline: visit locations sorted by aisle and bay (a pick list sorted by code)."""
    problem = build_problem(layout, codes, end=end)
    return problem.route_for(heuristics.code_order(problem))


def exhaustive_route(layout: Layout, codes: Iterable[str], *, end: Point | None = None) -> Route:
    """Exact reference by exhaustive search for small cases (at most ``exhaustive.MAX_POINTS`` stops)."""
    problem = build_problem(layout, codes, end=end)
    return problem.route_for(exhaustive.solve(problem))


def local_search_route(
    layout: Layout, codes: Iterable[str], *, end: Point | None = None, budget_s: float = LOCAL_SEARCH_BUDGET_S
) -> Route:
    """Iterated local search only (what layouts beyond ``MAX_DP_BLOCKS`` get); for tests and benchmarks."""
    problem = build_problem(layout, codes, end=end)
    return problem.route_for(_local_search_order(problem, budget_s=budget_s))


def _local_search_order(problem: Problem, *, budget_s: float, kicks_per_point: float | None = None) -> list[int]:
    """Iterated 3-opt from the better baseline; node 0 is the start, 1 the end, ``i + 2`` point ``i``.

    The search only ever keeps a walk shorter than the one it started from, so the result is never longer
    than S-shape or largest gap.
    """
    metric = Metric(problem.layout)
    dist = metric.matrix([problem.start, problem.end, *problem.points])
    seeds = [heuristics.largest_gap_order(problem), heuristics.s_shape_order(problem)]
    walks = [[0, *(i + 2 for i in seed), 1] for seed in seeds]
    walk = min(walks, key=lambda w: local_search.walk_length(dist, w))
    n = len(problem.points)
    if kicks_per_point is None:
        kicks = min(MAX_KICKS_PER_POINT * n, max(MIN_KICKS_PER_POINT * n, n * n // KICKS_GROWTH))
    else:
        kicks = int(kicks_per_point * n)
    best = local_search.improve(dist, walk, kicks=kicks, budget_s=budget_s, neighbours=NEIGHBOURS)
    return [node - 2 for node in best[1:-1]]


def _single_line_order(problem: Problem) -> list[int] | None:
    """All stops on one aisle line: sweep towards one end first, then the other (the better of the two).

    The DP needs at least two verticals or a stop on a cross aisle to anchor the walk; on a single line the
    answer is plain geometry anyway.
    """
    xs = {round(p.x, 9) for p in (problem.start, problem.end, *problem.points)}
    if len(xs) != 1:
        return None
    s = problem.start.y
    ys = [p.y for p in problem.points]
    below = sorted((i for i, y in enumerate(ys) if y < s), key=lambda i: -ys[i])
    above = sorted((i for i, y in enumerate(ys) if y >= s), key=lambda i: ys[i])
    candidates = [
        below + above,
        above + below,
    ]
    return min(candidates, key=problem.distance_of)
