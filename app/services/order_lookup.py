"""Finding an order by what an operator types, and the frozen views of it the CLI and the terminal show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.db.models import Order
from app.db.repositories import OrderRepository
from app.db.unit_of_work import UnitOfWork
from app.services.errors import NotFound
from app.services.order_listing import OrderSummary


def order_by_ref(uow: UnitOfWork, ref: str, *, locked: bool = False) -> Order:
    """An order by id, number (with or without '#') or ``channel:external_id``; ``locked`` locks it for this
    transaction (the use case is about to change it)."""
    return _the_one(uow.orders.by_reference(ref, locked=locked), ref.strip())


def find_order(session: Any, ref: str, *, for_update: bool = False) -> Order:
    """For callers that still hold a session: ``order_by_ref(uow, ref, locked=...)`` is the same lookup."""
    return _the_one(OrderRepository(session).by_reference(ref, locked=for_update), ref.strip())


def _the_one(found: list[Order], ref: str) -> Order:
    if not found:
        raise NotFound(f"no order {ref!r} (use an id, an order number or channel:external_id)")
    if len(found) > 1:
        choices = ", ".join(f"{o.channel}:{o.external_id}" for o in found)
        raise NotFound(f"order number {ref!r} is ambiguous; use one of {choices}")
    return found[0]


def summary(order: Order) -> OrderSummary:
    return OrderSummary(
        order.id,
        order.channel,
        order.external_id,
        order.number,
        order.status,
        float(order.priority),
        order.customer_name,
        order.ship_by,
        order.service_level,
        order.hold_reason,
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
