"""Re-planning the floor when an order changes: what the change touches is fixed in the same transaction.

A bug class this module exists to end: an order cancelled, held or edited after its batch was planned kept its
old stops, so a picker later picked for an order that no longer wanted the goods. Every order change calls
``order_leaves_floor`` before it moves the order's status: unpicked stops leave their batch (a picker standing
at one is told on the next scan), units already in a tote become put-back stops that name the tote, totes that
hold nothing are freed, and a batch left with nothing to do ends.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from app.db.models import Batch, BatchSlot, Location, Order, PickTask, PutbackTask, Tote
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.states import OPEN_BATCH
from app.services.floor_state import set_batch, set_putback, set_task, set_tote

PUT_BACK_BATCH = "put-back"
"""``cutoff_key`` of a batch made only of put-back stops (goods of cancelled orders back to their shelves)."""
PUT_BACK_PRIORITY = 1_000_000.0
"""Put-back batches are claimed before any order batch: they free a tote and make the stock available again.
Re-scoring never lowers them (it only re-ranks batches that carry orders)."""


@dataclass(frozen=True)
class LeaveReport:
    stops_removed: int = 0
    put_back_units: int = 0
    totes_freed: tuple[str, ...] = ()
    totes_to_put_back: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        if self.stops_removed:
            parts.append(f"{self.stops_removed} stop(s) left the batch")
        if self.put_back_units:
            parts.append(f"{self.put_back_units} picked unit(s) to put back from {', '.join(self.totes_to_put_back)}")
        if self.totes_freed:
            parts.append(f"tote(s) freed: {', '.join(self.totes_freed)}")
        return "; ".join(parts)


def order_leaves_floor(uow: UnitOfWork, order: Order, actor: Actor, why: str, *, put_back: bool) -> LeaveReport:
    """Take ``order`` off every open batch. With ``put_back`` (a cancel), units already picked for it become
    put-back stops; the caller then releases its reservations and moves its status."""
    session = uow.session
    query = (
        select(PickTask)
        .join(Batch, PickTask.batch_id == Batch.id)
        .where(
            PickTask.order_id == order.id,
            PickTask.kind == "pick",
            PickTask.status == "open",
            Batch.status.in_(OPEN_BATCH),
        )
        .order_by(PickTask.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        # a picker may be confirming one of these stops right now: lock them, and a stop that became done while
        # we waited no longer matches and is left alone
        query = query.with_for_update(of=PickTask)
    open_stops = list(session.scalars(query.execution_options(populate_existing=True)))
    touched: set[int] = set()
    for task in open_stops:
        in_hand = task.qty_in_hand + task.qty_awaiting_lot
        note = f"order {order.number} {why}"
        if in_hand:
            note += f": put the {in_hand} in hand back at {task.location_code}"
        task.qty_in_hand = 0
        task.qty_awaiting_lot = 0
        set_task(uow, task, "cancelled", actor, note)
        touched.add(task.batch_id)

    slots = list(
        session.scalars(
            select(BatchSlot)
            .join(Batch, BatchSlot.batch_id == Batch.id)
            .where(BatchSlot.order_id == order.id, Batch.status.in_(OPEN_BATCH))
        )
    )
    touched.update(s.batch_id for s in slots)
    units_by_tote = _picked_units_by_tote(session, order) if put_back else {}
    freed: list[str] = []
    to_put_back: list[str] = []
    for tote in session.scalars(select(Tote).where(Tote.order_id == order.id, Tote.status != "free")):
        if tote.code in units_by_tote:
            continue
        if tote.status != "putback":
            set_tote(uow, tote, "free", actor, f"order {order.number} {why}; nothing in it")
            freed.append(tote.code)
    session.execute(delete(BatchSlot).where(BatchSlot.id.in_([s.id for s in slots])))

    units = 0
    for tote_code, rows in units_by_tote.items():
        tote = session.scalar(select(Tote).where(Tote.code == tote_code))
        target = _put_back_batch_for(uow, tote, actor)
        next_seq = (session.scalar(select(func.max(PickTask.seq)).where(PickTask.batch_id == target.id)) or 0) + 1
        for (location_id, product_id, lot), qty in sorted(rows.items(), key=lambda kv: _code(session, kv[0][0])):
            putback = PutbackTask(
                order_id=order.id, product_id=product_id, location_id=location_id, lot=lot, qty=qty, tote_code=tote_code
            )
            session.add(putback)
            session.flush()
            session.add(
                PickTask(
                    batch_id=target.id,
                    seq=next_seq,
                    kind="putback",
                    putback_id=putback.id,
                    order_id=order.id,
                    location_code=_code(session, location_id),
                    product_id=product_id,
                    lot=lot,
                    qty=qty,
                    tote_code=tote_code,
                )
            )
            next_seq += 1
            units += qty
        if tote is not None and tote.status != "putback":
            set_tote(uow, tote, "putback", actor, f"holds goods of {order.number} to put back", batch_id=target.id)
        elif tote is not None:
            tote.batch_id = target.id
        to_put_back.append(tote_code)
        touched.add(target.id)
    session.flush()
    for batch_id in sorted(touched):
        batch = session.get(Batch, batch_id)
        if batch is not None:
            end_if_empty(uow, batch, actor)
    return LeaveReport(len(open_stops), units, tuple(freed), tuple(to_put_back))


def _code(session, location_id: int) -> str:  # type: ignore[no-untyped-def]
    return session.scalar(select(Location.code).where(Location.id == location_id)) or ""


def _picked_units_by_tote(session, order: Order) -> dict[str, dict[tuple[int, int, str], int]]:  # type: ignore[no-untyped-def]
    """Units picked for ``order`` and not yet put back, per tote, per (location, product, lot) they came from.

    The allocations say what left which shelf; the stop that picked them says into which tote."""
    from app.db.models import Allocation, OrderLine, Stock

    rows = session.execute(
        select(Allocation.id, Allocation.qty_picked, Stock.location_id, Stock.product_id, Stock.lot)
        .join(Stock, Allocation.stock_id == Stock.id)
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .where(OrderLine.order_id == order.id, Allocation.qty_picked > 0)
    ).all()
    fallback = _order_tote(session, order.id) or ""
    result: dict[str, dict[tuple[int, int, str], int]] = defaultdict(lambda: defaultdict(int))
    for allocation_id, qty_picked, location_id, product_id, lot in rows:
        tote = session.scalar(
            select(BatchSlot.tote_code)
            .join(PickTask, (BatchSlot.batch_id == PickTask.batch_id) & (BatchSlot.slot == PickTask.slot))
            .where(PickTask.allocation_id == allocation_id, PickTask.qty_picked > 0, BatchSlot.tote_code.is_not(None))
            .limit(1)
        )
        result[tote or fallback][(location_id, product_id, lot)] += qty_picked
    already = session.execute(
        select(
            PutbackTask.tote_code, PutbackTask.location_id, PutbackTask.product_id, PutbackTask.lot, PutbackTask.qty
        ).where(PutbackTask.order_id == order.id)
    ).all()
    for tote, location_id, product_id, lot, qty in already:
        key = (location_id, product_id, lot)
        if key in result.get(tote, {}):
            result[tote][key] -= qty
    return {
        t: {k: q for k, q in by_place.items() if q > 0}
        for t, by_place in result.items()
        if any(q > 0 for q in by_place.values())
    }


def _order_tote(session, order_id: int) -> str | None:  # type: ignore[no-untyped-def]
    return session.scalar(select(Tote.code).where(Tote.order_id == order_id).order_by(Tote.id).limit(1))


def _put_back_batch_for(uow: UnitOfWork, tote: Tote | None, actor: Actor) -> Batch:
    """The batch that will carry a tote's put-back stops: the open batch whose cart it is on (its picker puts the
    goods back on this walk), else a new put-back batch, first in the queue so the stock is available again."""
    session = uow.session
    if tote is not None and tote.batch_id is not None:
        batch = session.get(Batch, tote.batch_id)
        if batch is not None and batch.status in OPEN_BATCH:
            return batch
    batch = Batch(status="ready", cutoff_key=PUT_BACK_BATCH, priority=PUT_BACK_PRIORITY)
    session.add(batch)
    session.flush()
    uow.record(
        actor,
        "batch.status",
        subject=f"batch:{batch.id}",
        message=f"put-back of {tote.code if tote else 'picked goods'}",
        **{"from": None, "to": "ready", "reason": "put-back batch"},
    )
    return batch


def end_if_empty(uow: UnitOfWork, batch: Batch, actor: Actor) -> None:
    """A batch whose every order left and whose stops are all closed ends: cancelled when nothing was picked on
    it, else it finishes (its remaining orders become picked) as if its picker had pressed finish."""
    session = uow.session
    if batch.status not in OPEN_BATCH:
        return
    open_stops = session.scalar(select(func.count()).where(PickTask.batch_id == batch.id, PickTask.status == "open"))
    if open_stops:
        return
    orders_left = session.scalar(
        select(func.count()).where(BatchSlot.batch_id == batch.id, BatchSlot.order_id.is_not(None))
    )
    if orders_left:
        # its last open stops left with their orders: the rest of the batch is picked, so it finishes now (a
        # picker holding it is told on the next scan that it is finished)
        from app.services.picking import complete_batch

        complete_batch(uow, batch, actor)
        return
    for tote in session.scalars(select(Tote).where(Tote.batch_id == batch.id, Tote.status == "picking")):
        set_tote(uow, tote, "free", actor, f"batch {batch.id} ended with nothing for it")
    picked = session.scalar(select(func.count()).where(PickTask.batch_id == batch.id, PickTask.qty_picked > 0))
    set_batch(uow, batch, "done" if picked else "cancelled", actor, "every order left the batch")


def close_put_back(uow: UnitOfWork, task: PickTask, actor: Actor) -> None:
    """A put-back stop is done: its put-back closes, and the tote is freed once nothing else waits in it."""
    session = uow.session
    putback = session.get(PutbackTask, task.putback_id) if task.putback_id else None
    if putback is not None and putback.status == "open":
        set_putback(uow, putback, "done", actor, f"{putback.qty} back at {task.location_code}")
    session.flush()
    if not task.tote_code:
        return
    still = session.scalar(
        select(func.count()).where(PutbackTask.tote_code == task.tote_code, PutbackTask.status == "open")
    )
    tote = session.scalar(select(Tote).where(Tote.code == task.tote_code))
    if not still and tote is not None and tote.status == "putback":
        set_tote(uow, tote, "free", actor, "emptied: every unit is back on a shelf")


def order_of(session, order_id: int | None) -> Order | None:  # type: ignore[no-untyped-def]
    return session.get(Order, order_id) if order_id else None


def follow_order_priority(session, order_id: int) -> None:  # type: ignore[no-untyped-def]
    """A ready batch is claimed by its highest order priority: it follows its orders' scores at once."""
    for batch in session.scalars(
        select(Batch).where(
            Batch.status == "ready", Batch.id.in_(select(BatchSlot.batch_id).where(BatchSlot.order_id == order_id))
        )
    ):
        top = session.scalar(
            select(func.max(Order.priority)).join(BatchSlot, BatchSlot.order_id == Order.id).where(
                BatchSlot.batch_id == batch.id
            )
        )
        batch.priority = float(top or 0.0)
