"""Cart batching: group released orders into carts of N totes so that the walk per order is short.

Why this shape: a picker walking one cart route for several orders shares the long legs (to the back of the
warehouse, along the cross aisles) between them, so the only real decision is *which* orders ride together.
Orders never mix across carrier cut-offs (``cutoff_key``): a cart is finished for one truck. An order stays in
one tote, or takes several totes when its volume or weight does not fit one (``totes_needed``); an order that
does not fit a whole cart gets a cart of its own and is flagged ``oversize`` so the caller can split or pallet it.

The method (``batch_orders``) is seed-and-greedy construction followed by local search, both measured with the
exact routing DP (``app.domain.routing``), which is fast enough for cart-sized pick lists:

1. seed a cart with the unbatched order whose own route is longest (the most remote work goes first), then add
   the order that lengthens the cart's route least; candidates are pre-screened by a cheap proximity score
   (how far each of the order's stops is from the cart's stops) and the best few are routed exactly;
2. improve by moving and swapping orders between carts of the same cut-off while that shortens the sum of
   routes, trying for each order only the carts it is close to; bounded by a time budget.

Baselines for the benchmark: ``arrival_batches`` (fill carts in arrival order) and ``seed_greedy_batches``
(step 1 alone). Everything is pure Python and deterministic for a given seed and input.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.domain.layout import Layout, Point
from app.domain.routing import Route, build_problem, optimal_order
from app.domain.routing import dp as routing_dp
from app.domain.routing.problem import Metric, Problem

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class BatchOrder:
    """A released order as batching sees it: where its lines are picked, its size, and its carrier cut-off."""

    order_id: str
    locations: tuple[str, ...]
    volume_cm3: float = 0.0
    weight_kg: float = 0.0
    cutoff_key: str = ""
    """Orders with different keys (carrier + cut-off time) never share a cart."""


@dataclass(frozen=True, slots=True)
class CartSpec:
    """A picking cart: ``totes`` totes, each holding at most ``tote_volume_cm3`` and ``tote_weight_kg``."""

    totes: int
    tote_volume_cm3: float
    tote_weight_kg: float

    def __post_init__(self) -> None:
        if self.totes < 1 or self.tote_volume_cm3 <= 0 or self.tote_weight_kg <= 0:
            raise ValueError(f"a cart needs at least one tote with positive limits, got {self}")


@dataclass(frozen=True, slots=True)
class ToteAssignment:
    """Tote position ``tote`` (1-based on the cart) carries (part of) order ``order_id``."""

    tote: int
    order_id: str


@dataclass(frozen=True, slots=True)
class Batch:
    """One cart trip: its orders in tote order, the tote of each, and the picking route."""

    cutoff_key: str
    order_ids: tuple[str, ...]
    totes: tuple[ToteAssignment, ...]
    route: Route
    oversize: bool = False
    """True when a single order needs more totes than the cart has (the cart still lists all its totes)."""

    @property
    def distance(self) -> float:
        return self.route.distance


def totes_needed(order: BatchOrder, cart: CartSpec) -> int:
    """Totes an order fills: enough for its volume and its weight, at least one."""
    by_volume = math.ceil(order.volume_cm3 / cart.tote_volume_cm3 - 1e-9) if order.volume_cm3 > 0 else 0
    by_weight = math.ceil(order.weight_kg / cart.tote_weight_kg - 1e-9) if order.weight_kg > 0 else 0
    return max(1, by_volume, by_weight)


# --- shared machinery --------------------------------------------------------------------------------


@dataclass
class _Context:
    """Per-call data: each order's stops and tote count, and a cache of exact route lengths per order set."""

    layout: Layout
    cart: CartSpec
    orders: list[BatchOrder]
    stops: list[frozenset[tuple[float, float]]]
    totes: list[int]
    start: Point
    end: Point
    metric: Metric
    cache: dict[frozenset[int], float] = field(default_factory=dict)
    lower: dict[frozenset[int], float] = field(default_factory=dict)
    points_cache: dict[frozenset[int], list[tuple[float, float]]] = field(default_factory=dict)
    """Proven lower bounds for sets whose bounded evaluation gave up (their length is at least this)."""

    @classmethod
    def build(cls, layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec) -> _Context:
        stops = []
        for order in orders:
            problem = build_problem(layout, order.locations)
            stops.append(frozenset((p.x, p.y) for p in problem.points))
        start = layout.depot
        return cls(
            layout=layout,
            cart=cart,
            orders=list(orders),
            stops=stops,
            totes=[totes_needed(o, cart) for o in orders],
            start=start,
            end=layout.drop or start,
            metric=Metric(layout),
        )

    def length(self, members: Iterable[int]) -> float:
        """Exact walking distance of one cart picking ``members`` (cached)."""
        return self.length_below(members, math.inf)

    def length_below(self, members: Iterable[int], bound: float) -> float:
        """Exact length when it is below ``bound``, else ``math.inf`` (cheaper: the DP prunes against it)."""
        key = frozenset(members)
        found = self.cache.get(key)
        if found is not None:
            return found if found < bound else math.inf
        if self.lower.get(key, -math.inf) >= bound:
            return math.inf
        points: set[tuple[float, float]] = set()
        for i in key:
            points |= self.stops[i]
        problem = Problem(self.layout, tuple(Point(x, y) for x, y in sorted(points)), (), self.start, self.end)
        if not problem.points:
            found = problem.distance_of([])
        elif self.layout.blocks <= 3 and len({p.x for p in problem.points} | {self.start.x, self.end.x}) > 1:
            found = routing_dp.length(problem, bound)
            if found == math.inf:
                self.lower[key] = max(self.lower.get(key, -math.inf), bound)
                return found
        else:
            found = problem.distance_of(optimal_order(problem))
        self.cache[key] = found
        return found if found < bound else math.inf

    def points_of(self, members: Iterable[int]) -> list[tuple[float, float]]:
        """Distinct stops of a set of orders (cached with the set)."""
        key = frozenset(members)
        found = self.points_cache.get(key)
        if found is None:
            found = sorted(set().union(*(self.stops[i] for i in key)))
            self.points_cache[key] = found
        return found

    def load(self, members: Iterable[int]) -> int:
        return sum(self.totes[i] for i in members)


