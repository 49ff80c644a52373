"""The supervisor's read model (issue 7): floor snapshot, exceptions queue, shift KPIs, search and a change marker.

Everything here is read-only and returns frozen dataclasses. The snapshot is refreshed after every change on the
floor, so its cost must not grow with the number of open orders in Python: every part is one aggregate
(``GROUP BY``) or one ``LIMIT``ed query, 11 to 13 statements in all whatever the size of the floor. Time windows
(shift, last hour, KPI hours) are applied in SQL on ``events.at`` so the rows read stay bounded by the window,
not by the history.

An order's timeline (the drill-down) is ``app.services.orders.show_order``; it is not repeated here.

Times are aware UTC. Every function takes ``now`` so the screen, the tests and a replay agree on "now".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from app.config import Config
from app.db.changes import ChangeWatcher
from app.db.models import (
    Batch,
    BatchSlot,
    Carton,
    Event,
    Order,
    OrderLine,
    PickTask,
    PrintJobRecord,
    Shipment,
    Tote,
    User,
)
from app.db.unit_of_work import Database
from app.domain.gtin import ascii_digits
from app.domain.orders import BACKORDERED, CANCELLED, ON_HOLD, PACKED, PACKING, RELEASED, SHIPPED, STATUSES
from app.services.intake import UNKNOWN_SKU

# --- vocabulary -------------------------------------------------------------------------------------

LATE, CRITICAL, WARNING, OK = "late", "critical", "warning", "ok"
CRITICAL_MINUTES = 60
"""Less time than this before the carrier cut-off of the ship-by day: critical (red)."""
WARNING_MINUTES = 240
"""Less time than this (but more than ``CRITICAL_MINUTES``): warning (amber)."""

SHORT_PICK = "short_pick"
HOLD = "hold"
UNKNOWN_SKU_HOLD = "unknown_sku"
PRINT_FAILED = "print_failed"
WEIGHT_MISMATCH = "weight_mismatch"
BACKORDER = "backorder"
STUCK_RELEASED = "stuck_released"
STUCK_PACKED = "stuck_packed"
USER_LOCKED = "user_locked"
SIGN_IN_REFUSED = "sign_in_refused"
EXCEPTION_KINDS = (
    SHORT_PICK,
    HOLD,
    UNKNOWN_SKU_HOLD,
    PRINT_FAILED,
    WEIGHT_MISMATCH,
    BACKORDER,
    STUCK_RELEASED,
    STUCK_PACKED,
    USER_LOCKED,
    SIGN_IN_REFUSED,
)
"""Order exceptions carry the order; the two sign-in kinds (``user_locked``, ``sign_in_refused``) carry no order
and name the user (or the scanned badge) in ``ref``."""

REFUSAL_WINDOW_MINUTES = 60
"""Refused sign-ins count towards ``sign_in_refused`` for this long."""
REPEATED_REFUSALS = 3
"""This many refused sign-ins of one name or badge in the window make an exception: one typo is not news, three
wrong PINs in a row (or a badge nobody has, scanned again and again) are someone guessing or a worker stuck."""

PICK_EVENT_KINDS = (
    "pick.tote_set",
    "pick.location",
    "pick.item",
    "pick.dropped",
    "pick.refused",
    "pick.short",
    "pick.skipped",
    "pick.put_back",
)
"""Events a picker's handheld writes: any of them counts as a scan for "last scan" and idle time."""

MIN_RATE_HOURS = 0.25
"""Picks per hour divide by at least this many hours, so a picker's first few scans do not read as 1000/h."""

_FINAL_STATUSES = (SHIPPED, CANCELLED)
_OPEN_ORDER = Order.status.not_in([literal_column(f"'{s}'") for s in _FINAL_STATUSES])
"""``status NOT IN ('shipped', 'cancelled')`` with the values inline (not bound), so the planner can match the
partial index ``ix_orders_open_ship_by`` (SQLite only uses a partial index when the query repeats its predicate)."""
_ORDER_PREFIX = "order:"


def _order_id_of(subject: ColumnElement[str]) -> ColumnElement[int]:
    """The order id inside an event subject ``order:<id>`` (NULL for other subjects).

    Joining ``orders.id = <this>`` lets the database walk the (few) events of a kind and look each order up by
    primary key; the reverse (``subject = 'order:' || id``) would have to visit every order.
    """
    return case(
        (subject.startswith(_ORDER_PREFIX), cast(func.substr(subject, len(_ORDER_PREFIX) + 1), Integer)),
        else_=None,
    )


