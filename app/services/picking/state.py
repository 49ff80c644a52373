"""The picker's state read from the database, and the lease: who may act on a batch now.

All state lives in the database, so a terminal that dies resumes at the same stop with the same counts: every
action re-reads it here before deciding, and reads it again for the answer before it commits.
"""

from __future__ import annotations

from app.db.models import Batch
from app.db.queries.picking import DbSession, OpenStop, PickingReads
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.picking import phase_of
from app.services.authz import authorize
from app.services.errors import NotFound, Refused
from app.services.picking.views import PickState, SlotView, StopView


def state_of(uow: UnitOfWork, batch: Batch) -> PickState:
    """The batch as the picker screen shows it: cart setup, the next open stop, or finished."""
    reads = uow.picking_reads
    slots = tuple(SlotView(*row) for row in reads.slots(batch.id))
    counts = reads.stop_counts(batch.id)
    total = sum(counts.values())
    common = {
        "batch_id": batch.id,
        "status": batch.status,
        "slots": slots,
        "stops_total": total,
        "stops_done": total - counts.get("open", 0),
        "planned_distance_m": batch.planned_distance_m,
        "s_shape_distance_m": batch.s_shape_distance_m,
        "shorts": reads.short_stops(batch.id),
        "units_left": reads.units_left(batch.id),
    }
    if batch.status in ("done", "cancelled"):
        return PickState(phase="done", stop=None, **common)
    missing = [s.slot for s in slots if s.tote_code is None]
    if missing:
        return PickState(phase="setup", stop=None, setup_slot=missing[0], **common)
    row = reads.next_open_stop(batch.id)
    if row is None:
        return PickState(phase="finish", stop=None, **common)
    stop = _stop_view(row, {s.slot: s.tote_code for s in slots})
    return PickState(phase=phase_of(row.task), stop=stop, **common)


def _stop_view(row: OpenStop, tote_of: dict[int, str | None]) -> StopView:
    task, product = row.task, row.product
    return StopView(
        task.id,
        task.seq,
        task.kind,
        task.location_code,
        product.sku,
        product.name,
        task.lot,
        task.qty,
        task.qty_in_hand,
        task.qty_picked,
        task.location_confirmed,
        task.slot,
        task.tote_code or (tote_of.get(task.slot) if task.slot else None),
        row.order_number,
        gtin=product.gtin or "",
        expiry=row.expiry,
        lot_required=bool(product.track_lot and task.lot and not task.lot_confirmed),
        qty_awaiting_lot=task.qty_awaiting_lot,
        item_confirmed=task.item_confirmed,
        order_id=task.order_id,
    )


def pick_state(db: Database, batch_id: int) -> PickState:
    with db.unit_of_work(readonly=True) as uow:
        batch = uow.batches.get(batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        return state_of(uow, batch)


def held_batch(db: Database, user_id: int) -> PickState | None:
    """The batch this user holds (a restarted terminal or station shows it at once), without claiming anything."""
    with db.unit_of_work(readonly=True) as uow:
        batch = uow.batches.held_by(user_id)
        return state_of(uow, batch) if batch is not None else None


class LeaseLost(Refused):
    """The batch is no longer this terminal's: freed, reassigned, finished or cancelled. The terminal goes home."""

    def __init__(self, batch_id: int, message: str) -> None:
        super().__init__(message)
        self.batch_id = batch_id


def lease_message(session: DbSession, batch: Batch) -> str:
    """Why a terminal no longer holds ``batch``, naming who has it now (for callers holding a session)."""
    return lease_lost_message(PickingReads(session), batch)


def lease_lost_message(reads: PickingReads, batch: Batch) -> str:
    """Why a terminal no longer holds ``batch``, naming who has it now."""
    name = reads.last_batch_changer(batch.id)
    by = f" by {name}" if name else ""
    if batch.status == "picking":
        holder = reads.user_name(batch.picker_id)
        return f"Batch {batch.id} was given to {holder if holder is not None else 'someone else'}{by}: nothing recorded"
    if batch.status == "ready":
        return f"Batch {batch.id} was freed{by} and is back in the queue: nothing recorded; claim again"
    if batch.status == "cancelled":
        return f"Batch {batch.id} was cancelled{by}: every order left it; nothing recorded"
    return (
        f"Batch {batch.id} was finished{by} (no stop left for you: its orders were completed or left the floor): "
        "nothing recorded; put back at its shelf anything you hold"
    )


def leased(uow: UnitOfWork, batch_id: int, actor: Actor) -> Batch:
    """The batch, locked, if ``actor`` may pick (``app.services.authz``) and holds its claim; otherwise the scan is
    refused (``NotAllowed``, ``LeaseLost``) with nothing written."""
    authorize(uow, actor, "batches.pick")
    batch = uow.batches.lock(batch_id)
    if batch is None:
        raise NotFound(f"no batch {batch_id}")
    if batch.status != "picking" or batch.picker_id != actor.user_id:
        raise LeaseLost(batch.id, lease_lost_message(uow.picking_reads, batch))
    return batch
