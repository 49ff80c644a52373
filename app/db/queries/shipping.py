"""What packing and shipping read about orders, their lines, totes and the event log, and the shipment listings.

Orders, totes and events have their own repositories (owned by other areas); the reads only packing and shipping
need live here, as plain functions of a session (``queries.shipping.fn(uow.session, ...)``).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, Event, Order, OrderLine, Product, Shipment, Stock, Tote

# --- order lines ---------------------------------------------------------------------------------------


def picked_lots(session: Session, order_id: int) -> dict[int, list[tuple[str, int]]]:
    """Units picked per lot of each order line (lot-tracked products only), by line id, lots in name order."""
    lots: dict[int, list[tuple[str, int]]] = {}
    for line_id, lot, qty in session.execute(
        select(Allocation.order_line_id, Stock.lot, func.sum(Allocation.qty_picked))
        .join(Stock, Allocation.stock_id == Stock.id)
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .where(OrderLine.order_id == order_id, Allocation.qty_picked > 0, Stock.lot != "")
        .group_by(Allocation.order_line_id, Stock.lot)
        .order_by(Allocation.order_line_id, Stock.lot)
    ):
        lots.setdefault(line_id, []).append((lot, int(qty)))
    return lots


def lines_with_gtins(session: Session, order_id: int) -> list[tuple[OrderLine, str | None]]:
    """The order's lines in line order, each with its product's GTIN (None for an unknown product)."""
    rows = session.execute(
        select(OrderLine, Product.gtin)
        .outerjoin(Product, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.line_no)
    )
    return [(line, gtin) for line, gtin in rows]


def lines_with_products(session: Session, order_id: int) -> list[tuple[OrderLine, Product | None]]:
    """The order's lines in line order, each with its product (None for an unknown product)."""
    rows = session.execute(
        select(OrderLine, Product)
        .outerjoin(Product, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.line_no)
    ).all()
    return [(line, product) for line, product in rows]


def lines_of_known_products(session: Session, order_id: int) -> list[tuple[OrderLine, Product]]:
    """The order's lines whose product is known, with the product (the units the cartonization can place)."""
    rows = session.execute(
        select(OrderLine, Product)
        .join(Product, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order_id)
    ).all()
    return [(line, product) for line, product in rows]


def line_of_product(session: Session, order_id: int, product_id: int) -> OrderLine | None:
    """The order's line for ``product_id``, if the order has one."""
    return session.scalar(select(OrderLine).where(OrderLine.order_id == order_id, OrderLine.product_id == product_id))


# --- totes and the packer's last order ---------------------------------------------------------------


def totes_at_packing(session: Session, order_id: int) -> list[Tote]:
    """The totes holding the order on the packing shelf."""
    return list(session.scalars(select(Tote).where(Tote.order_id == order_id, Tote.status == "packing")))


def last_packed_order_id(session: Session, user_id: int) -> int | None:
    """The order of the user's newest packing event (``pack.*`` or an order status change on ``order:ID``), if
    there is one. The status change counts because opening an order writes only that (``packing``): a station
    killed before its first item scan must still come back to the order it had open."""
    subject = session.scalar(
        select(Event.subject)
        .where(
            Event.user_id == user_id,
            or_(Event.kind.like("pack.%"), Event.kind == "order.status"),
            Event.subject.like("order:%"),
        )
        .order_by(Event.id.desc())
        .limit(1)
    )
    return None if subject is None else int(subject.split(":", 1)[1])


# --- shipment listings ---------------------------------------------------------------------------------


def shipments_with_order_numbers(session: Session, order_id: int | None = None) -> list[tuple[Shipment, str]]:
    """Every shipment (or one order's) in id order, with its order's number."""
    query = select(Shipment, Order.number).join(Order, Shipment.order_id == Order.id).order_by(Shipment.id)
    if order_id is not None:
        query = query.where(Shipment.order_id == order_id)
    return [(shipment, number) for shipment, number in session.execute(query)]


def shipped_with_orders(session: Session, carrier: str) -> list[tuple[Shipment, Order]]:
    """The carrier's shipped shipments in id order, each with its order."""
    rows = session.execute(
        select(Shipment, Order)
        .join(Order, Shipment.order_id == Order.id)
        .where(Shipment.carrier == carrier, Shipment.status == "shipped")
        .order_by(Shipment.id)
    ).all()
    return [(shipment, order) for shipment, order in rows]


class ShippingReads:
    """The reads above as one object the unit of work opens (``uow.shipping_reads``), so packing and shipping ask
    their unit of work and never hold a session: a fake unit of work (``tests/fakes``) provides the same methods."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def picked_lots(self, order_id: int) -> dict[int, list[tuple[str, int]]]:
        return picked_lots(self._session, order_id)

    def lines_with_gtins(self, order_id: int) -> list[tuple[OrderLine, str | None]]:
        return lines_with_gtins(self._session, order_id)

    def lines_with_products(self, order_id: int) -> list[tuple[OrderLine, Product | None]]:
        return lines_with_products(self._session, order_id)

    def lines_of_known_products(self, order_id: int) -> list[tuple[OrderLine, Product]]:
        return lines_of_known_products(self._session, order_id)

    def line_of_product(self, order_id: int, product_id: int) -> OrderLine | None:
        return line_of_product(self._session, order_id, product_id)

    def totes_at_packing(self, order_id: int) -> list[Tote]:
        return totes_at_packing(self._session, order_id)

    def last_packed_order_id(self, user_id: int) -> int | None:
        return last_packed_order_id(self._session, user_id)

    def shipments_with_order_numbers(self, order_id: int | None = None) -> list[tuple[Shipment, str]]:
        return shipments_with_order_numbers(self._session, order_id)

    def shipped_with_orders(self, carrier: str) -> list[tuple[Shipment, Order]]:
        return shipped_with_orders(self._session, carrier)
