"""Cart batching: capacity, cut-offs, tote assignment, and quality against exhaustive search on small cases."""

from __future__ import annotations

import itertools
import math
import random
import tomllib
from pathlib import Path

import pytest

from app.domain.batching import (
    Batch,
    BatchOrder,
    CartSpec,
    PickUnit,
    arrival_batches,
    batch_orders,
    seed_greedy_batches,
    single_order_batches,
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
    """Every order planned, cut-offs kept apart, never more totes on a cart than it has, routes cover the codes.

    An order that fits a cart rides whole in one batch with ``totes_needed`` totes (orders without picks); an
    order split over several carts appears once per part, alone.
    """
    by_id = {o.order_id: o for o in orders}
    seen: dict[str, list[Batch]] = {}
    for batch in batches:
        for order_id in batch.order_ids:
            seen.setdefault(order_id, []).append(batch)
    assert sorted(seen) == sorted(by_id)
    for batch in batches:
        assert len({by_id[o].cutoff_key for o in batch.order_ids}) == 1
        assert batch.cutoff_key == by_id[batch.order_ids[0]].cutoff_key
        assert [t.tote for t in batch.totes] == list(range(1, len(batch.totes) + 1))
        assert len(batch.totes) <= cart.totes
        assert len(set(batch.order_ids)) == len(batch.order_ids)
        if batch.oversize:
            assert len(batch.order_ids) == 1 and 1 <= batch.part <= batch.parts and batch.parts > 1
            continue
        assert (batch.part, batch.parts) == (1, 1)
        for order_id in batch.order_ids:
            assert len(seen[order_id]) == 1
            if not by_id[order_id].picks:
                assert sum(t.order_id == order_id for t in batch.totes) == totes_needed(by_id[order_id], cart)
        codes = {c.strip() for o in batch.order_ids for c in by_id[o].locations}
        assert set(batch.route.sequence) == codes and len(batch.route.sequence) == len(codes)
    for rides in seen.values():
        if len(rides) > 1:
            assert sorted(b.part for b in rides) == list(range(1, len(rides) + 1))
            assert all(b.oversize and b.parts == len(rides) for b in rides)


def check_units(batches: list[Batch], orders: list[BatchOrder], cart: CartSpec) -> None:
    """Orders given with picks: every unit of every pick is in exactly one tote of its own order, each tote
    within the limits unless flagged overfull, and each route visits exactly the locations its totes draw from."""
    planned: dict[tuple[str, str], int] = {}
    for batch in batches:
        codes = set()
        for tote in batch.totes:
            by_key = {p.key: p for o in orders if o.order_id == tote.order_id for p in o.picks}
            volume = weight = 0.0
            for part in tote.picks:
                pick = by_key[part.key]
                assert part.location == pick.location and part.qty > 0
                planned[(tote.order_id, part.key)] = planned.get((tote.order_id, part.key), 0) + part.qty
                volume += pick.volume_cm3 * part.qty
                weight += pick.weight_kg * part.qty
                codes.add(part.location)
            if tote.tote not in batch.overfull_totes:
                assert volume <= cart.tote_volume_cm3 + 1e-6 and weight <= cart.tote_weight_kg + 1e-6
        assert set(batch.route.sequence) == codes
    expected = {(o.order_id, p.key): p.qty for o in orders for p in o.picks}
    assert planned == expected


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


def test_an_order_too_big_for_a_cart_is_split_into_cart_loads() -> None:
    layout = demo_layout()
    orders = [
        BatchOrder("small", ("A02-03-L-1",), 1000, 1),
        BatchOrder("huge", ("A02-04-L-1", "A05-10-R-2"), 200_000, 10),
        BatchOrder("two-totes", ("A02-05-L-1",), 50_000, 1),
    ]
    for method in (arrival_batches, seed_greedy_batches, batch_orders):
        batches = method(layout, orders, CART)
        check_batches(batches, orders, CART)
        parts = [b for b in batches if "huge" in b.order_ids]
        assert len(parts) == 2 and all(b.order_ids == ("huge",) and b.oversize for b in parts)
        assert sum(len(b.totes) for b in parts) >= totes_needed(orders[1], CART) == 5
        assert {c for b in parts for c in b.route.sequence} == {"A02-04-L-1", "A05-10-R-2"}
        together = next(b for b in batches if "small" in b.order_ids)
        assert set(together.order_ids) == {"small", "two-totes"} and len(together.totes) == 3


def big_order(rng: random.Random, layout: Layout, lines: int, order_id: str = "BIG") -> BatchOrder:
    """An order of ``lines`` picks spread over the whole layout, each small enough for one tote."""
    picks = [
        PickUnit(
            f"a{k}",
            str(
                LocationCode(
                    rng.randint(1, layout.aisles),
                    rng.randint(1, layout.bays),
                    rng.choice(layout.sides),
                    rng.randint(1, layout.levels),
                )
            ),
            rng.uniform(100, 4000),
            rng.uniform(0.05, 1.5),
            rng.randint(1, 4),
        )
        for k in range(lines)
    ]
    return BatchOrder.of_picks(order_id, picks, "c0")


def small_orders_with_picks(rng: random.Random, layout: Layout, count: int) -> list[BatchOrder]:
    return [
        BatchOrder.of_picks(
            f"S{k}",
            [
                PickUnit(f"s{k}-{j}", str(LocationCode(rng.randint(1, 4), rng.randint(1, 10), "L", 1)), 2000, 0.5, 1)
                for j in range(rng.randint(1, 3))
            ],
            "c0",
        )
        for k in range(count)
    ]


def test_a_ten_thousand_line_order_is_split_into_carts_of_at_most_cart_totes() -> None:
    layout = demo_layout()
    cart = CartSpec(totes=8, tote_volume_cm3=40_000, tote_weight_kg=15)
    rng = random.Random(10)
    big = big_order(rng, layout, 10_000)
    small = small_orders_with_picks(rng, layout, 6)
    orders = [big, *small]
    batches = batch_orders(layout, orders, cart, budget_s=5)
    check_batches(batches, orders, cart)
    check_units(batches, orders, cart)
    parts = [b for b in batches if b.order_ids == ("BIG",)]
    assert len(parts) >= math.ceil(totes_needed(big, cart) / cart.totes) > 1
    assert all(len(b.totes) <= 8 and not b.overfull_totes for b in parts)
    # cart loads are cut along the walk, so they are mostly full: few more carts than the volume needs
    assert sum(len(b.totes) for b in parts) <= totes_needed(big, cart) * 1.25
    # the small orders still share carts as before (6 orders of one tote each fit one cart of 8)
    assert sum(1 for b in batches if b.order_ids != ("BIG",)) == 1


def test_small_orders_with_picks_still_batch_together_and_totes_list_their_picks() -> None:
    layout = demo_layout()
    cart = CartSpec(totes=8, tote_volume_cm3=40_000, tote_weight_kg=15)
    orders = small_orders_with_picks(random.Random(3), layout, 8)
    for method in (arrival_batches, seed_greedy_batches, batch_orders):
        batches = method(layout, orders, cart)
        check_batches(batches, orders, cart)
        check_units(batches, orders, cart)
        assert len(batches) == 1 and len(batches[0].order_ids) == 8 and len(batches[0].totes) == 8
        assert {part.key for _, part in batches[0].picks_of("S0")} == {p.key for p in orders[0].picks}


def test_an_order_of_several_totes_packs_its_picks_into_them() -> None:
    layout = demo_layout()
    picks = [PickUnit(f"p{k}", f"A01-{k + 1:02d}-L-1", 15_000, 1.0, 1) for k in range(5)]
    order = BatchOrder.of_picks("multi", picks)
    (batch,) = batch_orders(layout, [order], CART)
    assert len(batch.totes) == 3 and not batch.oversize and not batch.overfull_totes
    assert [len(t.picks) for t in batch.totes] == [2, 2, 1]
    check_units([batch], [order], CART)


def test_a_pick_larger_than_a_tote_stays_whole_unless_splitting_is_allowed() -> None:
    layout = demo_layout()
    pallet = BatchOrder.of_picks("bulk", [PickUnit("a1", "A03-05-L-1", 1000, 0.1, 500), PickUnit("a2", "A03-06-L-1")])
    whole = batch_orders(layout, [pallet], CART)
    assert len(whole) == 1 and len(whole[0].totes) == 2
    (overfull,) = whole[0].overfull_totes
    assert [p.qty for p in whole[0].totes[overfull - 1].picks] == [500]
    check_units(whole, [pallet], CART)

    split = batch_orders(layout, [pallet], CART, split_picks=True)
    check_batches(split, [pallet], CART)
    check_units(split, [pallet], CART)
    assert not any(b.overfull_totes for b in split)
    assert sum(len(b.totes) for b in split) == 13 and [b.part for b in split] == [1, 2, 3, 4]


def test_units_bigger_than_a_tote_each_get_a_flagged_tote() -> None:
    layout = demo_layout()
    order = BatchOrder.of_picks("sofa", [PickUnit("a1", "A04-02-R-1", 90_000, 30, 3)])
    batches = batch_orders(layout, [order], CART, split_picks=True)
    check_units(batches, [order], CART)
    assert [len(b.totes) for b in batches] == [3] and batches[0].overfull_totes == (1, 2, 3)


def test_pick_validation() -> None:
    with pytest.raises(ValueError):
        PickUnit("a", "A01-01-L-1", 1, 1, 0)


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


def test_single_order_baseline_rides_each_order_alone() -> None:
    layout = demo_layout()
    orders = random_orders(random.Random(5), layout, 12, cutoffs=2)
    batches = single_order_batches(layout, orders, CART)
    check_batches(batches, orders, CART)
    assert all(len(b.order_ids) == 1 for b in batches) and len(batches) == len(orders)


def test_cart_spec_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        CartSpec(0, 1, 1)
