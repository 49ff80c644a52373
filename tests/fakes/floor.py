"""The picking floor's repositories and reads in memory: batches and their slots, pick stops, totes, products,
stock with its ledger, put-backs, and ``FakePickingReads`` (``uow.picking_reads``).

Each method answers what the real one's SQL answers, over the rows of ``FakeStore``; orders and their lines live
in ``FakeOrderRepository`` (``tests.fakes.orders``), which the reads consult through the fake database.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from app.db.models import (
    Allocation,
    Batch,
    BatchSlot,
    Carton,
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    PutbackTask,
    Shipment,
    Stock,
    StockMove,
    Tote,
)
from app.db.queries.picking import OpenStop, PickedAllocation, SlotRow, StopRow
from tests.fakes.store import FakeRows

if TYPE_CHECKING:
    from tests.fakes.uow import FakeDatabase

OPEN_BATCH = ("ready", "picking")


class FakeBatchRepository(FakeRows[Batch]):
    model = Batch

    def held_by(self, user_id: int) -> Batch | None:
        found = self.store.rows(Batch, lambda b: b.status == "picking" and b.picker_id == user_id)
        return found[0] if found else None

    def next_ready_id(self) -> int | None:
        ready = sorted(self.store.rows(Batch, lambda b: b.status == "ready"), key=lambda b: (-b.priority, b.id))
        return ready[0].id if ready else None

    def claim_if_ready(self, batch_id: int, picker_id: int, terminal: str, now: datetime) -> bool:
        batch = self.get(batch_id)
        if batch is None or batch.status != "ready":
            return False
        batch.status, batch.picker_id, batch.terminal = "picking", picker_id, terminal
        batch.claimed_at = batch.last_activity_at = now
        return True

    def reload(self, batch_id: int) -> Batch | None:
        return self.get(batch_id)

    def listing(self, *, include_done: bool) -> list[Batch]:
        found = self.store.rows(Batch, lambda b: include_done or b.status != "done")
        return sorted(found, key=lambda b: (b.status, -b.priority, b.id))

    def slots_of(self, batch_id: int) -> list[BatchSlot]:
        return sorted(self.store.rows(BatchSlot, lambda s: s.batch_id == batch_id), key=lambda s: s.slot)

    def slot_order_ids(self, batch_id: int) -> set[int]:
        return {i for i in self.slot_orders_with_empty(batch_id) if i}

    def slot_orders_with_empty(self, batch_id: int) -> set[int | None]:
        return {s.order_id for s in self.slots_of(batch_id)}

    def slot(self, batch_id: int, slot: int) -> BatchSlot | None:
        return next((s for s in self.slots_of(batch_id) if s.slot == slot), None)

    def open_slots_of_order(self, order_id: int) -> list[BatchSlot]:
        def on_open_batch(s: BatchSlot) -> bool:
            batch = self.get(s.batch_id)
            return s.order_id == order_id and batch is not None and batch.status in OPEN_BATCH

        return self.store.rows(BatchSlot, on_open_batch)

    def delete_slots(self, slot_ids: Collection[int]) -> None:
        for slot in self.store.rows(BatchSlot, lambda s: s.id in slot_ids):
            self.store.delete(slot)

    def close_slot_gaps(self, batch_id: int) -> None:
        pass  # the unit tests never leave a gap before the cart is set up (tests/services cover the renumbering)

    def count_slot_orders(self, batch_id: int) -> int:
        return sum(1 for s in self.slots_of(batch_id) if s.order_id is not None)

    def _picked_stops(self, batch_id: int) -> list[PickTask]:
        return self.store.rows(PickTask, lambda t: t.batch_id == batch_id and t.kind == "pick" and t.qty_picked > 0)

    def filled_tote_codes(self, batch_id: int) -> set[str | None]:
        slots = {t.slot for t in self._picked_stops(batch_id)}
        return {s.tote_code for s in self.slots_of(batch_id) if s.slot in slots}

    def tote_of_picked_allocation(self, allocation_id: int) -> str | None:
        for task in self.store.rows(PickTask, lambda t: t.allocation_id == allocation_id and t.qty_picked > 0):
            slot = self.slot(task.batch_id, task.slot) if task.slot is not None else None
            if slot is not None and slot.tote_code:
                return slot.tote_code
        return None


class FakeTaskRepository(FakeRows[PickTask]):
    model = PickTask

    def _of_batch(self, batch_id: int) -> list[PickTask]:
        return self.store.rows(PickTask, lambda t: t.batch_id == batch_id)

    def open_of_batch(self, batch_id: int) -> list[PickTask]:
        return sorted((t for t in self._of_batch(batch_id) if t.status == "open"), key=lambda t: t.seq)

    def max_seq(self, batch_id: int) -> int:
        return max((t.seq for t in self._of_batch(batch_id)), default=0)

    def units_in_hand(self, batch_id: int) -> int:
        return sum(t.qty_in_hand + t.qty_awaiting_lot for t in self.open_of_batch(batch_id))

    def count_open(self, batch_id: int) -> int:
        return len(self.open_of_batch(batch_id))

    def count_picked(self, batch_id: int) -> int:
        return sum(1 for t in self._of_batch(batch_id) if t.qty_picked > 0)

    def open_of_allocation(self, allocation_id: int) -> list[PickTask]:
        return self.store.rows(PickTask, lambda t: t.allocation_id == allocation_id and t.status == "open")

    def _batch_status(self, task: PickTask) -> str | None:
        batch = self.store.get(Batch, task.batch_id)
        return batch.status if batch is not None else None

    def open_picks_of_order(self, order_id: int) -> list[PickTask]:
        return self.store.rows(
            PickTask,
            lambda t: (
                t.order_id == order_id
                and t.kind == "pick"
                and t.status == "open"
                and self._batch_status(t) in OPEN_BATCH
            ),
        )

    def order_touched_on_floor(self, order_id: int) -> bool:
        def touched(t: PickTask) -> bool:
            moved = t.qty_picked + t.qty_in_hand + t.qty_awaiting_lot > 0
            return moved or (self._batch_status(t) == "picking" and t.status == "open")

        return any(touched(t) for t in self.store.rows(PickTask, lambda t: t.order_id == order_id and t.kind == "pick"))

    def order_open_on_other_batches(self, order_id: int, batch_id: int) -> bool:
        return any(
            t.batch_id != batch_id and self._batch_status(t) in OPEN_BATCH for t in self.open_picks_of_order(order_id)
        )


class FakeToteRepository(FakeRows[Tote]):
    model = Tote

    def by_code(self, code: str) -> Tote | None:
        return next(iter(self.store.rows(Tote, lambda t: t.code == code)), None)

    def on_batch(self, batch_id: int, status: str) -> list[Tote]:
        return self.store.rows(Tote, lambda t: t.batch_id == batch_id and t.status == status)

    def held_for_order(self, order_id: int) -> list[Tote]:
        return self.store.rows(Tote, lambda t: t.order_id == order_id and t.status != "free")

    def first_code_of_order(self, order_id: int) -> str | None:
        return next((t.code for t in self.store.rows(Tote, lambda t: t.order_id == order_id)), None)


class FakeProductRepository(FakeRows[Product]):
    model = Product

    def without_gtin_by_sku(self, sku: str) -> Product | None:
        return next(iter(self.store.rows(Product, lambda p: p.sku == sku and not p.gtin)), None)

    def by_unit_gtin(self, candidates: Collection[str]) -> Product | None:
        return next(iter(self.store.rows(Product, lambda p: p.gtin in candidates)), None)

    def by_case_gtin(self, candidates: Collection[str]) -> Product | None:
        return next(iter(self.store.rows(Product, lambda p: p.case_gtin in candidates)), None)


class FakeStockRepository(FakeRows[Stock]):
    """Stock rows and the ledger (``moves``: every ``StockMove`` written, committed or not)."""

    model = Stock

    def locked(self, ids: Collection[int]) -> list[Stock]:
        return self.by_ids(ids)

    def at(self, location_id: int, product_id: int, lot: str, *, locked: bool = False) -> Stock | None:
        found = self.store.rows(Stock, lambda s: (s.location_id, s.product_id, s.lot) == (location_id, product_id, lot))
        return found[0] if found else None

    def add_move(self, move: StockMove) -> None:
        self.store.add(move)

    def moves(self) -> list[StockMove]:
        return self.store.rows(StockMove)


class FakePutbackRepository(FakeRows[PutbackTask]):
    model = PutbackTask

    def of_order(self, order_id: int) -> list[PutbackTask]:
        return self.store.rows(PutbackTask, lambda p: p.order_id == order_id)

    def count_open_in_tote(self, tote_code: str) -> int:
        return len(self.store.rows(PutbackTask, lambda p: p.tote_code == tote_code and p.status == "open"))


class FakePickingReads:
    """``uow.picking_reads`` (``app.db.queries.picking.PickingReads``) over the fake database."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.store = db.store

    def _number(self, order_id: int | None) -> str:
        order = self.order(order_id)
        return order.number if order is not None else ""

    def _tasks(self, batch_id: int) -> list[PickTask]:
        return sorted(self.store.rows(PickTask, lambda t: t.batch_id == batch_id), key=lambda t: t.seq)

    def slots(self, batch_id: int) -> list[SlotRow]:
        return [
            SlotRow(s.slot, s.order_id, self._number(s.order_id), s.tote_code)
            for s in self.db.batch_rows.slots_of(batch_id)
        ]

    def stop_counts(self, batch_id: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for task in self._tasks(batch_id):
            if task.status != "cancelled":
                counts[task.status] = counts.get(task.status, 0) + 1
        return counts

    def short_stops(self, batch_id: int) -> tuple[str, ...]:
        return tuple(
            f"{t.location_code} {self.product_sku(t.product_id)}: {t.short_reason}"
            for t in self.store.rows(PickTask, lambda t: t.batch_id == batch_id and t.status == "short")
        )

    def units_left(self, batch_id: int) -> int:
        return sum(t.qty - t.qty_picked for t in self._tasks(batch_id) if t.status == "open")

    def last_steps(self, batch_id: int, kinds: tuple[str, ...], limit: int) -> list[Event]:
        found = [e for e in self.db.events if e.subject == f"batch:{batch_id}" and e.kind in kinds]
        return found[::-1][:limit]

    def next_open_stop(self, batch_id: int) -> OpenStop | None:
        task = next((t for t in self._tasks(batch_id) if t.status == "open"), None)
        if task is None:
            return None
        product = self.store.get(Product, task.product_id)
        assert product is not None
        stock = self.store.get(Stock, task.stock_id)
        return OpenStop(task, product, self._number(task.order_id), stock.expiry if stock is not None else None)

    def last_batch_changer(self, batch_id: int) -> str | None:
        kinds = ("batch.status", "batch.reassigned")
        found = [e for e in self.db.events if e.subject == f"batch:{batch_id}" and e.kind in kinds]
        return found[-1].actor if found else None

    def user_name(self, user_id: int | None) -> str | None:
        user = self.db.users.get(user_id) if user_id else None
        return user.name if user is not None else None

    def product_sku(self, product_id: int) -> str | None:
        product = self.store.get(Product, product_id)
        return product.sku if product is not None else None

    def visited_locations(self, batch_id: int) -> list[str]:
        return [t.location_code for t in self._tasks(batch_id) if t.qty_picked > 0]

    def stop_rows(self, batch_id: int) -> list[StopRow]:
        return [
            StopRow(t, self.product_sku(t.product_id) or "", self._number(t.order_id)) for t in self._tasks(batch_id)
        ]

    def slot_order_numbers(self, batch_id: int) -> tuple[str, ...]:
        numbers: list[str] = []
        for row in self.slots(batch_id):
            if row.number and row.number not in numbers:
                numbers.append(row.number)
        return tuple(numbers)

    def allocation(self, allocation_id: int | None) -> Allocation | None:
        found = [a for line in self.db.orders.lines() for a in line.allocations if a.id == allocation_id]
        return found[0] if found else None

    def order_line(self, line_id: int | None) -> OrderLine | None:
        return next((x for x in self.db.orders.lines() if x.id == line_id), None)

    def order(self, order_id: int | None) -> Order | None:
        return self.db.orders.get(order_id) if order_id else None

    def location_by_code(self, code: str) -> Location | None:
        return next(iter(self.store.rows(Location, lambda x: x.code == code)), None)

    def location_code(self, location_id: int) -> str:
        location = self.store.get(Location, location_id)
        return location.code if location is not None else ""

    def unpicked_reservations_at(self, stock_id: int) -> list[tuple[Allocation, OrderLine, Order]]:
        rows = [
            (a, line, order)
            for order in self.db.orders.rows.values()
            for line in order.lines
            for a in line.allocations
            if a.stock_id == stock_id and a.qty > a.qty_picked
        ]
        return sorted(rows, key=lambda r: (r[2].status == "picking", r[2].priority, -r[2].id))

    def free_pick_stock(self, product_id: int, exclude_stock_id: int) -> list[tuple[Stock, str]]:
        def free(s: Stock) -> bool:
            location = self.store.get(Location, s.location_id)
            on_face = location is not None and location.kind == "pick" and location.active
            return (
                s.product_id == product_id
                and s.id != exclude_stock_id
                and on_face
                and s.quantity_on_hand > s.quantity_reserved
            )

        return [(s, self.location_code(s.location_id)) for s in self.store.rows(Stock, free)]

    def picked_allocations(self, order_id: int) -> list[PickedAllocation]:
        order = self.order(order_id)
        result = []
        for line in order.lines if order is not None else []:
            for a in line.allocations:
                stock = self.store.get(Stock, a.stock_id)
                if a.qty_picked > 0 and stock is not None:
                    result.append(PickedAllocation(a.id, a.qty_picked, stock.location_id, stock.product_id, stock.lot))
        return result

    def shipments_being_packed(self, order_id: int) -> list[Shipment]:
        return self.store.rows(Shipment, lambda s: s.order_id == order_id and s.status == "packing")

    def unshipped_cartons(self, shipment_id: int) -> list[Carton]:
        return self.store.rows(Carton, lambda c: c.shipment_id == shipment_id and c.status in ("open", "packed"))
