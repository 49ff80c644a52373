"""Allocation policy: which stock rows an order line should reserve.

The policy, in order of precedence:

1. Expiry-tracked products: FEFO, first expiry first out (a customer never gets the fresh lot while an older
   one expires on the shelf).
2. Otherwise the fewest locations: a single location that holds the whole quantity wins (one stop on the pick
   path); else the largest available quantities first.
3. Ties go to the oldest stock (received first), then the location code, so the result is deterministic.

Only pick faces are allocated; reserve stock must be replenished to a pick face first.

Per order (``plan_allocation``): an order that must ship complete, or that would get nothing at all, is
backordered whole when any line falls short (its tentative holds go back for the next order); otherwise it takes
what there is and the remainder is split into a backorder. Orders are planned in the caller's order (highest
priority first), each seeing what the ones before it left.

Pure functions over plain data: the service loads rows under lock, calls ``plan_allocation`` (or
``allocate_line`` for one line), then writes the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.orders import ALLOCATED, BACKORDERED, check_transition


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


# --- Order-level planning ----------------------------------------------------------------------------------------
# The order policy on top of the line policy: an order that ships complete (or got nothing at all) is backordered
# whole when a line falls short; otherwise it takes what there is and its remainder is split into a backorder.


@dataclass(frozen=True, slots=True)
class LineToAllocate:
    """An order line as allocation sees it (``product_id`` None: an unknown SKU, never allocated)."""

    line_id: int
    sku: str
    product_id: int | None
    qty_ordered: int
    qty_allocated: int


@dataclass(frozen=True, slots=True)
class OrderToAllocate:
    order_id: int
    number: str
    status: str
    ship_complete: bool
    lines: tuple[LineToAllocate, ...]


@dataclass(frozen=True, slots=True)
class StockOnShelf:
    """A pick-face stock row: on hand and already reserved (the plan reserves ``on_hand - reserved`` at most)."""

    stock_id: int
    product_id: int
    location: str
    lot: str
    expiry: date | None
    on_hand: int
    reserved: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class LinePlan:
    """What one line reserves; ``qty_allocated`` is the line's new total."""

    line_id: int
    reservations: tuple[Reservation, ...]
    qty_allocated: int


@dataclass(frozen=True, slots=True)
class OrderPlan:
    """The outcome for one order: ``to_status`` is ``allocated`` or ``backordered``; ``lines`` is empty for a
    backorder (nothing is reserved); ``shortfalls`` (line id -> units) is what a split moves to a new order."""

    order_id: int
    number: str
    from_status: str
    to_status: str
    reason: str
    lines: tuple[LinePlan, ...]
    shortfalls: tuple[tuple[int, int], ...]

    @property
    def split(self) -> bool:
        return self.to_status == ALLOCATED and bool(self.shortfalls)

    @property
    def status_changes(self) -> bool:
        return self.from_status != self.to_status


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    """Every order's outcome plus the new ``quantity_reserved`` of every stock row considered."""

    orders: tuple[OrderPlan, ...]
    reserved: dict[int, int]

    @property
    def allocated(self) -> tuple[OrderPlan, ...]:
        return tuple(o for o in self.orders if o.to_status == ALLOCATED)

    @property
    def backordered(self) -> tuple[OrderPlan, ...]:
        return tuple(o for o in self.orders if o.to_status == BACKORDERED)

    @property
    def splits(self) -> tuple[OrderPlan, ...]:
        return tuple(o for o in self.orders if o.split)


def plan_allocation(
    orders: Sequence[OrderToAllocate],
    stock: Sequence[StockOnShelf],
    fefo: Mapping[int, bool],
    today: date,
) -> AllocationPlan:
    """Plan the orders in the given order (highest priority first): each order sees what the ones before it left.

    Expired stock (``expiry`` before ``today``) is never reserved. ``fefo`` maps product id -> expiry tracked."""
    reserved = {s.stock_id: s.reserved for s in stock}
    by_product: dict[int, list[StockOnShelf]] = {}
    for row in stock:
        by_product.setdefault(row.product_id, []).append(row)
    outcomes = [_plan_order(order, by_product, reserved, fefo, today) for order in orders]
    return AllocationPlan(tuple(outcomes), reserved)


def _available(rows: Sequence[StockOnShelf], reserved: Mapping[int, int], today: date) -> list[StockCandidate]:
    return [
        StockCandidate(s.stock_id, s.location, s.lot, s.expiry, s.on_hand - reserved[s.stock_id], s.received_at)
        for s in rows
        if s.on_hand > reserved[s.stock_id] and (s.expiry is None or s.expiry >= today)
    ]


def _plan_order(
    order: OrderToAllocate,
    by_product: Mapping[int, Sequence[StockOnShelf]],
    reserved: dict[int, int],
    fefo: Mapping[int, bool],
    today: date,
) -> OrderPlan:
    """One order against ``reserved`` (updated in place when the order takes stock)."""
    planned: list[tuple[LineToAllocate, list[Reservation]]] = []
    shortfalls: dict[int, int] = {}
    for line in order.lines:
        need = line.qty_ordered - line.qty_allocated
        if need <= 0 or line.product_id is None:
            continue
        candidates = _available(by_product.get(line.product_id, ()), reserved, today)
        reservations, short = allocate_line(need, candidates, fefo=fefo.get(line.product_id, False))
        for r in reservations:  # tentatively, so the order's next line sees what is left
            reserved[r.stock_id] += r.qty
        planned.append((line, reservations))
        if short:
            shortfalls[line.line_id] = short
    anything = any(reservations for _, reservations in planned)
    if shortfalls and (order.ship_complete or not anything):
        for _line, reservations in planned:  # give the tentative holds back
            for r in reservations:
                reserved[r.stock_id] -= r.qty
        missing = ", ".join(f"{x.sku} short {shortfalls[x.line_id]}" for x in order.lines if x.line_id in shortfalls)
        if order.status != BACKORDERED:
            check_transition(order.number, order.status, BACKORDERED)
        reason = f"not enough stock: {missing}"
        return OrderPlan(order.order_id, order.number, order.status, BACKORDERED, reason, (), tuple(shortfalls.items()))
    check_transition(order.number, order.status, ALLOCATED)
    reason = "partly in stock; the remainder is split into a backorder" if shortfalls else "stock reserved"
    lines = tuple(
        LinePlan(line.line_id, tuple(reservations), line.qty_allocated + sum(r.qty for r in reservations))
        for line, reservations in planned
    )
    return OrderPlan(order.order_id, order.number, order.status, ALLOCATED, reason, lines, tuple(shortfalls.items()))
