"""The floor snapshot's reads: orders per status, open batches, pickers' scans, orders by cut-off, the marker.

Each function is one aggregate (``GROUP BY``) or one ``LIMIT``ed statement, so the snapshot's cost does not grow
with the number of open orders; time windows are applied on ``events.at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.db.models import Batch, BatchSlot, Event, Order, PickTask, User
from app.db.queries.supervision.common import OPEN_ORDER
from app.db.queries.supervision.kpis import dropped_units

OPEN_BATCH_STATUSES = ("ready", "picking")


def change_marker(session: Session) -> int:
    """The newest event id (0 for an empty log)."""
    return int(session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0)


def orders_per_status(session: Session) -> dict[str, int]:
    """Orders per status, all time (statuses without orders are absent)."""
    return {status: int(n) for status, n in session.execute(select(Order.status, func.count()).group_by(Order.status))}


def open_batches_per_status(session: Session) -> dict[str, int]:
    """Open batches (ready, picking) per status, zeros included."""
    counts = dict.fromkeys(OPEN_BATCH_STATUSES, 0)
    for status, n in session.execute(
        select(Batch.status, func.count()).where(Batch.status.in_(OPEN_BATCH_STATUSES)).group_by(Batch.status)
    ):
        counts[status] = int(n)
    return counts


class OpenBatch(NamedTuple):
    """An open batch with its picker and how many orders, stops and finished stops it has."""

    batch_id: int
    status: str
    picker: str | None
    claimed_at: datetime | None
    created_at: datetime
    last_activity_at: datetime | None
    orders: int
    stops: int
    stops_done: int


def open_batches(session: Session, limit: int) -> list[OpenBatch]:
    """Batches being picked first (oldest claim first), then ready ones by priority, cut at ``limit``."""
    orders = (
        select(func.count(func.distinct(BatchSlot.order_id)))
        .where(BatchSlot.batch_id == Batch.id)
        .correlate(Batch)
        .scalar_subquery()
    )
    stops = select(func.count()).where(PickTask.batch_id == Batch.id).correlate(Batch).scalar_subquery()
    done = (
        select(func.count())
        .where(PickTask.batch_id == Batch.id, PickTask.status != "open")
        .correlate(Batch)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Batch.id,
            Batch.status,
            User.name,
            Batch.claimed_at,
            Batch.created_at,
            Batch.last_activity_at,
            orders,
            stops,
            done,
        )
        .outerjoin(User, Batch.picker_id == User.id)
        .where(Batch.status.in_(OPEN_BATCH_STATUSES))
        .order_by(case((Batch.status == "picking", 0), else_=1), Batch.claimed_at, Batch.priority.desc(), Batch.id)
        .limit(limit)
    ).all()
    return [
        OpenBatch(batch_id, status, picker, claimed, created, last, int(n_orders or 0), int(n_stops or 0), int(n or 0))
        for batch_id, status, picker, claimed, created, last, n_orders, n_stops, n in rows
    ]


class PickerActivity(NamedTuple):
    """A user's scans in a window: first and last scan, units dropped into totes in it and in its last hour."""

    user_id: int
    name: str
    first_scan_at: datetime
    last_scan_at: datetime
    units: int
    units_last_hour: int


def picker_activity(
    session: Session, kinds: Sequence[str], since: datetime, hour_ago: datetime, now: datetime
) -> list[PickerActivity]:
    """Per user with an event of ``kinds`` between ``since`` and ``now``: one ``GROUP BY`` over the window."""
    dropped = dropped_units()
    rows = session.execute(
        select(
            Event.user_id,
            User.name,
            func.min(Event.at),
            func.max(Event.at),
            func.sum(dropped),
            func.sum(case((Event.at >= hour_ago, dropped), else_=0)),
        )
        .join(User, Event.user_id == User.id)
        .where(Event.kind.in_(tuple(kinds)), Event.at >= since, Event.at <= now)
        .group_by(Event.user_id, User.name)
    )
    return [
        PickerActivity(user_id, name, first, last, int(total or 0), int(hour or 0))
        for user_id, name, first, last, total, hour in rows
    ]


class HeldBatch(NamedTuple):
    """A batch being picked and who holds it."""

    picker_id: int
    picker: str
    batch_id: int
    last_activity_at: datetime | None


