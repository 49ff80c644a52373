"""Cart batching: group released orders into carts of N totes so that the walk per order is short.

Why this shape: a picker walking one cart route for several orders shares the long legs (to the back of the
warehouse, along the cross aisles) between them, so the only real decision is *which* orders ride together.
Orders never mix across carrier cut-offs (``cutoff_key``): a cart is finished for one truck. An order stays in
one tote, or takes several totes when its volume or weight does not fit one (``totes_needed``).

A cart never carries more than ``CartSpec.totes`` totes. An order too big for one cart is split into cart loads
(``Batch.part`` of ``Batch.parts``): its picks are laid out along their shortest walk and cut into consecutive
runs that each fill at most a cart, so every part covers a compact stretch of the warehouse and each part rides
alone. When the caller gives an order's picks (``BatchOrder.picks``), every tote of the result lists what goes
into it (``ToteAssignment.picks``), so the caller can put each pick into its tote and batch; a pick is kept whole
unless ``split_picks`` allows cutting it by units (the caller must then be able to split its reservation).

The method (``batch_orders``) is seed-and-greedy construction followed by local search, both measured with the
exact routing DP (``app.domain.routing``), which is fast enough for cart-sized pick lists:

1. seed a cart with the unbatched order whose own route is longest (the most remote work goes first), then add
   the order that lengthens the cart's route least; candidates are pre-screened by a cheap proximity score
   (how far each of the order's stops is from the cart's stops) and the best few are routed exactly;
2. improve by moving and swapping orders between carts of the same cut-off while that shortens the sum of
   routes, trying for each order only the carts it is close to; bounded by a time budget.

Baselines for the benchmark: ``single_order_batches`` (one order per trip), ``arrival_batches`` (fill carts in
arrival order) and ``seed_greedy_batches`` (step 1 alone). Everything is pure Python and deterministic for a
given seed and input.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.domain.layout import Layout, LocationCode, Point
from app.domain.routing import Route, build_problem, optimal_order
from app.domain.routing import dp as routing_dp
from app.domain.routing.problem import Metric, Problem

_EPS = 1e-9
_FIT_EPS = 1e-6
"""Slack when checking a tote's limits, so that units summing exactly to a limit still fit after rounding."""


@dataclass(frozen=True, slots=True)
class PickUnit:
    """One pick of an order: ``qty`` units of one item at ``location``.

    ``key`` is the caller's handle for the pick (the service uses the allocation id; unique within the order)
    and comes back in the tote contents. Volume and weight are *per unit*, so a pick larger than a tote can be
    cut by units when allowed.
    """

    key: str
    location: str
    volume_cm3: float = 0.0
    weight_kg: float = 0.0
    qty: int = 1

    def __post_init__(self) -> None:
        if self.qty < 1 or self.volume_cm3 < 0 or self.weight_kg < 0:
            raise ValueError(f"a pick needs at least one unit and non-negative size, got {self}")


@dataclass(frozen=True, slots=True)
class BatchOrder:
    """A released order as batching sees it: where its lines are picked, its size, and its carrier cut-off.

    ``picks`` is optional: without it the order is planned from ``locations`` and its total size as before
    (totes come back without contents); with it the totes say which picks they carry. ``of_picks`` fills
    ``locations`` and the totals from the picks.
    """

    order_id: str
    locations: tuple[str, ...]
    volume_cm3: float = 0.0
    weight_kg: float = 0.0
    cutoff_key: str = ""
    """Orders with different keys (carrier + cut-off time) never share a cart."""
    picks: tuple[PickUnit, ...] = ()
    """The order's picks; when given they are what is planned (``locations`` and the totals should agree)."""

    @classmethod
    def of_picks(cls, order_id: str, picks: Sequence[PickUnit], cutoff_key: str = "") -> BatchOrder:
        """An order described by its picks; locations and totals are derived so they cannot disagree."""
        return cls(
            order_id,
            tuple(sorted({p.location for p in picks})),
            sum(p.volume_cm3 * p.qty for p in picks),
            sum(p.weight_kg * p.qty for p in picks),
            cutoff_key,
            tuple(picks),
        )


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
class PickPart:
    """``qty`` units of pick ``key`` (from ``location``) go into one tote; the whole pick unless it was split."""

    key: str
    location: str
    qty: int


