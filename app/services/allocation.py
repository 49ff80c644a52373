"""Reserving stock for orders without ever overselling, also with many allocating processes at once.

Each batch of orders is one transaction that locks what it reads: on PostgreSQL the orders with
``FOR UPDATE SKIP LOCKED`` (another allocator takes the next ones) and the stock rows with ``FOR UPDATE`` in
primary-key order (no deadlocks); on SQLite the write transaction starts with ``BEGIN IMMEDIATE``, which makes
allocators take turns. Inside, everything is re-read, computed in plain Python (``app.domain.allocation``) and
written back; the database's check ``quantity_reserved <= quantity_on_hand`` is the last line of defence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Allocation, Location, Order, OrderLine, Product, Stock
from app.db.unit_of_work import Actor, Database, UnitOfWork
from app.domain.allocation import Reservation, StockCandidate, allocate_line
from app.domain.orders import ALLOCATED, BACKORDERED, NEW
from app.services.order_support import set_status


@dataclass(frozen=True)
class AllocationReport:
    allocated: int = 0
    backordered: int = 0
    split: int = 0

    def __add__(self, other: AllocationReport) -> AllocationReport:
        return AllocationReport(
            self.allocated + other.allocated, self.backordered + other.backordered, self.split + other.split
        )


def _lock_orders(session: Session, statuses: tuple[str, ...], order_ids: list[int] | None, limit: int) -> list[Order]:
    query = select(Order).where(Order.status.in_(statuses)).order_by(Order.priority.desc(), Order.id).limit(limit)
    if order_ids is not None:
        query = query.where(Order.id.in_(order_ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Order)
    return list(session.scalars(query))


def _lock_stock(session: Session, product_ids: set[int]) -> dict[int, list[Stock]]:
    """Pick-face stock of these products, locked in primary-key order, grouped by product."""
    if not product_ids:
        return {}
    query = (
        select(Stock)
        .join(Location, Stock.location_id == Location.id)
        .where(Stock.product_id.in_(product_ids), Location.kind == "pick", Location.active.is_(True))
        .order_by(Stock.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Stock)
    by_product: dict[int, list[Stock]] = defaultdict(list)
    for row in session.scalars(query):
        by_product[row.product_id].append(row)
    return by_product


def _candidates(rows: list[Stock], today: datetime) -> list[StockCandidate]:
    return [
        StockCandidate(s.id, s.location.code, s.lot, s.expiry, s.quantity_on_hand - s.quantity_reserved, s.received_at)
        for s in rows
        if s.quantity_on_hand > s.quantity_reserved and (s.expiry is None or s.expiry >= today.date())
    ]


def _apply(session: Session, line: OrderLine, reservations: list[Reservation], stock_by_id: dict[int, Stock]) -> None:
    existing = {a.stock_id: a for a in line.allocations}
    for r in reservations:
        stock_by_id[r.stock_id].quantity_reserved += r.qty
        line.qty_allocated += r.qty
        if r.stock_id in existing:
            existing[r.stock_id].qty += r.qty
        else:
            line.allocations.append(Allocation(stock_id=r.stock_id, qty=r.qty))


def _split_remainder(uow: UnitOfWork, order: Order, shortfalls: dict[int, int], actor: Actor) -> Order:
    """Move the unallocated quantities into a new backordered order (the channel accepts split shipments)."""
    siblings = uow.session.scalars(select(Order.id).where(Order.split_from_id == order.id)).all()
    n = len(siblings) + 1
    child = Order(
        **{
            c.key: getattr(order, c.key)
            for c in Order.__table__.columns
            if c.key not in ("id", "status", "external_id", "number", "split_from_id", "updated_at")
        },
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
    uow.session.add(child)
    uow.session.flush()
    uow.record(
        actor,
        "order.status",
        subject=f"order:{child.id}",
        message=f"remainder of {order.number}",
        **{"from": None, "to": BACKORDERED, "reason": f"split from {order.number}: not enough stock"},
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
    """Allocate up to ``limit`` orders inside ``uow`` (the caller commits); returns (report, orders seen)."""
    session = uow.session
    orders = _lock_orders(session, statuses, order_ids, limit)
    if not orders:
        return AllocationReport(), 0
    product_ids = {line.product_id for o in orders for line in o.lines if line.product_id is not None}
    stock = _lock_stock(session, product_ids)
    stock_by_id = {s.id: s for rows in stock.values() for s in rows}
    fefo = (
        {p.id: p.track_expiry for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))}
        if product_ids
        else {}
    )
    now = datetime.now(UTC)
    allocated = backordered = split = 0
    for order in orders:
        plan: list[tuple[OrderLine, list[Reservation]]] = []
        shortfalls: dict[int, int] = {}
        for line in order.lines:
            need = line.qty_ordered - line.qty_allocated
            if need <= 0 or line.product_id is None:
                continue
            reservations, short = allocate_line(
                need, _candidates(stock[line.product_id], now), fefo=fefo.get(line.product_id, False)
            )
            # Tentatively take the stock so the next line of this order sees what is left.
            for r in reservations:
                stock_by_id[r.stock_id].quantity_reserved += r.qty
            plan.append((line, reservations))
            if short:
                shortfalls[line.id] = short
        for _line, reservations in plan:  # undo the tentative holds; _apply does it for real below
            for r in reservations:
                stock_by_id[r.stock_id].quantity_reserved -= r.qty
        anything = any(reservations for _, reservations in plan)
        complete = not shortfalls
        if not complete and (order.ship_complete or not anything):
            if order.status != BACKORDERED:
                missing = ", ".join(
                    f"{line.sku} short {shortfalls[line.id]}" for line in order.lines if line.id in shortfalls
                )
                set_status(uow, order, BACKORDERED, actor, f"not enough stock: {missing}")
            backordered += 1
            continue
        for line, reservations in plan:
            _apply(session, line, reservations, stock_by_id)
        if not complete:
            child = _split_remainder(uow, order, shortfalls, actor)
            set_status(uow, order, ALLOCATED, actor, f"partly in stock; remainder split into {child.number}")
            split += 1
        else:
            set_status(uow, order, ALLOCATED, actor, "stock reserved")
        allocated += 1
    session.flush()
    return AllocationReport(allocated, backordered, split), len(orders)


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
            query = select(Order.id).where(Order.status == BACKORDERED).order_by(Order.priority.desc(), Order.id)
            if order_ids is not None:
                query = query.where(Order.id.in_(order_ids))
            waiting = list(uow.session.scalars(query))
    while True:  # every batch moves its orders out of "new", so this ends
        with db.unit_of_work() as uow:
            report, seen = allocate_batch(uow, actor=actor, statuses=(NEW,), order_ids=order_ids, limit=batch_size)
            uow.commit()
        total += report
        if seen == 0:
            break
    for start in range(0, len(waiting), batch_size):
        chunk = waiting[start : start + batch_size]
        with db.unit_of_work() as uow:
            report, _ = allocate_batch(uow, actor=actor, statuses=(BACKORDERED,), order_ids=chunk, limit=len(chunk))
            uow.commit()
        total += report
    return total


def release_reservations(session: Session, order: Order) -> int:
    """Give back every unpicked reserved unit of an order; returns the units released."""
    released = 0
    for line in order.lines:
        for allocation in list(line.allocations):
            open_qty = allocation.qty - allocation.qty_picked
            if open_qty > 0:
                allocation.stock.quantity_reserved -= open_qty
                released += open_qty
            line.allocations.remove(allocation)
        line.qty_allocated = 0
    session.flush()
    return released
