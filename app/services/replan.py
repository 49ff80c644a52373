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

from app.db.models import Batch, Order, PickTask, PutbackTask, Tote
from app.db.queries.picking import DbSession
from app.db.repositories import BatchRepository
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


UnitsByPlace = dict[tuple[int, int, str], int]
"""Units per (location id, product id, lot) they were picked from."""


def order_leaves_floor(uow: UnitOfWork, order: Order, actor: Actor, why: str, *, put_back: bool) -> LeaveReport:
    """Take ``order`` off every open batch. With ``put_back`` (a cancel), units already picked for it become
    put-back stops; the caller then releases its reservations and moves its status."""
    open_stops = _cancel_open_stops(uow, order, actor, why)
    touched = {task.batch_id for task in open_stops}
    slots = uow.batches.open_slots_of_order(order.id)
    touched.update(s.batch_id for s in slots)
    units_by_tote = _picked_units_by_tote(uow, order) if put_back else {}
    freed: list[str] = []
    for tote in uow.totes.held_for_order(order.id):
        if tote.code in units_by_tote:
            continue
        if tote.status != "putback":
            set_tote(uow, tote, "free", actor, f"order {order.number} {why}; nothing in it")
            freed.append(tote.code)
    uow.batches.delete_slots(s.id for s in slots)

    units = 0
    to_put_back: list[str] = []
    for tote_code, rows in units_by_tote.items():
        target_id, put = _put_back_tote(uow, order, tote_code, rows, actor)
        units += put
        to_put_back.append(tote_code)
        touched.add(target_id)
    uow.flush()
    for batch_id in sorted(touched):
        batch = uow.batches.get(batch_id)
        if batch is not None and batch.status == "ready":  # not on a cart yet: the rest move up, no gap
            uow.batches.close_slot_gaps(batch.id)
    for batch_id in sorted(touched):
        batch = uow.batches.get(batch_id)
        if batch is not None:
            end_if_empty(uow, batch, actor)
    return LeaveReport(len(open_stops), units, tuple(freed), tuple(to_put_back))


def _cancel_open_stops(uow: UnitOfWork, order: Order, actor: Actor, why: str) -> list[PickTask]:
    """The order's open pick stops are cancelled (locked first: a picker may be confirming one right now); units
    in a picker's hand go back onto the shelf."""
    open_stops = uow.tasks.open_picks_of_order(order.id)
    for task in open_stops:
        in_hand = task.qty_in_hand + task.qty_awaiting_lot
        note = f"order {order.number} {why}"
        if in_hand:
            note += f": put the {in_hand} in hand back at {task.location_code}"
        task.qty_in_hand = 0
        task.qty_awaiting_lot = 0
        set_task(uow, task, "cancelled", actor, note)
    return open_stops


def _put_back_tote(uow: UnitOfWork, order: Order, tote_code: str, rows: UnitsByPlace, actor: Actor) -> tuple[int, int]:
    """One put-back stop per shelf for the units of ``order`` in a tote, on the batch that carries the tote (or a
    new put-back batch); the tote waits for them. Returns the batch and the units to put back."""
    tote = uow.totes.by_code(tote_code)
    target = _put_back_batch_for(uow, tote, actor)
    next_seq = uow.tasks.max_seq(target.id) + 1
    units = 0
    for (location_id, product_id, lot), qty in sorted(rows.items(), key=lambda kv: _code(uow, kv[0][0])):
        putback = PutbackTask(
            order_id=order.id, product_id=product_id, location_id=location_id, lot=lot, qty=qty, tote_code=tote_code
        )
        uow.putbacks.add(putback)
        uow.flush()
        uow.tasks.add(
            PickTask(
                batch_id=target.id,
                seq=next_seq,
                kind="putback",
                putback_id=putback.id,
                order_id=order.id,
                location_code=_code(uow, location_id),
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
    return target.id, units


def _code(uow: UnitOfWork, location_id: int) -> str:
    return uow.picking_reads.location_code(location_id)


def _picked_units_by_tote(uow: UnitOfWork, order: Order) -> dict[str, UnitsByPlace]:
    """Units picked for ``order`` and not yet put back, per tote, per (location, product, lot) they came from.

    The allocations say what left which shelf; the stop that picked them says into which tote."""
    rows = uow.picking_reads.picked_allocations(order.id)
    fallback = uow.totes.first_code_of_order(order.id) or ""
    result: dict[str, UnitsByPlace] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        tote = uow.batches.tote_of_picked_allocation(row.allocation_id)
        result[tote or fallback][(row.location_id, row.product_id, row.lot)] += row.qty_picked
    for done in uow.putbacks.of_order(order.id):
        key = (done.location_id, done.product_id, done.lot)
        if key in result.get(done.tote_code, {}):
            result[done.tote_code][key] -= done.qty
    return {
        t: {k: q for k, q in by_place.items() if q > 0}
        for t, by_place in result.items()
        if any(q > 0 for q in by_place.values())
    }


def _put_back_batch_for(uow: UnitOfWork, tote: Tote | None, actor: Actor) -> Batch:
    """The batch that will carry a tote's put-back stops: the open batch whose cart it is on (its picker puts the
    goods back on this walk), else a new put-back batch, first in the queue so the stock is available again."""
    if tote is not None and tote.batch_id is not None:
        batch = uow.batches.get(tote.batch_id)
        if batch is not None and batch.status in OPEN_BATCH:
            return batch
    batch = Batch(status="ready", cutoff_key=PUT_BACK_BATCH, priority=PUT_BACK_PRIORITY)
    uow.batches.add(batch)
    uow.flush()
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
    if batch.status not in OPEN_BATCH:
        return
    if uow.tasks.count_open(batch.id):
        return
    if uow.batches.count_slot_orders(batch.id):
        # its last open stops left with their orders: the rest of the batch is picked, so it finishes now (a
        # picker holding it is told on the next scan that it is finished)
        from app.services.picking import complete_batch

        complete_batch(uow, batch, actor)
        return
    for tote in uow.totes.on_batch(batch.id, "picking"):
        set_tote(uow, tote, "free", actor, f"batch {batch.id} ended with nothing for it")
    picked = uow.tasks.count_picked(batch.id)
    set_batch(uow, batch, "done" if picked else "cancelled", actor, "every order left the batch")


def close_put_back(uow: UnitOfWork, task: PickTask, actor: Actor) -> None:
    """A put-back stop is done: its put-back closes, and the tote is freed once nothing else waits in it."""
    putback = uow.putbacks.get(task.putback_id) if task.putback_id else None
    if putback is not None and putback.status == "open":
        set_putback(uow, putback, "done", actor, f"{putback.qty} back at {task.location_code}")
    uow.flush()
    if not task.tote_code:
        return
    still = uow.putbacks.count_open_in_tote(task.tote_code)
    tote = uow.totes.by_code(task.tote_code)
    if not still and tote is not None and tote.status == "putback":
        set_tote(uow, tote, "free", actor, "emptied: every unit is back on a shelf")


def follow_order_priority(session: DbSession, order_id: int) -> None:
    """A ready batch is claimed by its highest order priority: it follows its orders' scores at once."""
    batches = BatchRepository(session)
    for batch in batches.ready_with_order(order_id):
        batch.priority = float(batches.top_order_priority(batch.id) or 0.0)
