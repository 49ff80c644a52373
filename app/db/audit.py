"""The SQL of ``pickpack audit``: one query per floor rule, each returning the rows that break it.

Every check is a grouped or joined SELECT that the database answers in bulk (no Python loop over orders or
events), so the audit stays fast at 100,000 orders. Each function returns how many rows break the rule and the
first ``limit`` of them, already joined to the names an operator knows (location code, SKU, order number, tote
code, picker name). The same SQLAlchemy Core runs on SQLite and PostgreSQL: JSON fields are read with the JSON
type's ``as_string()`` (``json_extract`` / ``->>``), lists are gathered with ``aggregate_strings``
(``group_concat`` / ``string_agg``) and the event chains use the ``LAG`` window function, which both support.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import KeyedColumnElement

from app.db.models import (
    Allocation,
    Base,
    Batch,
    BatchSlot,
    Carton,
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    PutbackTask,
    Shipment,
    Stock,
    StockMove,
    Tote,
    User,
)
from app.domain.orders import BACKORDERED, CHANGEABLE, FINAL, NEW, RELEASED, STATUSES
from app.domain.states import BATCH, CARTON, OPEN_BATCH, PUTBACK, SHIPMENT, TASK, TOTE, TOTE_IN_USE, Machine

DEFAULT_LIMIT = 100
"""Rows listed per check; the count always covers all of them."""


def open_statuses(machine: Machine) -> tuple[str, ...]:
    """The statuses a row can still leave: derived from the machine, so a new final status needs no audit change."""
    return tuple(s for s in machine.statuses if any(frm == s for frm, _ in machine.moves))


OPEN_TASK = open_statuses(TASK)
OPEN_PUTBACK = open_statuses(PUTBACK)
BATCH_PICKING = "picking"
"""A batch claimed by a picker: the one status a picker may hold only one of."""
TOTE_PUTBACK = "putback"
"""A tote holding goods of a cancelled order: it belongs to an open put-back, not to an order."""
PICK_KIND = "pick"
"""Pick stops (``kind = 'putback'`` stops carry the cancelled order's id but are not that order's picking)."""
NOT_RELEASED_OR_CLOSED = tuple(sorted((CHANGEABLE - {RELEASED}) | FINAL))
"""Order statuses that must have no open pick stop: not yet released (new, allocated, backordered, on hold) or
closed (shipped, cancelled)."""
assert BATCH_PICKING in OPEN_BATCH and TOTE_PUTBACK in TOTE_IN_USE and BACKORDERED in NOT_RELEASED_OR_CLOSED


@dataclass(frozen=True)
class Found:
    """The rows breaking one rule: ``count`` of all, ``rows`` the first few as plain dicts."""

    count: int
    rows: tuple[dict[str, Any], ...]


def _found(session: Session, stmt: Select[Any] | CompoundSelect, limit: int, order: Sequence[str]) -> Found:
    """The first ``limit`` rows, ordered by the named columns, and how many rows there are in all.

    The check's statement is a ``MATERIALIZED`` CTE, so each database plans it for its whole result (hash
    joins and aggregates) and never for "the first 100 rows": a LIMIT pushed into the joins made PostgreSQL
    pick nested loops on fresh statistics and one check ran for minutes at 100,000 orders. ``COUNT(*) OVER ()``
    counts the rows in the same pass as the first few are listed.
    """
    if limit < 1:
        raise ValueError("an audit lists at least one row per check")
    found = stmt.cte("violations").prefix_with("MATERIALIZED")
    listed = select(found, func.count().over().label(_TOTAL)).order_by(*(found.c[name] for name in order))
    rows = session.execute(listed.limit(limit)).mappings().all()
    if not rows:
        return Found(0, ())
    return Found(rows[0][_TOTAL], tuple({k: v for k, v in r.items() if k != _TOTAL} for r in rows))


_TOTAL = "audit_total"


def _ids(gathered: str | None) -> list[int]:
    """A gathered id list (``"3,1,3"``) as sorted, distinct integers."""
    return sorted({int(part) for part in (gathered or "").split(",") if part})


def _gather(column: ColumnElement[int]) -> ColumnElement[str]:
    return func.aggregate_strings(cast(column, String), ",")


def _with_ids(found: Found, *keys: str) -> Found:
    return Found(found.count, tuple({**r, **{k: _ids(r[k]) for k in keys}} for r in found.rows))


def _stock_columns() -> tuple[KeyedColumnElement[Any], ...]:
    return (
        Stock.id.label("stock"),
        Location.code.label("location"),
        Product.sku.label("sku"),
        Stock.lot.label("lot"),
        Stock.quantity_on_hand.label("on_hand"),
        Stock.quantity_reserved.label("reserved"),
    )


def _stock_select(*extra: ColumnElement[Any]) -> Select[Any]:
    return (
        select(*_stock_columns(), *extra)
        .join(Location, Location.id == Stock.location_id)
        .join(Product, Product.id == Stock.product_id)
    )


# --- stock ---------------------------------------------------------------------------------------------------


def reserved_within_on_hand(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Stock rows with reserved above on hand or either one negative."""
    stmt = _stock_select().where(
        or_(
            Stock.quantity_reserved > Stock.quantity_on_hand,
            Stock.quantity_on_hand < 0,
            Stock.quantity_reserved < 0,
        )
    )
    return _found(session, stmt, limit, ("stock",))


