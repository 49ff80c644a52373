"""Small reads by name or id: the user a supervisor hands a batch to, and what the simulator looks at on the floor
(the catalog, the packing shelf, totes in use, orders by status, whether a killed station's work is still open).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Batch, Location, Order, OrderLine, Product, Shipment, Stock, Tote, User
from app.db.queries.supervision.floor import OPEN_BATCH_STATUSES


def user_named(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def unreserved_stock_per_sku(session: Session) -> dict[str, int]:
    """On hand minus reserved per SKU, over every location (every SKU with stock rows, zero or less included)."""
    return {
        sku: int(free or 0)
        for sku, free in session.execute(
            select(Product.sku, func.sum(Stock.quantity_on_hand - Stock.quantity_reserved))
            .join(Product, Stock.product_id == Product.id)
            .group_by(Product.sku)
        )
    }


def product_gtins(session: Session) -> list[tuple[str, str | None]]:
    """(SKU, unit GTIN) of every product, by SKU."""
    return [(sku, gtin) for sku, gtin in session.execute(select(Product.sku, Product.gtin).order_by(Product.sku))]


def active_location_codes(session: Session, *, without_stock: bool) -> list[str]:
    """Codes of active locations, sorted; only those without any stock row when ``without_stock``."""
    codes = select(Location.code).where(Location.active.is_(True)).order_by(Location.code)
    if without_stock:
        codes = codes.where(Location.id.not_in(select(Stock.location_id).distinct()))
    return list(session.scalars(codes))


def lots_per_sku(session: Session) -> dict[str, set[str]]:
    """The lots in stock of each lot-tracked SKU."""
    lots: dict[str, set[str]] = {}
    for sku, lot in session.execute(
        select(Product.sku, Stock.lot).join(Product, Stock.product_id == Product.id).where(Stock.lot != "")
    ):
        lots.setdefault(sku, set()).add(lot)
    return lots


def tote_codes_in_use(session: Session) -> set[str]:
    return set(session.scalars(select(Tote.code).where(Tote.status != "free")))


def orders_on_packing_shelf(session: Session, statuses: Sequence[str]) -> list[tuple[int, str, str]]:
    """(order id, number, first tote) of orders in ``statuses`` with a tote at packing and no short pending,
    highest priority first."""
    return [
        (order_id, number, tote)
        for order_id, number, tote in session.execute(
            select(Order.id, Order.number, func.min(Tote.code))
            .join(Tote, Tote.order_id == Order.id)
            .where(Tote.status == "packing", Order.status.in_(tuple(statuses)), Order.short_pending.is_(False))
            .group_by(Order.id, Order.number, Order.priority)
            .order_by(Order.priority.desc(), Order.id)
        )
    ]


def orders_in(
    session: Session, statuses: Sequence[str], *, short_pending: bool | None, limit: int
) -> list[tuple[int, str, str]]:
    """(id, number, status) of orders in ``statuses``, newest first."""
    query = select(Order.id, Order.number, Order.status).where(Order.status.in_(tuple(statuses)))
    if short_pending is not None:
        query = query.where(Order.short_pending.is_(short_pending))
    return [(i, number, status) for i, number, status in session.execute(query.order_by(Order.id.desc()).limit(limit))]


def order_lines(session: Session, order_id: int) -> list[tuple[str, int]]:
    """(SKU, quantity ordered) of each line of an order, in line order."""
    return [
        (sku, int(qty))
        for sku, qty in session.execute(
            select(OrderLine.sku, OrderLine.qty_ordered)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.line_no)
        )
    ]


def units_picked(session: Session, number: str) -> int:
    """Units picked over the lines of the order ``number`` (0 for no such order)."""
    picked = session.scalar(
        select(func.sum(OrderLine.qty_picked)).join(Order, OrderLine.order_id == Order.id).where(Order.number == number)
    )
    return int(picked or 0)


def count_orders(session: Session, statuses: Sequence[str]) -> int:
    return int(session.scalar(select(func.count(Order.id)).where(Order.status.in_(tuple(statuses)))) or 0)


def order_status(session: Session, number: str) -> str | None:
    return session.scalar(select(Order.status).where(Order.number == number))


class BatchHolder(NamedTuple):
    id: int
    status: str
    picker: str | None


def open_batches(session: Session) -> list[BatchHolder]:
    """Batches ready or being picked, with their picker, by id."""
    return [
        BatchHolder(*row)
        for row in session.execute(
            select(Batch.id, Batch.status, User.name)
            .outerjoin(User, Batch.picker_id == User.id)
            .where(Batch.status.in_(OPEN_BATCH_STATUSES))
            .order_by(Batch.id)
        )
    ]


def batch_holder(session: Session, batch_id: int) -> BatchHolder | None:
    """A batch's status and picker (None: no such batch)."""
    row = session.execute(
        select(Batch.id, Batch.status, User.name)
        .outerjoin(User, Batch.picker_id == User.id)
        .where(Batch.id == batch_id)
    ).first()
    return None if row is None else BatchHolder(*row)


def orders_shipped_since(session: Session, since: datetime) -> int:
    """Orders with a shipment shipped at or after ``since``."""
    return int(
        session.scalar(
            select(func.count(func.distinct(Shipment.order_id))).where(
                Shipment.status == "shipped", Shipment.shipped_at >= since
            )
        )
        or 0
    )