def _subject_of(order_id: ColumnElement[int]) -> ColumnElement[str]:
    return literal(_ORDER_PREFIX) + cast(order_id, String)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC)")
    return now.astimezone(UTC)


def _minutes(delta: timedelta) -> int:
    """Whole minutes, rounded down (so -30 s is -1: late is late)."""
    return math.floor(delta.total_seconds() / 60)


def cutoff_at(config: Config, ship_by: date, service_level: str) -> datetime:
    """The latest moment an order can leave: its ship-by day at the carrier cut-off of its service level (UTC)."""
    return datetime.combine(ship_by, config.cutoff_for(service_level), tzinfo=UTC)


def risk_level(minutes_left: float) -> str:
    if minutes_left < 0:
        return LATE
    if minutes_left < CRITICAL_MINUTES:
        return CRITICAL
    if minutes_left < WARNING_MINUTES:
        return WARNING
    return OK


# --- snapshot ---------------------------------------------------------------------------------------


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
class ExceptionRow:
    """Something a supervisor has to look at; ``kind`` is one of ``EXCEPTION_KINDS``."""

    kind: str
    order_id: int | None
    ref: str
    """What to type into search or show: the order number; for the sign-in kinds the user's name (or
    ``badge CODE`` for a badge nobody has)."""
    detail: str
    at: datetime
    """When it happened (the event), or since when the order has been in its state."""


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
    now = _now(now)
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        marker = _change_marker(session)  # first: a change racing the reads makes the next poll refresh again
        counts = _counts(session)
        batch_counts, batches = _batches(session, now, batch_limit)
        pickers = _pickers(session, now, shift_hours)
        at_risk = _at_risk(session, config, now, risk_limit)
        exceptions = _exceptions(session, now, stuck_minutes, exception_limit)
    return FloorSnapshot(now, counts, batches, batch_counts, pickers, at_risk, exceptions, marker)


def _counts(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in session.execute(select(Order.status, func.count()).group_by(Order.status)):
        counts[status] = int(n)
    return counts


def _batches(session: Session, now: datetime, limit: int) -> tuple[dict[str, int], tuple[BatchRow, ...]]:
    open_statuses = ("ready", "picking")
    batch_counts = dict.fromkeys(open_statuses, 0)
    for status, n in session.execute(
        select(Batch.status, func.count()).where(Batch.status.in_(open_statuses)).group_by(Batch.status)
    ):
        batch_counts[status] = int(n)
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
        .where(Batch.status.in_(open_statuses))
        .order_by(case((Batch.status == "picking", 0), else_=1), Batch.claimed_at, Batch.priority.desc(), Batch.id)
        .limit(limit)
    ).all()
    result = tuple(
        BatchRow(
            batch_id,
            status,
            picker if status == "picking" else None,
            int(n_orders or 0),
            int(n_stops or 0),
            int(n_done or 0),
            _minutes(now - (claimed_at if status == "picking" and claimed_at else created_at)),
            _minutes(now - last_activity) if last_activity else None,
        )
        for batch_id, status, picker, claimed_at, created_at, last_activity, n_orders, n_stops, n_done in rows
    )
    return batch_counts, result


