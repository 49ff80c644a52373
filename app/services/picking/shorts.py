"""Stops that cannot be picked as planned: skipped to the end of the walk, or short at the shelf.

A short is counted where the picker stands: the shelf's books are set to the count, the stop shrinks to what is
there, and the missing units are searched for elsewhere (``reallocation``) or flagged for a supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db.models import Batch, OrderLine, PickTask, Stock
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import inventory
from app.services.errors import InvalidInput
from app.services.floor_state import set_task
from app.services.picking.outcomes import NO_SCAN, accept, stop_gone
from app.services.picking.reallocation import displace, reallocate, reroute
from app.services.picking.state import leased, state_of
from app.services.picking.views import PickState, ScanResult

SHORT_REASONS = ("empty", "damaged", "missing")
"""Why a stop is short: the bin is empty, units are damaged, or fewer are there than the books say."""

MAX_COUNT = 100_000
"""A counted quantity above this is a typing or scanning slip, not a count."""


def skip_stop(db: Database, batch_id: int, task_id: int, *, actor: Actor) -> ScanResult:
    """Come back to this stop later: it moves to the end of the walk (nothing in hand may be left behind)."""
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        state = state_of(uow, batch)
        if state.stop is None or state.stop.task_id != task_id:
            gone = stop_gone(uow, batch, task_id, NO_SCAN)
            return gone or ScanResult(False, "The stop has moved on; nothing was skipped", state)
        task = uow.tasks.get(task_id)
        assert task is not None
        if task.qty_in_hand or task.qty_awaiting_lot:
            held = task.qty_in_hand + task.qty_awaiting_lot
            return ScanResult(False, f"Put the {held} in hand into tote {state.stop.tote_code} first", state)
        task.seq = uow.tasks.max_seq(batch.id) + 1
        task.location_confirmed = False
        task.item_confirmed = False
        task.lot_confirmed = False
        return accept(
            uow,
            batch,
            actor,
            "pick.skipped",
            f"Skipped {task.location_code}; it comes back at the end",
            NO_SCAN,
            False,
            task=task.id,
        )


@dataclass(frozen=True)
class _Short:
    """The stop being counted short and where: the shelf's stock row and the order line it picks for."""

    batch: Batch
    task: PickTask
    stock: Stock
    line: OrderLine
    reason: str
    counted: int
    sku: str


@dataclass(frozen=True)
class _ShelfCount:
    """What a count at the shelf did to the books."""

    remaining: int
    """Units the stop still had to pick."""
    missing: int
    """Units of the stop the shelf does not have."""
    written_off: int
    displaced: int
    """Other orders re-planned because the count took their reservations."""


def short_pick(
    db: Database,
    layout: Layout,
    batch_id: int,
    task_id: int,
    reason: str,
    counted: int,
    *,
    actor: Actor,
) -> ScanResult:
    """The stop cannot be picked in full: the picker, standing at the scanned location, counted ``counted`` good
    units of the item (and lot) there.

    The books of that shelf are set to the count (the difference is written off as ``short`` or ``damaged``, or
    found as ``count``: never more than the picker counted). When enough good units are there the stop simply
    goes on (take another unit from the same bin). Otherwise the stop shrinks to what is there, the missing
    units' reservation is given back and searched for elsewhere: another pick face becomes a new stop on this
    walk; none elsewhere flags the order for a supervisor, who decides before it can be packed. Other orders
    whose reservations the count took away are re-planned in the same transaction.
    """
    if reason not in SHORT_REASONS:
        raise InvalidInput(f"short pick reason {reason!r}: expected {' or '.join(SHORT_REASONS)}")
    if not 0 <= counted <= MAX_COUNT:
        raise InvalidInput(f"counted quantity {counted}: expected a whole number from 0 to {MAX_COUNT}")
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        state = state_of(uow, batch)
        if state.stop is None or state.stop.task_id != task_id:
            gone = stop_gone(uow, batch, task_id, NO_SCAN)
            return gone or ScanResult(False, "That stop is no longer open; nothing recorded again", state)
        task = uow.tasks.get(task_id)
        assert task is not None
        refused = _not_countable(task, state)
        if refused is not None:
            return refused
        stock = inventory.lock_stock(uow.stock, {task.stock_id}).get(task.stock_id) if task.stock_id else None
        line = uow.picking_reads.order_line(task.order_line_id)
        assert stock is not None and line is not None
        short = _Short(batch, task, stock, line, reason, counted, state.stop.sku)
        shelf = _count_shelf(uow, layout, short, actor)
        missing, message = _after_count(uow, layout, short, shelf, actor)
        data = {"task": task.id, "reason": reason, "missing": missing, "counted": counted}
        return accept(uow, batch, actor, "pick.short", message, NO_SCAN, False, **data)