def reserved_equals_allocations(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Stock rows whose reserved units differ from the units still to pick on their allocations."""
    open_units = (
        select(Allocation.stock_id, func.sum(Allocation.qty - Allocation.qty_picked).label("units"))
        .group_by(Allocation.stock_id)
        .subquery()
    )
    allocations = func.coalesce(open_units.c.units, 0)
    stmt = (
        _stock_select(allocations.label("allocations"))
        .outerjoin(open_units, open_units.c.stock_id == Stock.id)
        .where(Stock.quantity_reserved != allocations)
    )
    return _found(session, stmt, limit, ("stock",))


def line_allocated_equals_allocations(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Order lines whose ``qty_allocated`` differs from the sum of their allocations."""
    allocated = (
        select(Allocation.order_line_id, func.sum(Allocation.qty).label("units"))
        .group_by(Allocation.order_line_id)
        .subquery()
    )
    allocations = func.coalesce(allocated.c.units, 0)
    stmt = (
        select(
            Order.number.label("order"),
            Order.id.label("order_id"),
            OrderLine.line_no.label("line"),
            OrderLine.sku.label("sku"),
            OrderLine.qty_allocated.label("qty_allocated"),
            allocations.label("allocations"),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(allocated, allocated.c.order_line_id == OrderLine.id)
        .where(OrderLine.qty_allocated != allocations)
    )
    return _found(session, stmt, limit, ("order_id", "line"))


def on_hand_equals_ledger(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Places (location, product, lot) where on hand differs from the sum of the ledger's moves, including
    moves for a place that has no stock row at all (``stock`` is then None and on hand 0)."""
    ledger = (
        select(
            StockMove.location_id,
            StockMove.product_id,
            StockMove.lot,
            func.sum(StockMove.qty).label("units"),
        )
        .group_by(StockMove.location_id, StockMove.product_id, StockMove.lot)
        .subquery()
    )
    place = and_(
        ledger.c.location_id == Stock.location_id,
        ledger.c.product_id == Stock.product_id,
        ledger.c.lot == Stock.lot,
    )
    units = func.coalesce(ledger.c.units, 0)
    with_row = (
        select(
            Stock.id.label("stock"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            Stock.lot.label("lot"),
            Stock.quantity_on_hand.label("on_hand"),
            units.label("ledger"),
        )
        .join(Location, Location.id == Stock.location_id)
        .join(Product, Product.id == Stock.product_id)
        .outerjoin(ledger, place)
        .where(Stock.quantity_on_hand != units)
    )
    without_row = (
        select(
            cast(null(), Integer).label("stock"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            ledger.c.lot.label("lot"),
            literal(0, Integer).label("on_hand"),
            ledger.c.units.label("ledger"),
        )
        .select_from(ledger)
        .join(Location, Location.id == ledger.c.location_id)
        .join(Product, Product.id == ledger.c.product_id)
        .outerjoin(Stock, place)
        .where(Stock.id.is_(None), ledger.c.units != 0)
    )
    return _found(session, union_all(with_row, without_row), limit, ("location", "sku", "lot"))


# --- batches, stops, put-backs, totes --------------------------------------------------------------------------


def order_in_one_open_batch(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Orders that sit in more than one open batch, by a cart slot or by an open pick stop.

    The cart loads of an order too big for one cart (``batches.split_of`` = that order) are one batch each by
    design: together they count as one, so such an order is reported only when another batch holds it too."""

    def own_split(order_id: Any) -> ColumnElement[int]:
        return case((Batch.split_of == order_id, 1), else_=0)

    by_slot = (
        select(
            BatchSlot.order_id.label("order_id"),
            BatchSlot.batch_id.label("batch_id"),
            own_split(BatchSlot.order_id).label("split"),
        )
        .join(Batch, Batch.id == BatchSlot.batch_id)
        .where(Batch.status.in_(OPEN_BATCH), BatchSlot.order_id.is_not(None))
    )
    by_stop = (
        select(
            PickTask.order_id.label("order_id"),
            PickTask.batch_id.label("batch_id"),
            own_split(PickTask.order_id).label("split"),
        )
        .join(Batch, Batch.id == PickTask.batch_id)
        .where(
            Batch.status.in_(OPEN_BATCH),
            PickTask.kind == PICK_KIND,
            PickTask.status.in_(OPEN_TASK),
            PickTask.order_id.is_not(None),
        )
    )
    pairs = union_all(by_slot, by_stop).subquery()
    distinct_pairs = select(pairs.c.order_id, pairs.c.batch_id, pairs.c.split).distinct().subquery()
    other_batches = func.count(
        func.distinct(case((distinct_pairs.c.split == 1, null()), else_=distinct_pairs.c.batch_id))
    )
    carts = other_batches + func.max(distinct_pairs.c.split)
    grouped = (
        select(distinct_pairs.c.order_id, _gather(distinct_pairs.c.batch_id).label("batches"))
        .group_by(distinct_pairs.c.order_id)
        .having(carts > 1)
        .subquery()
    )
    stmt = select(
        Order.number.label("order"),
        Order.id.label("order_id"),
        Order.status.label("status"),
        grouped.c.batches,
    ).join(grouped, grouped.c.order_id == Order.id)
    return _with_ids(_found(session, stmt, limit, ("order_id",)), "batches")


def _open_stops_sharing(column: Any) -> Any:
    """Keys (allocation or put-back ids) that more than one open stop points at, with those stops and batches."""
    return (
        select(
            column.label("key"),
            _gather(PickTask.id).label("stops"),
            _gather(PickTask.batch_id).label("batches"),
        )
        .where(PickTask.status.in_(OPEN_TASK), column.is_not(None))
        .group_by(column)
        .having(func.count() > 1)
        .subquery()
    )


def allocation_in_one_open_task(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Allocations that more than one open stop would pick (the units would leave the shelf twice)."""
    shared = _open_stops_sharing(PickTask.allocation_id)
    stmt = (
        select(
            Allocation.id.label("allocation"),
            Order.number.label("order"),
            Order.id.label("order_id"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            Stock.lot.label("lot"),
            shared.c.stops,
            shared.c.batches,
        )
        .join(shared, shared.c.key == Allocation.id)
        .join(OrderLine, OrderLine.id == Allocation.order_line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Stock, Stock.id == Allocation.stock_id)
        .join(Location, Location.id == Stock.location_id)
        .join(Product, Product.id == Stock.product_id)
    )
    return _with_ids(_found(session, stmt, limit, ("allocation",)), "stops", "batches")


def putback_in_one_open_task(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Put-backs that more than one open stop would shelve (the units would be booked back twice)."""
    shared = _open_stops_sharing(PickTask.putback_id)
    stmt = (
        select(
            PutbackTask.id.label("putback"),
            Order.number.label("order"),
            Order.id.label("order_id"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            PutbackTask.lot.label("lot"),
            PutbackTask.tote_code.label("tote"),
            shared.c.stops,
            shared.c.batches,
        )
        .join(shared, shared.c.key == PutbackTask.id)
        .join(Order, Order.id == PutbackTask.order_id)
        .join(Location, Location.id == PutbackTask.location_id)
        .join(Product, Product.id == PutbackTask.product_id)
    )
    return _with_ids(_found(session, stmt, limit, ("putback",)), "stops", "batches")


def task_not_over_picked(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Stops whose confirmed, in-hand and awaiting-lot units add up to more than the stop asks for."""
    stmt = (
        select(
            PickTask.id.label("stop"),
            PickTask.batch_id.label("batch"),
            PickTask.kind.label("kind"),
            Order.number.label("order"),
            PickTask.location_code.label("location"),
            Product.sku.label("sku"),
            PickTask.lot.label("lot"),
            PickTask.qty.label("qty"),
            PickTask.qty_picked.label("qty_picked"),
            PickTask.qty_in_hand.label("qty_in_hand"),
            PickTask.qty_awaiting_lot.label("qty_awaiting_lot"),
        )
        .join(Product, Product.id == PickTask.product_id)
        .outerjoin(Order, Order.id == PickTask.order_id)
        .where(PickTask.qty_picked + PickTask.qty_in_hand + PickTask.qty_awaiting_lot > PickTask.qty)
    )
    return _found(session, stmt, limit, ("stop",))


def no_open_stop_for_closed_order(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Open pick stops in open batches whose order is not (or no longer) released for picking."""
    stmt = (
        select(
            PickTask.id.label("stop"),
            PickTask.batch_id.label("batch"),
            Order.number.label("order"),
            Order.id.label("order_id"),
            Order.status.label("order_status"),
            PickTask.location_code.label("location"),
            Product.sku.label("sku"),
            PickTask.lot.label("lot"),
        )
        .join(Batch, Batch.id == PickTask.batch_id)
        .join(Order, Order.id == PickTask.order_id)
        .join(Product, Product.id == PickTask.product_id)
        .where(
            PickTask.kind == PICK_KIND,
            PickTask.status.in_(OPEN_TASK),
            Batch.status.in_(OPEN_BATCH),
            Order.status.in_(NOT_RELEASED_OR_CLOSED),
        )
    )
    return _found(session, stmt, limit, ("stop",))


def tote_belongs_to_open_order(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Totes in use that hold no open order (picking, packing) or no open put-back (putback)."""
    columns = (
        Tote.code.label("tote"),
        Tote.status.label("status"),
        Tote.batch_id.label("batch"),
        Order.number.label("order"),
        Order.id.label("order_id"),
        Order.status.label("order_status"),
    )
    for_order = (
        select(*columns)
        .outerjoin(Order, Order.id == Tote.order_id)
        .where(
            Tote.status.in_(sorted(TOTE_IN_USE - {TOTE_PUTBACK})),
            or_(Order.id.is_(None), Order.status.in_(FINAL)),
        )
    )
    open_putback = (
        select(PutbackTask.id).where(PutbackTask.tote_code == Tote.code, PutbackTask.status.in_(OPEN_PUTBACK)).exists()
    )
    for_putback = (
        select(*columns).outerjoin(Order, Order.id == Tote.order_id).where(Tote.status == TOTE_PUTBACK, ~open_putback)
    )
    return _found(session, union_all(for_order, for_putback), limit, ("tote",))


def picker_one_open_batch(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Pickers holding more than one batch in status picking."""
    held = (
        select(Batch.picker_id, _gather(Batch.id).label("batches"))
        .where(Batch.status == BATCH_PICKING, Batch.picker_id.is_not(None))
        .group_by(Batch.picker_id)
        .having(func.count() > 1)
        .subquery()
    )
    stmt = select(User.name.label("picker"), User.id.label("user_id"), held.c.batches).join(
        held, held.c.picker_id == User.id
    )
    return _with_ids(_found(session, stmt, limit, ("picker",)), "batches")


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
    return _found(session, union_all(*parts), limit, ("what", "id"))


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
    return _found(session, union_all(*parts), limit, ("what", "id"))


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
    found = _found(session, stmt, limit, ("event",))
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


CHECKS: Sequence[tuple[str, Callable[[Session, int], Found]]] = (
    ("reserved_within_on_hand", reserved_within_on_hand),
    ("reserved_equals_allocations", reserved_equals_allocations),
    ("line_allocated_equals_allocations", line_allocated_equals_allocations),
    ("on_hand_equals_ledger", on_hand_equals_ledger),
    ("order_in_one_open_batch", order_in_one_open_batch),
    ("allocation_in_one_open_task", allocation_in_one_open_task),
    ("putback_in_one_open_task", putback_in_one_open_task),
    ("task_not_over_picked", task_not_over_picked),
    ("no_open_stop_for_closed_order", no_open_stop_for_closed_order),
    ("tote_belongs_to_open_order", tote_belongs_to_open_order),
    ("picker_one_open_batch", picker_one_open_batch),
    ("status_legal", status_legal),
    ("status_matches_last_event", status_matches_last_event),
    ("event_chain_unbroken", event_chain_unbroken),
)
"""Every check in the order the audit runs and reports them: (stable name, query)."""


def repeatable_snapshot(session: Session) -> None:
    """Make the rest of this transaction read one snapshot: PostgreSQL's default READ COMMITTED would let each
    check see a different moment, so two checks could disagree about one change made in between. Must run
    before any other statement of the transaction. SQLite's deferred read transaction already reads one
    snapshot (WAL), so nothing is needed there."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