def _pickers(session: Session, now: datetime, shift_hours: int) -> tuple[PickerRow, ...]:
    shift_start = now - timedelta(hours=shift_hours)
    hour_ago = now - timedelta(hours=1)
    units = Event.data["units"].as_integer()
    dropped = Event.kind == "pick.dropped"
    activity = {
        user_id: (name, first, last, int(shift_units or 0), int(hour_units or 0))
        for user_id, name, first, last, shift_units, hour_units in session.execute(
            select(
                Event.user_id,
                User.name,
                func.min(Event.at),
                func.max(Event.at),
                func.sum(case((dropped, units), else_=0)),
                func.sum(case((and_(dropped, Event.at >= hour_ago), units), else_=0)),
            )
            .join(User, Event.user_id == User.id)
            .where(Event.kind.in_(PICK_EVENT_KINDS), Event.at >= shift_start, Event.at <= now)
            .group_by(Event.user_id, User.name)
        )
    }
    held = session.execute(
        select(Batch.picker_id, User.name, Batch.id, Batch.last_activity_at)
        .join(User, Batch.picker_id == User.id)
        .where(Batch.status == "picking")
        .order_by(Batch.id)
    ).all()
    batch_of: dict[int, tuple[str, int, datetime | None]] = {}
    for picker_id, name, batch_id, last_activity in held:
        batch_of.setdefault(picker_id, (name, batch_id, last_activity))
    locations = _current_locations(session, [batch_id for _, batch_id, _ in batch_of.values()])
    rows = []
    for user_id in activity.keys() | batch_of.keys():
        name, batch_id, batch_activity = batch_of.get(user_id, ("", None, None))
        act_name, first, last, shift_units, hour_units = activity.get(user_id, (name, None, None, 0, 0))
        last_scan = max((t for t in (last, batch_activity) if t is not None), default=None)
        hours = max((now - first).total_seconds() / 3600, MIN_RATE_HOURS) if first else MIN_RATE_HOURS
        rows.append(
            PickerRow(
                act_name or name,
                batch_id,
                locations.get(batch_id) if batch_id is not None else None,
                hour_units,
                shift_units / hours if first else 0.0,
                last_scan,
                _minutes(now - last_scan) if last_scan else None,
            )
        )
    return tuple(sorted(rows, key=lambda r: r.name))


def _current_locations(session: Session, batch_ids: list[int]) -> dict[int, str]:
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


def _level_cutoffs(config: Config, levels: Iterable[str]) -> dict[str, int]:
    return {level: _time_minutes(config.cutoff_for(level)) for level in levels}


def _time_minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _at_risk(session: Session, config: Config, now: datetime, limit: int) -> tuple[RiskRow, ...]:
    """Order by ship-by day, then by the cut-off time of the service level: the cut-off is a time of that day, so
    this is the order of ``cutoff_at`` without date arithmetic in SQL (which SQLite and PostgreSQL spell
    differently), and the database can walk an index on ``ship_by`` and stop after ``limit`` rows."""
    levels = {"same_day", "express", "standard"} | {
        service.level for carrier in config.carriers.values() for service in carrier.services.values()
    }
    cutoffs = _level_cutoffs(config, sorted(levels))
    default = _time_minutes(time.fromisoformat(config.orders.default_cutoff))
    rows = session.execute(
        select(Order.id, Order.number, Order.status, Order.service_level, Order.ship_by)
        .where(_OPEN_ORDER, Order.ship_by.is_not(None))
        .order_by(Order.ship_by, case(cutoffs, value=Order.service_level, else_=default), Order.id)
        .limit(limit)
    ).all()
    result = []
    for order_id, number, status, level, ship_by in rows:
        cutoff = cutoff_at(config, ship_by, level)
        left = cutoff - now
        result.append(
            RiskRow(order_id, number, status, level, ship_by, cutoff, _minutes(left), risk_level(_minutes(left)))
        )
    return tuple(result)


# --- exceptions -------------------------------------------------------------------------------------


def _exceptions(session: Session, now: datetime, stuck_minutes: int, limit: int) -> tuple[ExceptionRow, ...]:
    """Each kind is one ``LIMIT``ed query, newest first; the union is cut to ``limit`` newest."""
    rows = [
        *_short_picks(session, limit),
        *_weight_mismatches(session, limit),
        *_failed_prints(session, limit),
        *_status_exceptions(session, now, stuck_minutes, limit),
        *_sign_in_exceptions(session, now, limit),
    ]
    rows.sort(key=lambda r: (r.at, r.kind, r.order_id or 0), reverse=True)
    return tuple(rows[:limit])


_APPROVED = aliased(Event)
"""A later ``order.short_approved`` event clears an order's short-pick exception."""


def _short_picks(session: Session, limit: int) -> list[ExceptionRow]:
    """``order.short``: a picker found too few units and no other location had them; the order still goes on."""
    return [
        ExceptionRow(SHORT_PICK, order_id, number, message, at)
        for at, message, order_id, number in session.execute(
            select(Event.at, Event.message, Order.id, Order.number)
            .join(Order, Order.id == _order_id_of(Event.subject))
            .where(
                Event.kind == "order.short",
                _OPEN_ORDER,
                ~select(_APPROVED.id)
                .where(_APPROVED.kind == "order.short_approved", _APPROVED.subject == Event.subject)
                .exists(),
            )
            .order_by(Event.id.desc())
            .limit(limit)
        )
    ]


