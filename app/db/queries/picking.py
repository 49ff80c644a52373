"""Reads behind the picking floor: the picker's stop, batch listings, and the rows a re-plan or a short needs
from aggregates whose repositories belong to other areas (orders, stock, locations, shipments).

``DbSession`` is the session type, named here so services that pass a session through need no SQLAlchemy import.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.locking import for_update
from app.db.models import (
    Allocation,
    BatchSlot,
    Carton,
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    Shipment,
    Stock,
    User,
)
from app.domain.orders import PICKING

DbSession = Session
"""The ORM session a unit of work carries (``uow.session``)."""


class SlotRow(NamedTuple):
    slot: int
    order_id: int | None
    number: str
    tote_code: str | None


class OpenStop(NamedTuple):
    task: PickTask
    product: Product
    order_number: str
    expiry: date | None


class StopRow(NamedTuple):
    task: PickTask
    sku: str
    order_number: str


class PickedAllocation(NamedTuple):
    allocation_id: int
    qty_picked: int
    location_id: int
    product_id: int
    lot: str


# --- the picker's view ------------------------------------------------------------------------------


def slots(session: Session, batch_id: int) -> list[SlotRow]:
    """The batch's slots in cart order with their order's number and tote."""
    rows = session.execute(
        select(BatchSlot.slot, BatchSlot.order_id, Order.number, BatchSlot.tote_code)
        .outerjoin(Order, BatchSlot.order_id == Order.id)
        .where(BatchSlot.batch_id == batch_id)
        .order_by(BatchSlot.slot)
    ).all()
    return [SlotRow(r.slot, r.order_id, r.number or "", r.tote_code) for r in rows]


def stop_counts(session: Session, batch_id: int) -> dict[str, int]:
    """How many of the batch's stops are in each status (cancelled stops are not counted)."""
    rows = session.execute(
        select(PickTask.status, func.count())
        .where(PickTask.batch_id == batch_id, PickTask.status != "cancelled")
        .group_by(PickTask.status)
    ).all()
    return {status: count for status, count in rows}


def units_left(session: Session, batch_id: int) -> int:
    """Units the batch's open stops still have to pick or put back (the picker's "left" count)."""
    total = session.scalar(
        select(func.sum(PickTask.qty - PickTask.qty_picked)).where(
            PickTask.batch_id == batch_id, PickTask.status == "open"
        )
    )
    return int(total or 0)


def last_steps(session: Session, batch_id: int, kinds: tuple[str, ...], limit: int) -> list[Event]:
    """The newest ``limit`` events of ``kinds`` about the batch, newest first (the steps an undo looks back at)."""
    return list(
        session.scalars(
            select(Event)
            .where(Event.subject == f"batch:{batch_id}", Event.kind.in_(kinds))
            .order_by(Event.id.desc())
            .limit(limit)
        )
    )


def short_stops(session: Session, batch_id: int) -> tuple[str, ...]:
    """``"<location> <sku>: <reason>"`` for every short stop of the batch."""
    return tuple(
        f"{r.location_code} {r.sku}: {r.short_reason}"
        for r in session.execute(
            select(PickTask.location_code, Product.sku, PickTask.short_reason)
            .join(Product, PickTask.product_id == Product.id)
            .where(PickTask.batch_id == batch_id, PickTask.status == "short")
        )
    )


def next_open_stop(session: Session, batch_id: int) -> OpenStop | None:
    """The first open stop of the walk with its item, order number and the expiry of the stock it picks."""
    row = session.execute(
        select(PickTask, Product, Order.number, Stock.expiry)
        .join(Product, PickTask.product_id == Product.id)
        .outerjoin(Order, PickTask.order_id == Order.id)
        .outerjoin(Stock, PickTask.stock_id == Stock.id)
        .where(PickTask.batch_id == batch_id, PickTask.status == "open")
        .order_by(PickTask.seq)
        .limit(1)
    ).first()
    if row is None:
        return None
    task, product, number, expiry = row
    return OpenStop(task, product, number or "", expiry)


