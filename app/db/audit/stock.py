"""Audit checks of the stock: reservations within on hand and equal to the allocations, and on hand equal to
the ledger.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import KeyedColumnElement

from app.db.audit.common import DEFAULT_LIMIT, Found, first_rows
from app.db.models import (
    Allocation,
    Location,
    Order,
    OrderLine,
    Product,
    Stock,
    StockMove,
)


def _stock_columns() -> tuple[KeyedColumnElement[Any], ...]:
    return (
        Stock.id.label("stock"),
        Location.code.label("location"),
        Product.sku.label("sku"),
        Stock.lot.label("lot"),
        Stock.quantity_on_hand.label("on_hand"),
        Stock.quantity_reserved.label("reserved"),
    )


def _stock_select(*extra: ColumnElement[Any]) -> Select[Any]:
    return (
        select(*_stock_columns(), *extra)
        .join(Location, Location.id == Stock.location_id)
        .join(Product, Product.id == Stock.product_id)
    )


# --- stock ---------------------------------------------------------------------------------------------------


def reserved_within_on_hand(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Stock rows with reserved above on hand or either one negative."""
    stmt = _stock_select().where(
        or_(
            Stock.quantity_reserved > Stock.quantity_on_hand,
            Stock.quantity_on_hand < 0,
            Stock.quantity_reserved < 0,
        )
    )
    return first_rows(session, stmt, limit, ("stock",))


def reserved_equals_allocations(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Stock rows whose reserved units differ from the units still to pick on their allocations."""
    open_units = (
        select(Allocation.stock_id, func.sum(Allocation.qty - Allocation.qty_picked).label("units"))
        .group_by(Allocation.stock_id)
        .subquery()
    )
    allocations = func.coalesce(open_units.c.units, 0)
    stmt = (
        _stock_select(allocations.label("allocations"))
        .outerjoin(open_units, open_units.c.stock_id == Stock.id)
        .where(Stock.quantity_reserved != allocations)
    )
    return first_rows(session, stmt, limit, ("stock",))


def line_allocated_equals_allocations(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Order lines whose ``qty_allocated`` differs from the sum of their allocations."""
    allocated = (
        select(Allocation.order_line_id, func.sum(Allocation.qty).label("units"))
        .group_by(Allocation.order_line_id)
        .subquery()
    )
    allocations = func.coalesce(allocated.c.units, 0)
    stmt = (
        select(
            Order.number.label("order"),
            Order.id.label("order_id"),
            OrderLine.line_no.label("line"),
            OrderLine.sku.label("sku"),
            OrderLine.qty_allocated.label("qty_allocated"),
            allocations.label("allocations"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(allocated, allocated.c.order_line_id == OrderLine.id)
        .where(OrderLine.qty_allocated != allocations)
    )
    return first_rows(session, stmt, limit, ("order_id", "line"))


def on_hand_equals_ledger(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Places (location, product, lot) where on hand differs from the sum of the ledger's moves, including
    moves for a place that has no stock row at all (``stock`` is then None and on hand 0)."""
    ledger = (
        select(
            StockMove.location_id,
            StockMove.product_id,
            StockMove.lot,
            func.sum(StockMove.qty).label("units"),
        )
        .group_by(StockMove.location_id, StockMove.product_id, StockMove.lot)
        .subquery()
    )
    place = and_(
        ledger.c.location_id == Stock.location_id,
        ledger.c.product_id == Stock.product_id,
        ledger.c.lot == Stock.lot,
    )
    units = func.coalesce(ledger.c.units, 0)
    with_row = (
        select(
            Stock.id.label("stock"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            Stock.lot.label("lot"),
            Stock.quantity_on_hand.label("on_hand"),
            units.label("ledger"),
        )
        .join(Location, Location.id == Stock.location_id)
        .join(Product, Product.id == Stock.product_id)
        .outerjoin(ledger, place)
        .where(Stock.quantity_on_hand != units)
    )
    without_row = (
        select(
            cast(null(), Integer).label("stock"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            ledger.c.lot.label("lot"),
            literal(0, Integer).label("on_hand"),
            ledger.c.units.label("ledger"),
        )
        .select_from(ledger)
        .join(Location, Location.id == ledger.c.location_id)
        .join(Product, Product.id == ledger.c.product_id)
        .outerjoin(Stock, place)
        .where(Stock.id.is_(None), ledger.c.units != 0)
    )
    return first_rows(session, union_all(with_row, without_row), limit, ("location", "sku", "lot"))
