"""Order priority: a score that puts the orders that would otherwise miss their truck first.

score = deadline urgency + service level + customer tier + order value + age, each part weighted in config.toml
and explained line by line in `pickpack orders show`. Urgency counts hours left until the carrier's cut-off on
the ship-by day; an order already past its cut-off gets the full 48 hours' worth plus the hours it is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

URGENCY_HORIZON_H = 48.0
"""Orders due further out than this get no urgency points: the score only separates what is due soon."""
OVERDUE_CAP_H = 48.0
"""Hours past the cut-off that still add urgency; beyond, an order is simply as late as it gets."""
AGE_CAP_H = 168.0
"""Age stops adding points after a week, so one forgotten order cannot dwarf every other part."""


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    """The weights of each score part; the ``[priority]`` table of config.toml."""

    deadline: float = 50.0
    """Points per 10 hours less left before the carrier cut-off on the ship-by day (48 h horizon)."""
    service_same_day: float = 300.0
    service_express: float = 150.0
    service_standard: float = 0.0
    vip: float = 100.0
    """Points for a customer tagged with one of ``vip_tags``."""
    vip_tags: tuple[str, ...] = ("vip",)
    value_per_100: float = 5.0
    """Points per 100 of order value, capped at ``value_cap``."""
    value_cap: float = 100.0
    age_per_hour: float = 2.0
    """Points per hour since the order arrived, so nothing waits forever."""


@dataclass(frozen=True, slots=True)
class PriorityFacts:
    service_level: str
    ship_by: date | None
    cutoff: time
    tags: tuple[str, ...]
    order_value: Decimal
    received_at: datetime


@dataclass(frozen=True, slots=True)
class ScorePart:
    name: str
    points: float
    why: str


@dataclass(frozen=True, slots=True)
class PriorityScore:
    total: float
    parts: tuple[ScorePart, ...]

    def explain(self) -> list[dict[str, object]]:
        return [{"part": p.name, "points": round(p.points, 1), "why": p.why} for p in self.parts]


def score(facts: PriorityFacts, weights: PriorityWeights, now: datetime) -> PriorityScore:
    """The score with each part explained (``pickpack orders show``); its total is ``score_total``'s."""
    deadline_points, hours_left, deadline = _deadline(facts, weights, now)
    parts: list[ScorePart] = []
    if deadline is not None:
        when = (
            f"{hours_left:.1f} h left to cut-off {deadline:%Y-%m-%d %H:%M}"
            if hours_left >= 0
            else (f"{-hours_left:.1f} h past cut-off {deadline:%Y-%m-%d %H:%M}")
        )
        parts.append(ScorePart("deadline", deadline_points, when))
    else:
        parts.append(ScorePart("deadline", 0.0, "no ship-by date"))
    parts.append(ScorePart("service", _service(facts, weights), f"service level {facts.service_level}"))
    vip = _vip(facts, weights)
    parts.append(ScorePart("customer", weights.vip if vip else 0.0, f"tag {vip}" if vip else "regular customer"))
    parts.append(ScorePart("value", _value(facts, weights), f"order value {facts.order_value}"))
    age_h = _age_hours(facts, now)
    parts.append(ScorePart("age", age_h * weights.age_per_hour, f"waiting {age_h:.1f} h"))
    return PriorityScore(round(sum(p.points for p in parts), 2), tuple(parts))


def score_total(facts: PriorityFacts, weights: PriorityWeights, now: datetime) -> float:
    """``score(...).total`` without writing the explanations: an import scores every order it stores, and the
    dates and numbers formatted into the parts' texts were most of a score's cost."""
    vip = _vip(facts, weights)
    points = (
        _deadline(facts, weights, now)[0],
        _service(facts, weights),
        weights.vip if vip else 0.0,
        _value(facts, weights),
        _age_hours(facts, now) * weights.age_per_hour,
    )
    return round(sum(points), 2)


def _deadline(facts: PriorityFacts, weights: PriorityWeights, now: datetime) -> tuple[float, float, datetime | None]:
    """(points, hours left, cut-off) of the deadline part; (0, 0, None) without a ship-by date."""
    if facts.ship_by is None:
        return 0.0, 0.0, None
    deadline = datetime.combine(facts.ship_by, facts.cutoff, tzinfo=UTC)
    hours_left = (deadline - now) / timedelta(hours=1)
    urgency = min(URGENCY_HORIZON_H + OVERDUE_CAP_H, max(0.0, URGENCY_HORIZON_H - hours_left))
    return urgency * weights.deadline / 10.0, hours_left, deadline


def _service(facts: PriorityFacts, weights: PriorityWeights) -> float:
    return {
        "same_day": weights.service_same_day,
        "express": weights.service_express,
        "standard": weights.service_standard,
    }.get(facts.service_level, weights.service_standard)


def _vip(facts: PriorityFacts, weights: PriorityWeights) -> str | None:
    """The first of ``vip_tags`` the order carries (any case), or None."""
    tags = {t.lower() for t in facts.tags}
    return next((t for t in weights.vip_tags if t.lower() in tags), None)


def _value(facts: PriorityFacts, weights: PriorityWeights) -> float:
    return min(weights.value_cap, float(facts.order_value) / 100.0 * weights.value_per_100)


def _age_hours(facts: PriorityFacts, now: datetime) -> float:
    return min(AGE_CAP_H, max(0.0, (now - facts.received_at) / timedelta(hours=1)))
