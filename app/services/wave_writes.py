"""Wave planning's write: the drafted carts written in turns with the floor, a cart (or a split order's loads)
per short write transaction, the write lock left free between them (``app.services.write_turns``).

Why turns: a whole wave (240 orders, 30 carts, ~1,150 stops) in one transaction held SQLite's only write lock
for 0.5-0.8 s of CPU at 100,000 open orders, and every picker's scan waited behind it (issue 14: never more
than 100 ms). Each turn takes the planning lock (one planner at a time on PostgreSQL; SQLite's writers take
turns anyway), locks and re-reads only its own orders, and writes those still exactly as the search read them
(released, on no open batch, same service level, same open picks). An order that changed meanwhile waits for the
next pass; an order another planner seated meanwhile is on an open batch, so it is not "as read" and stays off
this planner's carts: two concurrent passes never put an order on two carts. A split order's cart loads are
written in one turn, all or none. The put-backs the read found free ride on the first batch written, checked
free again in that turn. The pacer (``write_turns.Pacer``) puts several carts in one turn when they are cheap.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from app.db.models import Batch
from app.db.queries.waves import FreePutback, OpenPick, WaveOrder
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.domain.orders import RELEASED
from app.domain.routing import s_shape_route, shortest_route
from app.services.authz import authorize
from app.services.write_turns import Pacer, in_turn

PUT_BACK_CUTOFF = "put-back"
"""``cutoff_key`` of a batch planned with no orders, only put-back stops."""
MOST_CARTS_PER_TURN = 4
"""The pacer's ceiling: a turn never writes more carts than this, however cheap they were."""


@dataclass(frozen=True)
class WaveReport:
    batches: int
    orders: int
    putbacks: int


@dataclass(frozen=True)
class Tote:
    """A tote slot of a planned cart: the order in it and (allocation id, units) of each pick going into it."""

    slot: int
    order_id: int
    picks: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Draft:
    """A cart as the search planned it, before it is checked and written."""

    cutoff_key: str
    totes: tuple[Tote, ...]
    split_of: int | None = None


_Sequence = tuple[dict[str, int], float, float]


def sequence_codes(layout: Layout, codes: list[str]) -> _Sequence:
    """Position of each code on the shortest walk, that walk's length and the S-shape length for comparison."""
    distinct = sorted(set(codes))
    if not distinct:
        return {}, 0.0, 0.0
    route = shortest_route(layout, distinct)
    s_shape = s_shape_route(layout, distinct)
    return {code: i for i, code in enumerate(route.sequence)}, route.distance, s_shape.distance


@dataclass(frozen=True)
class Walks:
    """The layout plus the walks already computed outside the transaction, by their sorted distinct codes."""

    layout: Layout
    known: dict[tuple[str, ...], _Sequence]

    def sequence(self, codes: list[str]) -> _Sequence:
        found = self.known.get(tuple(sorted(set(codes))))
        return found if found is not None else sequence_codes(self.layout, codes)


def turns_of(drafts: Sequence[Draft]) -> list[tuple[Draft, ...]]:
    """The drafts as units of one turn each: every cart alone, except a split order's loads, which go together
    (at the place of its first load) so that they are written all or none."""
    groups: dict[object, list[Draft]] = {}
    for index, draft in enumerate(drafts):
        key = ("split", draft.split_of) if draft.split_of is not None else index
        groups.setdefault(key, []).append(draft)
    return [tuple(group) for group in groups.values()]


def write_in_turns(
    db: Database,
    actor: Actor,
    walks: Walks,
    drafts: Sequence[Draft],
    candidates: Sequence[WaveOrder],
    putbacks: Sequence[FreePutback],
) -> WaveReport:
    """Write the drafts, a few carts per write transaction (``in_turn``), and add up what was written."""
    turns = turns_of(drafts or [Draft(PUT_BACK_CUTOFF, ())])  # put-backs alone still make a batch
    by_id = {c.order_id: c for c in candidates}
    pacer = Pacer(1, MOST_CARTS_PER_TURN)
    riding: Sequence[FreePutback] = putbacks  # decided in the first turn: on its first batch, or none free
    total = WaveReport(0, 0, 0)
    start = 0
    while start < len(turns):
        chunk = [draft for turn in turns[start : start + pacer.size] for draft in turn]
        first = start == 0
        written, held = in_turn(db, partial(_write_turn, db, actor, walks, chunk, by_id, riding, first))
        start += min(pacer.size, len(turns) - start)
        pacer.took(held, len(chunk))
        riding = ()
        total = WaveReport(
            total.batches + written.batches, total.orders + written.orders, total.putbacks + written.putbacks
        )
    return total


