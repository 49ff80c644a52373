"""A picker stops before the walk is done: the batch goes back to the queue whole (leave), or what is in the totes
goes on to packing and the open stops become a new batch (finish early). Nothing may be left in hand."""

from __future__ import annotations

from app.db.models import Batch, BatchSlot, PickTask
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services.errors import Refused
from app.services.floor_state import set_batch
from app.services.picking.finishing import finish_now
from app.services.picking.queue import unstart_orders
from app.services.picking.reallocation import reroute
from app.services.picking.state import leased, state_of
from app.services.picking.views import PickState


def finish_early(db: Database, layout: Layout, batch_id: int, *, actor: Actor) -> PickState:
    """End the walk with stops left (end of shift, a full cart): the open stops go back to the queue as a new
    batch for their orders, what is in the totes goes on to packing, and those orders are picked once their
    last stops are done."""
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        open_tasks = uow.tasks.open_of_batch(batch.id)
        held = sum(t.qty_in_hand + t.qty_awaiting_lot for t in open_tasks)
        if held:
            raise Refused(f"{held} unit(s) in hand: drop them into their tote before ending batch {batch.id}")
        if open_tasks:
            _rest_as_new_batch(uow, layout, batch, open_tasks, actor)
        finish_now(uow, batch, actor)
        unstart_orders(
            uow, uow.batches.slot_order_ids(batch.id), actor, f"batch {batch_id} ended early: nothing picked yet"
        )
        state = state_of(uow, batch)  # read before commit: no second transaction after it
        uow.commit()
        return state


def _rest_as_new_batch(uow: UnitOfWork, layout: Layout, batch: Batch, open_tasks: list[PickTask], actor: Actor) -> None:
    """The open stops move to a new batch in the queue, one slot per order, walked from the first of them."""
    rest = Batch(status="ready", cutoff_key=batch.cutoff_key, priority=batch.priority, split_of=batch.split_of)
    uow.batches.add(rest)
    uow.flush()
    slot_for: dict[int | None, int] = {}
    for task in open_tasks:
        if task.kind == "pick" and task.order_id not in slot_for:
            slot_for[task.order_id] = len(slot_for) + 1
            uow.batches.add(BatchSlot(batch_id=rest.id, slot=slot_for[task.order_id], order_id=task.order_id))
        task.batch_id = rest.id
        task.slot = slot_for.get(task.order_id) if task.kind == "pick" else None
        task.location_confirmed = task.item_confirmed = task.lot_confirmed = False
    uow.flush()
    reroute(uow, layout, rest, from_code=open_tasks[0].location_code)
    rest.planned_distance_m = batch.planned_distance_m
    uow.record(
        actor,
        "batch.planned",
        subject=f"batch:{rest.id}",
        message=f"{len(open_tasks)} stops left on batch {batch.id} by {actor.name}",
        orders=[o for o in slot_for if o is not None],
    )


def leave_batch(db: Database, batch_id: int, *, actor: Actor) -> PickState:
    """The picker gives the batch back to the queue (nothing may be in hand); what is in the totes stays."""
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        open_hand = uow.tasks.units_in_hand(batch.id)
        if open_hand:
            raise Refused(f"{open_hand} unit(s) in hand: drop them into their tote before leaving batch {batch.id}")
        set_batch(uow, batch, "ready", actor, f"left by {actor.name}")
        unstart_orders(uow, uow.batches.slot_order_ids(batch.id), actor, f"batch {batch_id} left: nothing picked yet")
        state = state_of(uow, batch)  # read before commit: no second transaction after it
        uow.commit()
        return state