@dataclass(frozen=True, slots=True)
class ToteAssignment:
    """Tote position ``tote`` (1-based on the cart) carries (part of) order ``order_id``.

    ``picks`` lists what goes into this tote when the order was given with picks (empty otherwise: the order's
    totes are then interchangeable and the caller decides).
    """

    tote: int
    order_id: str
    picks: tuple[PickPart, ...] = ()


@dataclass(frozen=True, slots=True)
class Batch:
    """One cart trip: its orders in tote order, the tote of each, and the picking route."""

    cutoff_key: str
    order_ids: tuple[str, ...]
    totes: tuple[ToteAssignment, ...]
    route: Route
    oversize: bool = False
    """True when this batch is one part of an order too big for one cart (see ``part`` and ``parts``)."""
    part: int = 1
    """Which cart load of its order this is (1-based); always 1 unless ``oversize``."""
    parts: int = 1
    """How many cart loads the order of an ``oversize`` batch was split into."""
    overfull_totes: tuple[int, ...] = ()
    """Totes holding a single pick (or unit) larger than a tote's limits: it rides alone there, flagged for a
    supervisor (bulk pick); everything else respects the limits."""

    @property
    def distance(self) -> float:
        return self.route.distance

    def picks_of(self, order_id: str) -> list[tuple[int, PickPart]]:
        """(tote, part) for every pick part of ``order_id`` on this cart."""
        return [(t.tote, part) for t in self.totes if t.order_id == order_id for part in t.picks]


def totes_needed(order: BatchOrder, cart: CartSpec) -> int:
    """Totes an order's total size fills: enough for its volume and its weight, at least one.

    A lower bound when the order comes with picks (whole picks may leave gaps); the plan packs the picks.
    """
    by_volume = math.ceil(order.volume_cm3 / cart.tote_volume_cm3 - 1e-9) if order.volume_cm3 > 0 else 0
    by_weight = math.ceil(order.weight_kg / cart.tote_weight_kg - 1e-9) if order.weight_kg > 0 else 0
    return max(1, by_volume, by_weight)


# --- packing one order into totes and cart loads --------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Chunk:
    """Units of one pick that go into one tote together (the whole pick unless it was split)."""

    key: str
    location: str
    qty: int
    volume: float
    weight: float
    overfull: bool
    """Larger than an empty tote: it takes a tote of its own, over the limits."""


class _Tote:
    """A tote being filled: room left and the units of each pick in it (by pick key, in the order they went in)."""

    __slots__ = ("location_of", "overfull", "qty_of", "room_volume", "room_weight")

    def __init__(self, cart: CartSpec) -> None:
        self.room_volume = cart.tote_volume_cm3
        self.room_weight = cart.tote_weight_kg
        self.qty_of: dict[str, int] = {}
        self.location_of: dict[str, str] = {}
        self.overfull = False

    def fits(self, chunk: _Chunk) -> bool:
        return (
            not self.overfull
            and chunk.volume <= self.room_volume + _FIT_EPS
            and chunk.weight <= self.room_weight + _FIT_EPS
        )

    def add(self, chunk: _Chunk) -> None:
        self.room_volume -= chunk.volume
        self.room_weight -= chunk.weight
        self.overfull = self.overfull or chunk.overfull
        self.qty_of[chunk.key] = self.qty_of.get(chunk.key, 0) + chunk.qty
        self.location_of.setdefault(chunk.key, chunk.location)

    def parts(self) -> tuple[PickPart, ...]:
        return tuple(PickPart(key, self.location_of[key], qty) for key, qty in self.qty_of.items())


