"""Automated order processing (`pickpack process`): allocate new orders, retry backorders, recompute priorities
and release allocated orders to picking by priority, following the rules of ``[release]`` in config.toml.

A pass shares the database with every terminal on the floor, so it never holds the write lock for long:
re-scoring touches only the orders the clock moved and writes them ``RESCORE_CHUNK`` at a time
(``orders.reprioritise``), allocation takes as many orders per transaction as fit in
``write_turns.TARGET_HOLD_S`` (``ALLOCATE_CHUNK`` to begin with, at most ``ALLOCATE_MOST``), releasing
``RELEASE_CHUNK`` (at most ``max_orders_per_pass`` in a pass), and each of those transactions is run again when
the database is busy (``app.db.retry.retry_busy``) instead of failing the pass.

A pass acts as the built-in system user (``pickpack process``) or a supervisor (release a wave now): the actor is
checked before the first step (``orders.process``) and again inside each transaction that writes events.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from app.config.settings import Config
from app.db.retry import retry_busy
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, BACKORDERED, NEW, ON_HOLD, RELEASED
from app.services import allocation
from app.services.allocation import AllocationReport
from app.services.authz import authorize
from app.services.batches import WaveReport, plan_batches
from app.services.order_status import set_status
from app.services.orders import reprioritise
from app.services.write_turns import Pacer, in_turn


@dataclass(frozen=True)
class ProcessReport:
    allocated: int
    backordered: int
    split: int
    released: int
    held_for_review: int
    reprioritised: int
    batches: int = 0

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


ALLOCATE_CHUNK = 25
"""Orders in a pass's first allocation transaction; the next ones are sized from the time the last ones took
(``write_turns.Pacer``). At 100,000 open orders 500 at a time held SQLite's write lock for 240 ms of CPU (a
picker's scan waited up to 2.7 s behind a series of them); a fixed 25 held it up to 95 ms (a scan waited
108 ms: the busy handler's try after 78 ms comes at 103 ms)."""
ALLOCATE_MOST = 100
"""The most orders a paced allocation transaction takes (an idle machine with small orders)."""
RELEASE_CHUNK = 20
"""Orders released per write transaction (each is a status change with its event and maybe a hold: about 1.6 ms
of CPU per order at 100,000 open orders, so 20 stay near 35 ms)."""
RESCORE_CHUNK = 100
"""Orders re-scored per write transaction (each row moves four index entries)."""


def release_orders(db: Database, config: Config, *, actor: Actor, chunk: int = RELEASE_CHUNK) -> tuple[int, int]:
    """Release allocated orders to picking, highest priority first (same-day first when configured), at most
    ``[release] max_orders_per_pass`` orders in all, in transactions of ``chunk`` orders.

    Each transaction is a whole unit, safe to run again; a busy database runs that one again, and the floor gets
    its turn after each (``app.services.write_turns``). Returns (released, held for review)."""
    released = held = 0
    budget = config.release.max_orders_per_pass
    while budget > 0:
        size = min(chunk, budget)
        done, stopped, seen = in_turn(db, partial(_release_chunk, db, config, actor, size))
        released, held, budget = released + done, held + stopped, budget - seen
        if seen < size:
            break
    return released, held


def _release_chunk(db: Database, config: Config, actor: Actor, limit: int) -> tuple[int, int, int]:
    """One transaction: release (or hold for review) up to ``limit`` allocated orders; (released, held, seen)."""
    rules = config.release
    released = held = seen = 0
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.process")
        for order in uow.orders.claim_allocated(same_day_first=rules.same_day_first, limit=limit):
            seen += 1
            limit_value = rules.hold_value_above
            if limit_value and float(order.order_value) > limit_value and not order.value_review_approved:
                allocation.release_stock(uow, order)
                reason = f"value {order.order_value} {order.currency} above review limit {limit_value:g}: needs review"
                set_status(uow, order, ON_HOLD, actor, reason)
                order.hold_reason = reason
                held += 1
                continue
            set_status(uow, order, RELEASED, actor, f"released to picking (priority {float(order.priority):g})")
            released += 1
        uow.commit()
    return released, held, seen


def allocate_in_turns(
    db: Database,
    actor: Actor,
    *,
    order_ids: list[int] | None = None,
    chunk: int = ALLOCATE_CHUNK,
    most_new: int | None = None,
) -> AllocationReport:
    """``allocation.allocate`` in turns with the floor: every new order (of ``order_ids`` when given; the
    ``most_new`` most urgent when given) and each backorder from before once, ``chunk`` orders in the first
    write transaction and then as many as the pacer allows (``write_turns.Pacer``: each transaction aimed at
    ``TARGET_HOLD_S`` of lock held), the write lock left free in between."""
    total = AllocationReport()
    pacer = Pacer(chunk, max(chunk, ALLOCATE_MOST))
    left = most_new  # None: every new order
    with db.unit_of_work(readonly=True) as uow:
        waiting = uow.orders.backordered_ids(order_ids)
    while left is None or left > 0:  # every chunk moves its orders out of "new", so this ends
        size = pacer.size if left is None else min(pacer.size, left)
        report, seen, held = in_turn(db, partial(_allocate_chunk, db, actor, (NEW,), order_ids, size))
        total += report
        if seen == 0:
            break
        left = None if left is None else left - seen
        pacer.took(held, seen)
    start = 0
    while start < len(waiting):
        ids = waiting[start : start + pacer.size]
        report, _, held = in_turn(db, partial(_allocate_chunk, db, actor, (BACKORDERED,), ids, len(ids)))
        total += report
        pacer.took(held, len(ids))
        start += len(ids)
    return total


def _allocate_chunk(
    db: Database, actor: Actor, statuses: tuple[str, ...], ids: list[int] | None, limit: int
) -> tuple[AllocationReport, int, float]:
    """One transaction: (report, orders seen, seconds of work while holding the locks).

    The clock starts once the transaction has begun (on SQLite, once ``BEGIN IMMEDIATE`` got the lock) and stops
    before the commit: the wait for a scan that held the lock is not this transaction's cost, and the commit
    costs the same whatever the size (on a loaded PostgreSQL server it took 100 ms); counting either would
    shrink the next transactions without shortening them."""
    with db.unit_of_work() as uow:
        uow.session.connection()  # begin now (the write lock on SQLite), not at the first query
        began = time.perf_counter()
        report, seen = allocation.allocate_batch(uow, actor=actor, statuses=statuses, order_ids=ids, limit=limit)
        worked = time.perf_counter() - began
        uow.commit()
        return report, seen, worked


def process_once(
    db: Database, config: Config, *, actor: Actor, layout: Layout | None = None, now: datetime | None = None
) -> ProcessReport:
    """One pass; with a ``layout``, released orders are also planned into cart batches for the pickers.

    Re-scoring comes first so that allocation and release see today's priorities; whole-transaction steps are
    retried when the database is busy (a pass must not die because a picker was writing at that moment).
    """
    now = now or datetime.now(UTC)
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "orders.process")  # before scoring and allocation, which write without asking
    changed = reprioritise(
        db, config, statuses=(NEW, BACKORDERED, ALLOCATED, ON_HOLD, RELEASED), now=now, chunk_size=RESCORE_CHUNK
    )
    report = allocate_in_turns(db, actor)
    released, held = release_orders(db, config, actor=actor)
    wave = WaveReport(0, 0, 0)
    if layout is not None:
        floor = layout  # a plain local for the closure (the narrowed optional does not carry into it)
        wave = retry_busy(lambda: plan_batches(db, config, floor, actor=actor))
    return ProcessReport(report.allocated, report.backordered, report.split, released, held, changed, wave.batches)
