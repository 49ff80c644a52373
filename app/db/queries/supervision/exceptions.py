"""The exceptions queue's reads: short picks, weight mismatches, failed prints, orders held or stuck, sign-ins.

Each kind is one ``LIMIT``ed statement, newest first, that walks the events of its kind through the (kind, id) and
(kind, at) indexes and looks each order up by primary key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, func, select, union_all
from sqlalchemy.orm import Session, aliased

from app.db.models import Event, Order, OrderLine, PrintJobRecord, Shipment
from app.db.queries.supervision.common import OPEN_ORDER, order_id_of
from app.domain.orders import PACKING, SHIPPED


class OrderEvent(NamedTuple):
    """An event about an order, with the order's id and number."""

    at: datetime
    message: str
    order_id: int
    number: str


def unapproved_short_picks(session: Session, limit: int) -> list[OrderEvent]:
    """``order.short`` events of open orders without a later ``order.short_approved`` on the same order."""
    approved = aliased(Event)
    return [
        OrderEvent(*row)
        for row in session.execute(
            select(Event.at, Event.message, Order.id, Order.number)
            .join(Order, Order.id == order_id_of(Event.subject))
            .where(
                Event.kind == "order.short",
                OPEN_ORDER,
                ~select(approved.id)
                .where(approved.kind == "order.short_approved", approved.subject == Event.subject)
                .exists(),
            )
            .order_by(Event.id.desc())
            .limit(limit)
        )
    ]


class WeightMismatch(NamedTuple):
    at: datetime
    message: str
    carton: int | None
    order_id: int
    number: str


def open_weight_mismatches(session: Session, limit: int) -> list[WeightMismatch]:
    """``pack.weight_mismatch`` events of orders at packing with no later carton closed, weighing or approval
    on the same order (the newest weighing counts; an approval hands it back to the packer)."""
    later = aliased(Event)
    resolved = exists().where(
        later.subject == Event.subject,
        later.kind.in_(("pack.carton_closed", "pack.weight_mismatch", "pack.weight_approval_given")),
        later.id > Event.id,
    )
    return [
        WeightMismatch(*row)
        for row in session.execute(
            select(Event.at, Event.message, Event.data["carton"].as_integer(), Order.id, Order.number)
            .join(Order, Order.id == order_id_of(Event.subject))
            .where(Event.kind == "pack.weight_mismatch", Order.status == PACKING, ~resolved)
            .order_by(Event.id.desc())
            .limit(limit)
        )
    ]


class FailedPrint(NamedTuple):
    kind: str
    printer: str | None
    detail: str
    at: datetime
    order_id: int
    number: str


def failed_prints(session: Session, limit: int) -> list[FailedPrint]:
    """Failed print jobs of shipped (booked, not voided) shipments, newest first; a successful reprint updates
    the job, so it leaves this list."""
    return [
        FailedPrint(*row)
        for row in session.execute(
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


class OrderInState(NamedTuple):
    order_id: int
    number: str
    status: str
    hold_reason: str
    since: datetime
    """Its last status change (``orders.status_changed_at``: the time of its newest ``order.status`` event)."""


def orders_in_states(
    session: Session, always: Sequence[str], when_older: Sequence[str], older_than: datetime, limit: int
) -> list[OrderInState]:
    """Orders in a status of ``always``, and those in ``when_older`` since before ``older_than``, newest first.

    ``updated_at`` cannot date them (the priority pass rewrites scores) and searching the event log for each
    order's last ``order.status`` event grew with the square of the released orders on SQLite (it walked every
    status event per order). ``status_changed_at`` is that event's time, kept by ``app.services.order_status``:
    one ``LIMIT``ed backwards walk of ``ix_orders_status_changed`` per status, merged in one ``UNION ALL``, so the
    cost is the number of statuses times ``limit`` whatever the size of the floor.
    """
    parts = []
    for status in (*always, *when_older):
        query = (
            select(Order.id, Order.number, Order.status, Order.hold_reason, Order.status_changed_at.label("since"))
            .where(Order.status == status)
            .order_by(Order.status_changed_at.desc(), Order.id.desc())
            .limit(limit)
        )
        if status not in always:
            query = query.where(Order.status_changed_at < older_than)
        parts.append(select(query.subquery()))
    if not parts:
        return []
    merged = union_all(*parts).subquery()
    return [
        OrderInState(*row)
        for row in session.execute(select(merged).order_by(merged.c.since.desc(), merged.c.id.desc()).limit(limit))
    ]


def unreserved_lines(session: Session, order_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """Per order, (SKU, units without a reservation) of each line short of stock, in line order."""
    if not order_ids:
        return {}
    found: dict[int, list[tuple[str, int]]] = {}
    for order_id, sku, qty in session.execute(
        select(OrderLine.order_id, OrderLine.sku, OrderLine.qty_ordered - OrderLine.qty_allocated)
        .where(OrderLine.order_id.in_(order_ids), OrderLine.qty_allocated < OrderLine.qty_ordered)
        .order_by(OrderLine.order_id, OrderLine.line_no)
    ):
        found.setdefault(order_id, []).append((sku, qty))
    return found


def unsettled_locks(session: Session, settling_kinds: Sequence[str], limit: int) -> list[tuple[str, datetime]]:
    """(subject, at) of ``user.locked`` events with no later event of ``settling_kinds`` on the same user,
    newest first."""
    later = aliased(Event)
    settled = exists().where(
        later.subject == Event.subject,
        later.kind.in_(list(settling_kinds)),
        later.id > Event.id,
    )
    return [
        (subject, at)
        for subject, at in session.execute(
            select(Event.subject, Event.at)
            .where(Event.kind == "user.locked", ~settled)
            .order_by(Event.id.desc())
            .limit(limit)
        )
    ]


class Refusals(NamedTuple):
    subject: str
    reason: str | None
    count: int
    newest: datetime


def sign_in_refusals(session: Session, since: datetime, now: datetime) -> list[Refusals]:
    """Refused sign-ins between ``since`` and ``now``, counted per subject and reason."""
    why = Event.data["reason"].as_string().label("reason")  # grouped by its label: PostgreSQL needs one expression
    return [
        Refusals(subject, reason, int(n), newest)
        for subject, reason, n, newest in session.execute(
            select(Event.subject, why, func.count(Event.id), func.max(Event.at))
            .where(Event.kind == "user.sign_in_refused", Event.at >= since, Event.at <= now)
            .group_by(Event.subject, why)
        )
    ]
