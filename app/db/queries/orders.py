"""Read models of the order use cases: small lookups that feed an order's detail view and its edits (the order
listing is ``app.db.queries.listing``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import PickTask, Product, PutbackTask


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
