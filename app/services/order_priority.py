"""An order's priority score and default ship-by date from config (the scoring rules are ``app.domain.priority``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.config.settings import Config
from app.db.models import Order
from app.domain.priority import PriorityFacts, PriorityScore, ScorePart, score, score_total


def default_ship_by(config: Config, level: str, received: datetime) -> date:
    days = {
        "same_day": config.orders.ship_by_days_same_day,
        "express": config.orders.ship_by_days_express,
    }.get(level, config.orders.ship_by_days_standard)
    return (received + timedelta(days=days)).date()


def priority_of(order: Order, config: Config, now: datetime | None = None) -> PriorityScore:
    """The order's score: a supervisor's override wins, else the configured rules over its facts."""
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
    facts = PriorityFacts(service_level, ship_by, config.cutoff_for(service_level), tags, order_value, received_at)
    return score(facts, config.priority, now or datetime.now(UTC))


def priority_total_for(
    config: Config,
    service_level: str,
    ship_by: date | None,
    tags: tuple[str, ...],
    order_value: Decimal,
    received_at: datetime,
    now: datetime | None = None,
) -> float:
    """``priority_for(...).total`` without the explanations (an import scores every order it stores)."""
    facts = PriorityFacts(service_level, ship_by, config.cutoff_for(service_level), tags, order_value, received_at)
    return score_total(facts, config.priority, now or datetime.now(UTC))