def _weight_mismatches(session: Session, limit: int) -> list[ExceptionRow]:
    """A carton weighed outside tolerance and still open, waiting for a supervisor's approval: no carton was
    closed on the order since (closing needs a weight in tolerance or an approval), it was not weighed again (the
    newest weighing counts) and no supervisor approved a weight for it since (``pickpack orders approve-weight``:
    then it waits for the packer, not for a supervisor)."""
    later = aliased(Event)
    resolved = exists().where(
        later.subject == Event.subject,
        later.kind.in_(("pack.carton_closed", "pack.weight_mismatch", "pack.weight_approval_given")),
        later.id > Event.id,
    )
    return [
        ExceptionRow(WEIGHT_MISMATCH, order_id, number, f"carton {carton}: {message}", at)
        for at, message, carton, order_id, number in session.execute(
            select(Event.at, Event.message, Event.data["carton"].as_integer(), Order.id, Order.number)
            .join(Order, Order.id == _order_id_of(Event.subject))
            .where(Event.kind == "pack.weight_mismatch", Order.status == PACKING, ~resolved)
            .order_by(Event.id.desc())
            .limit(limit)
        )
    ]


def _failed_prints(session: Session, limit: int) -> list[ExceptionRow]:
    """Documents of a booked (not voided) shipment that did not print; a successful reprint clears them."""
    return [
        ExceptionRow(PRINT_FAILED, order_id, number, f"{kind} on {printer or '?'}: {detail}", at)
        for kind, printer, detail, at, order_id, number in session.execute(
            select(
                PrintJobRecord.kind,
                PrintJobRecord.printer,
                PrintJobRecord.detail,
                PrintJobRecord.updated_at,
                Order.id,
                Order.number,
            )
            .join(Shipment, PrintJobRecord.shipment_id == Shipment.id)
            .join(Order, Shipment.order_id == Order.id)
            .where(PrintJobRecord.status == "failed", Shipment.status == SHIPPED)
            .order_by(PrintJobRecord.updated_at.desc(), PrintJobRecord.id.desc())
            .limit(limit)
        )
    ]


def _status_exceptions(session: Session, now: datetime, stuck_minutes: int, limit: int) -> list[ExceptionRow]:
    """Holds, backorders and stuck orders in one query, each dated by its last status change.

    ``updated_at`` cannot date them: the priority pass rewrites the score of held, backordered and released
    orders every few seconds. The last ``order.status`` event of the order is found through the
    ``(subject, id)`` index, once per order in these statuses only.
    """
    since = func.coalesce(
        select(func.max(Event.at))
        .where(Event.subject == _subject_of(Order.id), Event.kind == "order.status")
        .correlate(Order)
        .scalar_subquery(),
        Order.updated_at,
    )
    inner = (
        select(Order.id, Order.number, Order.status, Order.hold_reason, since.label("since"))
        .where(Order.status.in_((ON_HOLD, BACKORDERED, RELEASED, PACKED)))
        .subquery()
    )
    threshold = now - timedelta(minutes=stuck_minutes)
    rows = session.execute(
        select(inner.c.id, inner.c.number, inner.c.status, inner.c.hold_reason, inner.c.since)
        .where(or_(inner.c.status.in_((ON_HOLD, BACKORDERED)), inner.c.since < threshold))
        .order_by(inner.c.since.desc(), inner.c.id.desc())
        .limit(limit)
    ).all()
    missing = _unreserved(session, [order_id for order_id, _, status, _, _ in rows if status == BACKORDERED])
    result = []
    for order_id, number, status, hold_reason, at in rows:
        if status == ON_HOLD:
            kind = UNKNOWN_SKU_HOLD if hold_reason.startswith(UNKNOWN_SKU) else HOLD
            detail = hold_reason or "on hold"
        elif status == BACKORDERED:
            kind = BACKORDER
            detail = "waiting for stock: " + (", ".join(missing.get(order_id, ())) or "?")
        elif status == RELEASED:
            kind = STUCK_RELEASED
            detail = f"released {_minutes(now - at)} min ago, picking not started"
        else:
            kind = STUCK_PACKED
            detail = f"packed {_minutes(now - at)} min ago, not shipped"
        result.append(ExceptionRow(kind, order_id, number, detail, at))
    return result


