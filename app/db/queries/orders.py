"""Read models of the order use cases: small lookups that feed an order's detail view and its edits, and the
order listing (keyset pages and a stream)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Order, PickTask, Product, PutbackTask


def open_putback_units(session: Session, order_id: int) -> int:
    """Units of a cancelled order's goods still waiting to go back to a shelf."""
    query = select(func.coalesce(func.sum(PutbackTask.qty), 0)).where(
        PutbackTask.order_id == order_id, PutbackTask.status == "open"
    )
    return int(session.scalar(query) or 0)


def line_ever_planned(session: Session, line_id: int) -> bool:
    """Whether any pick stop (open or not) ever named this order line: then the line must stay."""
    return session.scalar(select(PickTask.id).where(PickTask.order_line_id == line_id).limit(1)) is not None


def products_by_sku(session: Session, skus: Iterable[str]) -> dict[str, Product]:
    """The catalog's products of these SKUs (unknown SKUs are simply absent)."""
    return {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(list(skus))))}


# --- the order listing (``pickpack orders list``): pages and a stream, priority descending then id -----------------

_LISTING_COLUMNS = (
    Order.id,
    Order.channel,
    Order.external_id,
    Order.number,
    Order.status,
    Order.priority,
    Order.customer_name,
    Order.ship_by,
    Order.service_level,
    Order.hold_reason,
)
STREAM_ROWS = 1000
"""Rows fetched at a time while streaming (PostgreSQL: a server-side cursor), so memory stays flat."""


def listing_position(session: Session, order_id: int) -> tuple[float, int] | None:
    """(priority, id) of an order now: the place in the listing that ``--after ID`` continues from."""
    row = session.execute(select(Order.priority, Order.id).where(Order.id == order_id)).first()
    return (float(row[0]), int(row[1])) if row is not None else None


def _listing(status: str | None, after: tuple[float, int] | None) -> Select[Any]:
    """The listing as keyset SQL: ``priority <= p AND (priority < p OR id > i)`` lets the database walk
    ``ix_orders_listing`` / ``ix_orders_status_listing`` from the cursor and stop after the page, instead of
    sorting every order (a row comparison cannot express the mixed directions)."""
    query = select(*_LISTING_COLUMNS).order_by(Order.priority.desc(), Order.id)
    if status is not None:
        query = query.where(Order.status == status)
    if after is not None:
        priority, order_id = after
        query = query.where(Order.priority <= priority, or_(Order.priority < priority, Order.id > order_id))
    return query


def listing_page(session: Session, status: str | None, after: tuple[float, int] | None, limit: int) -> list[Row[Any]]:
    """At most ``limit`` orders after the cursor ``after`` (from the start when None)."""
    return list(session.execute(_listing(status, after).limit(limit)))


def listing_stream(session: Session, status: str | None, after: tuple[float, int] | None) -> Iterator[Row[Any]]:
    """Every order after the cursor, fetched ``STREAM_ROWS`` at a time: one statement, one consistent snapshot."""
    result = session.execute(_listing(status, after).execution_options(yield_per=STREAM_ROWS))
    yield from result
