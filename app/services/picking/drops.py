"""Proven units move: into the picker's hand, from the hand into the order's tote (the pick is booked), or back
onto a shelf at a put-back stop."""

from __future__ import annotations

from app.db.models import Batch, PickTask
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.scans import Scan
from app.services import inventory
from app.services.floor_state import set_task
from app.services.picking.outcomes import accept, refuse
from app.services.picking.views import PickState, ScanResult
from app.services.replan import close_put_back


def count_units(
    uow: UnitOfWork, batch: Batch, task: PickTask, units: int, scan: Scan, actor: Actor, typed: bool, how: str
) -> ScanResult:
    """Proven units: into the picker's hand at a pick stop, back onto the shelf at a put-back stop."""
    if task.kind == "putback":
        return _put_back_units(uow, batch, task, units, scan, actor, typed)
    task.qty_in_hand += units
    sku = uow.picking_reads.product_sku(task.product_id)
    return accept(
        uow,
        batch,
        actor,
        "pick.item",
        f"{sku}: {task.qty_in_hand + task.qty_picked} of {task.qty}{how}",
        scan,
        typed,
        task=task.id,
        units=units,
        lot=scan.lot or (task.lot or None),
        serial=scan.serial,
    )


def scan_tote_drop(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    """The units in hand go into the order's tote: the pick is booked and the stop is done when it is full."""
    allowed = {s.tote_code for s in state.slots if s.order_id == task.order_id and s.tote_code}
    if task.qty_in_hand == 0:
        return refuse(uow, batch, actor, scan, f"item {state.stop.sku if state.stop else ''} first", typed)
    if scan.code not in allowed:
        return refuse(
            uow,
            batch,
            actor,
            scan,
            f"tote {' or '.join(sorted(allowed))} (order {state.stop.order_number if state.stop else ''})",
            typed,
        )
    units = task.qty_in_hand
    _record_pick(uow, task, units, actor, scan.code)
    task.qty_picked += units
    task.qty_in_hand = 0
    if task.qty_picked >= task.qty:
        set_task(uow, task, "done", actor, f"{task.qty_picked} into {scan.code}")
    return accept(
        uow,
        batch,
        actor,
        "pick.dropped",
        f"{units} into {scan.code}",
        scan,
        typed,
        task=task.id,
        units=units,
        tote=scan.code,
    )


def _record_pick(uow: UnitOfWork, task: PickTask, units: int, actor: Actor, tote: str) -> None:
    """Units leave the shelf for a tote: on hand (a ledger move) and reserved go down together; the order line
    and the allocation count them."""
    reads = uow.picking_reads
    if task.stock_id is not None:
        stock = inventory.lock_stock(uow.stock, {task.stock_id})[task.stock_id]
        inventory.move(
            uow.stock, stock, -units, "pick", actor, f"order:{task.order_id} tote:{tote} batch:{task.batch_id}"
        )
        stock.quantity_reserved -= units
    allocation = reads.allocation(task.allocation_id)
    if allocation is not None:
        allocation.qty_picked += units
    if task.order_line_id is not None:
        line = reads.order_line(task.order_line_id)
        assert line is not None
        line.qty_picked += units


def _put_back_units(
    uow: UnitOfWork, batch: Batch, task: PickTask, units: int, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    """Units of a cancelled order go back onto the shelf they came from; the tote is freed once it is empty."""
    location = uow.picking_reads.location_by_code(task.location_code)
    assert location is not None
    stock = inventory.stock_row(uow.stock, location.id, task.product_id, task.lot)
    inventory.move(uow.stock, stock, units, "put_back", actor, f"order:{task.order_id} tote:{task.tote_code}")
    task.qty_picked += units
    if task.qty_picked >= task.qty:
        set_task(uow, task, "done", actor, f"{task.qty} put back at {task.location_code}")
        close_put_back(uow, task, actor)
    return accept(
        uow,
        batch,
        actor,
        "pick.put_back",
        f"{units} put back at {task.location_code}" + (f" from {task.tote_code}" if task.tote_code else ""),
        scan,
        typed,
        task=task.id,
        units=units,
    )