_REASONS = {
    "wrong_pin": "wrong PIN",
    "unknown_user": "unknown name",
    "unknown_badge": "unknown badge",
    "locked": "while locked",
    "disabled": "disabled",
    "role": "role not allowed",
    "system": "system user",
}


def _who(subject: str) -> str:
    kind, _, name = subject.partition(":")
    return name if kind == "user" else f"{kind} {name}"


def _sign_in_exceptions(session: Session, now: datetime, limit: int) -> list[ExceptionRow]:
    """Locked users (a lock that has not ended, by time or by an unlock) and names or badges refused
    ``REPEATED_REFUSALS`` times or more in the last ``REFUSAL_WINDOW_MINUTES`` (a locked user shows once, as
    locked). Both queries use the (kind, id) and (kind, at) indexes and read at most ``limit`` locks and the
    refusals of one hour."""
    from app.services.lockout import LOCK_MARKS, lock_state

    later = aliased(Event)
    settled = exists().where(
        later.subject == Event.subject,
        later.kind.in_([k for k in LOCK_MARKS if k != "user.locked"]),
        later.id > Event.id,
    )
    locked: dict[str, ExceptionRow] = {}
    for subject, at in session.execute(
        select(Event.subject, Event.at)
        .where(Event.kind == "user.locked", ~settled)
        .order_by(Event.id.desc())
        .limit(limit)
    ):
        name = _who(subject)
        if subject in locked:
            continue
        state = lock_state(session, name, now=now, count_failures=False)  # the newest lock decides (and its end)
        if not state.locked:
            continue
        until = (
            f"until {state.until:%H:%M} UTC" if state.until else f"until an admin runs: pickpack users unlock {name}"
        )
        detail = f"locked after {state.failures} wrong PINs, {until}"
        locked[subject] = ExceptionRow(USER_LOCKED, None, name, detail, state.locked_at or at)
    counts: dict[str, dict[str, int]] = {}
    last: dict[str, datetime] = {}
    window = now - timedelta(minutes=REFUSAL_WINDOW_MINUTES)
    why = Event.data["reason"].as_string().label("reason")  # grouped by its label: PostgreSQL needs one expression
    for subject, reason, n, newest in session.execute(
        select(Event.subject, why, func.count(Event.id), func.max(Event.at))
        .where(Event.kind == "user.sign_in_refused", Event.at >= window, Event.at <= now)
        .group_by(Event.subject, why)
    ):
        counts.setdefault(subject, {})[reason or "?"] = int(n)
        last[subject] = max(newest, last.get(subject, newest))
    refused = []
    for subject, reasons in counts.items():
        total = sum(reasons.values())
        if total < REPEATED_REFUSALS or subject in locked:
            continue
        parts = ", ".join(f"{_REASONS.get(r, r)} {n}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
        detail = f"{total} refused sign-ins in the last {REFUSAL_WINDOW_MINUTES} min ({parts})"
        refused.append(ExceptionRow(SIGN_IN_REFUSED, None, _who(subject), detail, last[subject]))
    refused.sort(key=lambda r: r.at, reverse=True)
    return [*locked.values(), *refused[:limit]]


def _unreserved(session: Session, order_ids: list[int]) -> dict[int, list[str]]:
    if not order_ids:
        return {}
    found: dict[int, list[str]] = {}
    for order_id, sku, qty in session.execute(
        select(OrderLine.order_id, OrderLine.sku, OrderLine.qty_ordered - OrderLine.qty_allocated)
        .where(OrderLine.order_id.in_(order_ids), OrderLine.qty_allocated < OrderLine.qty_ordered)
        .order_by(OrderLine.order_id, OrderLine.line_no)
    ):
        found.setdefault(order_id, []).append(f"{sku} x{qty}")
    return found


# --- KPIs -------------------------------------------------------------------------------------------


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


def kpis(db: Database, config: Config, *, now: datetime | None = None, hours: int = 8) -> Kpis:
    """Shift KPIs over the last ``hours`` UTC clock hours (the current one included, so far).

    Three queries bounded by the window: shipped/voided status events joined to their orders, units dropped into
    totes, and the count of accepted and refused item scans. Hour buckets are made in Python because SQLite and
    PostgreSQL truncate timestamps differently.
    """
    if hours < 1:
        raise ValueError("hours must be at least 1")
    now = _now(now)
    first_hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    in_window = and_(Event.at >= first_hour, Event.at <= now)
    buckets = [first_hour + timedelta(hours=i) for i in range(hours)]
    shipped_per_hour = dict.fromkeys(buckets, 0)
    units_per_hour = dict.fromkeys(buckets, 0)

    def bucket(at: datetime) -> datetime:
        return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)

    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        to_status = Event.data["to"].as_string()
        from_status = Event.data["from"].as_string()
        # the last shipped/voided move of each order in the window decides: a void after the shipment undoes it
        last_move: dict[int, tuple[str | None, datetime, datetime, date | None, str]] = {}
        for to, at, order_id, received_at, ship_by, level in session.execute(
            select(to_status, Event.at, Order.id, Order.received_at, Order.ship_by, Order.service_level)
            .join(Order, Order.id == _order_id_of(Event.subject))
            .where(Event.kind == "order.status", in_window, or_(to_status == SHIPPED, from_status == SHIPPED))
            .order_by(Event.id)
        ):
            last_move[order_id] = (to, at, received_at, ship_by, level)
        for at, units in session.execute(
            select(Event.at, Event.data["units"].as_integer()).where(Event.kind == "pick.dropped", in_window)
        ):
            units_per_hour[bucket(at)] = units_per_hour.get(bucket(at), 0) + int(units or 0)
        scans = dict.fromkeys(("pick.item", "pick.refused"), 0)
        for kind, n in session.execute(
            select(Event.kind, func.count()).where(Event.kind.in_(tuple(scans)), in_window).group_by(Event.kind)
        ):
            scans[kind] = int(n)
    cycle: list[float] = []
    with_deadline = on_time = 0
    for to, at, received_at, ship_by, level in last_move.values():
        if to != SHIPPED:
            continue
        shipped_per_hour[bucket(at)] = shipped_per_hour.get(bucket(at), 0) + 1
        cycle.append((at - received_at).total_seconds() / 60)
        if ship_by is not None:
            with_deadline += 1
            on_time += at <= cutoff_at(config, ship_by, level)
    cycle.sort()
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
        cycle_time_minutes_p50=_nearest_rank(cycle, 0.5),
        cycle_time_minutes_p90=_nearest_rank(cycle, 0.9),
        on_time_shipped=on_time,
        on_time_rate=on_time / with_deadline if with_deadline else None,
    )


