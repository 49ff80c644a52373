"""The batch queue: a picker claims (or resumes) a batch, a supervisor frees a stalled one, and the orders on a
batch start picking or go back to ``released`` with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.db.models import Batch
from app.db.queries.picking import DbSession
from app.db.repositories import BatchRepository, TaskRepository
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import PICKING, RELEASED
from app.services.authz import authorize
from app.services.errors import NotFound, Refused
from app.services.floor_state import claim_if_ready, set_batch
from app.services.order_status import set_status
from app.services.picking.state import state_of
from app.services.picking.views import PickState
from app.services.users import UserView


def start_orders(uow: UnitOfWork, batch: Batch, actor: Actor, reason: str) -> None:
    """The batch's released orders start picking (claim and supervisor hand-over both come through here)."""
    for order in uow.orders.lock_for_status_change(uow.batches.slot_order_ids(batch.id)):
        if order.status == RELEASED:
            set_status(uow, order, PICKING, actor, reason)


def unstart_orders(uow: UnitOfWork, order_ids: set[int], actor: Actor, reason: str) -> list[str]:
    """Orders of a batch that went back to the queue (finished early, left, freed by a supervisor) of which nothing
    has been picked go back to ``released``, so a supervisor can hold or edit them again until the next claim
    starts them (``start_orders``). An order with units confirmed (dropped into a tote; units in hand were reset
    to the shelf) or on another cart being picked keeps ``picking``. Returns the numbers of the orders moved."""
    moved = []
    for order in uow.orders.lock_for_status_change({i for i in order_ids if i}):
        if order.status != PICKING or any(line.qty_picked for line in order.lines):
            continue
        if uow.tasks.order_touched_on_floor(order.id):
            continue
        set_status(uow, order, RELEASED, actor, reason)
        moved.append(order.number)
    return moved


def slot_orders(session: DbSession, batch_id: int) -> set[int]:
    """The orders that have a tote slot on ``batch_id``."""
    return BatchRepository(session).slot_order_ids(batch_id)


def claim_batch(db: Database, user: UserView, *, terminal: str) -> PickState | None:
    """The user's unfinished batch if they have one (resume), else the highest-priority free batch, or None.

    SQLite: the compare-and-set UPDATE ... WHERE status = 'ready' must touch exactly one row (writers are
    serialized by BEGIN IMMEDIATE). PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers never wait on
    or collide over the same row.
    """
    actor = Actor(user.name, terminal, user.id)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.claim")
        mine = uow.batches.held_by(user.id)
        if mine is not None:
            uow.record(actor, "batch.resumed", subject=f"batch:{mine.id}")
            mine.terminal = terminal
            state = state_of(uow, mine)  # read before commit: no second transaction after it
            uow.commit()
            return state
        for _attempt in range(5):
            batch_id = uow.batches.next_ready_id()
            if batch_id is None:
                return None
            if claim_if_ready(uow, batch_id, user.id, terminal, actor):
                batch = uow.batches.reload(batch_id)
                assert batch is not None
                start_orders(uow, batch, actor, f"batch {batch_id} claimed by {user.name}")
                state = state_of(uow, batch)  # read before commit: no second transaction after it
                uow.commit()
                return state
        return None


def release_batch(db: Database, batch_id: int, *, actor: Actor, idle_minutes: int, force: bool = False) -> PickState:
    """A supervisor gives a stalled batch back to the queue (idle longer than ``idle_minutes`` unless forced).

    What was dropped into totes stays picked; units in the old picker's hand never left the books, so the stop
    starts again at its location scan. The old terminal is refused on its next scan and told who freed it.
    """
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.release")
        batch = uow.batches.lock(batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        if batch.status != "picking":
            raise Refused(f"batch {batch_id} is {batch.status}, not being picked")
        idle = datetime.now(UTC) - (batch.last_activity_at or batch.claimed_at or datetime.now(UTC))
        holder = uow.picking_reads.user_name(batch.picker_id)
        holder_name = holder if holder is not None else "?"
        if not force and idle < timedelta(minutes=idle_minutes):
            raise Refused(
                f"batch {batch_id} is held by {holder_name} and was active "
                f"{idle.total_seconds() / 60:.0f} min ago (release allowed after {idle_minutes} min)"
            )
        free_held_batch(uow, batch, actor, f"taken from {holder_name} after {idle.total_seconds() / 60:.0f} min idle")
        state = state_of(uow, batch)  # read before commit: no second transaction after it
        uow.commit()
        return state


def free_held_batch(uow: UnitOfWork, batch: Batch, actor: Actor, reason: str) -> None:
    """Put a batch being picked back in the queue, inside the caller's transaction: open stops start again at
    their location scan, the batch is ``ready`` for anyone, and orders with nothing picked yet are no longer
    ``picking``. Shared by a supervisor's release and by disabling the user who holds it."""
    reset_open_stops(uow.tasks, batch)
    set_batch(uow, batch, "ready", actor, reason)
    unstart_orders(uow, uow.batches.slot_order_ids(batch.id), actor, f"batch {batch.id} freed: nothing picked yet")


def reset_hands(session: DbSession, batch: Batch) -> None:
    """``reset_open_stops`` for callers that hold a session (a supervisor's reassignment)."""
    reset_open_stops(TaskRepository(session), batch)


def reset_open_stops(tasks: TaskRepository, batch: Batch) -> None:
    """Units scanned but not dropped are back on the shelf as far as the books know: the stop starts again."""
    for task in tasks.open_of_batch(batch.id):
        task.qty_in_hand = 0
        task.qty_awaiting_lot = 0
        task.location_confirmed = False
        task.item_confirmed = False
        task.lot_confirmed = False
