"""An import stores each order's priority through ``score_total`` (no explanations written): it must be the very
total the explained ``score`` shows in ``pickpack orders show``, or a re-score would move orders for nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from app.domain.priority import PriorityFacts, PriorityWeights, score, score_total

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("level", ["same_day", "express", "standard", "unknown"])
@pytest.mark.parametrize("ship_by", [None, date(2026, 11, 20), date(2026, 11, 23), date(2027, 1, 1)])
@pytest.mark.parametrize("tags", [(), ("VIP",), ("wholesale", "vip")])
@pytest.mark.parametrize("value", [Decimal("0"), Decimal("19.80"), Decimal("123456.78")])
def test_the_stored_total_is_the_explained_total(
    level: str, ship_by: date | None, tags: tuple[str, ...], value: Decimal
) -> None:
    weights = PriorityWeights(vip_tags=("Vip", "gold"))
    for received in (NOW, NOW - timedelta(hours=5, minutes=7), NOW - timedelta(days=30), NOW + timedelta(minutes=1)):
        facts = PriorityFacts(level, ship_by, time(15, 0), tags, value, received)
        assert score_total(facts, weights, NOW) == score(facts, weights, NOW).total
