"""What batching takes and gives: picks, orders, the cart, and the batches (totes with contents and a route)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.routing import Route


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