def held_batches(session: Session) -> list[HeldBatch]:
    """Every batch being picked, by batch id."""
    return [
        HeldBatch(*row)
        for row in session.execute(
            select(Batch.picker_id, User.name, Batch.id, Batch.last_activity_at)
            .join(User, Batch.picker_id == User.id)
            .where(Batch.status == "picking")
            .order_by(Batch.id)
        )
    ]


def current_locations(session: Session, batch_ids: list[int]) -> dict[int, str]:
    """The first open stop of each batch, in one query (min seq per batch joined back to its row)."""
    if not batch_ids:
        return {}
    first = (
        select(PickTask.batch_id, func.min(PickTask.seq).label("seq"))
        .where(PickTask.batch_id.in_(batch_ids), PickTask.status == "open")
        .group_by(PickTask.batch_id)
        .subquery()
    )
    found: dict[int, str] = {}
    for batch_id, location in session.execute(
        select(PickTask.batch_id, PickTask.location_code)
        .join(first, and_(PickTask.batch_id == first.c.batch_id, PickTask.seq == first.c.seq))
        .where(PickTask.status == "open")
        .order_by(PickTask.batch_id, PickTask.id)
    ):
        found.setdefault(batch_id, location)
    return found


class OpenOrder(NamedTuple):
    order_id: int
    number: str
    status: str
    service_level: str
    ship_by: date


def open_orders_by_cutoff(
    session: Session, cutoff_minutes: dict[str, int], default_minutes: int, limit: int
) -> list[OpenOrder]:
    """Open orders with a ship-by day, by their cut-off moment: ship-by day, then the cut-off time (minutes after
    midnight) of their service level, then id.

    Why per level: sorting all open orders by (day, cut-off of the level) made the database sort every order of
    the earliest days (tens of thousands on a busy floor). Within one level the cut-off time is the same, so each
    level's first ``limit`` orders come straight off ``ix_orders_open_level_ship_by`` (level, ship-by, id), and
    one ``UNION ALL`` merges those few short lists. The levels present are found first by skipping through the
    same index, so a level missing from ``cutoff_minutes`` still counts (at ``default_minutes``)."""
    levels = open_service_levels(session)
    if not levels:
        return []
    parts = [
        select(
            select(
                Order.id,
                Order.number,
                Order.status,
                Order.service_level,
                Order.ship_by,
                literal(cutoff_minutes.get(level, default_minutes)).label("cutoff"),
            )
            .where(OPEN_ORDER, Order.service_level == level, Order.ship_by.is_not(None))
            .order_by(Order.ship_by, Order.id)
            .limit(limit)
            .subquery()
        )
        for level in levels
    ]
    merged = union_all(*parts).subquery()
    query = (
        select(merged.c.id, merged.c.number, merged.c.status, merged.c.service_level, merged.c.ship_by)
        .order_by(merged.c.ship_by, merged.c.cutoff, merged.c.id)
        .limit(limit)
    )
    return [OpenOrder(*row) for row in session.execute(query)]


def open_service_levels(session: Session) -> list[str]:
    """The service levels of open orders with a ship-by day, in one statement that seeks the index once per level
    (a loose index scan as a recursive CTE), not a ``DISTINCT`` over every open order."""
    first = (
        select(Order.service_level)
        .where(OPEN_ORDER, Order.ship_by.is_not(None))
        .order_by(Order.service_level)
        .limit(1)
        .scalar_subquery()
    )
    levels = select(first.label("level")).cte("levels", recursive=True)
    following = (
        select(Order.service_level)
        .where(OPEN_ORDER, Order.ship_by.is_not(None), Order.service_level > levels.c.level)
        .order_by(Order.service_level)
        .limit(1)
        .correlate(levels)
        .scalar_subquery()
    )
    levels = levels.union_all(select(following).where(levels.c.level.is_not(None)))
    return list(session.scalars(select(levels.c.level).where(levels.c.level.is_not(None))))


def batch_being_picked_by(session: Session, user_id: int, *, other_than: int) -> int | None:
    """The id of a batch (not ``other_than``) that ``user_id`` is picking, if any."""
    return session.scalar(
        select(Batch.id).where(Batch.picker_id == user_id, Batch.status == "picking", Batch.id != other_than)
    )