@dataclass(frozen=True, slots=True)
class _Piece:
    """What batching groups: a whole order, or one cart load of an order split over several carts."""

    order: BatchOrder
    locations: tuple[str, ...]
    totes: tuple[tuple[PickPart, ...], ...]
    """Contents per tote (empty tuples for orders given without picks)."""
    overfull: tuple[int, ...] = ()
    """0-based indices into ``totes`` of overfull totes."""
    part: int = 1
    parts: int = 1


def _units_per_tote(pick: PickUnit, cart: CartSpec) -> float:
    """Whole units of ``pick`` one empty tote holds (``inf`` for units without size, 0 for a too-big unit)."""
    fit = math.inf
    if pick.volume_cm3 > 0:
        fit = min(fit, math.floor(cart.tote_volume_cm3 / pick.volume_cm3 + 1e-9))
    if pick.weight_kg > 0:
        fit = min(fit, math.floor(cart.tote_weight_kg / pick.weight_kg + 1e-9))
    return fit


def _chunks(picks: Iterable[PickUnit], cart: CartSpec, split_picks: bool) -> list[_Chunk]:
    """Cut picks into tote-sized chunks: whole picks, unless ``split_picks`` and a pick exceeds a tote."""
    chunks = []
    for pick in picks:
        per_tote = _units_per_tote(pick, cart)
        if not split_picks or pick.qty <= per_tote:
            volume, weight = pick.volume_cm3 * pick.qty, pick.weight_kg * pick.qty
            overfull = volume > cart.tote_volume_cm3 + _FIT_EPS or weight > cart.tote_weight_kg + _FIT_EPS
            chunks.append(_Chunk(pick.key, pick.location, pick.qty, volume, weight, overfull))
            continue
        size = max(1, int(per_tote))  # a unit bigger than a tote still has to go somewhere: one per tote
        left = pick.qty
        while left > 0:
            qty = min(size, left)
            chunks.append(
                _Chunk(pick.key, pick.location, qty, pick.volume_cm3 * qty, pick.weight_kg * qty, per_tote == 0)
            )
            left -= qty
    return chunks


def _synthetic_picks(order: BatchOrder, cart: CartSpec) -> tuple[PickUnit, ...]:
    """Picks for an order given only by locations and totals: its size shared equally by its locations.

    Units of at most a quarter tote keep the packing close to ``totes_needed``; the contents are an estimate
    (the caller did not say what is where) and are keyed by location.
    """
    locations = list(dict.fromkeys(order.locations)) or [""]
    volume, weight = order.volume_cm3 / len(locations), order.weight_kg / len(locations)
    picks = []
    for location in locations:
        units = max(1, math.ceil(4 * volume / cart.tote_volume_cm3), math.ceil(4 * weight / cart.tote_weight_kg))
        picks.append(PickUnit(location, location, volume / units, weight / units, units))
    return tuple(picks)


def _first_fit(chunks: Iterable[_Chunk], cart: CartSpec, limit: int | None = None) -> list[_Tote] | None:
    """First-fit packing into totes; None as soon as more than ``limit`` totes would be needed."""
    totes: list[_Tote] = []
    for chunk in chunks:
        tote = None if chunk.overfull else next((t for t in totes if t.fits(chunk)), None)
        if tote is None:
            if limit is not None and len(totes) >= limit:
                return None
            tote = _Tote(cart)
            totes.append(tote)
        tote.add(chunk)
    return totes


def _walk_rank(layout: Layout, locations: Iterable[str]) -> dict[str, int]:
    """Position of each location on the shortest walk through all of them (unknown codes go last)."""
    distinct = sorted({loc for loc in locations if loc})
    problem = build_problem(layout, distinct)
    rank_of_code: dict[LocationCode, int] = {}
    for rank, point in enumerate(optimal_order(problem)):
        for text in problem.codes_at[point]:
            rank_of_code[LocationCode.parse(text)] = rank
    ranks = {}
    for loc in distinct:
        try:
            ranks[loc] = rank_of_code.get(LocationCode.parse(loc), len(rank_of_code))
        except ValueError:
            ranks[loc] = len(rank_of_code)
    return ranks


