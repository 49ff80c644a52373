"""The repository of pick batches (cart loads) and their slots (one tote per order on the cart)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update

from app.db.bulk import insert_rows
from app.db.locking import compare_and_set, for_update
from app.db.models import Batch, BatchSlot, Order, PickTask
from app.db.repositories.base import Repository
from app.domain.states import OPEN_BATCH


class BatchRepository(Repository[Batch]):
    model = Batch

    def seat_orders(self, batch_id: int, seats: Sequence[tuple[int, int]]) -> None:
        """Put each order in its tote slot of the batch's cart: (slot, order id), one INSERT for the cart."""
        insert_rows(self.session, BatchSlot, [{"batch_id": batch_id, "slot": s, "order_id": o} for s, o in seats])

    def held_by(self, user_id: int) -> Batch | None:
        """The batch ``user_id`` is picking (the oldest, should there be more than one)."""
        return self.session.scalar(
            select(Batch).where(Batch.status == "picking", Batch.picker_id == user_id).order_by(Batch.id).limit(1)
        )

    def next_ready_id(self) -> int | None:
        """The highest-priority batch in the queue; on PostgreSQL rows another claimer has locked are skipped."""
        query = select(Batch.id).where(Batch.status == "ready").order_by(Batch.priority.desc(), Batch.id).limit(1)
        return self.session.scalar(for_update(query, skip_locked=True))

    def claim_if_ready(self, batch_id: int, picker_id: int, terminal: str, now: datetime) -> bool:
        """Compare-and-set ``ready`` -> ``picking``; when this call won, the lease fields name the picker."""
        if not compare_and_set(self.session, Batch.status, batch_id, "ready", "picking"):
            return False
        self.session.execute(
            update(Batch)
            .where(Batch.id == batch_id)
            .values(picker_id=picker_id, terminal=terminal, claimed_at=now, last_activity_at=now),
            execution_options={"synchronize_session": False},
        )
        return True

    def reload(self, batch_id: int) -> Batch | None:
        """The batch as the database has it now (after a statement that bypassed the session)."""
        return self.session.get(Batch, batch_id, populate_existing=True)

    def listing(self, *, include_done: bool) -> list[Batch]:
        query = select(Batch).order_by(Batch.status, Batch.priority.desc(), Batch.id)
        if not include_done:
            query = query.where(Batch.status != "done")
        return list(self.session.scalars(query))

    def ready_with_order(self, order_id: int) -> list[Batch]:
        """Batches still in the queue that carry ``order_id``."""
        return list(
            self.session.scalars(
                select(Batch).where(
                    Batch.status == "ready",
                    Batch.id.in_(select(BatchSlot.batch_id).where(BatchSlot.order_id == order_id)),
                )
            )
        )

    def top_order_priority(self, batch_id: int) -> float | None:
        """The highest priority among the orders on the batch."""
        return self.session.scalar(
            select(func.max(Order.priority))
            .join(BatchSlot, BatchSlot.order_id == Order.id)
            .where(BatchSlot.batch_id == batch_id)
        )

    # --- slots ---------------------------------------------------------------------------------------

    def slot_order_ids(self, batch_id: int) -> set[int]:
        """The orders that have a tote slot on the batch."""
        return {i for i in self.slot_orders_with_empty(batch_id) if i}

    def slot_orders_with_empty(self, batch_id: int) -> set[int | None]:
        """The order of every slot of the batch, ``None`` for a slot whose order left."""
        return set(self.session.scalars(select(BatchSlot.order_id).where(BatchSlot.batch_id == batch_id)))

    def slot(self, batch_id: int, slot: int) -> BatchSlot | None:
        return self.session.scalar(select(BatchSlot).where(BatchSlot.batch_id == batch_id, BatchSlot.slot == slot))

    def open_slots_of_order(self, order_id: int) -> list[BatchSlot]:
        """The order's slots on batches not finished yet."""
        return list(
            self.session.scalars(
                select(BatchSlot)
                .join(Batch, BatchSlot.batch_id == Batch.id)
                .where(BatchSlot.order_id == order_id, Batch.status.in_(OPEN_BATCH))
            )
        )

    def delete_slots(self, slot_ids: Iterable[int]) -> None:
        self.session.execute(delete(BatchSlot).where(BatchSlot.id.in_(list(slot_ids))))

    def close_slot_gaps(self, batch_id: int) -> None:
        """Number the batch's slots 1..n again, its stops with them, after orders left it before its cart was set up
        (the picker sets up totes 1..n: a gap asked for "tote 2 of 1").

        Through the session's own objects (rows already loaded stay true; nothing is expired under the caller)
        and one flush per slot in ascending order: a slot only ever moves down to a number already vacated, so
        the unique (batch, slot) never collides."""
        slots = list(
            self.session.scalars(select(BatchSlot).where(BatchSlot.batch_id == batch_id).order_by(BatchSlot.slot))
        )
        renumber = {slot.slot: new for new, slot in enumerate(slots, 1) if slot.slot != new}
        if not renumber or any(slot.tote_code for slot in slots):
            return  # a cart already set up (a batch left back in the queue) keeps its positions: totes are on it
        for slot in slots:
            if slot.slot in renumber:
                slot.slot = renumber[slot.slot]
                self.session.flush()
        for task in self.session.scalars(select(PickTask).where(PickTask.batch_id == batch_id)):
            if task.slot in renumber:
                task.slot = renumber[task.slot]
        self.session.flush()

    def count_slot_orders(self, batch_id: int) -> int:
        return (
            self.session.scalar(
                select(func.count()).where(BatchSlot.batch_id == batch_id, BatchSlot.order_id.is_not(None))
            )
            or 0
        )

    def filled_tote_codes(self, batch_id: int) -> set[str | None]:
        """Totes of the batch's slots into which at least one unit was dropped."""
        return set(
            self.session.scalars(
                select(BatchSlot.tote_code)
                .join(PickTask, (PickTask.batch_id == BatchSlot.batch_id) & (PickTask.slot == BatchSlot.slot))
                .where(BatchSlot.batch_id == batch_id, PickTask.kind == "pick", PickTask.qty_picked > 0)
            )
        )

    def tote_of_picked_allocation(self, allocation_id: int) -> str | None:
        """The tote the units of an allocation were dropped into (through the slot of the stop that picked them)."""
        return self.session.scalar(
            select(BatchSlot.tote_code)
            .join(PickTask, (BatchSlot.batch_id == PickTask.batch_id) & (BatchSlot.slot == PickTask.slot))
            .where(PickTask.allocation_id == allocation_id, PickTask.qty_picked > 0, BatchSlot.tote_code.is_not(None))
            .limit(1)
        )
