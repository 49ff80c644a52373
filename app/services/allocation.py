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
from datetime import UTC, date, datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from app.db.models import Allocation, Location, Order, OrderLine, Product, Stock
from app.db.retry import retry_busy
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.allocation import Reservation, StockCandidate, allocate_line
from app.domain.orders import ALLOCATED, BACKORDERED, NEW, check_transition


@dataclass(frozen=True)
class AllocationReport:
    allocated: int = 0
    backordered: int = 0
    split: int = 0

    def __add__(self, other: AllocationReport) -> AllocationReport:
        return AllocationReport(
            self.allocated + other.allocated, self.backordered + other.backordered, self.split + other.split
        )


@dataclass
class _Line:
    id: int
    order_id: int
    line_no: int
    product_id: int | None
    sku: str
    qty_ordered: int
    qty_allocated: int


@dataclass
class _Stock:
    id: int
    product_id: int
    location: str
    lot: str
    expiry: date | None
    on_hand: int
    reserved: int
    received_at: datetime


def _lock_orders(session: Session, statuses: tuple[str, ...], order_ids: list[int] | None, limit: int) -> list[Row]:
    query = (
        select(Order.id, Order.number, Order.status, Order.ship_complete)
        .where(Order.status.in_(statuses))
        .order_by(Order.priority.desc(), Order.id)
        .limit(limit)
    )
    if order_ids is not None:
        query = query.where(Order.id.in_(order_ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Order)
    return list(session.execute(query))


def _lock_stock(session: Session, product_ids: set[int]) -> dict[int, list[_Stock]]:
    """Pick-face stock of these products, locked in primary-key order, copied into plain rows by product."""
    if not product_ids:
        return {}
    query = (
        select(
            Stock.id,
            Stock.product_id,
            Location.code,
            Stock.lot,
            Stock.expiry,
            Stock.quantity_on_hand,
            Stock.quantity_reserved,
            Stock.received_at,
        )
        .join(Location, Stock.location_id == Location.id)
        .where(Stock.product_id.in_(product_ids), Location.kind == "pick", Location.active.is_(True))
        .order_by(Stock.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Stock)
    by_product: dict[int, list[_Stock]] = defaultdict(list)
    for row in session.execute(query):
        by_product[row.product_id].append(_Stock(*row))
    return by_product


def _candidates(rows: list[_Stock], today: date) -> list[StockCandidate]:
    return [
        StockCandidate(s.id, s.location, s.lot, s.expiry, s.on_hand - s.reserved, s.received_at)
        for s in rows
        if s.on_hand > s.reserved and (s.expiry is None or s.expiry >= today)
    ]


def split_remainder(uow: UnitOfWork, order_id: int, shortfalls: dict[int, int], actor: Actor) -> Order:
    """Move the unallocated quantities into a new backordered order (the channel accepts split shipments)."""
    order = uow.session.get(Order, order_id)
    assert order is not None
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
            line.qty_allocated = min(line.qty_allocated, line.qty_ordered)
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
    """Allocate up to ``limit`` orders inside ``uow`` (the caller commits); returns (report, orders seen).

    Lock, copy into plain data, compute, write back in bulk: a batch of 500 orders costs a handful of
    statements whatever its size, which is what lets intake keep up with a flash sale.
    """
    session = uow.session
    orders = _lock_orders(session, statuses, order_ids, limit)
    if not orders:
        return AllocationReport(), 0
    lines_by_order: dict[int, list[_Line]] = defaultdict(list)
    ids = [o.id for o in orders]
    for row in session.execute(
        select(
            OrderLine.id,
            OrderLine.order_id,
            OrderLine.line_no,
            OrderLine.product_id,
            OrderLine.sku,
            OrderLine.qty_ordered,
            OrderLine.qty_allocated,
        )
        .where(OrderLine.order_id.in_(ids))
        .order_by(OrderLine.order_id, OrderLine.line_no)
    ):
        lines_by_order[row.order_id].append(_Line(*row))
    product_ids = {line.product_id for rows in lines_by_order.values() for line in rows if line.product_id}
    stock = _lock_stock(session, product_ids)
    stock_by_id = {s.id: s for rows in stock.values() for s in rows}
    fefo = (
        {
            row.id: row.track_expiry
            for row in session.execute(select(Product.id, Product.track_expiry).where(Product.id.in_(product_ids)))
        }
        if (product_ids)
        else {}
    )
    existing = {
        (row.order_line_id, row.stock_id): row.id
        for row in session.execute(
            select(Allocation.id, Allocation.order_line_id, Allocation.stock_id).where(
                Allocation.order_line_id.in_([x.id for rows in lines_by_order.values() for x in rows])
            )
        )
    }
    today = datetime.now(UTC).date()
    new_allocations: list[dict[str, int]] = []
    grown_allocations: dict[int, int] = defaultdict(int)
    line_updates: list[dict[str, int]] = []
    order_updates: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    splits: list[tuple[int, dict[int, int]]] = []
    allocated = backordered = 0
    for order in orders:
        plan: list[tuple[_Line, list[Reservation]]] = []
        shortfalls: dict[int, int] = {}
        for line in lines_by_order.get(order.id, []):
            need = line.qty_ordered - line.qty_allocated
            if need <= 0 or line.product_id is None:
                continue
            reservations, short = allocate_line(
                need, _candidates(stock[line.product_id], today), fefo=fefo.get(line.product_id, False)
            )
            for r in reservations:  # tentatively, so the order's next line sees what is left
                stock_by_id[r.stock_id].reserved += r.qty
            plan.append((line, reservations))
            if short:
                shortfalls[line.id] = short
        anything = any(reservations for _, reservations in plan)
        if shortfalls and (order.ship_complete or not anything):
            for _line, reservations in plan:  # give the tentative holds back
                for r in reservations:
                    stock_by_id[r.stock_id].reserved -= r.qty
            if order.status != BACKORDERED:
                missing = ", ".join(
                    f"{line.sku} short {shortfalls[line.id]}"
                    for line in lines_by_order[order.id]
                    if line.id in shortfalls
                )
                check_transition(order.number, order.status, BACKORDERED)
                order_updates.append({"id": order.id, "status": BACKORDERED})
                events.append(
                    uow.event_row(
                        actor,
                        "order.status",
                        f"order:{order.id}",
                        f"not enough stock: {missing}",
                        **{"from": order.status, "to": BACKORDERED, "reason": f"not enough stock: {missing}"},
                    )
                )
            backordered += 1
            continue
        for line, reservations in plan:
            for r in reservations:
                key = (line.id, r.stock_id)
                if key in existing:
                    grown_allocations[existing[key]] += r.qty
                else:
                    new_allocations.append({"order_line_id": line.id, "stock_id": r.stock_id, "qty": r.qty})
            line.qty_allocated += sum(r.qty for r in reservations)
            line_updates.append({"id": line.id, "qty_allocated": line.qty_allocated})
        reason = "stock reserved"
        if shortfalls:
            splits.append((order.id, shortfalls))
            reason = "partly in stock; the remainder is split into a backorder"
        check_transition(order.number, order.status, ALLOCATED)
        order_updates.append({"id": order.id, "status": ALLOCATED})
        events.append(
            uow.event_row(
                actor,
                "order.status",
                f"order:{order.id}",
                reason,
                **{"from": order.status, "to": ALLOCATED, "reason": reason},
            )
        )
        allocated += 1
    touched = {s.id: s.reserved for s in stock_by_id.values()}
    if new_allocations or grown_allocations:
        session.execute(update(Stock), [{"id": k, "quantity_reserved": v} for k, v in touched.items()])
    if new_allocations:
        session.execute(insert(Allocation), new_allocations)
    for allocation_id, qty in grown_allocations.items():
        session.execute(update(Allocation).where(Allocation.id == allocation_id).values(qty=Allocation.qty + qty))
    if line_updates:
        session.execute(update(OrderLine), line_updates)
    if order_updates:
        session.execute(update(Order), order_updates)
    uow.record_rows(events)
    for order_id, shortfalls in splits:
        split_remainder(uow, order_id, shortfalls, actor)
    return AllocationReport(allocated, backordered, len(splits)), len(orders)


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


def release_reservations(session: Session, order: Order) -> int:
    """Give back every unpicked reserved unit of an order; returns the units released."""
    released = 0
    from app.services.inventory import lock_stock

    lock_stock(session, {a.stock_id for line in order.lines for a in line.allocations})
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
