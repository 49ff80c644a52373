"""Order intake from the sales channels: one file, one transaction, never a duplicate, never a dropped line.

An order is keyed by (channel, external id). Importing it again updates it while it has not been released to
picking (its reservations are given back and it is allocated again); after that the import leaves it alone.
A line whose SKU (or GTIN) is unknown keeps the order, on hold with the reason, so someone can fix the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, or_, select, tuple_

from app.channels.detect import parse_orders_file
from app.channels.model import IntakeOrder, IntakeProblem
from app.config import Config
from app.db.models import Order, OrderLine, Product
from app.db.unit_of_work import Actor, Database, UnitOfWork
from app.domain.orders import BACKORDERED, NEW, ON_HOLD
from app.services.allocation import release_reservations
from app.services.order_support import default_ship_by, order_subject, priority_for, priority_of, set_status

REIMPORT_UPDATES = frozenset({NEW, "allocated", BACKORDERED, ON_HOLD})
"""Statuses in which a re-imported order is updated; later ones are already on the floor."""

UNKNOWN_SKU = "unknown SKU"


@dataclass(frozen=True)
class IntakeReport:
    source: str
    channel: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    on_hold: int = 0
    left_alone: tuple[str, ...] = ()
    """Orders in the file that were already released to picking: reported, not changed."""
    problems: tuple[IntakeProblem, ...] = field(default_factory=tuple)
    applied: bool = True
    order_ids: tuple[int, ...] = ()


def _service_level(config: Config, intake: IntakeOrder) -> str:
    channel = config.channel(intake.channel)
    method = intake.shipping_method.strip().lower()
    mapping = {k.lower(): v for k, v in channel.service_levels.items()}
    return mapping.get(method, channel.default_service_level)


def _order_values(config: Config, intake: IntakeOrder, received: datetime) -> dict[str, object]:
    address = intake.shipping_address
    level = _service_level(config, intake)
    return {
        "number": intake.number,
        "customer_name": intake.customer_name or "",
        "email": intake.email or "",
        "phone": intake.phone or "",
        "ship_name": address.name or "",
        "ship_company": address.company or "",
        "ship_line1": address.line1 or "",
        "ship_line2": address.line2 or "",
        "ship_city": address.city or "",
        "ship_region": address.region or "",
        "ship_postal_code": address.postal_code or "",
        "ship_country": address.country or "",
        "ship_phone": address.phone or "",
        "shipping_method": intake.shipping_method or "",
        "service_level": level,
        "ship_by": intake.ship_by or default_ship_by(config, level, intake.placed_at or received),
        "promised_delivery": intake.promised_delivery,
        "order_value": intake.order_value,
        "currency": intake.currency or "",
        "tags": list(intake.tags),
        "placed_at": intake.placed_at,
        "ship_complete": config.channel(intake.channel).ship_complete,
    }


def _line_values(intake: IntakeOrder, products_by_sku: dict[str, Product], products_by_gtin: dict[str, Product]):  # type: ignore[no-untyped-def]
    lines = []
    unknown = []
    for n, line in enumerate(intake.lines, start=1):
        product = products_by_sku.get(line.sku or "") or (
            products_by_gtin.get(line.gtin.zfill(14)) if line.gtin else None
        )
        if product is None:
            unknown.append(line.sku or line.gtin or line.name or f"line {n}")
        lines.append(
            {
                "line_no": n,
                "sku": product.sku if product else (line.sku or ""),
                "gtin": line.gtin or "",
                "product_id": product.id if product else None,
                "name": product.name if product else (line.name or ""),  # the catalog name is what pickers see
                "external_line_id": line.external_line_id or "",
                "unit_price": line.unit_price,
                "qty_ordered": line.quantity,
            }
        )
    return lines, unknown


def _same(order: Order, values: dict[str, object], lines: list[dict[str, object]]) -> bool:
    for key, value in values.items():
        if key in ("ship_complete",):
            continue
        current = getattr(order, key)
        if (
            key == "placed_at"
            and current is not None
            and value is not None
            and abs((current - value).total_seconds()) < 1  # type: ignore[operator]
        ):
            continue
        if current != value:
            return False
    existing = [(x.line_no, x.sku, x.product_id, x.qty_ordered) for x in order.lines]
    wanted = [(x["line_no"], x["sku"], x["product_id"], x["qty_ordered"]) for x in lines]
    return existing == wanted


def import_orders(
    db: Database,
    config: Config,
    path: Path,
    *,
    channel: str | None = None,
    skip_invalid: bool = False,
    actor: Actor,
) -> IntakeReport:
    parsed = parse_orders_file(path, channel, source=str(path))
    source = str(path)
    if parsed.problems and not skip_invalid:
        return IntakeReport(source, parsed.channel, problems=tuple(parsed.problems), applied=False)
    with db.unit_of_work() as uow:
        report = _store(uow, config, parsed.orders, actor, source, parsed.channel)
        uow.commit()
    return IntakeReport(
        source,
        parsed.channel,
        report.created,
        report.updated,
        report.unchanged,
        report.on_hold,
        report.left_alone,
        tuple(parsed.problems),
        True,
        report.order_ids,
    )


def _store(
    uow: UnitOfWork, config: Config, orders: tuple[IntakeOrder, ...], actor: Actor, source: str, channel: str | None
) -> IntakeReport:
    session = uow.session
    now = datetime.now(UTC)
    keys = [(o.channel, o.external_id) for o in orders]
    existing: dict[tuple[str, str], Order] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for order in session.scalars(select(Order).where(tuple_(Order.channel, Order.external_id).in_(chunk))):
            existing[(order.channel, order.external_id)] = order
    skus = {line.sku for o in orders for line in o.lines if line.sku}
    gtins = {line.gtin for o in orders for line in o.lines if line.gtin}
    products_by_sku: dict[str, Product] = {}
    products_by_gtin: dict[str, Product] = {}
    if skus or gtins:
        candidates = [g.zfill(14) for g in gtins] + [g.lstrip("0") for g in gtins] + list(gtins)
        for product in session.scalars(
            select(Product).where(
                or_(Product.sku.in_(skus), Product.gtin.in_(candidates), Product.case_gtin.in_(candidates))
            )
        ):
            products_by_sku[product.sku] = product
            if product.gtin:
                products_by_gtin[product.gtin.zfill(14)] = product
    created = updated = unchanged = on_hold = 0
    left_alone: list[str] = []
    touched: list[Order] = []
    fresh: list[tuple[dict[str, Any], list[dict[str, Any]], str]] = []
    for intake in orders:
        values = _order_values(config, intake, now)
        lines, unknown = _line_values(intake, products_by_sku, products_by_gtin)
        order = existing.get((intake.channel, intake.external_id))
        if order is not None and order.status not in REIMPORT_UPDATES:
            left_alone.append(f"{order.number} ({order.status})")
            unchanged += 1
            continue
        if order is not None and _same(order, values, lines):
            unchanged += 1
            continue
        if order is None:
            hold_reason = f"{UNKNOWN_SKU}: {', '.join(unknown)}" if unknown else ""
            row = {
                "channel": intake.channel,
                "external_id": intake.external_id,
                "received_at": now,
                "updated_at": now,
                "status": ON_HOLD if unknown else NEW,
                "hold_reason": hold_reason,
                "value_review_approved": False,
                "priority": priority_for(
                    config, values["service_level"], values["ship_by"], intake.tags, intake.order_value, now, now
                ).total,
                **values,
            }
            fresh.append((row, lines, hold_reason or f"imported from {intake.source_ref}"))
            created += 1
            if unknown:
                on_hold += 1
            continue
        else:
            release_reservations(session, order)
            for key, value in values.items():
                setattr(order, key, value)
            order.lines.clear()
            session.flush()
            order.lines.extend(OrderLine(**line) for line in lines)
            order.priority = priority_of(order, config, now).total
            uow.record(
                actor,
                "order.updated",
                subject=order_subject(order.id),
                message=f"updated from {intake.source_ref}",
                source=intake.source_ref,
            )
            if unknown:
                reason = f"{UNKNOWN_SKU}: {', '.join(unknown)}"
                if order.status != ON_HOLD:
                    set_status(uow, order, ON_HOLD, actor, reason)
                order.hold_reason = reason
            elif order.status == ON_HOLD and order.hold_reason.startswith(UNKNOWN_SKU):
                order.hold_reason = ""
                set_status(uow, order, NEW, actor, "catalog now knows every SKU")
            elif order.status != ON_HOLD and order.status != NEW:
                set_status(uow, order, NEW, actor, "order changed by the channel; allocating again")
            updated += 1
        if order.status == ON_HOLD:
            on_hold += 1
        touched.append(order)
    session.flush()
    new_ids = _insert_new_orders(uow, fresh, actor)
    return IntakeReport(
        source,
        channel,
        created,
        updated,
        unchanged,
        on_hold,
        tuple(left_alone),
        order_ids=tuple(o.id for o in touched) + tuple(new_ids),
    )


def _insert_new_orders(
    uow: UnitOfWork, fresh: list[tuple[dict[str, Any], list[dict[str, Any]], str]], actor: Actor
) -> list[int]:
    """Insert new orders, their lines and their first timeline events in three batched statements."""
    if not fresh:
        return []
    session = uow.session
    ids = list(
        session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), [row for row, _, _ in fresh])
    )
    line_rows = [
        {**line, "order_id": order_id} for order_id, (_, lines, _) in zip(ids, fresh, strict=True) for line in lines
    ]
    session.execute(insert(OrderLine), line_rows)
    uow.record_rows(
        [
            uow.event_row(
                actor,
                "order.status",
                order_subject(order_id),
                reason,
                **{"from": None, "to": row["status"], "reason": reason},
            )
            for order_id, (row, _, reason) in zip(ids, fresh, strict=True)
        ]
    )
    return ids