def _finish(context: _Context, groups: list[list[int]]) -> list[Batch]:
    """Turn index groups into batches with tote positions and an exact route over all their codes."""
    batches = []
    for members in groups:
        orders = [context.orders[i] for i in members]
        assignments = []
        tote = 1
        for order, i in zip(orders, members, strict=True):
            for _ in range(context.totes[i]):
                assignments.append(ToteAssignment(tote, order.order_id))
                tote += 1
        codes = [code for order in orders for code in order.locations]
        problem = build_problem(context.layout, codes)
        route = problem.route_for(optimal_order(problem))
        batches.append(
            Batch(
                cutoff_key=orders[0].cutoff_key,
                order_ids=tuple(o.order_id for o in orders),
                totes=tuple(assignments),
                route=route,
                oversize=len(members) == 1 and context.totes[members[0]] > context.cart.totes,
            )
        )
    return batches


def _by_cutoff(orders: Sequence[BatchOrder]) -> list[list[int]]:
    """Order indices per cut-off key, keys in order of first appearance (callers sort orders by urgency)."""
    groups: dict[str, list[int]] = {}
    for i, order in enumerate(orders):
        groups.setdefault(order.cutoff_key, []).append(i)
    return list(groups.values())


def _split_oversize(context: _Context, members: list[int]) -> tuple[list[list[int]], list[int]]:
    """Orders needing more totes than a cart holds ride alone; the rest are batched."""
    alone = [[i] for i in members if context.totes[i] > context.cart.totes]
    rest = [i for i in members if context.totes[i] <= context.cart.totes]
    return alone, rest


# --- baselines ---------------------------------------------------------------------------------------


def arrival_batches(layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec) -> list[Batch]:
    """Baseline: fill carts in arrival order; an order that does not fit the remaining totes opens a new cart."""
    context = _Context.build(layout, orders, cart)
    groups: list[list[int]] = []
    for members in _by_cutoff(orders):
        alone, rest = _split_oversize(context, members)
        groups.extend(alone)
        current: list[int] = []
        for i in rest:
            if current and context.load(current) + context.totes[i] > cart.totes:
                groups.append(current)
                current = []
            current.append(i)
        if current:
            groups.append(current)
    return _finish(context, groups)


def seed_greedy_batches(layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec) -> list[Batch]:
    """Baseline: seed-and-greedy construction without improvement."""
    context = _Context.build(layout, orders, cart)
    groups: list[list[int]] = []
    for members in _by_cutoff(orders):
        alone, rest = _split_oversize(context, members)
        groups.extend(alone)
        groups.extend(_seed_greedy(context, rest))
    return _finish(context, groups)


def batch_orders(
    layout: Layout,
    orders: Sequence[BatchOrder],
    cart: CartSpec,
    *,
    budget_s: float | None = None,
    seed: int = 0,
) -> list[Batch]:
    """Group orders into cart batches with a short walk per order (seed-and-greedy, then local search).

    ``budget_s`` bounds the improvement phase (default: 0.5 s plus 20 ms per order); the result is
    deterministic when the budget is not what stops the search.
    """
    context = _Context.build(layout, orders, cart)
    if budget_s is None:
        budget_s = 0.5 + 0.02 * len(orders)
    deadline = time.perf_counter() + budget_s
    groups: list[list[int]] = []
    for members in _by_cutoff(orders):
        alone, rest = _split_oversize(context, members)
        groups.extend(alone)
        carts = _seed_greedy(context, rest)
        groups.extend(_improve(context, carts, deadline, random.Random(seed)))
    return _finish(context, groups)


