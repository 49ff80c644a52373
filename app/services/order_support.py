"""Shared pieces of the order use cases: finding an order by reference, status changes that always write their
event, priority scoring from config, and the frozen views the CLI and the terminal show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Config
from app.db.models import Order
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.gtin import ascii_digits
from app.domain.orders import check_transition
from app.domain.priority import PriorityFacts, PriorityScore, ScorePart, score
from app.services.errors import NotFound


def order_subject(order_id: int) -> str:
    return f"order:{order_id}"


def find_order(session: Session, ref: str, *, for_update: bool = False) -> Order:
    """An order by id, number (with or without '#') or ``channel:external_id``."""
    ref = ref.strip()
    query = select(Order)
    if ":" in ref:
        channel, external_id = ref.split(":", 1)
        query = query.where(Order.channel == channel, Order.external_id == external_id)
    elif ascii_digits(ref):
        by_id = session.get(Order, int(ref), with_for_update=for_update)
        if by_id is not None:
            return by_id
        query = query.where(Order.number.in_([ref, f"#{ref}"]))
    else:
        query = query.where(Order.number.in_([ref, ref.lstrip("#"), f"#{ref.lstrip('#')}"]))
    if for_update:
        query = query.with_for_update()
    found = list(session.scalars(query.order_by(Order.id)))
    if not found:
        raise NotFound(f"no order {ref!r} (use an id, an order number or channel:external_id)")
    if len(found) > 1:
        choices = ", ".join(f"{o.channel}:{o.external_id}" for o in found)
        raise NotFound(f"order number {ref!r} is ambiguous; use one of {choices}")
    return found[0]


def lock_orders(session: Session, order_ids: list[int] | set[int]) -> list[Order]:
    """The orders, re-read and locked in id order before a status change (PostgreSQL ``FOR UPDATE``; SQLite's
    writers already take turns): a cancel committed meanwhile is seen, never overwritten."""
    if not order_ids:
        return []
    query = select(Order).where(Order.id.in_(sorted(order_ids))).order_by(Order.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Order)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def set_status(uow: UnitOfWork, order: Order, to: str, actor: Actor, reason: str = "") -> None:
    """Move an order to ``to`` if the state machine allows it, and log the move with who, where and why."""
    check_transition(order.number, order.status, to)
    before = order.status
    order.status = to
    uow.record(
        actor,
        "order.status",
        subject=order_subject(order.id),
        message=reason,
        **{"from": before, "to": to, "reason": reason},
    )


def log_created(uow: UnitOfWork, order: Order, actor: Actor, reason: str) -> None:
    uow.record(
        actor,
        "order.status",
        subject=order_subject(order.id),
        message=reason,
        **{"from": None, "to": order.status, "reason": reason},
    )


def default_ship_by(config: Config, level: str, received: datetime) -> date:
    days = {
        "same_day": config.orders.ship_by_days_same_day,
        "express": config.orders.ship_by_days_express,
    }.get(level, config.orders.ship_by_days_standard)
    return (received + timedelta(days=days)).date()


def priority_of(order: Order, config: Config, now: datetime | None = None) -> PriorityScore:
    if order.priority_override is not None:
        return PriorityScore(
            float(order.priority_override),
            (ScorePart("supervisor", float(order.priority_override), "set by a supervisor"),),
        )
    return priority_for(
        config,
        order.service_level,
        order.ship_by,
        tuple(order.tags or ()),
        Decimal(order.order_value or 0),
        order.received_at or datetime.now(UTC),
        now,
    )


def priority_for(
    config: Config,
    service_level: str,
    ship_by: date | None,
    tags: tuple[str, ...],
    order_value: Decimal,
    received_at: datetime,
    now: datetime | None = None,
) -> PriorityScore:
    facts = PriorityFacts(
        service_level=service_level,
        ship_by=ship_by,
        cutoff=config.cutoff_for(service_level),
        tags=tags,
        order_value=order_value,
        received_at=received_at,
    )
    return score(facts, config.priority, now or datetime.now(UTC))


@dataclass(frozen=True)
class OrderSummary:
    id: int
    channel: str
    external_id: str
    number: str
    status: str
    priority: float
    customer_name: str
    ship_by: date | None
    service_level: str
    hold_reason: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "channel": self.channel,
            "external_id": self.external_id,
            "number": self.number,
            "status": self.status,
            "priority": self.priority,
            "customer": self.customer_name,
            "ship_by": self.ship_by.isoformat() if self.ship_by else None,
            "service_level": self.service_level,
            "hold_reason": self.hold_reason or None,
        }


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
