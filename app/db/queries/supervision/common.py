"""Pieces of SQL the supervisor's queries share: open orders, and event subjects that name an order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, cast, func, literal, literal_column

from app.db.models import Order
from app.domain.orders import CANCELLED, SHIPPED

FINAL_STATUSES = (SHIPPED, CANCELLED)
OPEN_ORDER = Order.status.not_in([literal_column(f"'{s}'") for s in FINAL_STATUSES])
"""``status NOT IN ('shipped', 'cancelled')`` with the values inline (not bound), so the planner can match the
partial index ``ix_orders_open_ship_by`` (SQLite only uses a partial index when the query repeats its predicate)."""
ORDER_PREFIX = "order:"


def order_id_of(subject: ColumnElement[str]) -> ColumnElement[int]:
    """The order id inside an event subject ``order:<id>`` (NULL for other subjects).

    Joining ``orders.id = <this>`` lets the database walk the (few) events of a kind and look each order up by
    primary key; the reverse (``subject = 'order:' || id``) would have to visit every order.
    """
    return case(
        (subject.startswith(ORDER_PREFIX), cast(func.substr(subject, len(ORDER_PREFIX) + 1), Integer)),
        else_=None,
    )


def subject_of(order_id: ColumnElement[int]) -> ColumnElement[str]:
    """The event subject ``order:<id>`` of an order id column."""
    return literal(ORDER_PREFIX) + cast(order_id, String)


def open_first() -> ColumnElement[Any]:
    """A sort key that puts open orders before shipped and cancelled ones."""
    return case((Order.status.in_(FINAL_STATUSES), 1), else_=0)
