"""Order queries and changes from the office: list, show with timeline and priority explanation, hold, unhold,
cancel, and edits of lines, address and service level. Reservations follow every change.

Changes are allowed until picking starts. After that an edit is refused with the reason, and a cancel turns
what was already picked into put-back work for the picker flow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from app.config.settings import Config
from app.db.models import Order, OrderLine
from app.db.queries import orders as order_queries
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import CANCELLED, CHANGEABLE, FINAL, NEW, ON_HOLD, PICKING_STARTED
from app.services import allocation
from app.services.authz import authorize
from app.services.errors import InvalidInput, Refused
from app.services.floor_state import void_open_shipments
from app.services.order_listing import iter_orders as iter_orders  # the listing (no ORM), still found here
from app.services.order_listing import list_orders as list_orders
from app.services.order_lookup import LineView, OrderDetail, OrderSummary, TimelineEntry, order_by_ref, summary
from app.services.order_priority import priority_of
from app.services.order_status import STATUS_EVENT, order_subject, set_status
from app.services.replan import follow_order_priority, order_leaves_floor
from app.services.write_turns import in_turn


def show_order(db: Database, config: Config, ref: str) -> OrderDetail:
    with db.unit_of_work(readonly=True) as uow:
        order = order_by_ref(uow, ref)
        timeline = tuple(
            TimelineEntry(
                e.at,
                e.kind,
                e.data.get("from") if e.kind == STATUS_EVENT else None,
                e.data.get("to") if e.kind == STATUS_EVENT else None,
                e.actor,
                e.terminal,
                e.data.get("reason") or e.message,
            )
            for e in uow.events.about(order_subject(order.id))
        )
        return OrderDetail(
            summary(order),
            order.email,
            order.phone,
            {
                "name": order.ship_name,
                "company": order.ship_company,
                "line1": order.ship_line1,
                "line2": order.ship_line2,
                "city": order.ship_city,
                "region": order.ship_region,
                "postal_code": order.ship_postal_code,
                "country": order.ship_country,
                "phone": order.ship_phone,
            },
            order.shipping_method,
            order.promised_delivery,
            str(order.order_value),
            order.currency,
            tuple(order.tags or ()),
            tuple(
                LineView(
                    x.sku, x.name, x.qty_ordered, x.qty_allocated, x.qty_picked, x.qty_packed, x.product_id is not None
                )
                for x in order.lines
            ),
            timeline,
            tuple(priority_of(order, config).explain()),
            order_queries.open_putback_units(uow.session, order.id),
        )


def _changeable(order: Order, what: str) -> None:
    if order.status not in CHANGEABLE:
        if order.status in PICKING_STARTED:
            raise Refused(f"order {order.number} is {order.status}: picking has started, so its {what} cannot change")
        raise Refused(f"order {order.number} is {order.status}; its {what} cannot change any more")


def hold(db: Database, config: Config, ref: str, reason: str, *, actor: Actor) -> OrderSummary:
    if not reason.strip():
        raise InvalidInput("a hold needs a reason")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.hold")
        order = order_by_ref(uow, ref, locked=True)
        _changeable(order, "hold status")
        if order.status == ON_HOLD:
            raise Refused(f"order {order.number} is already on hold: {order.hold_reason}")
        left = order_leaves_floor(uow, order, actor, "put on hold", put_back=False)
        allocation.release_stock(uow, order)
        note = f" ({left.describe()})" if left.describe() else ""
        set_status(uow, order, ON_HOLD, actor, reason + note)
        order.hold_reason = reason
        uow.commit()
        return summary(order)


def unhold(db: Database, config: Config, ref: str, *, actor: Actor, reason: str = "") -> OrderSummary:
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.unhold")
        order = order_by_ref(uow, ref, locked=True)
        if order.status != ON_HOLD:
            raise Refused(f"order {order.number} is {order.status}, not on hold")
        unknown = [x.sku or x.gtin for x in order.lines if x.product_id is None]
        if unknown:
            raise Refused(f"order {order.number} still has unknown SKU(s): {', '.join(unknown)}; fix the catalog first")
        if "review" in order.hold_reason:
            order.value_review_approved = True
        order.hold_reason = ""
        set_status(uow, order, NEW, actor, reason or "released from hold")
        uow.commit()
        order_id = order.id
    allocation.allocate(db, actor=actor, order_ids=[order_id], include_backorders=False)
    return _summary_of(db, order_id)


def cancel(db: Database, config: Config, ref: str, reason: str, *, actor: Actor) -> OrderSummary:
    if not reason.strip():
        raise InvalidInput("a cancel needs a reason")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.cancel")
        order = order_by_ref(uow, ref, locked=True)
        if order.status in FINAL:
            raise Refused(f"order {order.number} is already {order.status}")
        left = order_leaves_floor(uow, order, actor, "cancelled", put_back=order.status in PICKING_STARTED)
        void_open_shipments(uow, order, actor, reason)
        allocation.release_stock(uow, order)
        order.short_pending = False
        note = f"; {left.describe()}" if left.describe() else ""
        set_status(uow, order, CANCELLED, actor, reason + note)
        uow.commit()
        return summary(order)


def _summary_of(db: Database, order_id: int) -> OrderSummary:
    with db.unit_of_work(readonly=True) as uow:
        order = uow.orders.get(order_id)
        assert order is not None
        return summary(order)


def _after_edit(db: Database, config: Config, order_id: int, actor: Actor) -> OrderSummary:
    allocation.allocate(db, actor=actor, order_ids=[order_id], include_backorders=False)
    return _summary_of(db, order_id)


def _reset_for_edit(uow: UnitOfWork, order: Order, actor: Actor, what: str) -> None:
    order_leaves_floor(uow, order, actor, f"{what} changed", put_back=False)
    allocation.release_stock(uow, order)
    if order.status not in (NEW, ON_HOLD):
        set_status(uow, order, NEW, actor, f"{what} changed; allocating again")


def edit_lines(db: Database, config: Config, ref: str, changes: dict[str, int], *, actor: Actor) -> OrderSummary:
    """Set the quantity of each SKU in ``changes`` (0 removes the line; a new SKU adds one)."""
    if not changes:
        raise InvalidInput("no line changes given (use SKU=QTY)")
    for sku, qty in changes.items():
        if qty < 0:
            raise InvalidInput(f"{sku}: quantity must not be negative, got {qty}")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.edit")
        order = order_by_ref(uow, ref, locked=True)
        _changeable(order, "lines")
        products = order_queries.products_by_sku(uow.session, changes)
        unknown = [sku for sku in changes if sku not in products and not any(x.sku == sku for x in order.lines)]
        if unknown:
            raise InvalidInput(f"unknown SKU(s): {', '.join(unknown)}")
        _reset_for_edit(uow, order, actor, "lines")
        by_sku = {x.sku: x for x in order.lines}
        described = []
        for sku, qty in changes.items():
            line = by_sku.get(sku)
            if line is not None and qty == 0:
                if order_queries.line_ever_planned(uow.session, line.id):
                    line.qty_ordered = 0  # stops on old carts still name the line: it stays, with nothing ordered
                else:
                    order.lines.remove(line)
                described.append(f"{sku} removed")
            elif line is not None:
                described.append(f"{sku} {line.qty_ordered}->{qty}")
                line.qty_ordered = qty
            elif qty > 0:
                product = products[sku]
                next_no = max((x.line_no for x in order.lines), default=0) + 1
                order.lines.append(
                    OrderLine(line_no=next_no, sku=sku, product_id=product.id, name=product.name, qty_ordered=qty)
                )
                described.append(f"{sku} +{qty}")
        if not any(x.qty_ordered for x in order.lines):
            raise Refused(f"order {order.number} would have no lines left; cancel it instead")
        uow.record(actor, "order.edited", subject=order_subject(order.id), message="lines: " + ", ".join(described))
        order.priority = priority_of(order, config).total
        uow.commit()
        order_id = order.id
    return _after_edit(db, config, order_id, actor)


ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def edit_address(db: Database, config: Config, ref: str, fields: dict[str, str], *, actor: Actor) -> OrderSummary:
    from app.parsers.countries import is_country_code

    bad = [k for k in fields if k not in ADDRESS_FIELDS]
    if bad:
        raise InvalidInput(f"unknown address field(s) {', '.join(bad)}; expected {', '.join(ADDRESS_FIELDS)}")
    if "country" in fields:
        fields["country"] = fields["country"].upper()
        if not is_country_code(fields["country"]):
            raise InvalidInput(f"country: unknown country code {fields['country']!r}")
    for key in ("line1", "city", "country"):
        if key in fields and not fields[key].strip():
            raise InvalidInput(f"{key}: must not be empty")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.edit")
        order = order_by_ref(uow, ref, locked=True)
        _changeable(order, "address")
        changed = []
        for key, value in fields.items():
            if getattr(order, f"ship_{key}") != value:
                changed.append(f"{key}: {getattr(order, f'ship_{key}')!r} -> {value!r}")
                setattr(order, f"ship_{key}", value)
        if changed:
            uow.record(actor, "order.edited", subject=order_subject(order.id), message="address " + "; ".join(changed))
        uow.commit()
        return summary(order)


def set_service_level(db: Database, config: Config, ref: str, level: str, *, actor: Actor) -> OrderSummary:
    if level not in ("same_day", "express", "standard"):
        raise InvalidInput(f"service level {level!r}: expected same_day, express or standard")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.edit")
        order = order_by_ref(uow, ref, locked=True)
        _changeable(order, "service level")
        if order.service_level != level:
            uow.record(
                actor,
                "order.edited",
                subject=order_subject(order.id),
                message=f"service level {order.service_level} -> {level}",
            )
            order.service_level = level
            order.priority = priority_of(order, config).total
            follow_order_priority(uow.session, order.id)
        uow.commit()
        return summary(order)


RESCORE_EVERY = timedelta(hours=1)
"""How often the clock re-scores an order: its age and deadline parts move 7 points an hour at most, so a score
up to an hour old ranks the floor the same; re-scoring every open order on every pass (every few seconds) wrote
100,000 rows a pass at volume for changes of a hundredth of a point."""


def reprioritise(
    db: Database,
    config: Config,
    *,
    statuses: tuple[str, ...],
    now: datetime | None = None,
    chunk_size: int = 500,
) -> int:
    """Re-score the open orders the clock moved, then re-rank ready batches. Returns how many orders changed.

    Only what changed: an order is re-scored when its score is ``RESCORE_EVERY`` old (``priority_scored_at``).
    What else moves a score (an import of a changed order, an edit, a service level, a supervisor's pin) scores
    the order in its own transaction. A new order from intake is scored as it is stored.

    Why in chunks: SQLite has one writer, and one write transaction over every open order (100,000 of them)
    holds that lock long enough for pickers' scans to fail with "database is locked". So orders are read a page
    of ``chunk_size`` at a time in read-only units of work (no write lock), scored in Python, and written in one
    short write transaction per page (new score and when it was scored), retried when the database is busy. A
    row is written only if its priority and override are still what was read, so a supervisor's override or an
    edit that landed in between is kept (the next pass scores it again).

    Then every ``ready`` batch takes the highest priority of its orders (``batch_slots.order_id``), because the
    batch priority decides which batch is claimed next: without this a changed score or a supervisor's override
    would not move the batch. ``statuses=()`` re-ranks the batches only.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    now = now or datetime.now(UTC)
    changed = 0
    # the due ids first (ix_orders_status_scored covers them), then pages by primary key: paging with "id > last
    # ORDER BY id" makes SQLite re-read and sort every remaining open order for each page
    ids: list[int] = []
    if statuses:
        with db.unit_of_work(readonly=True) as uow:
            ids = uow.orders.ids_in_statuses(statuses, scored_before=now - RESCORE_EVERY)
    for start in range(0, len(ids), chunk_size):
        rows = _rescored_page(db, config, ids[start : start + chunk_size], statuses, now)
        changed += _write_in_own_transaction(db, lambda uow, r: _write_scores(uow, r, now), rows)
    with db.unit_of_work(readonly=True) as uow:
        stale = uow.orders.stale_batch_priorities()
    for start in range(0, len(stale), chunk_size):
        _write_in_own_transaction(
            db, lambda uow, r: uow.orders.write_batch_priorities(r), stale[start : start + chunk_size]
        )
    return changed


_PriorityRow = tuple[int, float, float | None, float]
"""(order id, priority read, override read, new priority)."""


def _write_scores(uow: UnitOfWork, rows: list[_PriorityRow], now: datetime) -> int:
    """Write one page: moved scores (counted), and the time of scoring on every row of it (unmoved ones too, so
    they are not due again for ``RESCORE_EVERY``). Returns how many scores moved."""
    moved = [row for row in rows if abs(row[1] - row[3]) >= 0.01]
    kept = [row for row in rows if abs(row[1] - row[3]) < 0.01]
    written = uow.orders.write_priorities(moved, scored_at=now) if moved else 0
    if kept:
        uow.orders.write_priorities([(i, seen, override, seen) for i, seen, override, _ in kept], scored_at=now)
    return written


def _rescored_page(
    db: Database, config: Config, ids: list[int], statuses: tuple[str, ...], now: datetime
) -> list[_PriorityRow]:
    """Score one page inside a read-only unit of work (a snapshot, no write lock; its end expires the rows)."""
    rows: list[_PriorityRow] = []
    with db.unit_of_work(readonly=True) as uow:
        for order in uow.orders.for_scoring(ids):
            if order.status not in statuses:  # left the open statuses since the ids were read
                continue
            value = priority_of(order, config, now).total
            rows.append((order.id, order.priority, order.priority_override, value))
    return rows


def _write_in_own_transaction(db: Database, write: Callable[[UnitOfWork, list[Any]], int], rows: list[Any]) -> int:
    """One short write transaction of at most a chunk of rows, retried whole when busy, then a turn for the floor
    (``app.services.write_turns``)."""

    def attempt() -> int:
        with db.unit_of_work() as uow:
            written = write(uow, rows)
            uow.commit()
            return written

    return in_turn(db, attempt) if rows else 0
