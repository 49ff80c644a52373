"""Finding units elsewhere when a shelf comes up short, and re-walking a batch when its stops change.

A count at a shelf can leave fewer units than were reserved there: the picker's own stop shrinks (see
``shorts``), and other orders' reservations on that shelf are given up lowest priority first and searched for
on other pick faces (``displace``). Found units become new stops on the batch that needed them, re-sequenced
as the shortest walk from where the picker stands.
"""

from __future__ import annotations

from datetime import date

from app.db.models import Allocation, Batch, Order, OrderLine, PickTask, Stock
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.allocation import StockCandidate, allocate_line
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, NEW, PICKING, RELEASED
from app.domain.routing import shortest_route
from app.services.allocation import release_stock
from app.services.floor_state import set_task
from app.services.order_status import set_status
from app.services.replan import order_leaves_floor


def displace(uow: UnitOfWork, layout: Layout, stock: Stock, counted: int, actor: Actor, *, keep: int | None) -> int:
    """A count left fewer units on a shelf than other orders had reserved there: take the reservations of the
    lowest-priority orders that have not picked them yet, and re-plan each (another shelf, or back to allocation,
    or a short for the supervisor when picking already started). Returns how many orders were re-planned."""
    overflow = stock.quantity_reserved - counted
    if overflow <= 0:
        return 0
    replanned = 0
    for allocation, line, order in uow.picking_reads.unpicked_reservations_at(stock.id):
        if overflow <= 0:
            break
        if allocation.id == keep:
            continue
        # the order is re-read under a lock: a concurrent release or claim must not be overwritten by this re-plan
        locked = uow.orders.lock(order.id)
        assert locked is not None
        tasks = uow.tasks.open_of_allocation(allocation.id)
        held = sum(t.qty_in_hand + t.qty_awaiting_lot for t in tasks)
        take = min(overflow, allocation.qty - allocation.qty_picked - held)
        if take <= 0:
            continue
        overflow -= take
        replanned += 1
        _give_up(uow, allocation, line, stock, tasks, take, actor)
        found = _find_elsewhere(uow, layout, tasks, line, stock, take)
        if found < take:
            _lost_to_count(uow, locked, line, stock, take - found, actor)
    return replanned


def _give_up(
    uow: UnitOfWork,
    allocation: Allocation,
    line: OrderLine,
    stock: Stock,
    tasks: list[PickTask],
    take: int,
    actor: Actor,
) -> None:
    """``take`` units of an allocation leave the counted shelf; its open stops shrink (or close) with it."""
    allocation.qty -= take
    stock.quantity_reserved -= take
    line.qty_allocated -= take
    for task in tasks:
        shrink = min(take, task.qty - task.qty_picked - task.qty_in_hand - task.qty_awaiting_lot)
        task.qty -= shrink
        if task.qty <= task.qty_picked and task.qty_picked == 0:
            task.qty = max(task.qty, 1)
            set_task(uow, task, "cancelled", actor, f"{stock.location.code} counted short by another picker")
        elif task.qty <= task.qty_picked:
            set_task(uow, task, "done", actor, "the rest was counted short by another picker")
    if allocation.qty <= 0:
        uow.orders.delete(allocation)
    uow.flush()


def _find_elsewhere(
    uow: UnitOfWork, layout: Layout, tasks: list[PickTask], line: OrderLine, stock: Stock, take: int
) -> int:
    """Reserve ``take`` units of the line on other shelves; new stops join the batch of its first open stop (if
    it is on one) and the batch's walk is re-routed. Returns the units found."""
    anchor = tasks[0] if tasks else None
    if anchor is None:
        return reallocate_unplanned(uow, line, stock.id, take)
    replacement = reallocate(uow, anchor, line, stock.id, take)
    for new_task in replacement:
        uow.tasks.add(new_task)
    uow.flush()
    if replacement:
        target = uow.batches.get(anchor.batch_id)
        if target is not None:
            reroute(uow, layout, target, from_code=anchor.location_code)
    return sum(t.qty for t in replacement)


def _lost_to_count(uow: UnitOfWork, order: Order, line: OrderLine, stock: Stock, missing: int, actor: Actor) -> None:
    """Units no shelf has: an order being picked is flagged for a supervisor; one not picked yet leaves the floor
    and goes back to allocation."""
    if order.status == PICKING:
        order.short_pending = True
        uow.record(
            actor,
            "order.short",
            subject=f"order:{order.id}",
            message=f"{missing} x {line.sku} lost to a count at {stock.location.code}: supervisor",
            sku=line.sku,
            missing=missing,
        )
    elif order.status in (ALLOCATED, RELEASED):
        order_leaves_floor(uow, order, actor, "lost stock to a count", put_back=False)
        release_stock(uow, order)
        set_status(uow, order, NEW, actor, f"stock of {line.sku} counted short at {stock.location.code}")


def reallocate_unplanned(uow: UnitOfWork, line: OrderLine, exclude_stock: int, missing: int) -> int:
    """Reserve ``missing`` units of a line that is not on a batch yet elsewhere; returns the units found."""
    probe = PickTask(product_id=line.product_id, order_id=line.order_id, batch_id=0, slot=None, location_code="", qty=1)
    tasks = reallocate(uow, probe, line, exclude_stock, missing)
    return sum(t.qty for t in tasks)


def reallocate(uow: UnitOfWork, task: PickTask, line: OrderLine, exclude_stock: int, missing: int) -> list[PickTask]:
    """Reserve ``missing`` units of ``task``'s item on other pick faces (FEFO when the item tracks expiry); the
    new stops, one per shelf, are returned for the caller to add to a batch."""
    product = uow.products.get(task.product_id)
    assert product is not None
    rows = uow.picking_reads.free_pick_stock(task.product_id, exclude_stock)
    today = date.today()
    candidates = [
        StockCandidate(s.id, code, s.lot, s.expiry, s.quantity_on_hand - s.quantity_reserved, s.received_at)
        for s, code in rows
        if s.expiry is None or s.expiry >= today
    ]
    reservations, _short = allocate_line(missing, candidates, fefo=product.track_expiry)
    stock_by_id = {s.id: s for s, _ in rows}
    tasks = []
    for r in reservations:
        stock_by_id[r.stock_id].quantity_reserved += r.qty
        allocation = Allocation(order_line_id=line.id, stock_id=r.stock_id, qty=r.qty)
        uow.orders.add(allocation)
        uow.flush()
        line.qty_allocated += r.qty
        tasks.append(
            PickTask(
                batch_id=task.batch_id,
                seq=0,
                kind="pick",
                slot=task.slot,
                order_id=task.order_id,
                order_line_id=line.id,
                allocation_id=allocation.id,
                stock_id=r.stock_id,
                location_code=r.location,
                product_id=task.product_id,
                lot=r.lot,
                qty=r.qty,
            )
        )
    return tasks


def reroute(uow: UnitOfWork, layout: Layout, batch: Batch, *, from_code: str) -> None:
    """Re-sequence the open stops as the shortest walk from where the picker stands to the drop point."""
    open_tasks = uow.tasks.open_of_batch(batch.id)
    if not open_tasks:
        return
    codes = sorted({t.location_code for t in open_tasks})
    route = shortest_route(layout, codes, start=layout.position(from_code))
    order = {code: i for i, code in enumerate(route.sequence)}
    base = uow.tasks.max_seq(batch.id) + 1
    open_tasks.sort(key=lambda t: (order[t.location_code], t.slot or 0, t.id))
    for i, t in enumerate(open_tasks):
        t.seq = base + i