def _loads(chunks: Sequence[_Chunk], cart: CartSpec) -> list[list[_Tote]]:
    """Consecutive runs of ``chunks`` (already in walk order), each packed first-fit into at most a cart."""
    loads: list[list[_Tote]] = [[]]
    for chunk in chunks:
        current = loads[-1]
        tote = None if chunk.overfull else next((t for t in current if t.fits(chunk)), None)
        if tote is None:
            if len(current) >= cart.totes:
                current = []
                loads.append(current)
            tote = _Tote(cart)
            current.append(tote)
        tote.add(chunk)
    return [load for load in loads if load]


def _piece_of(order: BatchOrder, totes: Sequence[_Tote], part: int = 1, parts: int = 1) -> _Piece:
    contents = tuple(t.parts() for t in totes)
    locations = tuple(sorted({part.location for tote in contents for part in tote if part.location}))
    overfull = tuple(k for k, t in enumerate(totes) if t.overfull)
    return _Piece(order, locations, contents, overfull, part, parts)


def _pieces_of(layout: Layout, order: BatchOrder, cart: CartSpec, split_picks: bool) -> list[_Piece]:
    """An order as one piece when it fits a cart, else its cart loads cut along its shortest walk."""
    if not order.picks:
        need = totes_needed(order, cart)
        if need <= cart.totes:
            return [_Piece(order, order.locations, ((),) * need)]
        picks, split_picks = _synthetic_picks(order, cart), True
    else:
        picks = order.picks
    chunks = _chunks(picks, cart, split_picks)
    if totes_needed(BatchOrder.of_picks(order.order_id, picks), cart) <= cart.totes:
        # fewest totes first (largest chunks first), so the order leaves room for others on its cart
        packed = _first_fit(sorted(chunks, key=lambda c: (-c.volume, -c.weight)), cart, limit=cart.totes)
        if packed is not None:
            return [_piece_of(order, packed)]
    rank = _walk_rank(layout, (c.location for c in chunks))
    ordered = sorted(chunks, key=lambda c: rank.get(c.location, len(rank)))  # stable: pick order within a stop
    loads = _loads(ordered, cart)
    return [_piece_of(order, load, k, len(loads)) for k, load in enumerate(loads, start=1)]


def _pieces(layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, split_picks: bool) -> list[_Piece]:
    return [piece for order in orders for piece in _pieces_of(layout, order, cart, split_picks)]


# --- shared machinery --------------------------------------------------------------------------------


