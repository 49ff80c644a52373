"""Wave planning: turn released orders into cart batches with an optimized pick path (run by `pickpack process`).

Each batch gets one tote slot per order (more when an order fills several totes) and one pick task per
reservation, in the order of the shortest walk (``app.domain.routing``). Open put-back work from cancelled
orders rides along as extra stops on the next batch.

Why three steps: the batching search takes up to ``[picking] batching_budget_seconds`` (2 s), and on SQLite a
write transaction holds the database's only write lock, so pickers' scans would wait on it. So the candidates
are read in a read-only unit of work, the search runs outside any transaction, and short write transactions
apply the plan a cart or a few at a time, the write lock left free between them (``app.services.wave_writes``):
each takes the planning lock (one planner at a time on PostgreSQL; SQLite's writers take turns anyway), locks
its orders and writes only those still exactly as they were read (released, on no open batch, same service
level, same open picks); the put-backs no stop carries yet ride on the first batch written. An order that
changed meanwhile waits for the next pass; two concurrent passes never put an order or a put-back on two carts.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.config.settings import Config
from app.db.queries.waves import FreePutback, WaveOrder
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.batching import BatchOrder, CartSpec, PickUnit, batch_orders
from app.domain.layout import Layout
from app.services.authz import authorize
from app.services.wave_writes import (
    PUT_BACK_CUTOFF,
    Draft,
    Tote,
    Walks,
    WaveReport,
    sequence_codes,
    write_in_turns,
)

__all__ = ["PUT_BACK_CUTOFF", "WAVE_MAX_ORDERS", "WaveReport", "draft_batches", "plan_batches", "sequence_codes"]


def _cart(config: Config) -> CartSpec:
    p = config.picking
    return CartSpec(p.cart_totes, p.tote_volume_cm3, p.tote_weight_kg)


WAVE_MAX_ORDERS = 240
"""Orders one planning call puts on carts, highest priority first; the rest wait for the next pass. Why: the
search's first greedy pass grows with the square of the orders (about 1 s for 240 here, minutes for 5,000 after
a large release), and pickers need only the next few carts; 240 orders fill about 30 carts of 8 totes."""


def plan_batches(db: Database, config: Config, layout: Layout, *, actor: Actor) -> WaveReport:
    """Batch the released orders not on a cart yet (the ``WAVE_MAX_ORDERS`` most urgent): read, search outside a
    transaction, write a few carts per short transaction (``wave_writes.write_in_turns``)."""
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "batches.wave")
        candidates = uow.wave_reads.unbatched_released_orders(WAVE_MAX_ORDERS)
        putbacks = uow.wave_reads.free_putbacks()
    if not candidates and not putbacks:
        return WaveReport(0, 0, 0)
    drafts = draft_batches(config, layout, candidates)
    routes = _routes_as_drafted(layout, drafts, candidates, putbacks)
    return write_in_turns(db, actor, Walks(layout, routes), drafts, candidates, putbacks)


def draft_batches(config: Config, layout: Layout, candidates: Sequence[WaveOrder]) -> list[Draft]:
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
            Tote(t.tote, int(t.order_id), tuple((int(part.key), part.qty) for part in t.picks)) for t in plan.totes
        )
        if plan.parts > 1:  # one order too big for a cart: each cart load is its own batch, pickable in parallel
            key = f"{plan.cutoff_key} part {plan.part}/{plan.parts}"
            drafts.append(Draft(key, totes, split_of=int(plan.order_ids[0])))
        else:
            drafts.append(Draft(plan.cutoff_key, totes))
    return drafts


def _routes_as_drafted(
    layout: Layout, drafts: Sequence[Draft], candidates: Sequence[WaveOrder], putbacks: Sequence[FreePutback]
) -> dict[tuple[str, ...], tuple[dict[str, int], float, float]]:
    """The walk of every drafted cart (put-backs on the first), so the write only recomputes a cart that lost
    an order meanwhile."""
    where = {p.allocation_id: p.location_code for c in candidates for p in c.picks}
    routes: dict[tuple[str, ...], tuple[dict[str, int], float, float]] = {}
    for index, draft in enumerate(drafts or [Draft(PUT_BACK_CUTOFF, ())]):
        codes = [where[allocation_id] for t in draft.totes for allocation_id, _ in t.picks]
        codes += [p.location_code for p in putbacks] if index == 0 else []
        routes[tuple(sorted(set(codes)))] = sequence_codes(layout, codes)
    return routes
