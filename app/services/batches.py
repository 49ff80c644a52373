"""Wave planning: turn released orders into cart batches with an optimized pick path (run by `pickpack process`).

Each batch gets one tote slot per order (more when an order fills several totes) and one pick task per
reservation, in the order of the shortest walk (``app.domain.routing``). Open put-back work from cancelled
orders rides along as extra stops on the next batch.

Why three steps: the batching search takes up to ``[picking] batching_budget_seconds`` (2 s), and on SQLite a
write transaction holds the database's only write lock, so pickers' scans would wait on it. So the candidates
are read in a read-only unit of work, the search runs outside any transaction, and a short write transaction
applies the plan: it takes the planning lock (one planner at a time on PostgreSQL; SQLite's writers take turns
anyway), locks the orders and writes only the orders that are still exactly as they were read (released, on no
open batch, same service level, same open picks) and the put-backs no stop carries yet. An order that changed
meanwhile waits for the next pass; two concurrent passes never put an order or a put-back on two carts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.config.settings import Config
from app.db.models import Batch, PickTask
from app.db.queries.waves import FreePutback, OpenPick, WaveOrder
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.batching import BatchOrder, CartSpec, PickUnit, batch_orders
from app.domain.layout import Layout
from app.domain.orders import RELEASED
from app.domain.routing import s_shape_route, shortest_route
from app.services.authz import authorize

PUT_BACK_CUTOFF = "put-back"
"""``cutoff_key`` of a batch planned with no orders, only put-back stops."""


@dataclass(frozen=True)
class WaveReport:
    batches: int
    orders: int
    putbacks: int


@dataclass(frozen=True)
class _Tote:
    """A tote slot of a planned cart: the order in it and (allocation id, units) of each pick going into it."""

    slot: int
    order_id: int
    picks: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Draft:
    """A cart as the search planned it, before it is checked and written."""

    cutoff_key: str
    totes: tuple[_Tote, ...]
    split_of: int | None = None


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


WAVE_MAX_ORDERS = 240
"""Orders one planning call puts on carts, highest priority first; the rest wait for the next pass. Why: the
search's first greedy pass grows with the square of the orders (about 1 s for 240 here, minutes for 5,000 after
a large release), and pickers need only the next few carts; 240 orders fill about 30 carts of 8 totes."""


def plan_batches(db: Database, config: Config, layout: Layout, *, actor: Actor) -> WaveReport:
    """Batch the released orders not on a cart yet (the ``WAVE_MAX_ORDERS`` most urgent): read, search outside a
    transaction, write briefly."""
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "batches.wave")
        candidates = uow.wave_reads.unbatched_released_orders(WAVE_MAX_ORDERS)
        putbacks = uow.wave_reads.free_putbacks()
    if not candidates and not putbacks:
        return WaveReport(0, 0, 0)
    drafts = draft_batches(config, layout, candidates)
    routes = _routes_as_drafted(layout, drafts, candidates, putbacks)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.wave")
        report = _write_wave(uow, _Walks(layout, routes), drafts, candidates, putbacks, actor)
        uow.commit()
    return report


def draft_batches(config: Config, layout: Layout, candidates: Sequence[WaveOrder]) -> list[_Draft]:
    """The batching search over plain data (no transaction open): carts of orders, each tote with its picks."""
    inputs = [
        BatchOrder.of_picks(
            str(order.order_id),
            [
                PickUnit(str(p.allocation_id), p.location_code, p.unit_volume_cm3, p.unit_weight_kg, p.qty)
                for p in order.picks
            ],
            f"{order.service_level}@{config.cutoff_for(order.service_level):%H:%M}",
        )
        for order in candidates
        if order.picks
    ]
    planned = batch_orders(layout, inputs, _cart(config), budget_s=config.picking.batching_budget_seconds)
    drafts = []
    for plan in planned:
        totes = tuple(
            _Tote(t.tote, int(t.order_id), tuple((int(part.key), part.qty) for part in t.picks)) for t in plan.totes
        )
        if plan.parts > 1:  # one order too big for a cart: each cart load is its own batch, pickable in parallel
            key = f"{plan.cutoff_key} part {plan.part}/{plan.parts}"
            drafts.append(_Draft(key, totes, split_of=int(plan.order_ids[0])))
        else:
            drafts.append(_Draft(plan.cutoff_key, totes))
    return drafts


_Sequence = tuple[dict[str, int], float, float]


@dataclass(frozen=True)
class _Walks:
    """The layout plus the walks already computed outside the transaction, by their sorted distinct codes."""

    layout: Layout
    known: dict[tuple[str, ...], _Sequence]

    def sequence(self, codes: list[str]) -> _Sequence:
        found = self.known.get(tuple(sorted(set(codes))))
        return found if found is not None else sequence_codes(self.layout, codes)


def _routes_as_drafted(
    layout: Layout, drafts: Sequence[_Draft], candidates: Sequence[WaveOrder], putbacks: Sequence[FreePutback]
) -> dict[tuple[str, ...], _Sequence]:
    """The walk of every drafted cart (put-backs on the first), so the write only recomputes a cart that lost
    an order meanwhile."""
    where = {p.allocation_id: p.location_code for c in candidates for p in c.picks}
    routes: dict[tuple[str, ...], _Sequence] = {}
    for index, draft in enumerate(drafts or [_Draft(PUT_BACK_CUTOFF, ())]):
        codes = [where[allocation_id] for t in draft.totes for allocation_id, _ in t.picks]
        codes += [p.location_code for p in putbacks] if index == 0 else []
        routes[tuple(sorted(set(codes)))] = sequence_codes(layout, codes)
    return routes


def _still_as_read(uow: UnitOfWork, candidates: Sequence[WaveOrder]) -> dict[int, WaveOrder]:
    """The candidates that are unchanged since they were read (the orders locked first), by id, as they are now."""
    ids = [c.order_id for c in candidates]
    uow.orders.hold_planning_lock()
    uow.orders.lock_for_status_change(ids)
    now = uow.wave_reads.wave_orders(ids)

    def same(was: WaveOrder, is_: WaveOrder | None) -> bool:
        return (
            is_ is not None
            and is_.status == RELEASED
            and (is_.service_level, is_.picks) == (was.service_level, was.picks)
        )

    return {c.order_id: now[c.order_id] for c in candidates if same(c, now.get(c.order_id))}


def _write_wave(
    uow: UnitOfWork,
    walks: _Walks,
    drafts: list[_Draft],
    candidates: Sequence[WaveOrder],
    putbacks: Sequence[FreePutback],
    actor: Actor,
) -> WaveReport:
    """Write the drafts for the orders still eligible; put-backs still free ride on the first batch written."""
    eligible = _still_as_read(uow, candidates)
    free_now = set(uow.wave_reads.free_putbacks())
    waiting = [p for p in putbacks if p in free_now]
    made = orders = 0
    carried = len(waiting)
    for draft in drafts or [_Draft(PUT_BACK_CUTOFF, ())]:  # put-backs alone still make a batch
        kept = [t for t in draft.totes if t.order_id in eligible]
        if draft.split_of is not None and len(kept) != len(draft.totes):
            kept = []  # a cart load of an order that changed: the whole order waits for the next pass
        # the picker sets up slots 1..n: an order that dropped out must not leave a gap ("tote 7 of 6")
        totes = tuple(replace(t, slot=n) for n, t in enumerate(kept, 1))
        if not totes and not waiting:
            continue
        order_ids = tuple(dict.fromkeys(t.order_id for t in totes))
        _write_batch(uow, walks, draft, totes, order_ids, eligible, waiting, actor)
        made += 1
        orders += len(order_ids)
        waiting = []
    return WaveReport(made, orders, carried if made else 0)


def _write_batch(
    uow: UnitOfWork,
    walks: _Walks,
    draft: _Draft,
    totes: tuple[_Tote, ...],
    order_ids: tuple[int, ...],
    eligible: dict[int, WaveOrder],
    putbacks: Sequence[FreePutback],
    actor: Actor,
) -> None:
    batch = Batch(status="ready", cutoff_key=draft.cutoff_key, split_of=draft.split_of)
    batch.priority = max((eligible[oid].priority for oid in order_ids), default=0.0)
    uow.batches.add(batch)
    uow.batches.flush()
    picks = {p.allocation_id: p for oid in order_ids for p in eligible[oid].picks}
    for tote in totes:
        uow.orders.seat_on_batch(batch.id, tote.slot, tote.order_id)
    tasks = _pick_tasks(batch.id, totes, picks) + _putback_tasks(batch.id, putbacks)
    order_of, planned_m, s_shape_m = walks.sequence([t.location_code for t in tasks])
    tasks.sort(key=lambda t: (order_of.get(t.location_code, 0), t.kind != "putback", t.slot or 0))
    for seq, task in enumerate(tasks, start=1):
        task.seq = seq
    batch.planned_distance_m = planned_m
    batch.s_shape_distance_m = s_shape_m
    uow.tasks.add_all(tasks)
    uow.record(
        actor,
        "batch.planned",
        subject=f"batch:{batch.id}",
        message=f"{len(order_ids)} orders, {len(tasks)} stops, {planned_m:.0f} m (S-shape {s_shape_m:.0f} m)",
        orders=list(order_ids),
    )


def _pick_tasks(batch_id: int, totes: Sequence[_Tote], picks: dict[int, OpenPick]) -> list[PickTask]:
    """One stop per pick of each tote, in tote order (the walk orders them afterwards)."""
    tasks = []
    for tote in totes:
        for allocation_id, qty in tote.picks:
            pick = picks[allocation_id]
            tasks.append(
                PickTask(
                    batch_id=batch_id,
                    seq=0,
                    kind="pick",
                    slot=tote.slot,
                    order_id=tote.order_id,
                    order_line_id=pick.order_line_id,
                    allocation_id=allocation_id,
                    stock_id=pick.stock_id,
                    location_code=pick.location_code,
                    product_id=pick.product_id,
                    lot=pick.lot,
                    qty=qty,
                )
            )
    return tasks


def _putback_tasks(batch_id: int, putbacks: Sequence[FreePutback]) -> list[PickTask]:
    """One stop per put-back: goods of a cancelled order back to their shelf, from the tote named."""
    return [
        PickTask(
            batch_id=batch_id,
            seq=0,
            kind="putback",
            putback_id=p.putback_id,
            order_id=p.order_id,
            location_code=p.location_code,
            product_id=p.product_id,
            lot=p.lot,
            qty=p.qty,
            tote_code=p.tote_code,
        )
        for p in putbacks
    ]
