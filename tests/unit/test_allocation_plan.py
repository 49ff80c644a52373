"""The order-level allocation policy as a pure function: ship complete, split, backorder, and priority order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.allocation import LineToAllocate, OrderToAllocate, StockOnShelf, plan_allocation
from app.domain.orders import IllegalTransition

TODAY = date(2026, 6, 1)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def order(order_id: int, *lines: tuple[int, int], status: str = "new", ship_complete: bool = True) -> OrderToAllocate:
    """An order of (product id, qty) lines; line ids are order_id*10+n."""
    return OrderToAllocate(
        order_id,
        f"#{order_id}",
        status,
        ship_complete,
        tuple(LineToAllocate(order_id * 10 + n, f"P{p}", p, qty, 0) for n, (p, qty) in enumerate(lines, start=1)),
    )


def shelf(
    stock_id: int, product_id: int, on_hand: int, *, reserved: int = 0, expiry: date | None = None
) -> StockOnShelf:
    return StockOnShelf(stock_id, product_id, f"A01-{stock_id:02d}-L-1", "", expiry, on_hand, reserved, T0)


def test_an_order_in_stock_is_allocated_and_the_stock_reserved() -> None:
    plan = plan_allocation([order(1, (5, 2))], [shelf(100, 5, 3, reserved=1)], {}, TODAY)
    (outcome,) = plan.orders
    assert (outcome.from_status, outcome.to_status, outcome.reason) == ("new", "allocated", "stock reserved")
    assert [(r.stock_id, r.qty) for r in outcome.lines[0].reservations] == [(100, 2)]
    assert outcome.lines[0].qty_allocated == 2 and plan.reserved == {100: 3}


def test_ship_complete_short_backorders_the_whole_order_and_gives_its_holds_back() -> None:
    plan = plan_allocation([order(1, (5, 1), (6, 4))], [shelf(100, 5, 9), shelf(101, 6, 3)], {}, TODAY)
    (outcome,) = plan.orders
    assert outcome.to_status == "backordered" and outcome.reason == "not enough stock: P6 short 1"
    assert outcome.lines == () and plan.reserved == {100: 0, 101: 0}


def test_an_order_that_may_split_takes_what_there_is_and_names_the_shortfall() -> None:
    plan = plan_allocation([order(1, (5, 4), ship_complete=False)], [shelf(100, 5, 3)], {}, TODAY)
    (outcome,) = plan.orders
    assert outcome.split and outcome.shortfalls == ((11, 1),) and plan.reserved == {100: 3}
    assert outcome.reason == "partly in stock; the remainder is split into a backorder"
    assert len(plan.splits) == 1 and len(plan.allocated) == 1


def test_an_order_that_would_get_nothing_is_backordered_even_if_it_may_split() -> None:
    plan = plan_allocation([order(1, (5, 2), ship_complete=False)], [], {}, TODAY)
    assert plan.orders[0].to_status == "backordered" and not plan.orders[0].split


def test_the_first_order_takes_the_stock_the_second_waits() -> None:
    plan = plan_allocation([order(1, (5, 2)), order(2, (5, 2))], [shelf(100, 5, 3)], {}, TODAY)
    assert [o.to_status for o in plan.orders] == ["allocated", "backordered"]
    assert plan.reserved == {100: 2}


def test_expired_stock_is_never_reserved_and_fefo_takes_the_oldest_expiry_first() -> None:
    rows = [
        shelf(100, 5, 9, expiry=date(2026, 5, 31)),
        shelf(101, 5, 1, expiry=date(2026, 9, 1)),
        shelf(102, 5, 1, expiry=date(2026, 7, 1)),
    ]
    plan = plan_allocation([order(1, (5, 2))], rows, {5: True}, TODAY)
    assert [(r.stock_id, r.qty) for r in plan.orders[0].lines[0].reservations] == [(102, 1), (101, 1)]


def test_an_already_backordered_order_still_short_keeps_its_status() -> None:
    plan = plan_allocation([order(1, (5, 2), status="backordered")], [], {}, TODAY)
    assert not plan.orders[0].status_changes and plan.orders[0].to_status == "backordered"


def test_an_order_in_a_status_that_cannot_be_allocated_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="order #1 is shipped; it cannot become allocated"):
        plan_allocation([order(1, (5, 1), status="shipped")], [shelf(100, 5, 1)], {}, TODAY)


def test_unknown_skus_and_lines_already_allocated_are_left_alone() -> None:
    lines = (LineToAllocate(11, "MYSTERY", None, 3, 0), LineToAllocate(12, "P5", 5, 2, 2))
    plan = plan_allocation([OrderToAllocate(1, "#1", "new", True, lines)], [shelf(100, 5, 9)], {}, TODAY)
    assert plan.orders[0].to_status == "allocated" and plan.orders[0].lines == () and plan.reserved == {100: 0}
