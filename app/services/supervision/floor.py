"""The floor snapshot: open batches, pickers on shift, orders at risk of missing their cut-off, the exceptions.

The snapshot is refreshed after every change on the floor, so its cost must not grow with the number of open
orders in Python: every part is one aggregate or one ``LIMIT``ed query (``app.db.queries.supervision``), 11 to 13
statements in all whatever the size of the floor. Times are aware UTC; every function takes ``now`` so the
screen, the tests and a replay agree on "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.config.settings import Config
from app.db.changes import ChangeWatcher
from app.db.queries.supervision import floor as queries
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.orders import STATUSES
from app.services.supervision.exception_queue import ExceptionRow, exceptions
from app.services.supervision.times import cutoff_at, now_utc, whole_minutes

LATE, CRITICAL, WARNING, OK = "late", "critical", "warning", "ok"
CRITICAL_MINUTES = 60
"""Less time than this before the carrier cut-off of the ship-by day: critical (red)."""
WARNING_MINUTES = 240
"""Less time than this (but more than ``CRITICAL_MINUTES``): warning (amber)."""

PICK_EVENT_KINDS = (
    "pick.tote_set",
    "pick.location",
    "pick.item",
    "pick.dropped",
    "pick.refused",
    "pick.short",
    "pick.skipped",
    "pick.put_back",
    "pick.undone",
)
"""Events a picker's handheld writes: any of them counts as a scan for "last scan" and idle time."""

MIN_RATE_HOURS = 0.25
"""Picks per hour divide by at least this many hours, so a picker's first few scans do not read as 1000/h."""


def risk_level(minutes_left: float) -> str:
    if minutes_left < 0:
        return LATE
    if minutes_left < CRITICAL_MINUTES:
        return CRITICAL
    if minutes_left < WARNING_MINUTES:
        return WARNING
    return OK


@dataclass(frozen=True)
class BatchRow:
    """An open cart batch (ready or being picked)."""

    batch_id: int
    status: str
    picker: str | None
    orders: int
    stops: int
    stops_done: int
    age_minutes: int
    """Since it was claimed (being picked) or planned (ready)."""
    idle_minutes: int | None
    """Since the last accepted scan on it; None when nobody has scanned on it yet."""


@dataclass(frozen=True)
class PickerRow:
    """A picker on shift: holding a batch, or with a scan in the shift window."""

    name: str
    batch_id: int | None
    current_location: str | None
    """Location of the first open stop of their batch: where they are walking to."""
    picks_last_hour: int
    """Units put into totes (``pick.dropped``) in the last 60 minutes."""
    picks_per_hour: float
    """Units put into totes since their first scan of the shift window, per hour."""
    last_scan_at: datetime | None
    idle_minutes: int | None


@dataclass(frozen=True)
class RiskRow:
    """An open order measured against the carrier cut-off of its ship-by day."""

    order_id: int
    number: str
    status: str
    service_level: str
    ship_by: date
    cutoff_at: datetime
    minutes_left: int
    """Negative: the cut-off has passed (late)."""
    level: str
    """late | critical (< 60 min) | warning (< 4 h) | ok"""


@dataclass(frozen=True)
class FloorSnapshot:
    generated_at: datetime
    counts: dict[str, int]
    """Orders per status, every status of ``app.domain.orders.STATUSES`` (zeros included), all time."""
    batches: tuple[BatchRow, ...]
    """Open batches: those being picked first (oldest claim first), then ready ones by priority; cut at the limit."""
    batch_counts: dict[str, int]
    """Open batches per status (ready, picking), uncut: the list above may be shorter."""
    pickers: tuple[PickerRow, ...]
    at_risk: tuple[RiskRow, ...]
    """Open orders with the least time left first, cut at the limit."""
    exceptions: tuple[ExceptionRow, ...]
    """Newest first, cut at the limit."""
    change_marker: int
    """``change_marker(db)`` when the snapshot was read: refresh when it moves."""


