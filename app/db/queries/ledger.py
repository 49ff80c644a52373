"""The SQL of ``pickpack stock moves``: the inventory ledger's lines joined to the codes an operator reads.

Lines come out oldest first (``at``, then ``id`` for moves written in the same instant) and are streamed with
``yield_per`` (a server-side cursor on PostgreSQL), so a ledger of millions of lines never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from app.db.models import Location, Product, StockMove

CHUNK = 1000
"""Rows fetched per round trip while streaming."""


def product_id_of(session: Session, sku: str) -> int | None:
    """The product id of a SKU, or None when the catalog has no such SKU."""
    return session.scalar(select(Product.id).where(Product.sku == sku))


def moves(session: Session, *, product_id: int | None = None, chunk: int = CHUNK) -> Iterator[RowMapping]:
    """Every ledger line (of one product when ``product_id`` is given), oldest first, fetched ``chunk`` at a time.

    Rows carry ``id, at, sku, location, lot, qty, reason, by, ref``; ``by`` is the name the move was made under.
    """
    stmt: Any = (
        select(
            StockMove.id.label("id"),
            StockMove.at.label("at"),
            Product.sku.label("sku"),
            Location.code.label("location"),
            StockMove.lot.label("lot"),
            StockMove.qty.label("qty"),
            StockMove.reason.label("reason"),
            StockMove.actor.label("by"),
            StockMove.ref.label("ref"),
        )
        .join(Product, Product.id == StockMove.product_id)
        .join(Location, Location.id == StockMove.location_id)
        .order_by(StockMove.at, StockMove.id)
    )
    if product_id is not None:
        stmt = stmt.where(StockMove.product_id == product_id)
    result = session.execute(stmt.execution_options(yield_per=chunk))
    try:
        yield from result.mappings()
    finally:
        result.close()
