"""The statements of order intake (``app.services.intake``): find the orders a chunk of a file already stored,
and store new orders with their lines in batched INSERTs.

Why batched: an import stores ``WRITE_CHUNK`` orders per transaction, and one INSERT per table (lists of plain
dicts, ``RETURNING`` the new ids in input order) is several times faster than adding ORM objects one by one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from app.db.models import Order, OrderLine


def orders_by_channel_key(session: Session, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Order]:
    """The stored orders among ``keys`` (channel, external id), by that key."""
    if not keys:
        return {}
    query = select(Order).where(tuple_(Order.channel, Order.external_id).in_(list(keys)))
    return {(order.channel, order.external_id): order for order in session.scalars(query)}


def insert_orders(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert orders given as column dicts in one statement; their new ids, in the order of ``rows``."""
    if not rows:
        return []
    query = insert(Order).returning(Order.id, sort_by_parameter_order=True)
    return list(session.scalars(query, rows))


def insert_order_lines(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert order lines given as column dicts (``order_id`` included) in one statement."""
    if rows:
        session.execute(insert(OrderLine), rows)