@dataclass
class _Context:
    """Per-call data: each piece's stops and tote count, and a cache of exact route lengths per piece set."""

    layout: Layout
    cart: CartSpec
    pieces: list[_Piece]
    stops: list[frozenset[tuple[float, float]]]
    totes: list[int]
    start: Point
    end: Point
    metric: Metric
    cache: dict[frozenset[int], float] = field(default_factory=dict)
    lower: dict[frozenset[int], float] = field(default_factory=dict)
    """Proven lower bounds for sets whose bounded evaluation gave up (their length is at least this)."""
    points_cache: dict[frozenset[int], list[tuple[float, float]]] = field(default_factory=dict)

    @classmethod
    def build(cls, layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, split_picks: bool) -> _Context:
        pieces = _pieces(layout, orders, cart, split_picks)
        stops = []
        for piece in pieces:
            problem = build_problem(layout, piece.locations)
            stops.append(frozenset((p.x, p.y) for p in problem.points))
        start = layout.depot
        return cls(
            layout=layout,
            cart=cart,
            pieces=pieces,
            stops=stops,
            totes=[len(p.totes) for p in pieces],
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
        """Distinct stops of a set of pieces (cached with the set)."""
        key = frozenset(members)
        found = self.points_cache.get(key)
        if found is None:
            found = sorted(set().union(*(self.stops[i] for i in key)))
            self.points_cache[key] = found
        return found

    def load(self, members: Iterable[int]) -> int:
        return sum(self.totes[i] for i in members)


def _finish(context: _Context, groups: list[list[int]]) -> list[Batch]:
    """Turn index groups into batches with tote positions (and contents) and an exact route over their codes."""
    batches = []
    for members in groups:
        pieces = [context.pieces[i] for i in members]
        assignments = []
        overfull = []
        tote = 1
        for piece in pieces:
            for k, contents in enumerate(piece.totes):
                assignments.append(ToteAssignment(tote, piece.order.order_id, contents))
                if k in piece.overfull:
                    overfull.append(tote)
                tote += 1
        codes = [code for piece in pieces for code in piece.locations]
        problem = build_problem(context.layout, codes)
        route = problem.route_for(optimal_order(problem))
        first = pieces[0]
        batches.append(
            Batch(
                cutoff_key=first.order.cutoff_key,
                order_ids=tuple(p.order.order_id for p in pieces),
                totes=tuple(assignments),
                route=route,
                oversize=first.parts > 1,
                part=first.part,
                parts=first.parts,
                overfull_totes=tuple(overfull),
            )
        )
    return batches


def _by_cutoff(pieces: Sequence[_Piece]) -> list[list[int]]:
    """Piece indices per cut-off key, keys in order of first appearance (callers sort orders by urgency)."""
    groups: dict[str, list[int]] = {}
    for i, piece in enumerate(pieces):
        groups.setdefault(piece.order.cutoff_key, []).append(i)
    return list(groups.values())


def _split_oversize(context: _Context, members: list[int]) -> tuple[list[list[int]], list[int]]:
    """Cart loads of orders split over several carts ride alone (they fill their cart); the rest are batched."""
    alone = [[i] for i in members if context.pieces[i].parts > 1]
    rest = [i for i in members if context.pieces[i].parts == 1]
    return alone, rest


# --- baselines ---------------------------------------------------------------------------------------


def arrival_batches(
    layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, *, split_picks: bool = False
) -> list[Batch]:
    """Baseline: fill carts in arrival order; an order that does not fit the remaining totes opens a new cart."""
    context = _Context.build(layout, orders, cart, split_picks)
    groups: list[list[int]] = []
    for members in _by_cutoff(context.pieces):
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


def single_order_batches(
    layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, *, split_picks: bool = False
) -> list[Batch]:
    """Baseline: one order per cart trip (discrete order picking); an order bigger than the cart is still split.

    The benchmark's reference point; a cart of one tote is not the same thing, since it now splits every order
    that fills two totes into two trips.
    """
    context = _Context.build(layout, orders, cart, split_picks)
    return _finish(context, [[i] for members in _by_cutoff(context.pieces) for i in members])


def seed_greedy_batches(
    layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, *, split_picks: bool = False
) -> list[Batch]:
    """Baseline: seed-and-greedy construction without improvement."""
    context = _Context.build(layout, orders, cart, split_picks)
    groups: list[list[int]] = []
    for members in _by_cutoff(context.pieces):
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
    split_picks: bool = False,
) -> list[Batch]:
    """Group orders into cart batches with a short walk per order (seed-and-greedy, then local search).

    ``budget_s`` bounds the improvement phase (default: 0.5 s plus 20 ms per order); the result is
    deterministic when the budget is not what stops the search. Every batch has at most ``cart.totes`` totes;
    an order too big for one cart comes back as several batches (``part`` of ``parts``). ``split_picks``
    allows cutting a pick larger than a tote by units over several totes (the caller must be able to split
    its reservation); otherwise such a pick gets a tote of its own, listed in ``overfull_totes``.
    """
    context = _Context.build(layout, orders, cart, split_picks)
    if budget_s is None:
        budget_s = 0.5 + 0.02 * len(orders)
    deadline = time.perf_counter() + budget_s
    groups: list[list[int]] = []
    for members in _by_cutoff(context.pieces):
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