def _after_count(uow: UnitOfWork, layout: Layout, short: _Short, shelf: _ShelfCount, actor: Actor) -> tuple[int, str]:
    """Enough good units on the shelf: the stop goes on. Otherwise it is shorted (``_short_the_stop``). Returns
    the units still missing and the picker's message."""
    task, counted = short.task, short.counted
    if not shelf.missing:
        message = (
            f"{counted} good {short.sku} at {task.location_code} ({shelf.written_off} written off): "
            f"take the {shelf.remaining} from the same bin"
        )
        return 0, message
    missing, message = _short_the_stop(uow, layout, short, shelf, actor)
    if counted:
        message += f"; pick the {counted} that are there"
    if shelf.displaced:
        message += f" ({shelf.displaced} other order(s) re-planned)"
    return missing, message


def _not_countable(task: PickTask, state: PickState) -> ScanResult | None:
    """Why this stop cannot be counted short now (a put-back, the shelf not scanned, units in hand), or None."""
    if task.kind != "pick":
        return ScanResult(False, "A put-back cannot be short; skip it instead", state)
    if not task.location_confirmed:
        return ScanResult(False, f"Scan location {task.location_code} first: a short is counted at the shelf", state)
    if task.qty_in_hand or task.qty_awaiting_lot:
        held = task.qty_in_hand + task.qty_awaiting_lot
        tote = state.stop.tote_code if state.stop else None
        return ScanResult(False, f"Put the {held} in hand into tote {tote} first", state)
    return None


def _count_shelf(uow: UnitOfWork, layout: Layout, short: _Short, actor: Actor) -> _ShelfCount:
    """Set the shelf's books to the count: the stop's missing units give up their reservation, other orders'
    reservations beyond the count are re-planned, and the difference is written off (or found)."""
    task, stock, line, counted = short.task, short.stock, short.line, short.counted
    ref = f"order:{task.order_id} batch:{short.batch.id} stop:{task.id}"
    remaining = task.qty - task.qty_picked
    books = stock.quantity_on_hand
    missing = max(0, remaining - counted)
    allocation = uow.picking_reads.allocation(task.allocation_id)
    if missing:
        if allocation is not None:
            allocation.qty -= missing
            if allocation.qty <= 0:
                uow.orders.delete(allocation)
                task.allocation_id = None
        stock.quantity_reserved -= missing
        line.qty_allocated -= missing
    uow.flush()
    displaced = displace(uow, layout, stock, counted, actor, keep=task.allocation_id)
    written_off = max(0, books - max(counted, stock.quantity_reserved))
    if counted >= books:
        inventory.set_counted(uow.stock, stock, counted, "count", actor, ref)
    else:
        target = max(counted, stock.quantity_reserved)
        kind = "damaged" if short.reason == "damaged" else "short"
        inventory.set_counted(uow.stock, stock, target, kind, actor, ref)
    uow.record(
        actor,
        "stock.short",
        subject=f"location:{task.location_code}",
        message=f"{short.sku} {short.reason}: counted {counted}, books {books}; {written_off} written off",
        sku=short.sku,
        counted=counted,
        on_hand_before=books,
        on_hand_after=stock.quantity_on_hand,
        missing=missing,
    )
    return _ShelfCount(remaining, missing, written_off, displaced)


def _short_the_stop(
    uow: UnitOfWork, layout: Layout, short: _Short, shelf: _ShelfCount, actor: Actor
) -> tuple[int, str]:
    """The stop shrinks to what is there; the missing units become new stops on this walk where another pick face
    has them, the rest flags the order for a supervisor. Returns the units still missing and the message."""
    task, sku, reason, missing = short.task, short.sku, short.reason, shelf.missing
    task.short_reason = f"{reason}: {missing} missing"
    if short.counted:
        task.qty = task.qty_picked + short.counted
    else:
        set_task(uow, task, "short", actor, f"{reason}: counted 0, {missing} missing")
    uow.flush()
    replacement = reallocate(uow, task, short.line, short.stock.id, missing)
    order = uow.picking_reads.order(task.order_id)
    number = order.number if order else ""
    message = ""
    if replacement:
        for new_task in replacement:
            uow.tasks.add(new_task)
        uow.flush()
        reroute(uow, layout, short.batch, from_code=task.location_code)
        where = ", ".join(f"{t.qty} at {t.location_code}" for t in replacement)
        message = f"Short {missing} {sku} ({reason}); found {where}: added to the route"
        missing -= sum(t.qty for t in replacement)
    if missing > 0:
        if order is not None:
            order.short_pending = True
        uow.record(
            actor,
            "order.short",
            subject=f"order:{task.order_id}",
            message=f"{missing} x {sku} short ({reason}) and none elsewhere: supervisor",
            sku=sku,
            missing=missing,
        )
        message = f"Short {missing} {sku} ({reason}); none elsewhere: {number} flagged for supervisor"
    return missing, message
