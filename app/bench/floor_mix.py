"""A floor in the middle of a shift for the screen benchmarks: orders in every status, each with its history.

Why: a database where every order is ``new`` is not what a terminal meets. Orders are imported through the
normal intake and allocated by the real allocator (stock reserved); then each order is walked through the
statuses up to its target one (released, picking, picked, packing, packed, shipped) one legal move at a time,
every move written with its ``order.status`` event (``app.services.order_status.set_statuses``, the bulk writer
allocation uses). A first share of released orders is planned into cart batches by the real batcher.

What this leaves out, and every benchmark using it says so: orders past ``released`` got there by status moves
only, so they have no pick tasks, packed cartons, labels or shipments of their own; released orders beyond the
batched share are on no cart (the batcher's greedy seeding took about a minute for 600 orders in one wave on the
2-core machine, too long for a quick run); all events carry the set-up's time.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.bench.intake import shopify_orders
from app.config import Config
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, NEW, PACKED, PACKING, PICKED, PICKING, RELEASED, SHIPPED
from app.services import allocation, intake
from app.services.batches import plan_batches
from app.services.order_status import StatusChange, set_statuses
from app.services.supervision.lookups import orders_in

PATH = (RELEASED, PICKING, PICKED, PACKING, PACKED, SHIPPED)
"""The moves an allocated order makes on its way out, in order."""
CHUNK = 2_000
WAVE = 120
"""Released orders planned into batches at a time: the batcher's greedy seeding grows faster than the wave."""


@dataclass(frozen=True)
class Mix:
    counts: dict[str, int]
    """Orders per status after the set-up (the benchmark prints it)."""
    batches: int
    """Cart batches planned for the released orders."""

    def describe(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in self.counts.items() if n)


def import_generated(
    db: Database, config: Config, work: Path, n: int, skus: list[str], *, seed: int, tag: str, actor: Actor
) -> list[int]:
    """Import ``n`` generated Shopify orders (in files of 10,000) through the normal intake; their ids."""
    rng = random.Random(seed)
    ids: list[int] = []
    for start in range(0, n, 10_000):
        doc = shopify_orders(min(10_000, n - start), skus, rng)
        for order in doc["orders"]:  # type: ignore[union-attr]
            order["id"] += start + seed * 10_000_000  # type: ignore[index,operator]
            order["name"] = f"#{tag}{order['id']}"  # type: ignore[index]
        path = work / f"{tag}.json"
        path.write_text(json.dumps(doc))
        report = intake.import_orders(db, config, path, actor=actor)
        assert report.applied, report.problems[:3]
        ids.extend(report.order_ids)
    return ids


def walk(db: Database, targets: Mapping[str, int], actor: Actor) -> None:
    """Move allocated orders on towards their targets (``{status: how many}``), one legal move at a time."""
    allocated = orders_in(db, [ALLOCATED], limit=sum(targets.values()) + 1)
    queue = iter(allocated)
    plan: dict[str, list[tuple[int, str]]] = {}
    for status in PATH:
        plan[status] = [(order_id, number) for order_id, number, _ in _take(queue, targets.get(status, 0))]
    for step, status in enumerate(PATH):
        before = ALLOCATED if step == 0 else PATH[step - 1]
        moving = [o for target in PATH[step:] for o in plan[target]]
        for start in range(0, len(moving), CHUNK):
            changes = [
                StatusChange(order_id, number, before, status, f"bench set-up: {status}")
                for order_id, number in moving[start : start + CHUNK]
            ]
            with db.unit_of_work() as uow:
                set_statuses(uow, changes, actor)
                uow.commit()


def _take(rows: object, n: int) -> list[tuple[int, str, str]]:
    taken = []
    for _ in range(n):
        row = next(rows, None)  # type: ignore[call-overload]
        if row is None:
            break
        taken.append(row)
    return taken


def build_mix(
    db: Database,
    config: Config,
    layout: Layout,
    work: Path,
    skus: list[str],
    shares: Mapping[str, int],
    *,
    batched: int,
    actor: Actor,
) -> Mix:
    """Import and allocate ``sum(shares)`` orders but the ``new`` share, release ``batched`` of them and plan
    them into cart batches, walk the others to their statuses, then import the ``new`` share (orders that
    arrived since the last processing pass).
    ``shares`` maps each status of ``new, allocated`` and ``PATH`` to a count."""
    keep_new = shares.get(NEW, 0)
    import_generated(db, config, work, sum(shares.values()) - keep_new, skus, seed=1, tag="MIX", actor=actor)
    allocation.allocate(db, actor=actor, include_backorders=False)
    batched = min(batched, shares.get(RELEASED, 0))
    batches = 0
    for start in range(0, batched, WAVE):  # released and batched a wave at a time, as process passes do
        walk(db, {RELEASED: min(WAVE, batched - start)}, actor)
        batches += plan_batches(db, config, layout, actor=actor).batches
    walk(db, {s: shares.get(s, 0) - (batched if s == RELEASED else 0) for s in PATH}, actor)
    import_generated(db, config, work, keep_new, skus, seed=2, tag="NEW", actor=actor)  # arrived since the pass
    return Mix(count_by_status(db, [NEW, ALLOCATED, *PATH]), batches)


def count_by_status(db: Database, statuses: Sequence[str]) -> dict[str, int]:
    from app.services.supervision.lookups import count_orders

    return {status: count_orders(db, [status]) for status in statuses}
