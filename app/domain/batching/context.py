"""The per-call state every batching method shares, and turning groups of pieces into ``Batch`` results."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.domain.batching.model import Batch, BatchOrder, CartSpec, ToteAssignment
from app.domain.batching.totes import Piece, order_pieces
from app.domain.layout import Layout, Point
from app.domain.routing import build_problem, estimated_order, optimal_order
from app.domain.routing import dp as routing_dp
from app.domain.routing.problem import Metric, Problem


@dataclass
class Context:
    """Per-call data: each piece's stops and tote count, and a cache of exact route lengths per piece set."""

    layout: Layout
    cart: CartSpec
    pieces: list[Piece]
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
    def build(cls, layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, split_picks: bool) -> Context:
        pieces = order_pieces(layout, orders, cart, split_picks)
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
            found = problem.distance_of(estimated_order(problem))  # candidates only: a cheaper search
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


def finish(context: Context, groups: list[list[int]]) -> list[Batch]:
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


def by_cutoff(pieces: Sequence[Piece]) -> list[list[int]]:
    """Piece indices per cut-off key, keys in order of first appearance (callers sort orders by urgency)."""
    groups: dict[str, list[int]] = {}
    for i, piece in enumerate(pieces):
        groups.setdefault(piece.order.cutoff_key, []).append(i)
    return list(groups.values())


def split_oversize(context: Context, members: list[int]) -> tuple[list[list[int]], list[int]]:
    """Cart loads of orders split over several carts ride alone (they fill their cart); the rest are batched."""
    alone = [[i] for i in members if context.pieces[i].parts > 1]
    rest = [i for i in members if context.pieces[i].parts == 1]
    return alone, rest
