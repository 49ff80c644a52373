"""Shift KPIs: orders shipped and units picked per hour, scan accuracy, cycle time and on-time shipping.

Three queries bounded by the window (``app.db.queries.supervision.kpis``); hour buckets are made here because
SQLite and PostgreSQL truncate timestamps differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from app.config.settings import Config
from app.db.queries.supervision import kpis as queries
from app.db.unit_of_work import Database
from app.domain.orders import SHIPPED
from app.domain.stats import percentile
from app.services.supervision.times import cutoff_at, now_utc


class HourThroughput(NamedTuple):
    """One UTC clock hour: orders shipped and units put into totes in it."""

    hour_start: datetime
    orders_shipped: int
    units_picked: int


@dataclass(frozen=True)
class Kpis:
    window_start: datetime
    """Start of the oldest hour bucket; the window runs from here to ``window_end`` (now)."""
    window_end: datetime
    throughput_per_hour: tuple[HourThroughput, ...]
    """Oldest hour first; the last one is the current, unfinished hour."""
    orders_shipped: int
    units_picked: int
    refused_scans: int
    """``pick.refused`` events: every scan the handhelds refused (wrong location, item, lot, tote)."""
    item_scans: int
    """``pick.item`` events: item scans (and typed quantities) that were accepted."""
    pick_accuracy: float | None
    """refused / (refused + accepted item scans): refused scans per pick, so 0.0 is perfect. None: no scans."""
    cycle_time_minutes_p50: float | None
    """Received -> shipped, over orders shipped in the window (nearest rank). None: nothing shipped."""
    cycle_time_minutes_p90: float | None
    on_time_shipped: int
    """Orders shipped in the window at or before the carrier cut-off of their ship-by day."""
    on_time_rate: float | None
    """on_time_shipped / shipped orders with a ship-by date. None: none shipped."""


def _hour_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def kpis(db: Database, config: Config, *, now: datetime | None = None, hours: int = 8) -> Kpis:
    """Shift KPIs over the last ``hours`` UTC clock hours (the current one included, so far).

    Shipped/voided status events joined to their orders, units dropped into totes, and the count of accepted and
    refused item scans, each bounded by the window.
    """
    if hours < 1:
        raise ValueError("hours must be at least 1")
    now = now_utc(now)
    first_hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    buckets = [first_hour + timedelta(hours=i) for i in range(hours)]
    shipped_per_hour = dict.fromkeys(buckets, 0)
    units_per_hour = dict.fromkeys(buckets, 0)
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        # the last shipped/voided move of each order in the window decides: a void after the shipment undoes it
        last_move = {move.order_id: move for move in queries.shipped_moves(session, first_hour, now)}
        for at, units in queries.units_dropped(session, first_hour, now):
            units_per_hour[_hour_of(at)] = units_per_hour.get(_hour_of(at), 0) + units
        scans = queries.event_counts(session, ("pick.item", "pick.refused"), first_hour, now)
    cycle: list[float] = []
    with_deadline = on_time = 0
    for move in last_move.values():
        if move.to != SHIPPED:
            continue
        shipped_per_hour[_hour_of(move.at)] = shipped_per_hour.get(_hour_of(move.at), 0) + 1
        cycle.append((move.at - move.received_at).total_seconds() / 60)
        if move.ship_by is not None:
            with_deadline += 1
            on_time += move.at <= cutoff_at(config, move.ship_by, move.service_level)
    refused, accepted = scans["pick.refused"], scans["pick.item"]
    return Kpis(
        window_start=first_hour,
        window_end=now,
        throughput_per_hour=tuple(HourThroughput(h, shipped_per_hour[h], units_per_hour[h]) for h in buckets),
        orders_shipped=len(cycle),
        units_picked=sum(units_per_hour.values()),
        refused_scans=refused,
        item_scans=accepted,
        pick_accuracy=refused / (refused + accepted) if refused + accepted else None,
        cycle_time_minutes_p50=percentile(cycle, 50) if cycle else None,
        cycle_time_minutes_p90=percentile(cycle, 90) if cycle else None,
        on_time_shipped=on_time,
        on_time_rate=on_time / with_deadline if with_deadline else None,
    )
