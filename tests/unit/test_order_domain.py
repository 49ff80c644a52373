"""Pure order rules: the state machine, the allocation policy and the priority score."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from app.domain.allocation import StockCandidate, allocate_line
from app.domain.orders import STATUSES, TRANSITIONS, IllegalTransition, check_transition
from app.domain.priority import PriorityFacts, PriorityWeights, score

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_every_transition_names_known_statuses_and_illegal_moves_are_refused() -> None:
    assert {s for pair in TRANSITIONS for s in pair} <= set(STATUSES)
    check_transition("#1", "new", "allocated")
    with pytest.raises(IllegalTransition, match="order #1 is shipped; it cannot become allocated"):
        check_transition("#1", "shipped", "allocated")
    with pytest.raises(IllegalTransition):
        check_transition("#1", "cancelled", "new")
    assert all(("cancelled", to) not in TRANSITIONS for to in STATUSES)


def c(stock_id: int, available: int, *, expiry: date | None = None, days_old: int = 0, loc: str = "") -> StockCandidate:
    return StockCandidate(
        stock_id, loc or f"A01-{stock_id:02d}-L-1", "", expiry, available, T0 - timedelta(days=days_old)
    )


def test_fefo_takes_the_earliest_expiry_first_even_across_locations() -> None:
    rows = [c(1, 10, expiry=date(2027, 6, 1)), c(2, 4, expiry=date(2027, 1, 1)), c(3, 10, expiry=date(2027, 3, 1))]
    reservations, short = allocate_line(8, rows, fefo=True)
    assert [(r.stock_id, r.qty) for r in reservations] == [(2, 4), (3, 4)]
    assert short == 0


def test_fewest_locations_then_oldest() -> None:
    rows = [c(1, 3, days_old=30), c(2, 12, days_old=1), c(3, 9, days_old=10)]
    # one location can cover 8: choose among those covering it the oldest (3 is older than 2)
    assert [(r.stock_id, r.qty) for r in allocate_line(8, rows, fefo=False)[0]] == [(3, 8)]
    # nobody covers 20: largest first -> 12 + 9 (two stops, not three)
    reservations, short = allocate_line(20, rows, fefo=False)
    assert [(r.stock_id, r.qty) for r in reservations] == [(2, 12), (3, 8)] and short == 0


def test_shortfall_is_reported() -> None:
    reservations, short = allocate_line(30, [c(1, 5), c(2, 0)], fefo=False)
    assert [(r.stock_id, r.qty) for r in reservations] == [(1, 5)] and short == 25


def facts(level: str = "standard", *, ship_by: date | None = None, tags: tuple[str, ...] = (), value: str = "0",
          received: datetime = T0) -> PriorityFacts:  # fmt: skip
    return PriorityFacts(level, ship_by, time(17, 0), tags, Decimal(value), received)


def test_priority_orders_service_levels_deadline_vip_and_explains_itself() -> None:
    w = PriorityWeights()
    now = T0
    same_day = score(facts("same_day"), w, now).total
    express = score(facts("express"), w, now).total
    standard = score(facts("standard"), w, now).total
    assert same_day > express > standard
    due_today = score(facts(ship_by=now.date()), w, now)
    due_next_week = score(facts(ship_by=now.date() + timedelta(days=7)), w, now)
    assert due_today.total > due_next_week.total
    assert "17.0 h left to cut-off" in due_today.parts[0].why
    assert score(facts(tags=("VIP",)), w, now).total == standard + w.vip
    old = score(facts(received=now - timedelta(hours=10)), w, now)
    assert old.total == pytest.approx(standard + 10 * w.age_per_hour)
    explained = score(facts("express", value="250"), w, now).explain()
    assert [p["part"] for p in explained] == ["deadline", "service", "customer", "value", "age"]
    assert explained[3]["points"] == 12.5
