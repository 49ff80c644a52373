"""The batching entry points: ``batch_orders`` and the benchmark's baselines."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from app.domain.batching.context import Context, by_cutoff, finish, split_oversize
from app.domain.batching.model import Batch, BatchOrder, CartSpec
from app.domain.batching.search import improve, seed_greedy
from app.domain.layout import Layout


def arrival_batches(
    layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, *, split_picks: bool = False
) -> list[Batch]:
    """Baseline: fill carts in arrival order; an order that does not fit the remaining totes opens a new cart."""
    context = Context.build(layout, orders, cart, split_picks)
    groups: list[list[int]] = []
    for members in by_cutoff(context.pieces):
        alone, rest = split_oversize(context, members)
        groups.extend(alone)
        current: list[int] = []
        for i in rest:
            if current and context.load(current) + context.totes[i] > cart.totes:
                groups.append(current)
                current = []
            current.append(i)
        if current:
            groups.append(current)
    return finish(context, groups)


def single_order_batches(
    layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, *, split_picks: bool = False
) -> list[Batch]:
    """Baseline: one order per cart trip (discrete order picking); an order bigger than the cart is still split.

    The benchmark's reference point; a cart of one tote is not the same thing, since it now splits every order
    that fills two totes into two trips.
    """
    context = Context.build(layout, orders, cart, split_picks)
    return finish(context, [[i] for members in by_cutoff(context.pieces) for i in members])


def seed_greedy_batches(
    layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, *, split_picks: bool = False
) -> list[Batch]:
    """Baseline: seed-and-greedy construction without improvement."""
    context = Context.build(layout, orders, cart, split_picks)
    groups: list[list[int]] = []
    for members in by_cutoff(context.pieces):
        alone, rest = split_oversize(context, members)
        groups.extend(alone)
        groups.extend(seed_greedy(context, rest))
    return finish(context, groups)


def batch_orders(
    layout: Layout,
    orders: Sequence[BatchOrder],
    cart: CartSpec,
    *,
    budget_s: float | None = None,
    seed: int = 0,
    split_picks: bool = False,
) -> list[Batch]:
    """Group orders into cart batches with a short walk per order (seed-and-greedy, then local search).

    ``budget_s`` bounds the improvement phase (default: 0.5 s plus 20 ms per order); the result is
    deterministic when the budget is not what stops the search. Every batch has at most ``cart.totes`` totes;
    an order too big for one cart comes back as several batches (``part`` of ``parts``). ``split_picks``
    allows cutting a pick larger than a tote by units over several totes (the caller must be able to split
    its reservation); otherwise such a pick gets a tote of its own, listed in ``overfull_totes``.
    """
    context = Context.build(layout, orders, cart, split_picks)
    if budget_s is None:
        budget_s = 0.5 + 0.02 * len(orders)
    deadline = time.perf_counter() + budget_s
    groups: list[list[int]] = []
    for members in by_cutoff(context.pieces):
        alone, rest = split_oversize(context, members)
        groups.extend(alone)
        carts = seed_greedy(context, rest)
        groups.extend(improve(context, carts, deadline, random.Random(seed)))
    return finish(context, groups)
