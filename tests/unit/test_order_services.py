"""The order use cases on a fake unit of work (``tests/fakes``): what the office sees, without a database.

Each test asserts what a user would notice: the order's status, the event in its timeline, the refusal message,
and that a refused action committed nothing. The SQL behind the same use cases is covered on both databases by
``tests/services``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.config import Config, load_config
from app.db.models import Allocation, Order, OrderLine, Stock
from app.domain.actor import Actor
from app.services import allocation, order_processing, orders
from app.services.errors import InvalidInput, NotAllowed, NotFound, Refused
from tests.conftest import ROOT
from tests.fakes import FakeDatabase, FakeStock, FloorCalls, fake_collaborators

__all__ = ["fake_collaborators"]  # the fixture, used by name

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
KETTLE, MUG = 1, 2


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "config.toml", env={})


@pytest.fixture
def db(fake_collaborators: FloorCalls) -> Iterator[FakeDatabase]:
    yield FakeDatabase()


@pytest.fixture
def office(db: FakeDatabase) -> Actor:
    return db.add_user("olga", "supervisor")


def add_stock(db: FakeDatabase, stock_id: int, product_id: int, on_hand: int, reserved: int = 0) -> Stock:
    row = Stock(
        id=stock_id, product_id=product_id, location_id=1, lot="", quantity_on_hand=on_hand, quantity_reserved=reserved
    )
    db.orders.stock[stock_id] = FakeStock(row, f"A01-{stock_id:02d}-L-1")
    return row


def add_order(
    db: FakeDatabase,
    order_id: int,
    status: str = "new",
    *lines: tuple[str, int | None, int],
    priority: float = 10.0,
    reserved_from: Stock | None = None,
    **fields: object,
) -> Order:
    """An order with lines (sku, product id, qty); ``reserved_from`` gives every line a reservation there."""
    order = Order(
        id=order_id,
        channel="csv",
        external_id=str(order_id),
        number=f"#{order_id}",
        status=status,
        priority=priority,
        priority_override=None,
        customer_name="Ada",
        ship_by=date(2026, 6, 3),
        service_level="standard",
        hold_reason="",
        ship_complete=True,
        short_pending=False,
        value_review_approved=False,
        order_value=Decimal("25.00"),
        currency="EUR",
        tags=[],
        received_at=NOW,
        split_from_id=None,
        ship_line1="Main St 1",
        ship_city="Vienna",
        ship_country="AT",
    )
    for key, value in fields.items():
        setattr(order, key, value)
    for n, (sku, product_id, qty) in enumerate(lines or (("KETTLE", KETTLE, 1),), start=1):
        line = OrderLine(id=order_id * 10 + n, line_no=n, sku=sku, product_id=product_id, qty_ordered=qty)
        line.qty_allocated = line.qty_picked = line.qty_packed = 0
        if reserved_from is not None:
            line.allocations.append(Allocation(id=line.id, stock_id=reserved_from.id, qty=qty, qty_picked=0))
            line.allocations[-1].stock = reserved_from
            line.qty_allocated = qty
        order.lines.append(line)
    db.orders.rows[order_id] = order
    return order


def nothing_committed(db: FakeDatabase) -> bool:
    return db.commits == 0 and not db.events


# --- hold -------------------------------------------------------------------------------------------------------


def test_a_hold_stops_an_allocated_order_gives_its_stock_back_and_says_why(
    db: FakeDatabase, config: Config, office: Actor, fake_collaborators: FloorCalls
) -> None:
    shelf = add_stock(db, 1, KETTLE, on_hand=5, reserved=2)
    add_order(db, 7, "allocated", ("KETTLE", KETTLE, 2), reserved_from=shelf)
    result = orders.hold(db, config, "#7", "customer called", actor=office)  # type: ignore[arg-type]
    assert result.status == "on_hold" and result.hold_reason == "customer called"
    assert db.status_events() == [("order:7", "allocated", "on_hold", "customer called")]
    assert shelf.quantity_reserved == 0 and db.orders.rows[7].lines[0].qty_allocated == 0
    assert fake_collaborators.left == [("#7", "put on hold", False)]
    assert db.commits == 1


def test_a_hold_needs_a_reason_and_opens_nothing(db: FakeDatabase, config: Config, office: Actor) -> None:
    add_order(db, 7)
    with pytest.raises(InvalidInput, match="a hold needs a reason"):
        orders.hold(db, config, "7", "  ", actor=office)  # type: ignore[arg-type]
    assert db.units == [] and db.orders.rows[7].status == "new"


def test_holding_an_order_already_on_hold_is_refused_with_its_reason(
    db: FakeDatabase, config: Config, office: Actor
) -> None:
    add_order(db, 7, "on_hold", hold_reason="fraud check")
    with pytest.raises(Refused, match="order #7 is already on hold: fraud check"):
        orders.hold(db, config, "7", "again", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db)


def test_an_order_being_picked_cannot_be_held(db: FakeDatabase, config: Config, office: Actor) -> None:
    add_order(db, 7, "picking")
    with pytest.raises(Refused, match="picking has started, so its hold status cannot change"):
        orders.hold(db, config, "7", "stop", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db) and db.orders.rows[7].status == "picking"


def test_a_picker_may_not_hold_orders(db: FakeDatabase, config: Config) -> None:
    add_order(db, 7)
    pia = db.add_user("pia", "picker")
    with pytest.raises(NotAllowed, match=r"pia \(picker\) may not hold orders"):
        orders.hold(db, config, "7", "no", actor=pia)  # type: ignore[arg-type]
    assert nothing_committed(db) and db.orders.rows[7].status == "new"


# --- finding an order -------------------------------------------------------------------------------------------


def test_an_unknown_order_is_named_in_the_refusal(db: FakeDatabase, config: Config, office: Actor) -> None:
    with pytest.raises(NotFound, match=r"no order 'X-1' \(use an id, an order number or channel:external_id\)"):
        orders.cancel(db, config, "X-1", "gone", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db)


def test_an_ambiguous_order_number_lists_the_channels_to_choose_from(
    db: FakeDatabase, config: Config, office: Actor
) -> None:
    add_order(db, 7, number="#100")
    add_order(db, 8, number="#100", channel="shopify", external_id="s-8")
    with pytest.raises(NotFound, match="order number '#100' is ambiguous; use one of csv:7, shopify:s-8"):
        orders.cancel(db, config, "#100", "dup", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db)


# --- unhold -----------------------------------------------------------------------------------------------------


def test_releasing_a_hold_allocates_the_order_again(db: FakeDatabase, config: Config, office: Actor) -> None:
    shelf = add_stock(db, 1, KETTLE, on_hand=3)
    add_order(db, 7, "on_hold", ("KETTLE", KETTLE, 2), hold_reason="value review")
    result = orders.unhold(db, config, "7", actor=office)  # type: ignore[arg-type]
    assert result.status == "allocated" and result.hold_reason == ""
    assert db.status_events() == [
        ("order:7", "on_hold", "new", "released from hold"),
        ("order:7", "new", "allocated", "stock reserved"),
    ]
    assert shelf.quantity_reserved == 2 and db.orders.rows[7].value_review_approved


def test_a_hold_with_unknown_skus_stays_until_the_catalog_knows_them(
    db: FakeDatabase, config: Config, office: Actor
) -> None:
    add_order(db, 7, "on_hold", ("KETTLE", KETTLE, 1), ("MYSTERY-9", None, 1), hold_reason="unknown SKU")
    with pytest.raises(Refused, match="still has unknown SKU\\(s\\): MYSTERY-9; fix the catalog first"):
        orders.unhold(db, config, "7", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db) and db.orders.rows[7].status == "on_hold"


def test_only_an_order_on_hold_can_be_released_from_hold(db: FakeDatabase, config: Config, office: Actor) -> None:
    add_order(db, 7, "allocated")
    with pytest.raises(Refused, match="order #7 is allocated, not on hold"):
        orders.unhold(db, config, "7", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db)


# --- cancel -----------------------------------------------------------------------------------------------------


def test_cancelling_before_batching_frees_the_stock_and_logs_the_reason(
    db: FakeDatabase, config: Config, office: Actor, fake_collaborators: FloorCalls
) -> None:
    shelf = add_stock(db, 1, KETTLE, on_hand=4, reserved=1)
    add_order(db, 7, "released", reserved_from=shelf, short_pending=True)
    result = orders.cancel(db, config, "#7", "customer withdrew", actor=office)  # type: ignore[arg-type]
    assert result.status == "cancelled" and shelf.quantity_reserved == 0
    assert db.status_events() == [("order:7", "released", "cancelled", "customer withdrew")]
    assert not db.orders.rows[7].short_pending
    assert fake_collaborators.left == [("#7", "cancelled", False)] and fake_collaborators.voided == ["#7"]
    assert db.commits == 1


def test_a_shipped_order_cannot_be_cancelled(db: FakeDatabase, config: Config, office: Actor) -> None:
    add_order(db, 7, "shipped")
    with pytest.raises(Refused, match="order #7 is already shipped"):
        orders.cancel(db, config, "7", "too late", actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db)


# --- edits ------------------------------------------------------------------------------------------------------


def test_an_address_edit_logs_each_changed_field(db: FakeDatabase, config: Config, office: Actor) -> None:
    add_order(db, 7, "allocated")
    orders.edit_address(db, config, "7", {"city": "Graz", "line1": "Main St 1"}, actor=office)  # type: ignore[arg-type]
    assert db.orders.rows[7].ship_city == "Graz"
    assert [(e.kind, e.message) for e in db.events] == [("order.edited", "address city: 'Vienna' -> 'Graz'")]
    assert db.commits == 1


def test_an_address_cannot_change_once_picking_started(db: FakeDatabase, config: Config, office: Actor) -> None:
    add_order(db, 7, "packing")
    with pytest.raises(Refused, match="order #7 is packing: picking has started, so its address cannot change"):
        orders.edit_address(db, config, "7", {"city": "Graz"}, actor=office)  # type: ignore[arg-type]
    assert nothing_committed(db) and db.orders.rows[7].ship_city == "Vienna"


def test_a_faster_service_level_raises_the_priority_and_moves_its_batch(
    db: FakeDatabase, config: Config, office: Actor, fake_collaborators: FloorCalls
) -> None:
    add_order(db, 7, "released", priority=0.0)
    result = orders.set_service_level(db, config, "7", "same_day", actor=office)  # type: ignore[arg-type]
    assert result.service_level == "same_day" and result.priority > 0
    assert [e.message for e in db.events] == ["service level standard -> same_day"]
    assert fake_collaborators.followed == [7]


# --- processing: release and re-scoring -------------------------------------------------------------------------


def test_release_sends_orders_to_picking_and_holds_expensive_ones_for_review(db: FakeDatabase, config: Config) -> None:
    system = db.add_user("system", "system")
    shelf = add_stock(db, 1, KETTLE, on_hand=9, reserved=1)
    add_order(db, 7, "allocated", priority=5.0)
    add_order(db, 8, "allocated", priority=9.0, order_value=Decimal("5000.00"), reserved_from=shelf)
    assert order_processing.release_orders(db, config, actor=system) == (1, 1)  # type: ignore[arg-type]
    assert db.orders.rows[7].status == "released" and db.orders.rows[8].status == "on_hold"
    assert db.orders.rows[8].hold_reason.startswith("value 5000.00 EUR above review limit")
    assert shelf.quantity_reserved == 0
    assert [(s, to) for s, _, to, _ in db.status_events()] == [("order:8", "on_hold"), ("order:7", "released")]


def test_rescoring_keeps_a_supervisors_override_and_reranks_ready_batches(db: FakeDatabase, config: Config) -> None:
    add_order(db, 7, "new", priority=0.0)
    add_order(db, 8, "new", priority=0.0, priority_override=0.0)
    db.orders.batches[50] = (1.0, 3.0)
    changed = orders.reprioritise(db, config, statuses=("new",), now=NOW)  # type: ignore[arg-type]
    assert changed == 1 and db.orders.rows[7].priority > 0 and db.orders.rows[8].priority == 0.0
    assert db.orders.batches[50] == (3.0, 3.0)


# --- allocation applying a plan ---------------------------------------------------------------------------------


def test_a_ship_complete_order_short_of_stock_is_backordered_whole(db: FakeDatabase, office: Actor) -> None:
    shelf = add_stock(db, 1, KETTLE, on_hand=1)
    add_stock(db, 2, MUG, on_hand=5)
    add_order(db, 7, "new", ("KETTLE", KETTLE, 2), ("MUG", MUG, 1))
    report = allocation.allocate(db, actor=office)  # type: ignore[arg-type]
    assert (report.allocated, report.backordered, report.split) == (0, 1, 0)
    assert db.status_events() == [("order:7", "new", "backordered", "not enough stock: KETTLE short 1")]
    assert shelf.quantity_reserved == 0 and db.orders.stock[2].row.quantity_reserved == 0


def test_an_order_that_may_split_ships_what_is_there_and_backorders_the_rest(db: FakeDatabase, office: Actor) -> None:
    add_stock(db, 1, KETTLE, on_hand=1)
    add_order(db, 7, "new", ("KETTLE", KETTLE, 3), ship_complete=False)
    report = allocation.allocate(db, actor=office)  # type: ignore[arg-type]
    assert (report.allocated, report.split) == (1, 1)
    child = next(o for o in db.orders.rows.values() if o.split_from_id == 7)
    assert (child.number, child.status, [x.qty_ordered for x in child.lines]) == ("#7-B1", "backordered", [2])
    assert db.orders.rows[7].lines[0].qty_ordered == 1
    assert [(to, reason) for _, _, to, reason in db.status_events()] == [
        ("allocated", "partly in stock; the remainder is split into a backorder"),
        ("backordered", "split from #7: not enough stock"),
    ]


def test_a_backorder_still_short_stays_backordered_without_a_new_event(db: FakeDatabase, office: Actor) -> None:
    add_stock(db, 1, KETTLE, on_hand=0)
    add_order(db, 7, "backordered", ("KETTLE", KETTLE, 1))
    report = allocation.allocate(db, actor=office)  # type: ignore[arg-type]
    assert (report.allocated, report.backordered) == (0, 1)
    assert db.orders.rows[7].status == "backordered" and db.events == []