def _nearest_rank(values: list[float], p: float) -> float | None:
    """The smallest value with at least ``p`` of the values at or below it (no interpolation: a real order)."""
    if not values:
        return None
    return values[max(0, math.ceil(p * len(values)) - 1)]


# --- search -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: str
    """tracking | tote | order | sku | customer: what matched."""
    order_id: int | None
    """None only for a tote that holds no order."""
    number: str
    status: str
    """The order's status ("" for a tote without an order)."""
    detail: str


_SEARCH_ORDER = ("tracking", "tote", "order", "sku", "customer")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(db: Database, text: str, limit: int = 20) -> tuple[SearchHit, ...]:
    """Find orders by order number (with or without '#', prefix), customer name (contains, any case), SKU (exact,
    open orders first), tote code (the order it holds) or tracking number / SSCC (exact).

    Five ``LIMIT``ed queries; an order appears once, under its strongest match (identifiers before names).
    """
    term = text.strip()
    if not term or limit < 1:
        return ()
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        found: dict[str, list[SearchHit]] = {
            "tracking": _search_tracking(session, term, limit),
            "tote": _search_tote(session, term, limit),
            "order": _search_number(session, term, limit),
            "sku": _search_sku(session, term, limit),
            "customer": _search_customer(session, term, limit),
        }
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for kind in _SEARCH_ORDER:
        for hit in found[kind]:
            if hit.order_id is not None:
                if hit.order_id in seen:
                    continue
                seen.add(hit.order_id)
            hits.append(hit)
    return tuple(hits[:limit])


def _open_first() -> ColumnElement[Any]:
    return case((Order.status.in_(_FINAL_STATUSES), 1), else_=0)


