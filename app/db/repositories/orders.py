"""The repository of orders and their lines, allocations and status history.

Every statement the order use cases need lives here (``app.services.orders``, ``allocation``, ``process``,
``order_status``), so the services hold no SQL and a fake repository with the same methods can stand in for this
one in unit tests (``tests/fakes``). Reads that only feed a screen live in ``app.db.queries.orders``.

Locking follows ``app.db.locking``: orders are locked in primary-key order before a status change; allocators
claim orders with ``SKIP LOCKED`` (another allocator takes the next ones) and lock pick-face stock in
primary-key order (no deadlocks).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import load_only

from app.db.base import utcnow
from app.db.bulk import among, insert_rows, update_by_id
from app.db.locking import for_update, serialize
from app.db.models import Allocation, Batch, BatchSlot, Location, Order, OrderLine, Product, Stock
from app.db.repositories.base import Repository
from app.domain.allocation import LineToAllocate, OrderToAllocate, StockOnShelf
from app.domain.gtin import ascii_digits
from app.domain.orders import ALLOCATED, BACKORDERED

_SCORING_COLUMNS = (
    Order.id,
    Order.priority,
    Order.priority_override,
    Order.service_level,
    Order.ship_by,
    Order.tags,
    Order.order_value,
    Order.received_at,
    Order.status,
)


class OrderRepository(Repository[Order]):
    model = Order

    # --- finding and locking -------------------------------------------------------------------------------------

    def by_reference(self, ref: str, *, locked: bool = False) -> list[Order]:
        """Orders matching ``ref``: an id (else a number), a number with or without '#', or
        ``channel:external_id``. More than one match means an ambiguous number; the caller decides."""
        ref = ref.strip()
        query = select(Order)
        if ":" in ref:
            channel, external_id = ref.split(":", 1)
            query = query.where(Order.channel == channel, Order.external_id == external_id)
        elif ascii_digits(ref):
            by_id = self.lock(int(ref)) if locked else self.get(int(ref))
            if by_id is not None:
                return [by_id]
            query = query.where(Order.number.in_([ref, f"#{ref}"]))
        else:
            query = query.where(Order.number.in_([ref, ref.lstrip("#"), f"#{ref.lstrip('#')}"]))
        if locked:
            query = for_update(query)
        return list(self.session.scalars(query.order_by(Order.id)))

    def lock_for_status_change(self, order_ids: Iterable[int]) -> list[Order]:
        """The orders, re-read and locked in id order before a status change (PostgreSQL ``FOR UPDATE``; SQLite's
        writers already take turns): a cancel committed meanwhile is seen, never overwritten."""
        wanted = sorted(set(order_ids))
        if not wanted:
            return []
        query = for_update(select(Order).where(Order.id.in_(wanted)).order_by(Order.id), of=Order)
        return list(self.session.scalars(query.execution_options(populate_existing=True)))

    def listing(self, status: str | None, limit: int | None) -> list[Order]:
        """Orders by priority (highest first), optionally of one status and at most ``limit``."""
        query = select(Order).order_by(Order.priority.desc(), Order.id)
        if status:
            query = query.where(Order.status == status)
        if limit:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def split_count(self, order_id: int) -> int:
        """How many backorders were split from this order so far (the next one is numbered after them)."""
        return int(self.session.scalar(select(func.count()).where(Order.split_from_id == order_id)) or 0)

    # --- wave planning -------------------------------------------------------------------------------------------

    def hold_planning_lock(self) -> None:
        """One wave planner at a time until this transaction ends (PostgreSQL advisory lock; on SQLite the write
        transaction already is the only one): two passes never put an order or a put-back on two carts."""
        serialize(self.session, "plan_batches")

    def seat_on_batch(self, batch_id: int, slot: int, order_id: int) -> None:
        """Put the order in tote slot ``slot`` of the batch's cart."""
        self.session.add(BatchSlot(batch_id=batch_id, slot=slot, order_id=order_id))

    # --- status changes in bulk ----------------------------------------------------------------------------------

    def write_statuses(self, changes: Sequence[tuple[int, str]]) -> None:
        """Set the status of many orders in one executemany UPDATE (``app.services.order_status.set_statuses``),
        dating the change (``status_changed_at``)."""
        if changes:
            at = utcnow()
            rows = [{"id": order_id, "status": to, "status_changed_at": at} for order_id, to in changes]
            update_by_id(self.session, Order, rows)

    # --- allocation ----------------------------------------------------------------------------------------------

    def claim_for_allocation(
        self, statuses: Sequence[str], order_ids: Sequence[int] | None, limit: int
    ) -> list[OrderToAllocate]:
        """Up to ``limit`` orders in ``statuses``, highest priority first, with their lines, as plain data.

        PostgreSQL locks them ``FOR UPDATE SKIP LOCKED``: an order another allocator holds is left to it."""
        query = (
            select(Order.id, Order.number, Order.status, Order.ship_complete)
            .where(Order.status.in_(statuses))
            .order_by(Order.priority.desc(), Order.id)
            .limit(limit)
        )
        if order_ids is not None:
            query = query.where(Order.id.in_(order_ids))
        claimed = list(self.session.execute(for_update(query, skip_locked=True, of=Order)))
        if not claimed:
            return []
        lines: dict[int, list[LineToAllocate]] = {row.id: [] for row in claimed}
        for row in self.session.execute(
            select(
                OrderLine.id,
                OrderLine.order_id,
                OrderLine.product_id,
                OrderLine.sku,
                OrderLine.qty_ordered,
                OrderLine.qty_allocated,
            )
            .where(among(self.session, OrderLine.order_id, lines))
            .order_by(OrderLine.order_id, OrderLine.line_no)
        ):
            lines[row.order_id].append(
                LineToAllocate(row.id, row.sku, row.product_id, row.qty_ordered, row.qty_allocated)
            )
        return [OrderToAllocate(o.id, o.number, o.status, o.ship_complete, tuple(lines[o.id])) for o in claimed]

    def lock_pick_face_stock(self, product_ids: Iterable[int]) -> list[StockOnShelf]:
        """Stock of these products on active pick faces, locked in primary-key order, as plain rows."""
        wanted = sorted(set(product_ids))
        if not wanted:
            return []
        query = (
            select(
                Stock.id,
                Stock.product_id,
                Location.code,
                Stock.lot,
                Stock.expiry,
                Stock.quantity_on_hand,
                Stock.quantity_reserved,
                Stock.received_at,
            )
            .join(Location, Stock.location_id == Location.id)
            .where(among(self.session, Stock.product_id, wanted), Location.kind == "pick", Location.active.is_(True))
            .order_by(Stock.id)
        )
        return [StockOnShelf(*row) for row in self.session.execute(for_update(query, of=Stock))]

    def expiry_tracked(self, product_ids: Iterable[int]) -> dict[int, bool]:
        """Product id -> whether its stock is allocated first-expiry-first-out."""
        wanted = sorted(set(product_ids))
        if not wanted:
            return {}
        query = select(Product.id, Product.track_expiry).where(among(self.session, Product.id, wanted))
        return {row.id: row.track_expiry for row in self.session.execute(query)}

    def existing_allocations(self, line_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        """(order line id, stock id) -> allocation id, for the lines given (a line grows its allocation)."""
        wanted = list(line_ids)
        if not wanted:
            return {}
        query = select(Allocation.id, Allocation.order_line_id, Allocation.stock_id).where(
            among(self.session, Allocation.order_line_id, wanted)
        )
        return {(row.order_line_id, row.stock_id): row.id for row in self.session.execute(query)}

    def write_allocations(
        self,
        stock_reserved: dict[int, int],
        new: Sequence[tuple[int, int, int]],
        grown: dict[int, int],
        line_totals: Sequence[tuple[int, int]],
    ) -> None:
        """Write an allocation plan in a handful of statements whatever its size.

        ``stock_reserved``: stock id -> quantity reserved; ``new``: (line id, stock id, qty) allocations;
        ``grown``: allocation id -> units added; ``line_totals``: (line id, qty allocated)."""
        session = self.session
        if new or grown:
            update_by_id(session, Stock, [{"id": k, "quantity_reserved": v} for k, v in stock_reserved.items()])
        if new:
            insert_rows(
                session,
                Allocation,
                [{"order_line_id": line, "stock_id": stock, "qty": qty} for line, stock, qty in new],
            )
        for allocation_id, qty in grown.items():
            session.execute(update(Allocation).where(Allocation.id == allocation_id).values(qty=Allocation.qty + qty))
        if line_totals:
            update_by_id(session, OrderLine, [{"id": line, "qty_allocated": qty} for line, qty in line_totals])

    def lock_reserved_stock(self, order: Order) -> None:
        """Re-read and lock (primary-key order) the stock rows this order holds reservations on."""
        wanted = sorted({a.stock_id for line in order.lines for a in line.allocations})
        if wanted:
            query = for_update(select(Stock).where(Stock.id.in_(wanted)).order_by(Stock.id), of=Stock)
            list(self.session.scalars(query.execution_options(populate_existing=True)))

    def backordered_ids(self, order_ids: Sequence[int] | None) -> list[int]:
        """Ids of backordered orders (of those given), highest priority first."""
        query = select(Order.id).where(Order.status == BACKORDERED).order_by(Order.priority.desc(), Order.id)
        if order_ids is not None:
            query = query.where(Order.id.in_(order_ids))
        return list(self.session.scalars(query))

    # --- release to picking --------------------------------------------------------------------------------------

    def claim_allocated(self, *, same_day_first: bool, limit: int) -> list[Order]:
        """Up to ``limit`` allocated orders, highest priority first (same-day first when asked), skipping orders
        another pass holds (PostgreSQL ``SKIP LOCKED``)."""
        order_by: list[Any] = [Order.priority.desc(), Order.id]
        if same_day_first:
            order_by.insert(0, case((Order.service_level == "same_day", 0), else_=1))
        query = select(Order).where(Order.status == ALLOCATED).order_by(*order_by).limit(limit)
        return list(self.session.scalars(for_update(query, skip_locked=True)))

    # --- priority scoring ----------------------------------------------------------------------------------------

    def ids_in_statuses(self, statuses: Sequence[str], scored_before: datetime | None = None) -> list[int]:
        """Ids of the orders in ``statuses`` (with ``scored_before``: only those whose priority was last scored
        before then), ascending; ``ix_orders_status_scored`` covers both."""
        query = select(Order.id).where(Order.status.in_(statuses))
        if scored_before is not None:
            query = query.where(Order.priority_scored_at < scored_before)
        return sorted(self.session.scalars(query))

    def for_scoring(self, ids: Sequence[int]) -> list[Order]:
        """The orders with only the columns a priority score reads (by primary key only: with the status in SQL
        too, SQLite scans the status index for every page)."""
        query = select(Order).options(load_only(*_SCORING_COLUMNS)).where(Order.id.in_(list(ids)))
        return list(self.session.scalars(query))

    def write_priorities(
        self, rows: Sequence[tuple[int, float, float | None, float]], scored_at: datetime | None = None
    ) -> int:
        """Write (id, priority seen, override seen, new priority) rows, and with ``scored_at`` when they were
        scored; a row someone changed since it was read (another priority, another override) is skipped. Returns
        how many rows were written."""
        orders = Order.__table__
        free = [{"b_id": i, "b_seen": seen, "b_priority": new} for i, seen, override, new in rows if override is None]
        pinned = [
            {"b_id": i, "b_seen": seen, "b_override": override, "b_priority": new}
            for i, seen, override, new in rows
            if override is not None
        ]
        guard = (orders.c.id == bindparam("b_id")) & (orders.c.priority == bindparam("b_seen"))
        written = 0
        values: dict[str, Any] = {"priority": bindparam("b_priority")}
        if scored_at is not None:
            values["priority_scored_at"] = scored_at
        if free:
            statement = update(orders).where(guard, orders.c.priority_override.is_(None))
            written += self._executemany(statement.values(**values), free)
        if pinned:
            statement = update(orders).where(guard, orders.c.priority_override == bindparam("b_override"))
            written += self._executemany(statement.values(**values), pinned)
        return written

    def stale_batch_priorities(self) -> list[tuple[int, float, float]]:
        """(batch id, its priority, the highest priority of its orders) for every ready batch where they differ:
        the batch priority decides which batch is claimed next, so it follows its orders'."""
        query = (
            select(Batch.id, Batch.priority, func.max(Order.priority))
            .join(BatchSlot, BatchSlot.batch_id == Batch.id)
            .join(Order, Order.id == BatchSlot.order_id)
            .where(Batch.status == "ready")
            .group_by(Batch.id, Batch.priority)
            .order_by(Batch.id)
        )
        return [
            (batch_id, seen, float(top))
            for batch_id, seen, top in self.session.execute(query)
            if top is not None and float(top) != seen
        ]

    def write_batch_priorities(self, rows: Sequence[tuple[int, float, float]]) -> int:
        """Write (batch id, priority seen, new priority) rows of batches still ready and unchanged."""
        batches = Batch.__table__
        statement = (
            update(batches)
            .where(batches.c.id == bindparam("b_id"), batches.c.priority == bindparam("b_seen"))
            .where(batches.c.status == "ready")
            .values(priority=bindparam("b_priority"))
        )
        return self._executemany(statement, [{"b_id": i, "b_seen": s, "b_priority": p} for i, s, p in rows])

    def _executemany(self, statement: Any, rows: list[dict[str, Any]]) -> int:
        """A core executemany on the connection (the ORM's bulk UPDATE would need primary keys as the only guard)."""
        return int(self.session.connection().execute(statement, rows).rowcount) if rows else 0
