"""Batching: walking distance per order for single-order picking, arrival-order carts and ours.

Demo layout, random released orders of 1-5 lines (uniform pick faces; line volumes and weights drawn so that
most orders fill one tote and a few need two), one carrier cut-off unless ``--cutoffs`` says otherwise.
Every cart is walked on its exact shortest route (the routing DP), so the table compares groupings only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from app.domain.batching import (
    Batch,
    BatchOrder,
    CartSpec,
    arrival_batches,
    batch_orders,
    seed_greedy_batches,
    single_order_batches,
)
from app.domain.layout import Layout, LocationCode

DEMO_LAYOUT = Path(__file__).resolve().parents[2] / "assets/layouts/demo.toml"
TOTE_VOLUME_CM3 = 40_000.0
TOTE_WEIGHT_KG = 15.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--orders", type=int, default=240, help="released orders per wave (default 240)")
    parser.add_argument("--waves", type=int, default=3, help="independent waves averaged (default 3)")
    parser.add_argument("--cutoffs", type=int, default=1, help="carrier cut-offs the orders spread over")
    parser.add_argument("--layout", type=Path, default=DEMO_LAYOUT, help="layout file (default: demo)")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds of improvement per wave (default: [picking] batching_budget_seconds from the config)",
    )
    parser.add_argument("--quick", action="store_true", help="one wave of 120 orders")


def random_orders(rng: random.Random, layout: Layout, count: int, cutoffs: int) -> list[BatchOrder]:
    orders = []
    for k in range(count):
        lines = rng.randint(1, 5)
        codes = tuple(
            str(
                LocationCode(
                    rng.randint(1, layout.aisles),
                    rng.randint(1, layout.bays),
                    rng.choice(layout.sides),
                    rng.randint(1, layout.levels),
                )
            )
            for _ in range(lines)
        )
        volume = sum(rng.uniform(300, 12_000) for _ in range(lines))
        weight = sum(rng.uniform(0.1, 3.0) for _ in range(lines))
        orders.append(BatchOrder(f"SO{k:05d}", codes, volume, weight, cutoff_key=f"cutoff-{rng.randrange(cutoffs)}"))
    return orders


def _per_order(batches: Sequence[Batch], orders: int) -> float:
    return sum(b.distance for b in batches) / orders


def run(args: argparse.Namespace) -> int:
    if args.quick:
        args.waves, args.orders = 1, min(args.orders, 120)
    if args.budget is None:
        context = getattr(args, "context", None)
        args.budget = context.config.picking.batching_budget_seconds if context is not None else 2.0
    with args.layout.open("rb") as fh:
        layout = Layout.from_mapping(tomllib.load(fh), source=str(args.layout))
    carts = {n: CartSpec(n, TOTE_VOLUME_CM3, TOTE_WEIGHT_KG) for n in (1, 4, 8)}
    methods: list[tuple[str, int, Callable[[list[BatchOrder], CartSpec], list[Batch]]]] = [
        ("single-order picking", 8, lambda o, c: single_order_batches(layout, o, c)),
        ("carts of 4, arrival order", 4, lambda o, c: arrival_batches(layout, o, c)),
        ("carts of 8, arrival order", 8, lambda o, c: arrival_batches(layout, o, c)),
        ("carts of 8, seed-and-greedy only", 8, lambda o, c: seed_greedy_batches(layout, o, c)),
        ("carts of 4, ours", 4, lambda o, c: batch_orders(layout, o, c, budget_s=args.budget, seed=args.seed)),
        ("carts of 8, ours", 8, lambda o, c: batch_orders(layout, o, c, budget_s=args.budget, seed=args.seed)),
    ]
    rng = random.Random(args.seed)
    results: dict[str, list[float]] = {name: [] for name, _, _ in methods}
    carts_used: dict[str, list[int]] = {name: [] for name, _, _ in methods}
    seconds: dict[str, list[float]] = {name: [] for name, _, _ in methods}
    for _ in range(args.waves):
        orders = random_orders(rng, layout, args.orders, args.cutoffs)
        for name, totes, method in methods:
            started = time.perf_counter()
            batches = method(orders, carts[totes])
            seconds[name].append(time.perf_counter() - started)
            assert sorted(o for b in batches for o in b.order_ids) == sorted(o.order_id for o in orders)
            results[name].append(_per_order(batches, len(orders)))
            carts_used[name].append(len(batches))
    single = statistics.mean(results["single-order picking"])
    arrival8 = statistics.mean(results["carts of 8, arrival order"])
    print("## Batching benchmark\n")
    print(
        f"Layout {layout.name!r}; seed {args.seed}; {args.waves} wave(s) of {args.orders} orders with 1-5 lines, "
        f"{args.cutoffs} cut-off(s); totes {TOTE_VOLUME_CM3 / 1000:.0f} L / {TOTE_WEIGHT_KG:g} kg; every cart on its "
        f"exact shortest route; ours searches for the app's configured budget ({args.budget:g} s per wave, "
        "`[picking] batching_budget_seconds`). Included: grouping and routing in memory. Left out: the database, "
        "stock allocation, carts' set-up.\n"
    )
    print("| method | carts per wave | m per order | vs single-order | vs 8-tote arrival order | s per wave |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, _, _ in methods:
        per_order = statistics.mean(results[name])
        print(
            f"| {name} | {statistics.mean(carts_used[name]):.1f} | {per_order:.1f} "
            f"| {(per_order / single - 1) * 100:+.1f} % | {(per_order / arrival8 - 1) * 100:+.1f} % "
            f"| {statistics.mean(seconds[name]):.2f} |"
        )
    ours = statistics.mean(results["carts of 8, ours"])
    print()
    print(
        f"Targets (8-tote carts): at least 76 % less than single-order picking: {(1 - ours / single) * 100:.1f} % "
        f"less; at least 25 % less than arrival order: {(1 - ours / arrival8) * 100:.1f} % less."
    )
    return 0