def last_batch_changer(session: Session, batch_id: int) -> str | None:
    """Who last moved or reassigned the batch (the newest ``batch.status``/``batch.reassigned`` event)."""
    return session.scalar(
        select(Event.actor)
        .where(Event.subject == f"batch:{batch_id}", Event.kind.in_(("batch.status", "batch.reassigned")))
        .order_by(Event.id.desc())
        .limit(1)
    )


def user_name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else None


def product_sku(session: Session, product_id: int) -> str | None:
    return session.scalar(select(Product.sku).where(Product.id == product_id))


def visited_locations(session: Session, batch_id: int) -> list[str]:
    """The locations units were picked at, in walking order (one entry per stop)."""
    return list(
        session.scalars(
            select(PickTask.location_code)
            .where(PickTask.batch_id == batch_id, PickTask.qty_picked > 0)
            .order_by(PickTask.seq)
        )
    )


# --- listings ---------------------------------------------------------------------------------------


def stop_rows(session: Session, batch_id: int) -> list[StopRow]:
    """Every stop of the batch in walking order with its SKU and order number."""
    rows = session.execute(
        select(PickTask, Product.sku, Order.number)
        .join(Product, PickTask.product_id == Product.id)
        .outerjoin(Order, PickTask.order_id == Order.id)
        .where(PickTask.batch_id == batch_id)
        .order_by(PickTask.seq)
    ).all()
    return [StopRow(t, sku, number or "") for t, sku, number in rows]


def slot_order_numbers(session: Session, batch_id: int) -> tuple[str, ...]:
    """The numbers of the orders on the batch, each once, in the order of its first slot (an order may fill
    several totes). Grouped, not DISTINCT: PostgreSQL refuses DISTINCT ordered by a column it does not return."""
    first_slot = func.min(BatchSlot.slot)
    return tuple(
        session.scalars(
            select(Order.number)
            .join(BatchSlot, BatchSlot.order_id == Order.id)
            .where(BatchSlot.batch_id == batch_id)
            .group_by(Order.number)
            .order_by(first_slot, Order.number)
        )
    )


# --- rows of other areas a short or a re-plan changes ------------------------------------------------


def allocation(session: Session, allocation_id: int | None) -> Allocation | None:
    return session.get(Allocation, allocation_id) if allocation_id else None


def order_line(session: Session, line_id: int | None) -> OrderLine | None:
    return session.get(OrderLine, line_id) if line_id else None


def order(session: Session, order_id: int | None) -> Order | None:
    return session.get(Order, order_id) if order_id else None


def location_by_code(session: Session, code: str) -> Location | None:
    return session.scalar(select(Location).where(Location.code == code))


def location_code(session: Session, location_id: int) -> str:
    return session.scalar(select(Location.code).where(Location.id == location_id)) or ""


def unpicked_reservations_at(session: Session, stock_id: int) -> list[tuple[Allocation, OrderLine, Order]]:
    """Allocations on a stock row with units not picked yet, the ones to give up first first: orders not being
    picked before those being picked, then lowest priority, then newest."""
    rows = session.execute(
        select(Allocation, OrderLine, Order)
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .join(Order, OrderLine.order_id == Order.id)
        .where(Allocation.stock_id == stock_id, Allocation.qty > Allocation.qty_picked)
        .order_by(Order.status == PICKING, Order.priority, Order.id.desc())
    ).all()
    return [(a, line, o) for a, line, o in rows]


def free_pick_stock(session: Session, product_id: int, exclude_stock_id: int) -> list[tuple[Stock, str]]:
    """Stock of a product on active pick faces with units not reserved, other than ``exclude_stock_id``, in key
    order and locked (PostgreSQL), with the location code."""
    query = (
        select(Stock, Location.code)
        .join(Location, Stock.location_id == Location.id)
        .where(
            Stock.product_id == product_id,
            Stock.id != exclude_stock_id,
            Location.kind == "pick",
            Location.active.is_(True),
            Stock.quantity_on_hand > Stock.quantity_reserved,
        )
        .order_by(Stock.id)
    )
    return [(s, code) for s, code in session.execute(for_update(query, of=Stock)).all()]