def floor_snapshot(
    db: Database,
    config: Config,
    *,
    now: datetime | None = None,
    stuck_minutes: int = 60,
    shift_hours: int = 12,
    risk_limit: int = 50,
    exception_limit: int = 100,
    batch_limit: int = 100,
) -> FloorSnapshot:
    """Everything the supervisor's floor screen shows, read in one read-only transaction.

    ``stuck_minutes``: a released order nobody started picking, or a packed order not shipped, for this long is
    an exception. ``shift_hours``: how far back a picker's scans count towards their rate and presence.
    """
    now = now_utc(now)
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        marker = queries.change_marker(session)  # first: a change racing the reads makes the next poll refresh again
        counts = dict.fromkeys(STATUSES, 0) | queries.orders_per_status(session)
        batch_counts = queries.open_batches_per_status(session)
        batches = _batches(uow, now, batch_limit)
        pickers = _pickers(uow, now, shift_hours)
        at_risk = _at_risk(uow, config, now, risk_limit)
        found = exceptions(uow, now, stuck_minutes, exception_limit)
    return FloorSnapshot(now, counts, batches, batch_counts, pickers, at_risk, found, marker)


def _batches(uow: UnitOfWork, now: datetime, limit: int) -> tuple[BatchRow, ...]:
    return tuple(
        BatchRow(
            b.batch_id,
            b.status,
            b.picker if b.status == "picking" else None,
            b.orders,
            b.stops,
            b.stops_done,
            whole_minutes(now - (b.claimed_at if b.status == "picking" and b.claimed_at else b.created_at)),
            whole_minutes(now - b.last_activity_at) if b.last_activity_at else None,
        )
        for b in queries.open_batches(uow.session, limit)
    )


def _pickers(uow: UnitOfWork, now: datetime, shift_hours: int) -> tuple[PickerRow, ...]:
    """Everyone with a pick scan in the shift window or a batch in hand, by name."""
    session = uow.session
    shift_start = now - timedelta(hours=shift_hours)
    activity = {
        a.user_id: a
        for a in queries.picker_activity(session, PICK_EVENT_KINDS, shift_start, now - timedelta(hours=1), now)
    }
    batch_of: dict[int, queries.HeldBatch] = {}
    for held in queries.held_batches(session):
        batch_of.setdefault(held.picker_id, held)
    locations = queries.current_locations(session, [held.batch_id for held in batch_of.values()])
    rows = []
    for user_id in activity.keys() | batch_of.keys():
        held_one = batch_of.get(user_id)
        act = activity.get(user_id)
        first = act.first_scan_at if act else None
        batch_activity = held_one.last_activity_at if held_one else None
        last_scan = max((t for t in (act.last_scan_at if act else None, batch_activity) if t is not None), default=None)
        hours = max((now - first).total_seconds() / 3600, MIN_RATE_HOURS) if first else MIN_RATE_HOURS
        batch_id = held_one.batch_id if held_one else None
        rows.append(
            PickerRow(
                (act.name if act else "") or (held_one.picker if held_one else ""),
                batch_id,
                locations.get(batch_id) if batch_id is not None else None,
                act.units_last_hour if act else 0,
                (act.units if act else 0) / hours if first else 0.0,
                last_scan,
                whole_minutes(now - last_scan) if last_scan else None,
            )
        )
    return tuple(sorted(rows, key=lambda r: r.name))


def _time_minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _at_risk(uow: UnitOfWork, config: Config, now: datetime, limit: int) -> tuple[RiskRow, ...]:
    """Open orders by their cut-off moment, soonest first: ship-by day, then the cut-off time of the level."""
    levels = {"same_day", "express", "standard"} | {
        service.level for carrier in config.carriers.values() for service in carrier.services.values()
    }
    cutoffs = {level: _time_minutes(config.cutoff_for(level)) for level in sorted(levels)}
    default = _time_minutes(time.fromisoformat(config.orders.default_cutoff))
    result = []
    for order in queries.open_orders_by_cutoff(uow.session, cutoffs, default, limit):
        cutoff = cutoff_at(config, order.ship_by, order.service_level)
        left = whole_minutes(cutoff - now)
        result.append(
            RiskRow(
                order.order_id,
                order.number,
                order.status,
                order.service_level,
                order.ship_by,
                cutoff,
                left,
                risk_level(left),
            )
        )
    return tuple(result)


def change_marker(db: Database) -> int:
    """The newest event id (0 for an empty log): every change on the floor writes an event, so the screen polls
    this one primary-key lookup and reads the snapshot again only when it moved.

    On PostgreSQL a transaction that took a lower id may commit after a higher one was seen; the next change
    moves the marker again, so poll it with a periodic full refresh as a backstop (say once a minute).
    """
    with db.unit_of_work(readonly=True) as uow:
        return queries.change_marker(uow.session)


def watch_changes(db: Database) -> ChangeWatcher:
    """A waiter for other terminals' changes (LISTEN/NOTIFY or newest-event poll) for live screens; close it."""
    return ChangeWatcher(db.engine)
