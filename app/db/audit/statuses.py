"""Audit checks of statuses and their events: every status legal for its state machine, equal to the last
status event, and every event chain unbroken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import KeyedColumnElement

from app.db.audit.common import DEFAULT_LIMIT, Found, first_rows
from app.db.models import (
    Base,
    Batch,
    Carton,
    Event,
    Order,
    PickTask,
    PutbackTask,
    Shipment,
    Tote,
)
from app.domain.orders import NEW, STATUSES
from app.domain.states import BATCH, CARTON, PUTBACK, SHIPMENT, TASK, TOTE, Machine

# --- statuses and their events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tracked:
    """A table whose ``status`` follows a state machine: how an operator names a row and how its events do."""

    what: str
    model: type[Base]
    ref: Callable[[], ColumnElement[str]]
    """The row as an operator names it: order number, tote code, or the id."""
    key: Callable[[], ColumnElement[str]]
    """What follows ``<what>:`` in the subject of the row's status events."""
    statuses: tuple[str, ...]
    initial: str
    event_required: bool
    """True where every change since the event log has a status event, so a row without one must still be in
    its initial status (orders, batches, stops, totes, put-backs). Shipments and cartons may be created past
    their initial status (a voided label's replacement carton starts packed), so only their events are held
    to: when they have one, the last must match."""

    @property
    def event_kind(self) -> str:
        return f"{self.what}.status"


def _id_text(model: Any) -> Callable[[], ColumnElement[str]]:
    return lambda: cast(model.id, String)


def _event_name(machine: Machine) -> str:
    """The name ``app.services.floor_state`` writes events under: ``put-back`` becomes ``putback``."""
    return machine.name.replace("-", "")


TRACKED: tuple[Tracked, ...] = (
    Tracked("order", Order, lambda: Order.number, _id_text(Order), STATUSES, NEW, True),
    *(
        Tracked(_event_name(m), model, ref, key, m.statuses, m.initial, required)
        for m, model, ref, key, required in (
            (BATCH, Batch, _id_text(Batch), _id_text(Batch), True),
            (TASK, PickTask, _id_text(PickTask), _id_text(PickTask), True),
            (TOTE, Tote, lambda: Tote.code, lambda: Tote.code, True),
            (PUTBACK, PutbackTask, _id_text(PutbackTask), _id_text(PutbackTask), True),
            (SHIPMENT, Shipment, _id_text(Shipment), _id_text(Shipment), False),
            (CARTON, Carton, _id_text(Carton), _id_text(Carton), False),
        )
    ),
)
STATUS_EVENT_KINDS = tuple(t.event_kind for t in TRACKED)


def _tracked_columns(t: Tracked) -> tuple[KeyedColumnElement[Any], ...]:
    model: Any = t.model
    return (
        literal(t.what, String).label("what"),
        model.id.label("id"),
        t.ref().label("ref"),
        model.status.label("status"),
    )


def status_legal(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Rows whose status is not one of their state machine's statuses."""
    parts = [
        select(*_tracked_columns(t)).where(t.model.status.not_in(t.statuses))  # type: ignore[attr-defined]
        for t in TRACKED
    ]
    return first_rows(session, union_all(*parts), limit, ("what", "id"))


def _event_to() -> ColumnElement[str]:
    return Event.data["to"].as_string()


def _event_from() -> ColumnElement[str]:
    return Event.data["from"].as_string()


def _rows_and_last_events(t: Tracked) -> Any:
    """One row per ``t`` row: its id, name, status and the id of its last status event (None without one).

    Rows and their kind's events are put in one stream keyed by subject (``order:12``) and grouped: the row
    side brings the status, the event side ``MAX(id)``. Grouping needs no join on the built subject text, so
    neither database depends on an index it does not have (a LEFT JOIN on ``'order:' || id`` went quadratic
    on SQLite inside the ordered UNION, and a correlated lookup on PostgreSQL with fresh statistics)."""
    model: Any = t.model
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    rows = select(
        (literal(f"{t.what}:", String) + t.key()).label("subject"),
        model.id.label("row_id"),
        t.ref().label("ref"),
        model.status.label("status"),
        no_int.label("event_id"),
    )
    events = select(
        Event.subject.label("subject"),
        no_int.label("row_id"),
        no_text.label("ref"),
        no_text.label("status"),
        Event.id.label("event_id"),
    ).where(Event.kind == t.event_kind)
    stream = union_all(rows, events).subquery()
    return (
        select(
            func.max(stream.c.row_id).label("id"),
            func.max(stream.c.ref).label("ref"),
            func.max(stream.c.status).label("status"),
            func.max(stream.c.event_id).label("event"),
        )
        .group_by(stream.c.subject)
        .having(func.max(stream.c.row_id).is_not(None))
        .subquery()
    )


def status_matches_last_event(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Rows whose status differs from the ``to`` of their last status event, or, with no status event at all
    (where one is required), from their machine's initial status. The last event is ``MAX(id)`` per subject
    among the kind's events; its ``to`` is read by primary key and compared in the same statement."""
    parts: list[Select[Any]] = []
    for t in TRACKED:
        rows = _rows_and_last_events(t)
        last = aliased(Event)
        last_to = last.data["to"].as_string()
        parts.append(
            select(
                literal(t.what, String).label("what"),
                rows.c.id,
                rows.c.ref,
                rows.c.status,
                last_to.label("last_event"),
                rows.c.event,
                literal(t.initial, String).label("initial"),
            )
            .outerjoin(last, last.id == rows.c.event)
            .where(
                or_(
                    and_(rows.c.event.is_(None), rows.c.status != t.initial) if t.event_required else false(),
                    and_(rows.c.event.is_not(None), last_to.is_distinct_from(rows.c.status)),
                )
            )
        )
    return first_rows(session, union_all(*parts), limit, ("what", "id"))


def event_chain_unbroken(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Status events whose ``from`` is not the ``to`` of the subject's previous status event (``LAG`` over the
    subject's events in id order). A subject's first event is not checked: it may start from before the log.

    The window sorts every status event, so it carries only what the comparison needs; kind, time and ``to``
    are read afterwards, by primary key, for the few events listed."""
    # A subject has one status kind (its prefix names it), so the subject alone partitions the chains.
    window = {"partition_by": Event.subject, "order_by": Event.id}
    chain = (
        select(
            Event.id.label("event"),
            Event.subject.label("subject"),
            _event_from().label("from"),
            func.lag(_event_to()).over(**window).label("previous_to"),
            func.lag(Event.id).over(**window).label("previous_event"),
        )
        .where(Event.kind.in_(STATUS_EVENT_KINDS))
        .subquery()
    )
    stmt = select(chain).where(
        chain.c.previous_event.is_not(None), chain.c["from"].is_distinct_from(chain.c.previous_to)
    )
    found = first_rows(session, stmt, limit, ("event",))
    if not found.rows:
        return found
    details = {
        r.id: r
        for r in session.execute(
            select(Event.id, Event.kind, Event.at, _event_to().label("to")).where(
                Event.id.in_([row["event"] for row in found.rows])
            )
        )
    }
    return Found(
        found.count,
        tuple(
            {
                "event": row["event"],
                "kind": details[row["event"]].kind,
                "subject": row["subject"],
                "at": details[row["event"]].at,
                "from": row["from"],
                "to": details[row["event"]].to,
                "previous_to": row["previous_to"],
                "previous_event": row["previous_event"],
            }
            for row in found.rows
        ),
    )
