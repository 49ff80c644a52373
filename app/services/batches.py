"""Wave planning: turn released orders into cart batches with an optimized pick path (run by `pickpack process`).

Each batch gets one tote slot per order (more when an order fills several totes) and one pick task per
reservation, in the order of the shortest walk (``app.domain.routing``). Open put-back work from cancelled
orders rides along as extra stops on the next batch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.config import Config
from app.db.locking import serialize
from app.db.models import (
    Allocation,
    Batch,
    BatchSlot,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    PutbackTask,
    Stock,
)
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.batching import Batch as PlannedBatch
from app.domain.batching import BatchOrder, CartSpec, PickUnit, batch_orders
from app.domain.layout import Layout
from app.domain.orders import RELEASED
from app.domain.routing import s_shape_route, shortest_route
from app.domain.states import OPEN_BATCH
from app.services.authz import authorize


@dataclass(frozen=True)
class WaveReport:
    batches: int
    orders: int
    putbacks: int


def _cart(config: Config) -> CartSpec:
    p = config.picking
    return CartSpec(p.cart_totes, p.tote_volume_cm3, p.tote_weight_kg)


def sequence_codes(layout: Layout, codes: list[str]) -> tuple[dict[str, int], float, float]:
    """Position of each code on the shortest walk, that walk's length and the S-shape length for comparison."""
    distinct = sorted(set(codes))
    if not distinct:
        return {}, 0.0, 0.0
    route = shortest_route(layout, distinct)
    s_shape = s_shape_route(layout, distinct)
    return {code: i for i, code in enumerate(route.sequence)}, route.distance, s_shape.distance


def plan_batches(db: Database, config: Config, layout: Layout, *, actor: Actor) -> WaveReport:
    """Batch every released order that is not on a cart yet, in one transaction."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.wave")
        session = uow.session
        # One planner at a time: two concurrent passes must never put an order or a put-back on two carts.
        serialize(session, "plan_batches")
        batched = (
            select(BatchSlot.order_id)
            .join(Batch, BatchSlot.batch_id == Batch.id)
            .where(BatchSlot.order_id.is_not(None), Batch.status.in_(OPEN_BATCH))
        )
        query = select(Order).where(Order.status == RELEASED, Order.id.not_in(batched)).order_by(Order.priority.desc())
        if db.dialect == "postgresql":
            query = query.with_for_update(of=Order)
        orders = list(session.scalars(query))
        putbacks = list(
            session.scalars(
                select(PutbackTask).where(
                    PutbackTask.status == "open",
                    PutbackTask.id.not_in(
                        select(PickTask.putback_id).where(PickTask.putback_id.is_not(None), PickTask.status == "open")
                    ),
                )
            )
        )
        if not orders and not putbacks:
            return WaveReport(0, 0, 0)
        rows = session.execute(
            select(Allocation, OrderLine, Stock, Product)
            .join(OrderLine, Allocation.order_line_id == OrderLine.id)
            .join(Stock, Allocation.stock_id == Stock.id)
            .join(Product, Stock.product_id == Product.id)
            .where(OrderLine.order_id.in_([o.id for o in orders]))
        ).all()
        by_order: dict[int, list[tuple[Allocation, OrderLine, Stock, Product]]] = defaultdict(list)
        for allocation, line, stock, product in rows:
            by_order[line.order_id].append((allocation, line, stock, product))
        inputs = []
        for order in orders:
            open_picks = [(a, s, p) for a, _, s, p in by_order.get(order.id, []) if a.qty > a.qty_picked]
            if not open_picks:
                continue
            inputs.append(
                BatchOrder.of_picks(
                    str(order.id),
                    [
                        PickUnit(
                            str(a.id),
                            s.location.code,
                            float(p.length_cm * p.width_cm * p.height_cm),
                            float(p.weight_kg),
                            a.qty - a.qty_picked,
                        )
                        for a, s, p in open_picks
                    ],
                    f"{order.service_level}@{config.cutoff_for(order.service_level):%H:%M}",
                )
            )
        planned = batch_orders(layout, inputs, _cart(config), budget_s=config.picking.batching_budget_seconds)
        priority = {o.id: float(o.priority) for o in orders}
        row_of = {str(r[0].id): r for rows_ in by_order.values() for r in rows_}
        made = 0
        plans: list[PlannedBatch | None] = list(planned) or [None]  # put-backs alone still make a batch
        for index, plan in enumerate(plans):
            order_ids = plan.order_ids if plan else ()
            batch = Batch(status="ready", cutoff_key=plan.cutoff_key if plan else "put-back")
            batch.priority = max((priority[int(oid)] for oid in order_ids), default=0.0)
            if plan is not None and plan.parts > 1:
                # One order too big for a cart: each cart load is its own batch, pickable in parallel.
                batch.split_of = int(order_ids[0])
                batch.cutoff_key = f"{plan.cutoff_key} part {plan.part}/{plan.parts}"
            session.add(batch)
            session.flush()
            tasks: list[PickTask] = []
            for tote in plan.totes if plan else ():
                order_id = int(tote.order_id)
                session.add(BatchSlot(batch_id=batch.id, slot=tote.tote, order_id=order_id))
                for part in tote.picks:
                    allocation, line, stock, product = row_of[part.key]
                    tasks.append(
                        PickTask(
                            batch_id=batch.id,
                            seq=0,
                            kind="pick",
                            slot=tote.tote,
                            order_id=order_id,
                            order_line_id=line.id,
                            allocation_id=allocation.id,
                            stock_id=stock.id,
                            location_code=stock.location.code,
                            product_id=product.id,
                            lot=stock.lot,
                            qty=part.qty,
                        )
                    )
            if index == 0:
                for putback in putbacks:
                    location = session.get(Location, putback.location_id)
                    assert location is not None
                    tasks.append(
                        PickTask(
                            batch_id=batch.id,
                            seq=0,
                            kind="putback",
                            putback_id=putback.id,
                            order_id=putback.order_id,
                            location_code=location.code,
                            product_id=putback.product_id,
                            lot=putback.lot,
                            qty=putback.qty,
                            tote_code=putback.tote_code,
                        )
                    )
            order_of, planned_m, s_shape_m = sequence_codes(layout, [t.location_code for t in tasks])
            tasks.sort(key=lambda t: (order_of.get(t.location_code, 0), t.kind != "putback", t.slot or 0, t.id or 0))
            for seq, task in enumerate(tasks, start=1):
                task.seq = seq
            batch.planned_distance_m = planned_m
            batch.s_shape_distance_m = s_shape_m
            session.add_all(tasks)
            uow.record(
                actor,
                "batch.planned",
                subject=f"batch:{batch.id}",
                message=f"{len(order_ids)} orders, {len(tasks)} stops, {planned_m:.0f} m (S-shape {s_shape_m:.0f} m)",
                orders=[int(o) for o in order_ids],
            )
            made += 1
        uow.commit()
        return WaveReport(made, sum(len(b.order_ids) for b in planned), len(putbacks))
