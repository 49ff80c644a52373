"""Order queries and changes from the office: list, show with timeline and priority explanation, hold, unhold,
cancel, and edits of lines, address and service level. Reservations follow every change.

Changes are allowed until picking starts. After that an edit is refused with the reason, and a cancel turns
what was already picked into put-back work for the picker flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from app.config import Config
from app.db.models import Event, Order, OrderLine, Product, PutbackTask
from app.db.unit_of_work import Actor, Database
from app.domain.orders import CANCELLED, CHANGEABLE, FINAL, NEW, ON_HOLD, PICKING_STARTED, STATUSES
from app.services import allocation
from app.services.errors import InvalidInput, Refused
from app.services.order_support import (
    OrderSummary,
    find_order,
    order_subject,
    priority_of,
    set_status,
    summary,
)


@dataclass(frozen=True)
class LineView:
    sku: str
    name: str
    qty: int
    qty_allocated: int
    qty_picked: int
    qty_packed: int
    known: bool

    def as_json(self) -> dict[str, object]:
        return {
            "sku": self.sku,
            "name": self.name,
            "qty": self.qty,
            "qty_allocated": self.qty_allocated,
            "qty_picked": self.qty_picked,
            "qty_packed": self.qty_packed,
        }


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    from_status: str | None
    to_status: str | None
    by: str
    terminal: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "from": self.from_status,
            "to": self.to_status,
            "by": self.by,
            "reason": self.reason,
            "kind": self.kind,
            "terminal": self.terminal,
        }


@dataclass(frozen=True)
class OrderDetail:
    summary: OrderSummary
    email: str
    phone: str
    address: dict[str, str]
    shipping_method: str
    promised_delivery: date | None
    order_value: str
    currency: str
    tags: tuple[str, ...]
    lines: tuple[LineView, ...]
    events: tuple[TimelineEntry, ...]
    priority_parts: tuple[dict[str, object], ...]
    putbacks_open: int

    def as_json(self) -> dict[str, Any]:
        data = self.summary.as_json()
        data.update(
            {
                "email": self.email,
                "phone": self.phone,
                "address": self.address,
                "shipping_method": self.shipping_method,
                "promised_delivery": self.promised_delivery.isoformat() if self.promised_delivery else None,
                "order_value": self.order_value,
                "currency": self.currency,
                "tags": list(self.tags),
                "lines": [line.as_json() for line in self.lines],
                "events": [e.as_json() for e in self.events],
                "priority_explained": list(self.priority_parts),
                "putbacks_open": self.putbacks_open,
            }
        )
        return data


def list_orders(db: Database, *, status: str | None = None, limit: int | None = None) -> list[OrderSummary]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status {status!r}: expected one of {', '.join(STATUSES)}")
    with db.unit_of_work(readonly=True) as uow:
        query = select(Order).order_by(Order.priority.desc(), Order.id)
        if status:
            query = query.where(Order.status == status)
        if limit:
            query = query.limit(limit)
        return [summary(o) for o in uow.session.scalars(query)]


def show_order(db: Database, config: Config, ref: str) -> OrderDetail:
    with db.unit_of_work(readonly=True) as uow:
        order = find_order(uow.session, ref)
        events = uow.session.scalars(
            select(Event).where(Event.subject == order_subject(order.id)).order_by(Event.id)
        ).all()
        timeline = tuple(
            TimelineEntry(
                e.at,
                e.kind,
                e.data.get("from") if e.kind == "order.status" else None,
                e.data.get("to") if e.kind == "order.status" else None,
                e.actor,
                e.terminal,
                e.data.get("reason") or e.message,
            )
            for e in events
        )
        putbacks = uow.session.scalars(
            select(PutbackTask).where(PutbackTask.order_id == order.id, PutbackTask.status == "open")
        ).all()
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
            sum(p.qty for p in putbacks),
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
        order = find_order(uow.session, ref, for_update=True)
        _changeable(order, "hold status")
        if order.status == ON_HOLD:
            raise Refused(f"order {order.number} is already on hold: {order.hold_reason}")
        allocation.release_reservations(uow.session, order)
        set_status(uow, order, ON_HOLD, actor, reason)
        order.hold_reason = reason
        uow.commit()
        return summary(order)


def unhold(db: Database, config: Config, ref: str, *, actor: Actor, reason: str = "") -> OrderSummary:
    with db.unit_of_work() as uow:
        order = find_order(uow.session, ref, for_update=True)
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
        order = find_order(uow.session, ref, for_update=True)
        if order.status in FINAL:
            raise Refused(f"order {order.number} is already {order.status}")
        putback_units = 0
        if order.status in PICKING_STARTED:
            for line in order.lines:
                for alloc in line.allocations:
                    if alloc.qty_picked > 0:
                        uow.session.add(
                            PutbackTask(
                                order_id=order.id,
                                product_id=line.product_id,
                                location_id=alloc.stock.location_id,
                                lot=alloc.stock.lot,
                                qty=alloc.qty_picked,
                            )
                        )
                        putback_units += alloc.qty_picked
        allocation.release_reservations(uow.session, order)
        note = f"; {putback_units} picked unit(s) to put back" if putback_units else ""
        set_status(uow, order, CANCELLED, actor, reason + note)
        uow.commit()
        return summary(order)


def _summary_of(db: Database, order_id: int) -> OrderSummary:
    with db.unit_of_work(readonly=True) as uow:
        order = uow.session.get(Order, order_id)
        assert order is not None
        return summary(order)


def _after_edit(db: Database, config: Config, order_id: int, actor: Actor) -> OrderSummary:
    allocation.allocate(db, actor=actor, order_ids=[order_id], include_backorders=False)
    return _summary_of(db, order_id)


def _reset_for_edit(uow, order: Order, actor: Actor, what: str) -> None:  # type: ignore[no-untyped-def]
    allocation.release_reservations(uow.session, order)
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
        order = find_order(uow.session, ref, for_update=True)
        _changeable(order, "lines")
        products = {p.sku: p for p in uow.session.scalars(select(Product).where(Product.sku.in_(changes)))}
        unknown = [sku for sku in changes if sku not in products and not any(x.sku == sku for x in order.lines)]
        if unknown:
            raise InvalidInput(f"unknown SKU(s): {', '.join(unknown)}")
        _reset_for_edit(uow, order, actor, "lines")
        by_sku = {x.sku: x for x in order.lines}
        described = []
        for sku, qty in changes.items():
            line = by_sku.get(sku)
            if line is not None and qty == 0:
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
        if not order.lines:
            raise Refused(f"order {order.number} would have no lines left; cancel it instead")
        uow.record(actor, "order.edited", subject=order_subject(order.id), message="lines: " + ", ".join(described))
        order.priority = priority_of(order, config).total
        uow.commit()
        order_id = order.id
    return _after_edit(db, config, order_id, actor)


ADDRESS_FIELDS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def edit_address(db: Database, config: Config, ref: str, fields: dict[str, str], *, actor: Actor) -> OrderSummary:
    from app.channels.countries import is_country_code

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
        order = find_order(uow.session, ref, for_update=True)
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
        order = find_order(uow.session, ref, for_update=True)
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
        uow.commit()
        return summary(order)


def reprioritise(db: Database, config: Config, *, statuses: tuple[str, ...], now: datetime | None = None) -> int:
    """Recompute the score of open orders (their age and deadline move with the clock)."""
    now = now or datetime.now(UTC)
    changed = 0
    with db.unit_of_work() as uow:
        for order in uow.session.scalars(select(Order).where(Order.status.in_(statuses))):
            value = priority_of(order, config, now).total
            if abs(float(order.priority) - value) >= 0.01:
                order.priority = value
                changed += 1
        uow.commit()
    return changed
