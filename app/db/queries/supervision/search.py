"""The supervisor's search: orders by tracking number or SSCC, tote code, order number, SKU or customer name.

Five ``LIMIT``ed statements; each returns the rows it matched, open orders first where the match is not unique.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Carton, Order, OrderLine, Shipment, Tote
from app.db.queries.supervision.common import open_first


def like_escape(text: str) -> str:
    """``text`` with the LIKE wildcards escaped (the statements say ``ESCAPE '\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CartonMatch(NamedTuple):
    tracking_number: str | None
    sscc: str | None
    seq: int
    carton_status: str
    carrier: str
    service: str
    order_id: int
    number: str
    status: str


def cartons_by_tracking(session: Session, tracking: str, sscc: str | None, limit: int) -> list[CartonMatch]:
    """Cartons with this tracking number (or this 18-digit SSCC), newest first."""
    condition = Carton.tracking_number == tracking
    if sscc is not None:
        condition = or_(condition, Carton.sscc == sscc)
    return [
        CartonMatch(*row)
        for row in session.execute(
            select(
                Carton.tracking_number,
                Carton.sscc,
                Carton.seq,
                Carton.status,
                Shipment.carrier,
                Shipment.service,
                Order.id,
                Order.number,
                Order.status,
            )
            .join(Shipment, Carton.shipment_id == Shipment.id)
            .join(Order, Shipment.order_id == Order.id)
            .where(condition)
            .order_by(Carton.id.desc())
            .limit(limit)
        )
    ]


class ToteMatch(NamedTuple):
    code: str
    tote_status: str
    batch_id: int | None
    order_id: int | None
    number: str | None
    status: str | None


def totes_by_code(session: Session, code: str, limit: int) -> list[ToteMatch]:
    """The tote with this code and the order it holds (if any)."""
    return [
        ToteMatch(*row)
        for row in session.execute(
            select(Tote.code, Tote.status, Tote.batch_id, Order.id, Order.number, Order.status)
            .outerjoin(Order, Tote.order_id == Order.id)
            .where(Tote.code == code)
            .limit(limit)
        )
    ]


class OrderMatch(NamedTuple):
    order_id: int
    number: str
    status: str
    detail: str
    """The customer name (number search); for a customer search the customer or the ship-to name."""


def orders_by_number(session: Session, bare: str, limit: int) -> list[OrderMatch]:
    """Orders whose number starts with ``bare`` (lower case, without '#'), with or without a '#': exact numbers
    first, then open orders, newest first."""
    prefix = like_escape(bare)
    number = func.lower(Order.number)
    exact = case((number.in_((bare, f"#{bare}")), 0), else_=1)
    return [
        OrderMatch(*row)
        for row in session.execute(
            select(Order.id, Order.number, Order.status, Order.customer_name)
            .where(or_(number.like(f"{prefix}%", escape="\\"), number.like(f"#{prefix}%", escape="\\")))
            .order_by(exact, open_first(), Order.id.desc())
            .limit(limit)
        )
    ]


class LineMatch(NamedTuple):
    order_id: int
    number: str
    status: str
    sku: str
    qty: int


def order_lines_by_sku(session: Session, skus: set[str], limit: int) -> list[LineMatch]:
    """Order lines of any of ``skus``: open orders first, by ship-by day, newest first."""
    return [
        LineMatch(*row)
        for row in session.execute(
            select(Order.id, Order.number, Order.status, OrderLine.sku, OrderLine.qty_ordered)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(OrderLine.sku.in_(skus))
            .order_by(open_first(), Order.ship_by, Order.id.desc())
            .limit(limit)
        )
    ]


def orders_by_customer(session: Session, term: str, limit: int) -> list[OrderMatch]:
    """Orders whose customer or ship-to name contains ``term`` (any case): open first, newest first."""
    pattern = f"%{like_escape(term.lower())}%"
    return [
        OrderMatch(order_id, number, status, customer or ship_name)
        for order_id, number, status, customer, ship_name in session.execute(
            select(Order.id, Order.number, Order.status, Order.customer_name, Order.ship_name)
            .where(
                or_(
                    func.lower(Order.customer_name).like(pattern, escape="\\"),
                    func.lower(Order.ship_name).like(pattern, escape="\\"),
                )
            )
            .order_by(open_first(), Order.id.desc())
            .limit(limit)
        )
    ]