def _search_tracking(session: Session, term: str, limit: int) -> list[SearchHit]:
    code = term.upper().replace(" ", "")
    digits = "".join(ch for ch in term if ascii_digits(ch))
    sscc = digits[2:] if len(digits) == 20 and digits.startswith("00") else digits
    condition = Carton.tracking_number == code
    if len(sscc) == 18:
        condition = or_(condition, Carton.sscc == sscc)
    return [
        SearchHit("tracking", order_id, number, status, f"{tracking or found}: carton {seq}, {carrier} {service} {cs}")
        for tracking, found, seq, cs, carrier, service, order_id, number, status in session.execute(
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


def _search_tote(session: Session, term: str, limit: int) -> list[SearchHit]:
    hits = []
    for code, tote_status, batch_id, order_id, number, status in session.execute(
        select(Tote.code, Tote.status, Tote.batch_id, Order.id, Order.number, Order.status)
        .outerjoin(Order, Tote.order_id == Order.id)
        .where(Tote.code == term.upper())
        .limit(limit)
    ):
        if tote_status == "picking":
            detail = f"{code}: on the cart of batch {batch_id}"
        elif tote_status == "packing":
            detail = f"{code}: off the cart of batch {batch_id}, holding the order for packing"
        else:
            detail = f"{code}: free"
        if tote_status == "free" or order_id is None:
            hits.append(SearchHit("tote", None, "", "", detail))
        else:
            hits.append(SearchHit("tote", order_id, number, status, detail))
    return hits


def _search_number(session: Session, term: str, limit: int) -> list[SearchHit]:
    bare = term.lstrip("#").lower()
    if not bare:
        return []
    prefix = _like_escape(bare)
    number = func.lower(Order.number)
    exact = case((number.in_((bare, f"#{bare}")), 0), else_=1)
    return [
        SearchHit("order", order_id, num, status, customer)
        for order_id, num, status, customer in session.execute(
            select(Order.id, Order.number, Order.status, Order.customer_name)
            .where(or_(number.like(f"{prefix}%", escape="\\"), number.like(f"#{prefix}%", escape="\\")))
            .order_by(exact, _open_first(), Order.id.desc())
            .limit(limit)
        )
    ]


def _search_sku(session: Session, term: str, limit: int) -> list[SearchHit]:
    hits = []
    seen: set[int] = set()
    for order_id, number, status, sku, qty in session.execute(
        select(Order.id, Order.number, Order.status, OrderLine.sku, OrderLine.qty_ordered)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(OrderLine.sku.in_({term, term.upper()}))
        .order_by(_open_first(), Order.ship_by, Order.id.desc())
        .limit(limit)
    ):
        if order_id not in seen:
            seen.add(order_id)
            hits.append(SearchHit("sku", order_id, number, status, f"{qty} x {sku}"))
    return hits


def _search_customer(session: Session, term: str, limit: int) -> list[SearchHit]:
    pattern = f"%{_like_escape(term.lower())}%"
    return [
        SearchHit("customer", order_id, number, status, customer or ship_name)
        for order_id, number, status, customer, ship_name in session.execute(
            select(Order.id, Order.number, Order.status, Order.customer_name, Order.ship_name)
            .where(
                or_(
                    func.lower(Order.customer_name).like(pattern, escape="\\"),
                    func.lower(Order.ship_name).like(pattern, escape="\\"),
                )
            )
            .order_by(_open_first(), Order.id.desc())
            .limit(limit)
        )
    ]


# --- live refresh -----------------------------------------------------------------------------------


def change_marker(db: Database) -> int:
    """The newest event id (0 for an empty log): every change on the floor writes an event, so the screen polls
    this one primary-key lookup and reads the snapshot again only when it moved.

    On PostgreSQL a transaction that took a lower id may commit after a higher one was seen; the next change
    moves the marker again, so poll it with a periodic full refresh as a backstop (say once a minute).
    """
    with db.unit_of_work(readonly=True) as uow:
        return _change_marker(uow.session)


def _change_marker(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0)


def watch_changes(db: Database) -> ChangeWatcher:
    """A waiter for other terminals' changes (LISTEN/NOTIFY or newest-event poll) for live screens; close it."""
    return ChangeWatcher(db.engine)
