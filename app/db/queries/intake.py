"""The statements of order intake (``app.services.intake``): find the orders a chunk of a file already stored,
and store new orders with their lines and first events in bulk.

Why bulk: an import stores ``WRITE_CHUNK`` orders per transaction. On SQLite one driver executemany INSERT per
table is the fast path (the new order ids are then read back by their unique channel key). On PostgreSQL the
same statements cost a round trip and a parse per batch of rows and ran at a third of SQLite's rate, so there
the rows go through ``COPY FROM STDIN`` on the session's own connection (inside the chunk's transaction: a row
the server refuses aborts the COPY and the whole chunk rolls back, as before), with order ids taken from the
sequence first so the lines can name their order.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db.bulk import among, copy_rows, executemany_insert, insert_rows, takes_copy
from app.db.models import Event, Order, OrderLine


def orders_by_channel_key(session: Session, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Order]:
    """The stored orders among ``keys`` (channel, external id), by that key."""
    if not keys:
        return {}
    by_channel: dict[str, list[str]] = {}
    for channel, external_id in keys:
        by_channel.setdefault(channel, []).append(external_id)
    # one "channel = c AND external_id IN (...)" per channel: a range of the unique index each (PostgreSQL
    # planned 500 (channel, external id) pairs as a slow filter, 60 ms a chunk)
    found: dict[tuple[str, str], Order] = {}
    for channel, external_ids in by_channel.items():
        query = select(Order).where(Order.channel == channel, among(session, Order.external_id, external_ids))
        found.update({(order.channel, order.external_id): order for order in session.scalars(query)})
    return found


def insert_orders(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert orders given as column dicts; their new ids, in the order of ``rows``."""
    if not rows:
        return []
    if takes_copy(session):
        ids = [int(i) for i in session.scalars(_NEXT_ORDER_IDS, {"n": len(rows)})]
        copy_rows(session, Order.__table__, [{**row, "id": order_id} for row, order_id in zip(rows, ids, strict=True)])
        return ids
    # SQLite: one executemany, then the new ids by the unique (channel, external id) key (an INSERT ...
    # RETURNING in input order ran row by row: 1.8 s of statements for 5,000 orders)
    executemany_insert(session, Order.__table__, rows)
    by_channel: dict[str, list[str]] = {}
    for row in rows:
        by_channel.setdefault(row["channel"], []).append(row["external_id"])
    ids: dict[tuple[str, str], int] = {}
    for channel, external_ids in by_channel.items():
        query = select(Order.id, Order.external_id).where(Order.channel == channel, Order.external_id.in_(external_ids))
        ids.update({(channel, external_id): order_id for order_id, external_id in session.execute(query)})
    return [ids[row["channel"], row["external_id"]] for row in rows]


def insert_order_lines(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert order lines given as column dicts (``order_id`` included)."""
    insert_rows(session, OrderLine, rows)


def insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append events given as plain rows (``UnitOfWork.event_row``) to the log."""
    insert_rows(session, Event, rows)


_NEXT_ORDER_IDS = text("SELECT nextval(pg_get_serial_sequence('orders', 'id')) FROM generate_series(1, :n)")
