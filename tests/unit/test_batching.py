"""Cart batching: capacity, cut-offs, tote assignment, and quality against exhaustive search on small cases."""

from __future__ import annotations

import itertools
import random
import tomllib
from pathlib import Path

import pytest

from app.domain.batching import (
    Batch,
    BatchOrder,
    CartSpec,
    arrival_batches,
    batch_orders,
    seed_greedy_batches,
    totes_needed,
)
from app.domain.layout import Layout, LocationCode
from app.domain.routing import shortest_route

ROOT = Path(__file__).resolve().parents[2]
CART = CartSpec(totes=4, tote_volume_cm3=40_000, tote_weight_kg=15)


def demo_layout() -> Layout:
    with (ROOT / "assets/layouts/demo.toml").open("rb") as fh:
        return Layout.from_mapping(tomllib.load(fh), source="demo.toml")


def random_orders(rng: random.Random, layout: Layout, count: int, *, cutoffs: int = 1) -> list[BatchOrder]:
    orders = []
    for k in range(count):
        codes = tuple(
            str(LocationCode(rng.randint(1, layout.aisles), rng.randint(1, layout.bays), "L", 1))
            for _ in range(rng.randint(1, 5))
        )
        orders.append(
            BatchOrder(f"O{k}", codes, rng.uniform(1000, 30_000), rng.uniform(0.5, 8), f"c{rng.randrange(cutoffs)}")
        )
    return orders


def check_batches(batches: list[Batch], orders: list[BatchOrder], cart: CartSpec) -> None:
    by_id = {o.order_id: o for o in orders}
    assert sorted(o for b in batches for o in b.order_ids) == sorted(by_id)
    for batch in batches:
        assert len({by_id[o].cutoff_key for o in batch.order_ids}) == 1
        assert batch.cutoff_key == by_id[batch.order_ids[0]].cutoff_key
        assert [t.tote for t in batch.totes] == list(range(1, len(batch.totes) + 1))
        for order_id in batch.order_ids:
            assert sum(t.order_id == order_id for t in batch.totes) == totes_needed(by_id[order_id], cart)
        if not batch.oversize:
            assert len(batch.totes) <= cart.totes
        codes = {c.strip() for o in batch.order_ids for c in by_id[o].locations}
        assert set(batch.route.sequence) == codes and len(batch.route.sequence) == len(codes)


def total(batches: list[Batch]) -> float:
    return sum(b.distance for b in batches)


def exhaustive_best(layout: Layout, orders: list[BatchOrder], cart: CartSpec) -> float:
    """Shortest total walk over every partition of the orders into carts that respect the tote limit."""
    best = float("inf")
    n = len(orders)
    need = [totes_needed(o, cart) for o in orders]
    lengths: dict[tuple[int, ...], float] = {}

    def length(group: tuple[int, ...]) -> float:
        if group not in lengths:
            lengths[group] = shortest_route(layout, [c for i in group for c in orders[i].locations]).distance
        return lengths[group]

    def partitions(items: list[int]):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for size in range(len(rest) + 1):
            for others in itertools.combinations(rest, size):
                group = (first, *others)
                if sum(need[i] for i in group) > cart.totes:
                    continue
                remaining = [i for i in rest if i not in others]
                for tail in partitions(remaining):
                    yield [group, *tail]

    for partition in partitions(list(range(n))):
        best = min(best, sum(length(g) for g in partition))
    return best


def test_totes_needed_by_volume_and_weight() -> None:
    assert totes_needed(BatchOrder("a", ("A01-01-L-1",), 0, 0), CART) == 1
    assert totes_needed(BatchOrder("a", ("A01-01-L-1",), 40_000, 15), CART) == 1
    assert totes_needed(BatchOrder("a", ("A01-01-L-1",), 40_001, 1), CART) == 2
    assert totes_needed(BatchOrder("a", ("A01-01-L-1",), 1_000, 31), CART) == 3


def test_batches_respect_capacity_cutoffs_and_list_every_order_once() -> None:
    layout = demo_layout()
    orders = random_orders(random.Random(1), layout, 40, cutoffs=3)
    for method in (arrival_batches, seed_greedy_batches, batch_orders):
        check_batches(method(layout, orders, CART), orders, CART)


def test_an_order_too_big_for_a_cart_rides_alone_and_is_flagged() -> None:
    layout = demo_layout()
    orders = [
        BatchOrder("small", ("A02-03-L-1",), 1000, 1),
        BatchOrder("huge", ("A02-04-L-1", "A05-10-R-2"), 200_000, 10),
        BatchOrder("two-totes", ("A02-05-L-1",), 50_000, 1),
    ]
    batches = batch_orders(layout, orders, CART)
    check_batches(batches, orders, CART)
    huge = next(b for b in batches if "huge" in b.order_ids)
    assert huge.order_ids == ("huge",) and huge.oversize and len(huge.totes) == 5
    together = next(b for b in batches if "small" in b.order_ids)
    assert set(together.order_ids) == {"small", "two-totes"} and len(together.totes) == 3


def test_against_exhaustive_search_on_small_cases() -> None:
    layout = demo_layout()
    cart = CartSpec(totes=3, tote_volume_cm3=40_000, tote_weight_kg=15)
    rng = random.Random(4)
    hits = 0
    cases = 12
    for _ in range(cases):
        orders = random_orders(rng, layout, 7)
        optimum = exhaustive_best(layout, orders, cart)
        ours = total(batch_orders(layout, orders, cart, budget_s=30))
        greedy = total(seed_greedy_batches(layout, orders, cart))
        assert ours >= optimum - 1e-6
        assert ours <= greedy + 1e-6
        assert ours <= optimum * 1.10
        hits += ours <= optimum + 1e-6
    assert hits >= cases * 0.6


def test_ours_walks_less_than_arrival_order_on_a_wave() -> None:
    layout = demo_layout()
    orders = random_orders(random.Random(9), layout, 60)
    cart = CartSpec(totes=8, tote_volume_cm3=40_000, tote_weight_kg=15)
    ours = batch_orders(layout, orders, cart, budget_s=30)
    check_batches(ours, orders, cart)
    assert total(ours) < total(arrival_batches(layout, orders, cart))
    assert total(ours) <= total(seed_greedy_batches(layout, orders, cart)) + 1e-6


def test_deterministic_for_a_seed() -> None:
    layout = demo_layout()
    orders = random_orders(random.Random(2), layout, 30)
    first = batch_orders(layout, orders, CART, budget_s=30, seed=3)
    second = batch_orders(layout, orders, CART, budget_s=30, seed=3)
    assert [b.order_ids for b in first] == [b.order_ids for b in second]


def test_cart_spec_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        CartSpec(0, 1, 1)
