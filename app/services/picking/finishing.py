"""Finishing a batch: its orders become picked (shorts named on their timeline), its totes wait for packing, and
the picker sees how far the walk was against an S-shape walk over the same stops."""

from __future__ import annotations

from itertools import pairwise

from app.db.models import Batch
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.domain.orders import PICKED, PICKING, RELEASED
from app.domain.routing import s_shape_route
from app.services.authz import authorize
from app.services.errors import Refused
from app.services.floor_state import set_batch, set_tote
from app.services.order_status import set_status
from app.services.picking.state import leased, state_of
from app.services.picking.views import FinishReport


def complete_batch(uow: UnitOfWork, batch: Batch, actor: Actor) -> None:
    """The batch is done: its orders become picked (shorts named on their timeline), its totes wait for packing.

    Shared by the picker's finish and by a batch whose last stops left with their orders."""
    order_ids = uow.batches.slot_orders_with_empty(batch.id)
    for order in uow.orders.lock_for_status_change({i for i in order_ids if i}):
        if order.status == RELEASED:
            set_status(uow, order, PICKING, actor, f"batch {batch.id} completed")
        # an order split over several carts is picked only when its last cart load finishes
        if order.status == PICKING and not uow.tasks.order_open_on_other_batches(order.id, batch.id):
            short = [f"{x.sku} {x.qty_picked}/{x.qty_ordered}" for x in order.lines if x.qty_picked < x.qty_ordered]
            reason = f"picked on batch {batch.id}" + (f"; short: {', '.join(short)}" if short else "")
            set_status(uow, order, PICKED, actor, reason)
    filled = uow.batches.filled_tote_codes(batch.id)
    for tote in uow.totes.on_batch(batch.id, "picking"):
        if tote.order_id in order_ids and tote.code in filled:
            set_tote(uow, tote, "packing", actor, f"batch {batch.id} finished: waits for packing")
        else:
            set_tote(uow, tote, "free", actor, f"batch {batch.id} finished with nothing in it")
    set_batch(uow, batch, "done", actor, "every stop done")


def finish_now(uow: UnitOfWork, batch: Batch, actor: Actor) -> None:
    """Complete the batch and say who finished it (the last stop confirmed, or the walk ended early)."""
    complete_batch(uow, batch, actor)
    uow.record(actor, "batch.finished", subject=f"batch:{batch.id}", message=f"finished by {actor.name}")


def finish_batch(db: Database, layout: Layout, batch_id: int, *, actor: Actor) -> FinishReport:
    """Close a batch whose stops are all done or short: orders become picked, totes wait for packing.

    Pressing it twice (or retrying after an error) returns the same report without doing anything twice.
    """
    with db.unit_of_work() as uow:
        batch = uow.batches.get(batch_id)
        already = batch is not None and batch.status == "done" and batch.picker_id == actor.user_id
        if already:
            authorize(uow, actor, "batches.pick")  # leased authorizes the other way in
        else:
            batch = leased(uow, batch_id, actor)
        assert batch is not None
        state = state_of(uow, batch)
        if state.phase not in ("finish", "done"):
            raise Refused(f"batch {batch_id} still has {state.stops_left} open stop(s)")
        distance, s_shape = walked(layout, uow.picking_reads.visited_locations(batch.id))
        # only what went into a tote: a walk ended before its first drop picked no order and sends no tote on
        filled = uow.batches.filled_tote_codes(batch.id)
        numbers = tuple(s.order_number for s in state.slots if s.order_number and s.tote_code in filled)
        totes = tuple(s.tote_code for s in state.slots if s.tote_code and s.tote_code in filled)
        if batch.status == "done":
            return FinishReport(batch.id, numbers, totes, distance, s_shape, state.shorts)
        complete_batch(uow, batch, actor)
        uow.record(
            actor,
            "batch.finished",
            subject=f"batch:{batch.id}",
            message=f"{len(numbers)} orders, walked {distance:.0f} m (S-shape {s_shape:.0f} m)",
            distance_m=round(distance, 1),
            s_shape_m=round(s_shape, 1),
        )
        uow.commit()
        return FinishReport(batch.id, numbers, totes, distance, s_shape, state.shorts)


def walked(layout: Layout, visited: list[str]) -> tuple[float, float]:
    """The walk along the stops in the order they were picked, against S-shape over the same stops."""
    if not visited:
        return 0.0, 0.0
    ordered: list[str] = []
    for code in visited:
        if not ordered or ordered[-1] != code:
            ordered.append(code)
    points = [layout.depot, *(layout.position(c) for c in ordered), layout.drop or layout.depot]
    distance = sum(layout.distance(a, b) for a, b in pairwise(points))
    return distance, s_shape_route(layout, sorted(set(ordered))).distance
