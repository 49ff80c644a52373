"""Offline generator of the reference tours for ``pickpack bench routing`` and the routing tests (never in CI).

Why: above the exact range (more than 3 blocks) the benchmark needs a best known tour that does not come from
pickpack's own solver. This script builds random multi-block layouts and orders with a fixed seed, solves each
with LKH-3 (through the ``elkai`` package, several runs) and, when ``--ortools-seconds-per-pick`` is given, also
with OR-Tools' guided local search, and keeps the shorter. Both are independent of pickpack's routing code apart
from the distance formula of the conventions. It writes layouts, orders, the reference visiting order and its
length as JSON.

Neither solver is a project dependency (LKH's licence allows academic and non-commercial use only, fine for
computing a fixture once): ``pip install elkai ortools`` into a scratch environment, then
``python scripts/routing_reference.py --out assets/bench/routing_reference.json`` and
``--small --out tests/fixtures/routing/small_multiblock.json`` for the tests. OR-Tools' guided local search
alone was 0.5-2.7 % longer than LKH on these layouts, so it is no longer the default.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import elkai

from app.bench.routing import random_layout, random_order
from app.domain.layout import Layout
from app.domain.routing import build_problem
from app.domain.routing.problem import Problem

SCALE = 1000  # both solvers want integer arc costs: millimetres
FORCE = 20_000_000
"""Added to every edge at the start or the end except the one joining them: an open walk becomes a tour that
must use that edge (every tour pays 2 * FORCE with it, 4 * FORCE without)."""


def layout_json(layout: Layout) -> dict:
    drop = None if layout.drop is None else {"x": layout.drop.x, "y": layout.drop.y}
    return {
        "name": layout.name,
        "aisles": layout.aisles,
        "blocks": layout.blocks,
        "bays_per_block": layout.bays_per_block,
        "bay_width": layout.bay_width,
        "aisle_spacing": layout.aisle_spacing,
        "cross_aisle_width": layout.cross_aisle_width,
        "levels": layout.levels,
        "sides": list(layout.sides),
        "depot": {"x": layout.depot.x, "y": layout.depot.y},
        "drop": drop,
    }


def _costs(problem: Problem) -> list[list[int]]:
    stops = [problem.start, problem.end, *problem.points]
    return [[round(problem.layout.distance(a, b) * SCALE) for b in stops] for a in stops]


def solve_lkh(problem: Problem, runs: int) -> list[int]:
    """LKH-3 on the walk as a tour; node 0 = start, 1 = end, i + 2 = point i (end merged into start if closed)."""
    cost = _costs(problem)
    n = len(cost)
    if problem.closed:
        nodes = [0, *range(2, n)]
        matrix = [[cost[i][j] for j in nodes] for i in nodes]
    else:
        nodes = list(range(n))
        matrix = [
            [c + (FORCE if i != j and (i < 2 or j < 2) and {i, j} != {0, 1} else 0) for j, c in enumerate(row)]
            for i, row in enumerate(cost)
        ]
        matrix[0][1] = matrix[1][0] = 0
    if len(matrix) < 4:
        return list(range(len(problem.points)))
    tour = [nodes[t] for t in elkai.DistanceMatrix(matrix).solve_tsp(runs=runs)[:-1]]
    k = tour.index(0)
    tour = tour[k:] + tour[:k]
    if not problem.closed and tour[1] == 1:
        tour = [0, *reversed(tour[1:])]
    return [t - 2 for t in tour if t >= 2]


def solve_ortools(problem: Problem, seconds: float) -> list[int]:
    """Guided local search on the walking-distance matrix; node 0 = start, 1 = end, i + 2 = point i."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    cost = _costs(problem)
    n = len(cost)
    manager = pywrapcp.RoutingIndexManager(n, 1, [0], [1])
    routing = pywrapcp.RoutingModel(manager)

    def arc(i: int, j: int) -> int:
        return cost[manager.IndexToNode(i)][manager.IndexToNode(j)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(arc))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    order: list[int] = []
    index = routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node >= 2:
            order.append(node - 2)
        index = solution.Value(routing.NextVar(index))
    return order


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--blocks", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7, 8])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 60, 100, 200])
    parser.add_argument("--orders", type=int, default=8, help="orders per block count and size")
    parser.add_argument("--runs", type=int, default=5, help="LKH runs per order (default 5)")
    parser.add_argument("--ortools-seconds-per-pick", type=float, default=0.0, help="also run OR-Tools GLS")
    parser.add_argument("--small", action="store_true", help="the tests' set: 4-5 blocks, 12-25 locations")
    args = parser.parse_args()
    if args.small:
        args.blocks, args.sizes, args.orders = [4, 5], [12, 25], 3
    rng = random.Random(args.seed)
    cases = []
    for blocks in args.blocks:
        layouts = [random_layout(rng, blocks, i) for i in range(max(2, args.orders // 2))]
        for size in args.sizes:
            for k in range(args.orders):
                layout = layouts[k % len(layouts)]
                codes = random_order(rng, layout, size)
                problem = build_problem(layout, codes)
                started = time.perf_counter()
                found = {"lkh": solve_lkh(problem, args.runs)}
                if args.ortools_seconds_per_pick > 0:
                    seconds = max(2.0, args.ortools_seconds_per_pick * size)
                    found["ortools"] = solve_ortools(problem, seconds)
                lengths = {}
                for name, order in found.items():
                    assert sorted(order) == list(range(len(problem.points))), name
                    lengths[name] = round(problem.distance_of(order), 6)
                solver = min(lengths, key=lengths.get)
                order, distance = found[solver], lengths[solver]
                cases.append(
                    {
                        "layout": layout_json(layout),
                        "locations": codes,
                        "reference": {
                            "sequence": list(problem.sequence_for(order)),
                            "distance": distance,
                            "solver": solver,
                            "by_solver": lengths,
                        },
                    }
                )
                took = time.perf_counter() - started
                print(f"{blocks} blocks {size} picks: {lengths} in {took:.1f} s", file=sys.stderr, flush=True)
    document = {
        "about": "Reference walks from LKH-3 (elkai) and optionally OR-Tools guided local search, the shorter "
        "kept (scripts/routing_reference.py), computed offline; distances in metres by the conventions' formula.",
        "seed": args.seed,
        "lkh_runs": args.runs,
        "ortools_seconds_per_pick": args.ortools_seconds_per_pick,
        "cases": cases,
    }
    head = json.dumps({k: v for k, v in document.items() if k != "cases"}, indent=1)[:-2]
    lines = ",\n".join("  " + json.dumps(case, separators=(",", ":")) for case in cases)
    args.out.write_text(f'{head},\n "cases": [\n{lines}\n ]\n}}\n')  # one case per line: readable diffs
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
