"""Routing quality and speed: S-shape, largest gap, code order and ours against the best known walk.

Random layouts of 1-3 blocks (varied aisles, bays, widths, spacing, depots between aisles and drop points) and
random orders with a fixed seed. The reference per order is exhaustive search (Held-Karp) when it has at most
``--exhaustive-max`` distinct stops, else the better of ours and an independent iterated local search run with
``--verify-budget`` seconds: the count of orders where that search beat ours is reported (an exact DP must
show 0). Times are wall-clock per route in this process, after one warm-up route per block count (the first
route of a block count also builds the DP's transition tables; that one-off cost is reported separately).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass, field

from app.domain.layout import Layout, LocationCode, Point
from app.domain.routing import _local_search_order as local_search_order
from app.domain.routing import build_problem, exhaustive, heuristics, optimal_order
from app.domain.stats import percentile

DEFAULT_SIZES = (5, 10, 20, 30, 45, 60)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument("--orders", type=int, default=60, help="orders per block count and size (default 60)")
    parser.add_argument("--layouts", type=int, default=8, help="random layouts per block count (default 8)")
    parser.add_argument("--blocks", type=int, nargs="+", default=[1, 2, 3], help="block counts (default 1 2 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="locations per order")
    parser.add_argument("--exhaustive-max", type=int, default=10, help="exhaustive reference up to this many stops")
    parser.add_argument("--verify-budget", type=float, default=0.15, help="seconds of local search per check")
    parser.add_argument("--quick", action="store_true", help="fewer orders (15) and no local-search check")


def random_layout(rng: random.Random, blocks: int, index: int) -> Layout:
    """A layout the code has never seen; a quarter end at a drop point, some depots sit between aisles."""
    aisles = rng.randint(4, 20)
    spacing = round(rng.uniform(2.4, 4.5), 2)
    width = (aisles - 1) * spacing
    depot_x = rng.choice([0.0, 0.0, round(rng.uniform(0, width), 2), round(width / 2, 2)])
    drop = Point(round(rng.uniform(0, width), 2), 0.0) if rng.random() < 0.25 else None
    return Layout(
        name=f"bench-{blocks}b-{index}",
        aisles=aisles,
        blocks=blocks,
        bays_per_block=rng.randint(5, 25),
        bay_width=round(rng.uniform(0.8, 1.5), 2),
        aisle_spacing=spacing,
        cross_aisle_width=round(rng.uniform(1.5, 4.0), 2),
        levels=4,
        sides=("L", "R"),
        depot=Point(depot_x, 0.0),
        drop=drop,
    )


def random_order(rng: random.Random, layout: Layout, size: int) -> list[str]:
    return [
        str(
            LocationCode(
                rng.randint(1, layout.aisles),
                rng.randint(1, layout.bays),
                rng.choice(layout.sides),
                rng.randint(1, layout.levels),
            )
        )
        for _ in range(size)
    ]


@dataclass
class _Cell:
    optimal: list[float] = field(default_factory=list)
    gaps: dict[str, list[float]] = field(default_factory=dict)
    times_ms: list[float] = field(default_factory=list)
    exhaustive: int = 0
    beaten: int = 0

    def add_gap(self, name: str, value: float) -> None:
        self.gaps.setdefault(name, []).append(value)


def _measure(problem, cell: _Cell, args: argparse.Namespace, seed: int) -> None:
    started = time.perf_counter()
    ours_order = optimal_order(problem)
    cell.times_ms.append((time.perf_counter() - started) * 1000)
    ours = problem.distance_of(ours_order)
    if len(problem.points) <= args.exhaustive_max:
        reference = problem.distance_of(exhaustive.solve(problem))
        cell.exhaustive += 1
    elif args.verify_budget > 0:
        check = problem.distance_of(local_search_order(problem, budget_s=args.verify_budget))
        if check < ours - 1e-6:
            cell.beaten += 1
        reference = min(ours, check)
    else:
        reference = ours
    cell.optimal.append(reference)
    for name, order in (
        ("s_shape", heuristics.s_shape_order(problem)),
        ("largest_gap", heuristics.largest_gap_order(problem)),
        ("code_order", heuristics.code_order(problem)),
        ("ours", ours_order),
    ):
        length = ours if name == "ours" else problem.distance_of(order)
        cell.add_gap(name, (length / reference - 1) * 100 if reference > 0 else 0.0)
    del seed


def _pct(values: list[float]) -> str:
    return f"{statistics.mean(values):.2f} / {max(values):.2f}"


def run(args: argparse.Namespace) -> int:
    if args.quick:
        args.orders = min(args.orders, 15)
        args.verify_budget = 0.0
    rng = random.Random(args.seed)
    cells: dict[tuple[int, int], _Cell] = {}
    warmup_ms: dict[int, float] = {}
    started_all = time.perf_counter()
    for blocks in args.blocks:
        layouts = [random_layout(rng, blocks, i) for i in range(args.layouts)]
        warm = build_problem(layouts[0], random_order(rng, layouts[0], 60))
        started = time.perf_counter()
        optimal_order(warm)
        warmup_ms[blocks] = (time.perf_counter() - started) * 1000
        for size in args.sizes:
            cell = cells.setdefault((blocks, size), _Cell())
            for k in range(args.orders):
                layout = layouts[k % len(layouts)]
                problem = build_problem(layout, random_order(rng, layout, size))
                _measure(problem, cell, args, seed=k)
    print("## Routing benchmark\n")
    print(
        f"seed {args.seed}; {args.orders} random orders per row over {args.layouts} random layouts per block count "
        f"(aisles 4-20, 5-25 bays per block, some depots between aisles, ~1/4 ending at a drop point). "
        f"Gaps in % above the best known walk as mean / max; reference: exhaustive search up to "
        f"{args.exhaustive_max} stops, else ours checked by {args.verify_budget:g} s of independent local search."
        "\n"
    )
    print(
        "| blocks | locations | mean best (m) | S-shape | largest gap | code order | ours "
        "| ours ms mean / p95 / max | exhaustive refs | LS beat ours |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (blocks, size), cell in sorted(cells.items()):
        times = cell.times_ms
        print(
            f"| {blocks} | {size} | {statistics.mean(cell.optimal):.1f} | {_pct(cell.gaps['s_shape'])} "
            f"| {_pct(cell.gaps['largest_gap'])} | {_pct(cell.gaps['code_order'])} | {_pct(cell.gaps['ours'])} "
            f"| {statistics.mean(times):.1f} / {percentile(times, 95):.1f} / {max(times):.1f} | {cell.exhaustive} "
            f"| {cell.beaten} |"
        )
    all_ours = [g for cell in cells.values() for g in cell.gaps["ours"]]
    biggest = max(args.sizes)
    big_times = [t for (_, size), cell in cells.items() if size == biggest for t in cell.times_ms]
    print()
    print(
        f"All rows: ours {statistics.mean(all_ours):.3f} % mean, {max(all_ours):.3f} % max above best known; "
        f"{biggest} locations: p95 {percentile(big_times, 95):.1f} ms, max {max(big_times):.1f} ms per route. "
        "First route per block count (builds DP tables): "
        + ", ".join(f"{b} block(s) {ms:.0f} ms" for b, ms in warmup_ms.items())
        + f". Total bench time {time.perf_counter() - started_all:.0f} s."
    )
    return 0