def picked_allocations(session: Session, order_id: int) -> list[PickedAllocation]:
    """The order's allocations with picked units and the shelf (location, product, lot) they left."""
    rows = session.execute(
        select(Allocation.id, Allocation.qty_picked, Stock.location_id, Stock.product_id, Stock.lot)
        .join(Stock, Allocation.stock_id == Stock.id)
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .where(OrderLine.order_id == order_id, Allocation.qty_picked > 0)
    ).all()
    return [PickedAllocation(*r) for r in rows]


def shipments_being_packed(session: Session, order_id: int) -> list[Shipment]:
    return list(session.scalars(select(Shipment).where(Shipment.order_id == order_id, Shipment.status == "packing")))


def unshipped_cartons(session: Session, shipment_id: int) -> list[Carton]:
    """The shipment's cartons still open or packed (no label issued)."""
    return list(
        session.scalars(select(Carton).where(Carton.shipment_id == shipment_id, Carton.status.in_(("open", "packed"))))
    )


class PickingReads:
    """The reads above as one object the unit of work opens (``uow.picking_reads``), so a use case asks its unit
    of work and never holds a session: a fake unit of work (``tests/fakes``) provides the same methods."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def slots(self, batch_id: int) -> list[SlotRow]:
        return slots(self._session, batch_id)

    def stop_counts(self, batch_id: int) -> dict[str, int]:
        return stop_counts(self._session, batch_id)

    def short_stops(self, batch_id: int) -> tuple[str, ...]:
        return short_stops(self._session, batch_id)

    def units_left(self, batch_id: int) -> int:
        return units_left(self._session, batch_id)

    def last_steps(self, batch_id: int, kinds: tuple[str, ...], limit: int) -> list[Event]:
        return last_steps(self._session, batch_id, kinds, limit)

    def next_open_stop(self, batch_id: int) -> OpenStop | None:
        return next_open_stop(self._session, batch_id)

    def last_batch_changer(self, batch_id: int) -> str | None:
        return last_batch_changer(self._session, batch_id)

    def user_name(self, user_id: int | None) -> str | None:
        return user_name(self._session, user_id)

    def product_sku(self, product_id: int) -> str | None:
        return product_sku(self._session, product_id)

    def visited_locations(self, batch_id: int) -> list[str]:
        return visited_locations(self._session, batch_id)

    def stop_rows(self, batch_id: int) -> list[StopRow]:
        return stop_rows(self._session, batch_id)

    def slot_order_numbers(self, batch_id: int) -> tuple[str, ...]:
        return slot_order_numbers(self._session, batch_id)

    def allocation(self, allocation_id: int | None) -> Allocation | None:
        return allocation(self._session, allocation_id)

    def order_line(self, line_id: int | None) -> OrderLine | None:
        return order_line(self._session, line_id)

    def order(self, order_id: int | None) -> Order | None:
        return order(self._session, order_id)

    def location_by_code(self, code: str) -> Location | None:
        return location_by_code(self._session, code)

    def location_code(self, location_id: int) -> str:
        return location_code(self._session, location_id)

    def unpicked_reservations_at(self, stock_id: int) -> list[tuple[Allocation, OrderLine, Order]]:
        return unpicked_reservations_at(self._session, stock_id)

    def free_pick_stock(self, product_id: int, exclude_stock_id: int) -> list[tuple[Stock, str]]:
        return free_pick_stock(self._session, product_id, exclude_stock_id)

    def picked_allocations(self, order_id: int) -> list[PickedAllocation]:
        return picked_allocations(self._session, order_id)

    def shipments_being_packed(self, order_id: int) -> list[Shipment]:
        return shipments_being_packed(self._session, order_id)

    def unshipped_cartons(self, shipment_id: int) -> list[Carton]:
        return unshipped_cartons(self._session, shipment_id)
