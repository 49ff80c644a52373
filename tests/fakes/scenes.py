"""Ready-made floors for the floor's unit tests: an order reserved on a shelf and a batch in the queue to pick it,
or an order picked into a tote and waiting at the packing station. Rows get the defaults the database gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from app.db.models import Allocation, Batch, BatchSlot, Order, OrderLine, PickTask, Product, Stock, Tote
from app.domain.actor import Actor
from app.services.users import UserView
from tests.fakes.store import apply_defaults
from tests.fakes.uow import FakeDatabase

KETTLE_GTIN = "4006381333931"
MUG_GTIN = "5901234123457"
SHELF = "A01-01-L-1"
OTHER_SHELF = "A01-03-L-1"


def add_order(db: FakeDatabase, order_id: int, status: str, lines: list[tuple[Product, int]]) -> Order:
    """An order of ``(product, qty)`` lines, shipped to Vienna."""
    order = Order(
        id=order_id,
        channel="csv",
        external_id=str(order_id),
        number=f"#{order_id}",
        status=status,
        customer_name="Ada Lovelace",
        ship_name="Ada Lovelace",
        ship_line1="Main St 1",
        ship_city="Vienna",
        ship_postal_code="1010",
        ship_country="AT",
        ship_by=date(2026, 6, 3),
        currency="EUR",
        order_value=Decimal("25.00"),
        tags=[],
        received_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    apply_defaults(order)
    for n, (product, qty) in enumerate(lines, start=1):
        line = OrderLine(
            id=order_id * 10 + n,
            order_id=order_id,
            line_no=n,
            sku=product.sku,
            name=product.name,
            product_id=product.id,
            qty_ordered=qty,
        )
        apply_defaults(line)
        line.qty_allocated = line.qty_picked = line.qty_packed = 0
        order.lines.append(line)
    db.orders.rows[order_id] = order
    return order


def reserve(db: FakeDatabase, line: OrderLine, stock: Stock, qty: int) -> Allocation:
    allocation = Allocation(id=db.store.new_id(), order_line_id=line.id, stock_id=stock.id, qty=qty, qty_picked=0)
    allocation.stock = stock
    line.allocations.append(allocation)
    line.qty_allocated += qty
    stock.quantity_reserved += qty
    return allocation


def add_stock(db: FakeDatabase, product: Product, code: str, on_hand: int, lot: str = "") -> Stock:
    location = db.picking_reads.location_by_code(code) or db.add_location(code)
    stock = Stock(location_id=location.id, product_id=product.id, lot=lot, quantity_on_hand=on_hand)
    stock.location = location
    return db.store.add(stock)


@dataclass
class PickFloor:
    """One order of 2 kettles reserved at ``SHELF``, on a batch of one stop waiting in the queue."""

    db: FakeDatabase
    picker: Actor
    user: UserView
    order: Order
    stock: Stock
    batch: Batch
    stop: PickTask

    def claimed(self, tote: str = "TOTE-0001") -> PickFloor:
        """The batch claimed by the picker with ``tote`` on slot 1 (rows as a claim and a tote scan leave them)."""
        self.batch.status, self.batch.picker_id, self.batch.terminal = "picking", self.picker.user_id, "T1"
        self.batch.claimed_at = self.batch.last_activity_at = datetime.now(UTC)
        self.order.status = "picking"
        slot = self.db.batch_rows.slot(self.batch.id, 1)
        assert slot is not None
        slot.tote_code = tote
        self.db.store.add(Tote(code=tote, status="picking", batch_id=self.batch.id, order_id=self.order.id))
        return self


def pick_floor(db: FakeDatabase, *, qty: int = 2, on_hand: int = 10) -> PickFloor:
    picker = db.add_user("pia", "picker")
    kettle = db.add_product("KETTLE", KETTLE_GTIN)
    stock = add_stock(db, kettle, SHELF, on_hand)
    order = add_order(db, 1, "released", [(kettle, qty)])
    line = order.lines[0]
    allocation = reserve(db, line, stock, qty)
    batch = db.store.add(Batch(status="ready", priority=5.0, cutoff_key="2026-06-03"))
    db.store.add(BatchSlot(batch_id=batch.id, slot=1, order_id=order.id))
    stop = PickTask(
        batch_id=batch.id,
        seq=1,
        kind="pick",
        slot=1,
        order_id=order.id,
        order_line_id=line.id,
        allocation_id=allocation.id,
        stock_id=stock.id,
        location_code=SHELF,
        product_id=kettle.id,
        qty=qty,
    )
    db.store.add(stop)
    assert picker.user_id is not None
    user = UserView(picker.user_id, picker.name, "picker", "pia", True)
    return PickFloor(db, picker, user, order, stock, batch, stop)


@dataclass
class PackFloor:
    """One order whose 2 kettles were picked into ``TOTE-0001``, waiting on the packing shelf."""

    db: FakeDatabase
    packer: Actor
    order: Order
    kettle: Product
    tote: Tote


def pack_floor(db: FakeDatabase, *, qty: int = 2) -> PackFloor:
    packer = db.add_user("paul", "packer")
    kettle = db.add_product("KETTLE", KETTLE_GTIN)
    stock = add_stock(db, kettle, SHELF, 10)
    order = add_order(db, 1, "picked", [(kettle, qty)])
    line = order.lines[0]
    reserve(db, line, stock, qty).qty_picked = qty
    line.qty_picked = qty
    tote = db.store.add(Tote(code="TOTE-0001", status="packing", order_id=order.id))
    return PackFloor(db, packer, order, kettle, tote)