def _write_turn(
    db: Database,
    actor: Actor,
    walks: Walks,
    drafts: Sequence[Draft],
    by_id: dict[int, WaveOrder],
    putbacks: Sequence[FreePutback],
    first: bool,
) -> tuple[WaveReport, float]:
    """One write transaction: (what it wrote, seconds of work holding the lock, the commit left out as in
    allocation's turns: it costs the same at any size). The actor is asked again in the first turn only (a
    right taken away during the search stops the write; the later turns are the same write, split for the
    floor, and the check cost ~3 ms of each)."""
    with db.unit_of_work() as uow:
        uow.session.connection()  # begin now (the write lock on SQLite), not at the first query
        began = time.perf_counter()
        if first:
            authorize(uow, actor, "batches.wave")
        ids = list(dict.fromkeys(t.order_id for d in drafts for t in d.totes))
        eligible = _still_as_read(uow, [by_id[i] for i in ids])
        free_now = set(uow.wave_reads.free_putbacks([p.putback_id for p in putbacks])) if putbacks else set()
        written = _write_drafts(uow, walks, drafts, eligible, [p for p in putbacks if p in free_now], actor)
        worked = time.perf_counter() - began
        uow.commit()
    return written, worked


def _still_as_read(uow: UnitOfWork, candidates: Sequence[WaveOrder]) -> dict[int, WaveOrder]:
    """The candidates that are unchanged since they were read (the planning lock held and the orders locked
    first), by id, as they are now. Only the turn's own orders: a few rows, read as plain rows."""
    ids = [c.order_id for c in candidates]
    uow.orders.hold_planning_lock()
    uow.wave_reads.lock_orders(ids)
    now = uow.wave_reads.wave_orders(ids)

    def same(was: WaveOrder, is_: WaveOrder | None) -> bool:
        return (
            is_ is not None
            and is_.status == RELEASED
            and (is_.service_level, is_.picks) == (was.service_level, was.picks)
        )

    return {c.order_id: now[c.order_id] for c in candidates if same(c, now.get(c.order_id))}


def _write_drafts(
    uow: UnitOfWork,
    walks: Walks,
    drafts: Sequence[Draft],
    eligible: dict[int, WaveOrder],
    waiting: Sequence[FreePutback],
    actor: Actor,
) -> WaveReport:
    """Write the drafts for the orders still eligible; the put-backs ``waiting`` ride on the first batch
    written."""
    made = orders = 0
    carried = len(waiting)
    for draft in drafts:
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
    walks: Walks,
    draft: Draft,
    totes: tuple[Tote, ...],
    order_ids: tuple[int, ...],
    eligible: dict[int, WaveOrder],
    putbacks: Sequence[FreePutback],
    actor: Actor,
) -> None:
    """The batch row, its slots and its stops in walking order (stops as plain rows: one INSERT)."""
    picks = {p.allocation_id: p for oid in order_ids for p in eligible[oid].picks}
    stops = _pick_stops(totes, picks) + _putback_stops(putbacks)
    order_of, planned_m, s_shape_m = walks.sequence([s["location_code"] for s in stops])
    stops.sort(key=lambda s: (order_of.get(s["location_code"], 0), s["kind"] != "putback", s["slot"] or 0))
    batch = Batch(status="ready", cutoff_key=draft.cutoff_key, split_of=draft.split_of)
    batch.priority = max((eligible[oid].priority for oid in order_ids), default=0.0)
    batch.planned_distance_m, batch.s_shape_distance_m = planned_m, s_shape_m
    uow.batches.add(batch)
    uow.batches.flush()
    uow.batches.seat_orders(batch.id, [(t.slot, t.order_id) for t in totes])
    uow.tasks.insert_planned([{**stop, "batch_id": batch.id, "seq": n} for n, stop in enumerate(stops, 1)])
    uow.record(
        actor,
        "batch.planned",
        subject=f"batch:{batch.id}",
        message=f"{len(order_ids)} orders, {len(stops)} stops, {planned_m:.0f} m (S-shape {s_shape_m:.0f} m)",
        orders=list(order_ids),
    )


def _pick_stops(totes: Sequence[Tote], picks: dict[int, OpenPick]) -> list[dict[str, Any]]:
    """One stop per pick of each tote, in tote order (the walk orders them afterwards)."""
    return [
        _stop("pick", tote.order_id, picks[allocation_id].location_code, picks[allocation_id].product_id,
              picks[allocation_id].lot, qty, slot=tote.slot, order_line_id=picks[allocation_id].order_line_id,
              allocation_id=allocation_id, stock_id=picks[allocation_id].stock_id)
        for tote in totes
        for allocation_id, qty in tote.picks
    ]  # fmt: skip


def _putback_stops(putbacks: Sequence[FreePutback]) -> list[dict[str, Any]]:
    """One stop per put-back: goods of a cancelled order back to their shelf, from the tote named."""
    return [
        _stop("putback", p.order_id, p.location_code, p.product_id, p.lot, p.qty, putback_id=p.putback_id,
              tote_code=p.tote_code)
        for p in putbacks
    ]  # fmt: skip


def _stop(kind: str, order_id: int, code: str, product_id: int, lot: str, qty: int, **rest: Any) -> dict[str, Any]:
    """A stop's row, every row with the same columns (one executemany INSERT or COPY takes them all)."""
    row: dict[str, Any] = dict.fromkeys(("slot", "order_line_id", "allocation_id", "stock_id", "putback_id"))
    row.update(kind=kind, order_id=order_id, location_code=code, product_id=product_id, lot=lot, qty=qty)
    row.update(tote_code="", **rest)
    return row
