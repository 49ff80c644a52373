"""The order, event and user repositories in memory: orders with their lines and allocations, pick-face stock
for allocation, the event log and the users.

Repositories hold real model instances (transient, never in a session) and implement the methods of the real
repositories the use cases call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.db.models import Allocation, Event, Order, OrderLine, Stock, User
from app.domain.allocation import LineToAllocate, OrderToAllocate, StockOnShelf


@dataclass
class FakeStock:
    """A pick-face stock row: the model row (reservations point at it) plus where it is and its age."""

    row: Stock
    location: str
    received_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)


class FakeOrderRepository:
    """Orders (with lines and allocations), pick-face stock and ready-batch priorities, in dicts."""

    def __init__(self) -> None:
        self.rows: dict[int, Order] = {}
        self.stock: dict[int, FakeStock] = {}
        self.fefo: dict[int, bool] = {}
        self.batches: dict[int, tuple[float, float]] = {}
        """Ready batch id -> (its priority, highest priority of its orders)."""
        self.locked: list[int] = []
        self.seated: list[tuple[int, int, int]] = []
        self._next_id = 1000

    # base repository
    def get(self, ident: int) -> Order | None:
        return self.rows.get(ident)

    def lock(self, ident: int) -> Order | None:
        self.locked.append(ident)
        return self.rows.get(ident)

    def by_ids(self, ids: Iterable[int], *, locked: bool = False) -> list[Order]:
        return [self.rows[i] for i in sorted(set(ids)) if i in self.rows]

    def add(self, row: Any) -> Any:
        """An order; or an allocation (the real repository adds any row to the session): onto its line."""
        if row.id is None:
            row.id = self._next_id
            self._next_id += 1
        if isinstance(row, Allocation):
            row.qty_picked = row.qty_picked or 0
            self._lines()[row.order_line_id].allocations.append(row)
            return row
        self.rows[row.id] = row
        return row

    def add_all(self, rows: Iterable[Order]) -> None:
        for row in rows:
            self.add(row)

    def delete(self, row: Any) -> None:
        if isinstance(row, Allocation):
            for line in self.lines():
                if row in line.allocations:
                    line.allocations.remove(row)
            return
        del self.rows[row.id]

    def lines(self) -> list[OrderLine]:
        """Every order line, in order and line order."""
        return [line for _, o in sorted(self.rows.items()) for line in o.lines]

    def flush(self) -> None:
        for order in self.rows.values():
            for line in order.lines:
                if line.id is None:
                    line.id = self._next_id
                    self._next_id += 1

    # finding and locking
    def by_reference(self, ref: str, *, locked: bool = False) -> list[Order]:
        ref = ref.strip()
        if ref.isdigit() and int(ref) in self.rows:
            return [self.lock(int(ref)) if locked else self.rows[int(ref)]]  # type: ignore[list-item]
        if ":" in ref:
            channel, external_id = ref.split(":", 1)
            return [o for o in self.rows.values() if (o.channel, o.external_id) == (channel, external_id)]
        names = {ref, ref.lstrip("#"), f"#{ref.lstrip('#')}"}
        return sorted((o for o in self.rows.values() if o.number in names), key=lambda o: o.id)

    def lock_for_status_change(self, order_ids: Iterable[int]) -> list[Order]:
        return self.by_ids(order_ids, locked=True)

    def listing(self, status: str | None, limit: int | None) -> list[Order]:
        found = sorted(self.rows.values(), key=lambda o: (-o.priority, o.id))
        found = [o for o in found if not status or o.status == status]
        return found[:limit] if limit else found

    def split_count(self, order_id: int) -> int:
        return sum(1 for o in self.rows.values() if o.split_from_id == order_id)

    def write_statuses(self, changes: Sequence[tuple[int, str]]) -> None:
        for order_id, to in changes:
            self.rows[order_id].status = to

    # allocation
    def claim_for_allocation(
        self, statuses: Sequence[str], order_ids: Sequence[int] | None, limit: int
    ) -> list[OrderToAllocate]:
        found = [o for o in self.listing(None, None) if o.status in statuses]
        found = [o for o in found if order_ids is None or o.id in order_ids][:limit]
        return [
            OrderToAllocate(
                o.id,
                o.number,
                o.status,
                o.ship_complete,
                tuple(LineToAllocate(x.id, x.sku, x.product_id, x.qty_ordered, x.qty_allocated) for x in o.lines),
            )
            for o in found
        ]

    def lock_pick_face_stock(self, product_ids: Iterable[int]) -> list[StockOnShelf]:
        wanted = set(product_ids)
        return [
            StockOnShelf(
                s.row.id,
                s.row.product_id,
                s.location,
                s.row.lot,
                s.row.expiry,
                s.row.quantity_on_hand,
                s.row.quantity_reserved,
                s.received_at,
            )
            for _, s in sorted(self.stock.items())
            if s.row.product_id in wanted
        ]

    def expiry_tracked(self, product_ids: Iterable[int]) -> dict[int, bool]:
        return {p: self.fefo.get(p, False) for p in product_ids}

    def _lines(self) -> dict[int, OrderLine]:
        return {line.id: line for o in self.rows.values() for line in o.lines}

    def existing_allocations(self, line_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        lines = self._lines()
        return {(i, a.stock_id): a.id for i in line_ids for a in lines[i].allocations}

    def write_allocations(
        self,
        stock_reserved: dict[int, int],
        new: Sequence[tuple[int, int, int]],
        grown: dict[int, int],
        line_totals: Sequence[tuple[int, int]],
    ) -> None:
        lines = self._lines()
        if new or grown:
            for stock_id, reserved in stock_reserved.items():
                self.stock[stock_id].row.quantity_reserved = reserved
        for line_id, stock_id, qty in new:
            allocation = Allocation(id=self._next_id, stock_id=stock_id, qty=qty, qty_picked=0)
            allocation.stock = self.stock[stock_id].row
            self._next_id += 1
            lines[line_id].allocations.append(allocation)
        by_id = {a.id: a for line in lines.values() for a in line.allocations}
        for allocation_id, qty in grown.items():
            by_id[allocation_id].qty += qty
        for line_id, qty in line_totals:
            lines[line_id].qty_allocated = qty

    def lock_reserved_stock(self, order: Order) -> None:
        self.locked.extend(sorted({a.stock_id for line in order.lines for a in line.allocations}))

    def backordered_ids(self, order_ids: Sequence[int] | None) -> list[int]:
        return [o.order_id for o in self.claim_for_allocation(("backordered",), order_ids, len(self.rows) + 1)]

    def claim_allocated(self, *, same_day_first: bool, limit: int) -> list[Order]:
        found = [o for o in self.listing("allocated", None)]
        if same_day_first:
            found.sort(key=lambda o: o.service_level != "same_day")
        return found[:limit]

    # priority scoring
    def ids_in_statuses(self, statuses: Sequence[str], scored_before: object = None) -> list[int]:
        return sorted(o.id for o in self.rows.values() if o.status in statuses)

    def for_scoring(self, ids: Sequence[int]) -> list[Order]:
        return self.by_ids(ids)

    def write_priorities(self, rows: Sequence[tuple[int, float, float | None, float]], scored_at: object = None) -> int:
        written = 0
        for order_id, seen, override, new in rows:
            order = self.rows[order_id]
            if (order.priority, order.priority_override) == (seen, override):
                order.priority = new
                written += 1
        return written

    def stale_batch_priorities(self) -> list[tuple[int, float, float]]:
        return [(i, seen, top) for i, (seen, top) in sorted(self.batches.items()) if seen != top]

    def write_batch_priorities(self, rows: Sequence[tuple[int, float, float]]) -> int:
        for batch_id, seen, new in rows:
            if self.batches[batch_id][0] == seen:
                self.batches[batch_id] = (new, self.batches[batch_id][1])
        return len(rows)

    # wave planning
    def hold_planning_lock(self) -> None:
        pass

    def seat_on_batch(self, batch_id: int, slot: int, order_id: int) -> None:
        self.seated.append((batch_id, slot, order_id))


class FakeEventRepository:
    """The event log: every event recorded by any unit of work, committed or not (``FakeDatabase.events``)."""

    def __init__(self) -> None:
        self.rows: list[Event] = []

    def about(self, subject: str) -> list[Event]:
        return [e for e in self.rows if e.subject == subject]


class FakeUserRepository:
    def __init__(self) -> None:
        self.rows: dict[int, User] = {}

    def get(self, ident: int) -> User | None:
        return self.rows.get(ident)

    def by_badge(self, badge: str) -> User | None:
        return next((u for u in self.rows.values() if u.badge == badge), None)

    def role_of(self, user_id: int) -> str | None:
        user = self.rows.get(user_id)
        return user.role if user is not None else None
