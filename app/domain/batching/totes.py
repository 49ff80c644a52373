"""Packing one order into totes and cart loads.

Picks become chunks (a whole pick, or a tote's worth of units when ``split_picks`` allows cutting it), chunks go
first-fit into totes, and an order bigger than a cart is cut into consecutive runs along its shortest walk, so
each cart load covers a compact stretch of the warehouse.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.batching.model import BatchOrder, CartSpec, PickPart, PickUnit, totes_needed
from app.domain.layout import Layout, LocationCode
from app.domain.routing import build_problem, optimal_order

_FIT_EPS = 1e-6
"""Slack when checking a tote's limits, so that units summing exactly to a limit still fit after rounding."""


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
class Piece:
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


def _piece_of(order: BatchOrder, totes: Sequence[_Tote], part: int = 1, parts: int = 1) -> Piece:
    contents = tuple(t.parts() for t in totes)
    locations = tuple(sorted({part.location for tote in contents for part in tote if part.location}))
    overfull = tuple(k for k, t in enumerate(totes) if t.overfull)
    return Piece(order, locations, contents, overfull, part, parts)


def _pieces_of(layout: Layout, order: BatchOrder, cart: CartSpec, split_picks: bool) -> list[Piece]:
    """An order as one piece when it fits a cart, else its cart loads cut along its shortest walk."""
    if not order.picks:
        need = totes_needed(order, cart)
        if need <= cart.totes:
            return [Piece(order, order.locations, ((),) * need)]
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


def order_pieces(layout: Layout, orders: Sequence[BatchOrder], cart: CartSpec, split_picks: bool) -> list[Piece]:
    return [piece for order in orders for piece in _pieces_of(layout, order, cart, split_picks)]