# --- construction ------------------------------------------------------------------------------------

_SHORTLIST = 6
"""Orders routed exactly per greedy step; the proximity score picks them."""


def _seed_greedy(context: _Context, members: list[int]) -> list[list[int]]:
    """Seed each cart with the longest single-order walk, then add the order that lengthens it least."""
    unassigned = set(members)
    carts: list[list[int]] = []
    metric = context.metric
    while unassigned:
        seed = max(sorted(unassigned), key=lambda i: context.length([i]))
        cart = [seed]
        unassigned.discard(seed)
        # proximity[i]: for each stop of order i, the distance to the nearest stop already on the cart
        cart_points = set(context.stops[seed])
        nearest = {
            i: {q: min(metric.between(*q, *p) for p in cart_points) for q in context.stops[i]} for i in unassigned
        }
        while True:
            room = context.cart.totes - context.load(cart)
            fitting = [i for i in sorted(unassigned) if context.totes[i] <= room]
            if not fitting:
                break
            fitting.sort(key=lambda i: sum(nearest[i].values()))
            base = context.length(cart)
            best = min(fitting[:_SHORTLIST], key=lambda i: context.length([*cart, i]) - base)
            cart.append(best)
            unassigned.discard(best)
            new_points = context.stops[best] - cart_points
            cart_points |= new_points
            for i in unassigned:
                near = nearest[i]
                for q in near:
                    for p in new_points:
                        d = metric.between(*q, *p)
                        if d < near[q]:
                            near[q] = d
            del nearest[best]
        carts.append(cart)
    return carts


# --- improvement -------------------------------------------------------------------------------------

_CANDIDATE_CARTS = 3
"""Carts an order may move to or swap into: the ones whose stops are closest to its own."""


def _improve(context: _Context, carts: list[list[int]], deadline: float, rng: random.Random) -> list[list[int]]:
    """Move and swap orders between carts (first improvement) until no move helps or time is up."""
    if len(carts) < 2:
        return carts
    carts = [list(c) for c in carts]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        owners = [(k, i) for k, cart in enumerate(carts) for i in cart]
        rng.shuffle(owners)
        for a, i in owners:
            if time.perf_counter() >= deadline:
                break
            if i not in carts[a]:
                continue
            if _try_order(context, carts, a, i):
                improved = True
    return [c for c in carts if c]


def _closeness(context: _Context, i: int, points: Sequence[tuple[float, float]]) -> float:
    """How far order ``i``'s stops are from a cart's stops (sum of nearest distances; cheap screening)."""
    if not points:
        return math.inf
    between = context.metric.between
    return sum(min(between(qx, qy, px, py) for px, py in points) for qx, qy in context.stops[i])


def _try_order(context: _Context, carts: list[list[int]], a: int, i: int) -> bool:
    """Best relocation or swap of order ``i`` (in cart ``a``) into one of its nearest carts; apply if it helps.

    Lengths only grow when orders are added (shortcutting), so ``c(A - i)`` and ``c(B - j)`` bound the swapped
    carts from below: most swaps are rejected without routing, the rest by a DP that stops at the bound.
    """
    length = context.length
    below = context.length_below
    cart_a = carts[a]
    others = sorted(
        (k for k in range(len(carts)) if k != a and carts[k]),
        key=lambda k: _closeness(context, i, context.points_of(carts[k])),
    )[:_CANDIDATE_CARTS]
    base_a = length(cart_a)
    without_i = [j for j in cart_a if j != i]
    room_a = context.cart.totes - context.load(without_i)
    rest_a = length(without_i)
    best_delta = -_EPS
    best: tuple[int, int | None] | None = None
    for b in others:
        cart_b = carts[b]
        base = base_a + length(cart_b)
        room_b = context.cart.totes - context.load(cart_b)
        if context.totes[i] <= room_b:
            grown = below([*cart_b, i], base + best_delta - rest_a)
            if grown < math.inf:
                best_delta, best = rest_a + grown - base, (b, None)
        for j in cart_b:
            if context.totes[j] > room_a or context.totes[i] > room_b + context.totes[j]:
                continue
            rest_b = [x for x in cart_b if x != j]
            floor_b = length(rest_b)
            if rest_a + floor_b >= base + best_delta:
                continue
            new_a = below([*without_i, j], base + best_delta - floor_b)
            if new_a == math.inf:
                continue
            new_b = below([*rest_b, i], base + best_delta - new_a)
            if new_b == math.inf:
                continue
            best_delta, best = new_a + new_b - base, (b, j)
    if best is None:
        return False
    b, j = best
    cart_a.remove(i)
    carts[b].append(i)
    if j is not None:
        carts[b].remove(j)
        cart_a.append(j)
    return True
