"""Storing one chunk of whole orders in one transaction: new orders in batched INSERTs, changed ones updated
(their reservations given back, their status moved through ``set_status``), orders already on the floor left
alone. ``app.services.intake.import_orders`` calls it once per ``WRITE_CHUNK`` orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.config.settings import Config
from app.db.models import Order, OrderLine
from app.db.queries import intake as intake_queries
from app.db.repositories.products import ProductRef
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import CANCELLED, NEW, ON_HOLD
from app.parsers.channels.model import IntakeOrder
from app.services.allocation import release_reservations
from app.services.intake.rows import (
    REIMPORT_UPDATES,
    Wanted,
    is_intake_hold,
    line_values,
    order_values,
    same,
    service_level,
    wanted_state,
)
from app.services.order_priority import default_ship_by, priority_of, priority_total_for
from app.services.order_status import order_subject, set_status

KEEP_AT_MOST = 1000
"""Problems and holds listed in a report; the rest are counted (a bad 200 MB file has millions)."""


@dataclass
class Tally:
    """What the writes have done so far, chunk after chunk."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    on_hold: int = 0
    cancelled: int = 0
    left_alone: list[str] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    holds: list[tuple[str, str]] = field(default_factory=list)
    hold_count: int = 0

    def held(self, number: str, reason: str) -> None:
        self.on_hold += 1
        self.hold_count += 1
        if len(self.holds) < KEEP_AT_MOST:
            self.holds.append((number, reason))


def _products(uow: UnitOfWork, orders: list[IntakeOrder]) -> tuple[dict[str, ProductRef], dict[str, ProductRef]]:
    skus = {line.sku for o in orders for line in o.lines if line.sku}
    gtins = {line.gtin for o in orders for line in o.lines if line.gtin}
    products_by_sku: dict[str, ProductRef] = {}
    products_by_gtin: dict[str, ProductRef] = {}
    if skus or gtins:
        candidates = [g.zfill(14) for g in gtins] + [g.lstrip("0") for g in gtins] + list(gtins)
        for product in uow.products.by_skus_or_gtins(skus, candidates):
            products_by_sku[product.sku] = product
            if product.gtin:
                products_by_gtin[product.gtin.zfill(14)] = product
    return products_by_sku, products_by_gtin


def store_chunk(uow: UnitOfWork, config: Config, orders: list[IntakeOrder], actor: Actor, tally: Tally) -> None:
    """Store one chunk of whole orders (one transaction, committed by the caller)."""
    now = datetime.now(UTC)
    existing = intake_queries.orders_by_channel_key(uow.session, [(o.channel, o.external_id) for o in orders])
    products_by_sku, products_by_gtin = _products(uow, orders)
    fresh: list[tuple[dict[str, Any], list[dict[str, Any]], str]] = []
    touched: list[Order] = []
    for intake in orders:
        level, method_hold = service_level(config, intake)
        values = order_values(config, intake, now, level)
        lines, unknown = line_values(intake, products_by_sku, products_by_gtin)
        wanted = wanted_state(intake, unknown, method_hold)
        order = existing.get((intake.channel, intake.external_id))
        if order is not None and order.status not in REIMPORT_UPDATES:
            if not (order.status == CANCELLED and wanted.cancel):
                note = f"; the channel says: {wanted.cancel}" if wanted.cancel else ""
                tally.left_alone.append(f"{order.number} ({order.status}{note})")
            tally.unchanged += 1
            continue
        if order is not None and same(order, values, lines) and wanted.matches(order):
            tally.unchanged += 1
            if order.status == ON_HOLD:
                tally.held(order.number, order.hold_reason)
            continue
        if order is None:
            ship_by = intake.ship_by or default_ship_by(config, level, intake.placed_at or now)
            status = CANCELLED if wanted.cancel else ON_HOLD if wanted.hold else NEW
            row = {
                "channel": intake.channel,
                "external_id": intake.external_id,
                "received_at": now,
                "updated_at": now,
                "status_changed_at": now,
                "priority_scored_at": now,
                "status": status,
                "hold_reason": wanted.hold if status == ON_HOLD else "",
                "value_review_approved": False,
                "priority": priority_total_for(config, level, ship_by, intake.tags, intake.order_value, now, now),
                **values,
            }
            reason = wanted.cancel or wanted.hold or f"imported from {intake.source_ref}"
            fresh.append((row, lines, reason))
            tally.created += 1
            if status == ON_HOLD:
                tally.held(intake.number, wanted.hold)
            elif status == CANCELLED:
                tally.cancelled += 1
            continue
        _update(uow, config, order, intake, values, lines, wanted, actor, now)
        tally.updated += 1
        if order.status == ON_HOLD:
            tally.held(order.number, order.hold_reason)
        elif order.status == CANCELLED:
            tally.cancelled += 1
        touched.append(order)
    uow.flush()
    tally.order_ids.extend(o.id for o in touched)
    tally.order_ids.extend(_insert_new_orders(uow, fresh, actor))


def _update(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    intake: IntakeOrder,
    values: dict[str, object],
    lines: list[dict[str, Any]],
    wanted: Wanted,
    actor: Actor,
    now: datetime,
) -> None:
    """Apply a changed order from the channel to one not yet on the floor; status moves go through
    ``set_status`` so each is an event with its reason."""
    release_reservations(uow.session, order)
    for key, value in values.items():
        setattr(order, key, value)
    order.lines.clear()
    uow.flush()
    order.lines.extend(OrderLine(**line) for line in lines)
    order.priority = priority_of(order, config, now).total
    uow.record(
        actor,
        "order.updated",
        subject=order_subject(order.id),
        message=f"updated from {intake.source_ref}",
        source=intake.source_ref,
    )
    manual_hold = order.status == ON_HOLD and not is_intake_hold(order.hold_reason)
    if wanted.cancel:
        set_status(uow, order, CANCELLED, actor, wanted.cancel)
        order.hold_reason = ""
    elif manual_hold:
        pass  # a supervisor's hold (or the value review) stays until a person lifts it
    elif wanted.hold:
        if order.status != ON_HOLD:
            set_status(uow, order, ON_HOLD, actor, wanted.hold)
        order.hold_reason = wanted.hold
    elif order.status == ON_HOLD:
        order.hold_reason = ""
        set_status(uow, order, NEW, actor, "the order is complete now; allocating")
    elif order.status != NEW:
        set_status(uow, order, NEW, actor, "order changed by the channel; allocating again")


def _insert_new_orders(
    uow: UnitOfWork, fresh: list[tuple[dict[str, Any], list[dict[str, Any]], str]], actor: Actor
) -> list[int]:
    """Insert new orders, their lines and their first timeline events in three batched statements."""
    if not fresh:
        return []
    ids = intake_queries.insert_orders(uow.session, [row for row, _, _ in fresh])
    line_rows = [
        {**line, "order_id": order_id} for order_id, (_, lines, _) in zip(ids, fresh, strict=True) for line in lines
    ]
    intake_queries.insert_order_lines(uow.session, line_rows)
    intake_queries.insert_events(
        uow.session,
        [
            uow.event_row(
                actor,
                "order.status",
                order_subject(order_id),
                reason,
                **{"from": None, "to": row["status"], "reason": reason},
            )
            for order_id, (row, _, reason) in zip(ids, fresh, strict=True)
        ],
    )
    return ids
