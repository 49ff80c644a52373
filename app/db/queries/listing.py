"""The order listing (``pickpack orders list``): keyset pages and a stream, priority descending then id, as Core
SQL on a plain connection.

Why not the ORM models: the listing reads ten columns of one table, and declaring the mapped classes (all of them:
their relationships point at each other) costs more than the whole rest of the command; `orders list --limit 100`
is meant to answer in well under half a second. ``ORDERS`` names those columns with the types of
``app.db.models.Order`` (``tests/services/test_order_listing.py`` checks that the two agree), so values come back
converted exactly as the ORM would convert them (a ``date`` for ``ship_by`` on SQLite too).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Date, Float, Integer, Row, Select, String, Text, column, or_, select, table

ORDERS = table(
    "orders",
    column("id", Integer),
    column("channel", String(32)),
    column("external_id", String(64)),
    column("number", String(64)),
    column("status", String(16)),
    column("priority", Float),
    column("customer_name", String(200)),
    column("ship_by", Date),
    column("service_level", String(16)),
    column("hold_reason", Text),
)
"""The columns of ``orders`` a listing row holds, in the order of ``app.services.order_listing.OrderSummary``."""
STREAM_ROWS = 1000
"""Rows fetched at a time while streaming (PostgreSQL: a server-side cursor), so memory stays flat."""


def listing_position(conn: Connection, order_id: int) -> tuple[float, int] | None:
    """(priority, id) of an order now: the place in the listing that ``--after ID`` continues from."""
    c = ORDERS.c
    row = conn.execute(select(c.priority, c.id).where(c.id == order_id)).first()
    return (float(row[0]), int(row[1])) if row is not None else None


def _listing(status: str | None, after: tuple[float, int] | None) -> Select[Any]:
    """The listing as keyset SQL: ``priority <= p AND (priority < p OR id > i)`` lets the database walk
    ``ix_orders_listing`` / ``ix_orders_status_listing`` from the cursor and stop after the page, instead of
    sorting every order (a row comparison cannot express the mixed directions)."""
    c = ORDERS.c
    query = select(ORDERS).order_by(c.priority.desc(), c.id)
    if status is not None:
        query = query.where(c.status == status)
    if after is not None:
        priority, order_id = after
        query = query.where(c.priority <= priority, or_(c.priority < priority, c.id > order_id))
    return query


def listing_page(conn: Connection, status: str | None, after: tuple[float, int] | None, limit: int) -> list[Row[Any]]:
    """At most ``limit`` orders after the cursor ``after`` (from the start when None)."""
    return list(conn.execute(_listing(status, after).limit(limit)))


def listing_stream(conn: Connection, status: str | None, after: tuple[float, int] | None) -> Iterator[Row[Any]]:
    """Every order after the cursor, fetched ``STREAM_ROWS`` at a time: one statement, one consistent snapshot."""
    result = conn.execute(_listing(status, after).execution_options(yield_per=STREAM_ROWS))
    yield from result
