"""The shift KPIs' reads: shipped and voided orders, units dropped into totes and scan counts in a time window.

Three statements bounded by the window on ``events.at``; hour buckets are made by the caller, because SQLite and
PostgreSQL truncate timestamps differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Event, Order
from app.db.queries.supervision.common import order_id_of
from app.domain.orders import SHIPPED


class ShippedMove(NamedTuple):
    """An order's status event into or out of shipped, with what the KPIs need of the order."""

    to: str | None
    at: datetime
    order_id: int
    received_at: datetime
    ship_by: date | None
    service_level: str


def shipped_moves(session: Session, start: datetime, end: datetime) -> list[ShippedMove]:
    """Status events into shipped or out of it (a void) between ``start`` and ``end``, oldest first."""
    to_status = Event.data["to"].as_string()
    from_status = Event.data["from"].as_string()
    return [
        ShippedMove(*row)
        for row in session.execute(
            select(to_status, Event.at, Order.id, Order.received_at, Order.ship_by, Order.service_level)
            .join(Order, Order.id == order_id_of(Event.subject))
            .where(
                Event.kind == "order.status",
                Event.at >= start,
                Event.at <= end,
                or_(to_status == SHIPPED, from_status == SHIPPED),
            )
            .order_by(Event.id)
        )
    ]


def undone_drop() -> ColumnElement[bool]:
    """A ``pick.undone`` that took units back out of a tote: they count against the drops they reverse."""
    return and_(Event.kind == "pick.undone", Event.data["undone_kind"].as_string() == "pick.dropped")


def dropped_units() -> ColumnElement[int]:
    """Units an event put into a tote: + for ``pick.dropped``, - for an undone drop, 0 for anything else."""
    units = Event.data["units"].as_integer()
    return case((Event.kind == "pick.dropped", units), (undone_drop(), -units), else_=0)


def units_dropped(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(when, units) of every ``pick.dropped`` event between ``start`` and ``end``, an undone drop negative."""
    return [
        (at, int(units or 0))
        for at, units in session.execute(
            select(Event.at, dropped_units()).where(
                or_(Event.kind == "pick.dropped", undone_drop()), and_(Event.at >= start, Event.at <= end)
            )
        )
    ]


def event_counts(session: Session, kinds: Sequence[str], start: datetime, end: datetime) -> dict[str, int]:
    """Events of each of ``kinds`` between ``start`` and ``end`` (zeros included)."""
    counts = dict.fromkeys(kinds, 0)
    for kind, n in session.execute(
        select(Event.kind, func.count())
        .where(Event.kind.in_(tuple(kinds)), Event.at >= start, Event.at <= end)
        .group_by(Event.kind)
    ):
        counts[kind] = int(n)
    return counts
