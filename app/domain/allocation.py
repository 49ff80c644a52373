"""Allocation policy: which stock rows an order line should reserve.

The policy, in order of precedence:

1. Expiry-tracked products: FEFO, first expiry first out (a customer never gets the fresh lot while an older
   one expires on the shelf).
2. Otherwise the fewest locations: a single location that holds the whole quantity wins (one stop on the pick
   path); else the largest available quantities first.
3. Ties go to the oldest stock (received first), then the location code, so the result is deterministic.

Only pick faces are allocated; reserve stock must be replenished to a pick face first. Pure functions over
plain data: the service loads rows under lock, calls ``allocate_line``, then writes the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class StockCandidate:
    stock_id: int
    location: str
    lot: str
    expiry: date | None
    available: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Reservation:
    stock_id: int
    location: str
    lot: str
    qty: int


def _order_candidates(candidates: Sequence[StockCandidate], qty: int, fefo: bool) -> list[StockCandidate]:
    usable = [c for c in candidates if c.available > 0]
    if fefo:
        return sorted(usable, key=lambda c: (c.expiry or date.max, c.received_at, c.location, c.lot))
    whole = sorted(
        (c for c in usable if c.available >= qty), key=lambda c: (c.received_at, c.available, c.location, c.lot)
    )
    if whole:
        return [whole[0]]
    return sorted(usable, key=lambda c: (-c.available, c.received_at, c.location, c.lot))


def allocate_line(qty: int, candidates: Sequence[StockCandidate], *, fefo: bool) -> tuple[list[Reservation], int]:
    """Reserve up to ``qty`` units; returns the reservations and the shortfall (0 when fully covered)."""
    remaining = qty
    reservations: list[Reservation] = []
    for candidate in _order_candidates(candidates, qty, fefo):
        if remaining <= 0:
            break
        take = min(remaining, candidate.available)
        reservations.append(Reservation(candidate.stock_id, candidate.location, candidate.lot, take))
        remaining -= take
    return reservations, remaining
