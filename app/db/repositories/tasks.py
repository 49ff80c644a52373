"""The repository of pick stops (tasks) of batches: a pick from a shelf into a tote, or a put-back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select

from app.db.bulk import insert_rows
from app.db.locking import for_update
from app.db.models import Batch, PickTask
from app.db.repositories.base import Repository
from app.domain.states import OPEN_BATCH


class TaskRepository(Repository[PickTask]):
    model = PickTask

    def insert_planned(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert a planned batch's stops as plain rows in one statement (``COPY`` on PostgreSQL). Why not ORM
        objects: building, flushing and binding ~40 of them per cart took ~28 ms, inside the write lock."""
        insert_rows(self.session, PickTask, rows)

    def open_of_batch(self, batch_id: int) -> list[PickTask]:
        """The batch's open stops in walking order."""
        return list(
            self.session.scalars(
                select(PickTask).where(PickTask.batch_id == batch_id, PickTask.status == "open").order_by(PickTask.seq)
            )
        )

    def max_seq(self, batch_id: int) -> int:
        """The highest stop number of the batch (0 when it has none)."""
        return self.session.scalar(select(func.max(PickTask.seq)).where(PickTask.batch_id == batch_id)) or 0

    def units_in_hand(self, batch_id: int) -> int:
        """Units scanned on the batch's open stops and not dropped into a tote yet."""
        return (
            self.session.scalar(
                select(func.sum(PickTask.qty_in_hand + PickTask.qty_awaiting_lot)).where(
                    PickTask.batch_id == batch_id, PickTask.status == "open"
                )
            )
            or 0
        )

    def count_open(self, batch_id: int) -> int:
        return (
            self.session.scalar(select(func.count()).where(PickTask.batch_id == batch_id, PickTask.status == "open"))
            or 0
        )

    def count_picked(self, batch_id: int) -> int:
        """Stops of the batch from which at least one unit was dropped into a tote."""
        return (
            self.session.scalar(select(func.count()).where(PickTask.batch_id == batch_id, PickTask.qty_picked > 0)) or 0
        )

    def open_of_allocation(self, allocation_id: int) -> list[PickTask]:
        """The open stops that pick an allocation, locked (PostgreSQL) and re-read: a picker may be at one now."""
        query = select(PickTask).where(PickTask.allocation_id == allocation_id, PickTask.status == "open")
        query = for_update(query, of=PickTask)
        return list(self.session.scalars(query.execution_options(populate_existing=True)))

    def open_picks_of_order(self, order_id: int) -> list[PickTask]:
        """The order's open pick stops on open batches, locked (PostgreSQL) and re-read, in key order.

        A picker may be confirming one of them right now: a stop that became done while we waited for the lock
        no longer matches and is left alone."""
        query = (
            select(PickTask)
            .join(Batch, PickTask.batch_id == Batch.id)
            .where(
                PickTask.order_id == order_id,
                PickTask.kind == "pick",
                PickTask.status == "open",
                Batch.status.in_(OPEN_BATCH),
            )
            .order_by(PickTask.id)
        )
        query = for_update(query, of=PickTask)
        return list(self.session.scalars(query.execution_options(populate_existing=True)))

    def order_touched_on_floor(self, order_id: int) -> bool:
        """Some unit of the order was scanned or dropped, or one of its stops is open on a cart being picked."""
        touched = self.session.scalar(
            select(func.count())
            .select_from(PickTask)
            .join(Batch, PickTask.batch_id == Batch.id)
            .where(
                PickTask.order_id == order_id,
                PickTask.kind == "pick",
                (PickTask.qty_picked + PickTask.qty_in_hand + PickTask.qty_awaiting_lot > 0)
                | ((Batch.status == "picking") & (PickTask.status == "open")),
            )
        )
        return bool(touched)

    def order_open_on_other_batches(self, order_id: int, batch_id: int) -> bool:
        """The order still has open pick stops on another batch in the queue or being picked."""
        count = self.session.scalar(
            select(func.count())
            .select_from(PickTask)
            .join(Batch, PickTask.batch_id == Batch.id)
            .where(
                PickTask.order_id == order_id,
                PickTask.kind == "pick",
                PickTask.status == "open",
                Batch.id != batch_id,
                Batch.status.in_(("ready", "picking")),
            )
        )
        return (count or 0) > 0
