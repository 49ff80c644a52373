"""Undo the last confirm at the stop in hand: units counted into the hand (a scan, a lot, a typed quantity) or a
drop into the tote, when the picker sees at once that it was wrong (scanned the same unit twice, typed 5 for 3).

Only the newest step of the batch, and only while its stop is still open: a drop that closed its stop has moved
the walk on (and may have finished the batch), so it is no longer the picker's to take back here. An undone drop
is booked back the way it was booked (the ledger gets the opposite move, reservation, allocation and order line
get their units back), so ``pickpack audit`` holds after it. The undo is itself an event (``pick.undone``) naming
the step it reverses; undo again and the step before it goes too, as long as it was at this stop.
"""

from __future__ import annotations

from app.db.models import Event, PickTask
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.scans import Scan
from app.services import inventory
from app.services.picking.outcomes import accept
from app.services.picking.state import leased, state_of
from app.services.picking.views import PickState, ScanResult

STEPS = (
    "pick.tote_set",
    "pick.location",
    "pick.item",
    "pick.dropped",
    "pick.put_back",
    "pick.short",
    "pick.skipped",
    "pick.undone",
)
"""Every accepted picker step: the newest of them is the one an undo may take back (refusals are not steps)."""

UNDO = Scan("!undo", "action", "")

UNDOABLE = ("pick.item", "pick.dropped")
LOOK_BACK = 200
"""Steps read back to find the newest one not undone yet (a stop never has more counts than this in practice)."""


def undo_last(db: Database, batch_id: int, task_id: int, *, actor: Actor) -> ScanResult:
    """Take back the newest confirm of the stop ``task_id`` (the stop the station shows)."""
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        state = state_of(uow, batch)
        if state.stop is None or state.stop.task_id != task_id:
            return ScanResult(False, "The stop has moved on; nothing to undo", state)
        step = _newest_not_undone(uow.picking_reads.last_steps(batch.id, STEPS, LOOK_BACK))
        refusal = _why_not(step, state)
        if refusal is not None:
            return ScanResult(False, refusal, state)
        assert step is not None
        task = uow.tasks.get(task_id)
        assert task is not None
        units = int(step.data.get("units") or 0)
        if step.kind == "pick.dropped":
            message = _undo_drop(uow, task, units, str(step.data.get("tote") or ""), actor)
        else:
            message = _undo_count(task, units, bool(step.data.get("awaiting_lot")), state.stop.sku)
        if message is None:
            return ScanResult(False, f"Nothing to undo at {task.location_code}: the units have moved on", state)
        data = {"task": task.id, "undone": step.id, "undone_kind": step.kind, "units": units}
        return accept(uow, batch, actor, "pick.undone", message, UNDO, False, **data)


def _newest_not_undone(steps: list[Event]) -> Event | None:
    """The newest step that no ``pick.undone`` has taken back yet (``steps`` newest first)."""
    undone: set[object] = set()
    for step in steps:
        if step.kind == "pick.undone":
            undone.add(step.data.get("undone"))
        elif step.id not in undone:
            return step
    return None


def _why_not(step: Event | None, state: PickState) -> str | None:
    """Why the newest step cannot be undone here (None when it can)."""
    stop = state.stop
    assert stop is not None
    if step is None or step.kind not in UNDOABLE:
        return f"Nothing to undo at {stop.location}: no count or drop here since the location scan"
    if step.data.get("task") != stop.task_id:
        return f"Nothing to undo at {stop.location}: the last count or drop was at a stop that is done"
    return None


def _undo_count(task: PickTask, units: int, awaiting_lot: bool, sku: str) -> str | None:
    """Units counted into the hand (or waiting for their lot) are not counted any more."""
    if awaiting_lot:
        if task.qty_awaiting_lot < units:
            return None
        task.qty_awaiting_lot -= units
    else:
        if task.qty_in_hand < units:
            return None
        task.qty_in_hand -= units
    if not (task.qty_in_hand or task.qty_awaiting_lot or task.qty_picked):
        task.item_confirmed = False  # a typed quantity needs a scan of the item again
    held = task.qty_in_hand + task.qty_picked
    return f"Undone: {units} x {sku} not counted; {held} of {task.qty} now"


def _undo_drop(uow: UnitOfWork, task: PickTask, units: int, tote: str, actor: Actor) -> str | None:
    """The units dropped into the tote are back in hand: the pick's booking is reversed move for move."""
    if task.qty_picked < units or units < 1:
        return None
    reads = uow.picking_reads
    if task.stock_id is not None:
        stock = inventory.lock_stock(uow.stock, {task.stock_id})[task.stock_id]
        ref = f"undo: order:{task.order_id} tote:{tote} batch:{task.batch_id}"
        inventory.move(uow.stock, stock, units, "pick", actor, ref)
        stock.quantity_reserved += units
    allocation = reads.allocation(task.allocation_id)
    if allocation is not None:
        allocation.qty_picked -= units
    if task.order_line_id is not None:
        line = reads.order_line(task.order_line_id)
        assert line is not None
        line.qty_picked -= units
    task.qty_picked -= units
    task.qty_in_hand += units
    return f"Undone: the {units} dropped into {tote} are in hand again: take them out and scan the tote when right"
