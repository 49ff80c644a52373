"""Reserving stock for orders without ever overselling, also with many allocating processes at once.

Each batch of orders is one transaction that locks what it reads: on PostgreSQL the orders with
``FOR UPDATE SKIP LOCKED`` (another allocator takes the next ones) and the stock rows with ``FOR UPDATE`` in
primary-key order (no deadlocks); on SQLite the write transaction starts with ``BEGIN IMMEDIATE``, which makes
allocators take turns (``app.db.repositories.orders``). Inside, the rows are copied into plain data, planned by
the pure policy (``app.domain.allocation.plan_allocation``: ship-complete, split or backorder) and the plan is
written back; the database's check ``quantity_reserved <= quantity_on_hand`` is the last line of defence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.db.models import Order, OrderLine
from app.db.repositories import OrderRepository
from app.db.retry import retry_busy
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.allocation import AllocationPlan, plan_allocation
from app.domain.orders import BACKORDERED, NEW
from app.services.order_status import StatusChange, log_created, set_statuses


@dataclass(frozen=True)
class AllocationReport:
    allocated: int = 0
    backordered: int = 0
    split: int = 0

    def __add__(self, other: AllocationReport) -> AllocationReport:
        return AllocationReport(
            self.allocated + other.allocated, self.backordered + other.backordered, self.split + other.split
        )


_COPIED_ON_SPLIT = ("id", "status", "external_id", "number", "split_from_id", "updated_at")
"""Columns a split's backorder does not copy from its parent order."""


def split_remainder(uow: UnitOfWork, order_id: int, shortfalls: dict[int, int], actor: Actor) -> Order:
    """Move the unallocated quantities into a new backordered order (the channel accepts split shipments)."""
    order = uow.orders.get(order_id)
    assert order is not None
    n = uow.orders.split_count(order.id) + 1
    child = Order(
        **{c.key: getattr(order, c.key) for c in Order.__table__.columns if c.key not in _COPIED_ON_SPLIT},
        external_id=f"{order.external_id}/B{n}",
        number=f"{order.number}-B{n}",
        status=BACKORDERED,
        split_from_id=order.id,
    )
    for line in order.lines:
        short = shortfalls.get(line.id, 0)
        if short:
            child.lines.append(
                OrderLine(
                    line_no=line.line_no,
                    sku=line.sku,
                    gtin=line.gtin,
                    product_id=line.product_id,
                    name=line.name,
                    external_line_id=line.external_line_id,
                    unit_price=line.unit_price,
                    qty_ordered=short,
                )
            )
            line.qty_ordered -= short
            line.qty_allocated = min(line.qty_allocated, line.qty_ordered)
    uow.orders.add(child)
    uow.orders.flush()
    log_created(
        uow, child, actor, f"split from {order.number}: not enough stock", message=f"remainder of {order.number}"
    )
    return child


def allocate_batch(
    uow: UnitOfWork,
    *,
    actor: Actor,
    statuses: tuple[str, ...] = (NEW, BACKORDERED),
    order_ids: list[int] | None = None,
    limit: int = 500,
) -> tuple[AllocationReport, int]:
    """Allocate up to ``limit`` orders inside ``uow`` (the caller commits); returns (report, orders seen).

    Lock, copy into plain data, plan, write back in bulk: a batch of 500 orders costs a handful of
    statements whatever its size, which is what lets intake keep up with a flash sale.
    """
    orders = uow.orders.claim_for_allocation(statuses, order_ids, limit)
    if not orders:
        return AllocationReport(), 0
    product_ids = {line.product_id for o in orders for line in o.lines if line.product_id}
    stock = uow.orders.lock_pick_face_stock(product_ids)
    plan = plan_allocation(orders, stock, uow.orders.expiry_tracked(product_ids), datetime.now(UTC).date())
    apply_allocation_plan(uow, plan, actor)
    return AllocationReport(len(plan.allocated), len(plan.backordered), len(plan.splits)), len(orders)


def apply_allocation_plan(uow: UnitOfWork, plan: AllocationPlan, actor: Actor) -> None:
    """Write a plan: reservations, line totals, the orders' statuses with their events, then the splits."""
    line_ids = [line.line_id for o in plan.allocated for line in o.lines]
    existing = uow.orders.existing_allocations(line_ids)
    new: list[tuple[int, int, int]] = []
    grown: dict[int, int] = defaultdict(int)
    for order in plan.allocated:
        for line in order.lines:
            for r in line.reservations:
                if (line.line_id, r.stock_id) in existing:
                    grown[existing[line.line_id, r.stock_id]] += r.qty
                else:
                    new.append((line.line_id, r.stock_id, r.qty))
    totals = [(line.line_id, line.qty_allocated) for o in plan.allocated for line in o.lines]
    uow.orders.write_allocations(plan.reserved, new, dict(grown), totals)
    changes = [
        StatusChange(o.order_id, o.number, o.from_status, o.to_status, o.reason)
        for o in plan.orders
        if o.status_changes  # an order already backordered stays so without a new event
    ]
    set_statuses(uow, changes, actor)
    for order in plan.splits:
        split_remainder(uow, order.order_id, dict(order.shortfalls), actor)


def allocate(
    db: Database,
    *,
    actor: Actor,
    include_backorders: bool = True,
    order_ids: list[int] | None = None,
    batch_size: int = 500,
) -> AllocationReport:
    """Allocate every new order (and retry each backorder once), ``batch_size`` orders per transaction, highest
    priority first. Safe to run in several processes at once."""
    total = AllocationReport()
    waiting: list[int] = []
    if include_backorders:  # the backorders from before this run; new ones just failed and are not retried
        with db.unit_of_work(readonly=True) as uow:
            waiting = uow.orders.backordered_ids(order_ids)

    def chunk(statuses: tuple[str, ...], ids: list[int] | None, limit: int) -> tuple[AllocationReport, int]:
        """One short write transaction, run again from the start when the database is busy."""

        def attempt() -> tuple[AllocationReport, int]:
            with db.unit_of_work() as uow:
                result = allocate_batch(uow, actor=actor, statuses=statuses, order_ids=ids, limit=limit)
                uow.commit()
                return result

        return retry_busy(attempt)

    while True:  # every batch moves its orders out of "new", so this ends
        report, seen = chunk((NEW,), order_ids, batch_size)
        total += report
        if seen == 0:
            break
    for start in range(0, len(waiting), batch_size):
        ids_ = waiting[start : start + batch_size]
        report, _ = chunk((BACKORDERED,), ids_, len(ids_))
        total += report
    return total


def release_stock(uow: UnitOfWork, order: Order) -> int:
    """Give back every unpicked reserved unit of an order; returns the units released."""
    return _give_back(uow.orders, order)


def release_reservations(session: Any, order: Order) -> int:
    """For callers that still hold a session: ``release_stock(uow, order)`` does the same."""
    return _give_back(OrderRepository(session), order)


def _give_back(orders: OrderRepository, order: Order) -> int:
    orders.lock_reserved_stock(order)
    released = 0
    for line in order.lines:
        for allocation in list(line.allocations):
            open_qty = allocation.qty - allocation.qty_picked
            if open_qty > 0:
                allocation.stock.quantity_reserved -= open_qty
                released += open_qty
            line.allocations.remove(allocation)
        line.qty_allocated = 0
    orders.flush()
    return released
