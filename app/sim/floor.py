"""Read-only looks at the floor the simulator needs: the catalog for mistakes, the packing shelf, totes in use,
the office's targets, and whether a killed station's work is still open (read through
``app.services.supervision.lookups``).

Why here and not in the drivers: a person at a station sees the shelf and the cart, not the station's answer
alone. Everything in this module only reads (``readonly=True`` units), so the simulator never changes the floor
except through the stations and the services a supervisor uses.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.domain.orders import PACKING, PICKED
from app.services.runtime import Database
from app.services.supervision import lookups
from app.sim.drivers import Catalog, PackJob

REFUSED_COOLDOWN_S = 5.0
"""An order a packer could not open (short pending, cancelled meanwhile...) is left alone this long."""


def load_catalog(db: Database) -> Catalog:
    """Products' unit GTINs, shelves without stock (wrong locations that are never right by chance) and lots."""
    facts = lookups.catalog_facts(db)
    return Catalog(tuple((sku, gtin) for sku, gtin in facts.gtins if gtin), facts.empty_locations, facts.lots)


def totes_in_use(db: Database) -> set[str]:
    return lookups.totes_in_use(db)


def packable(db: Database) -> list[PackJob]:
    """Orders waiting on the packing shelf (picked or being packed, no short waiting for a supervisor), one tote
    each, highest priority first."""
    return [PackJob(*row) for row in lookups.orders_on_packing_shelf(db, (PICKED, PACKING))]


class PackQueue:
    """Shares the packing shelf between packers: each order goes to one packer until it ships or is refused, so
    two packers never fight over one order."""

    def __init__(
        self,
        fetch: Callable[[], Sequence[PackJob]],
        rng: random.Random,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._rng = rng
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, PackJob] = {}
        self._cooldown: dict[int, float] = {}

    def take(self, packer: str) -> PackJob | None:
        with self._lock:
            mine = self._held.get(packer)
            if mine is not None:
                return mine
        jobs = self._fetch()
        now = self._clock()
        with self._lock:
            taken = {job.order_id for job in self._held.values()}
            free = [j for j in jobs if j.order_id not in taken and self._cooldown.get(j.order_id, 0.0) <= now]
            if not free:
                return None
            job = free[0] if self._rng.random() < 0.7 else self._rng.choice(free)
            self._held[packer] = job
            return job

    def release(self, packer: str) -> None:
        with self._lock:
            self._held.pop(packer, None)

    def refused(self, packer: str) -> None:
        with self._lock:
            job = self._held.pop(packer, None)
            if job is not None:
                self._cooldown[job.order_id] = self._clock() + REFUSED_COOLDOWN_S


@dataclass(frozen=True)
class OrderRef:
    id: int
    number: str
    status: str


def orders_in(
    db: Database, statuses: Sequence[str], *, short_pending: bool | None = None, limit: int = 200
) -> list[OrderRef]:
    return [OrderRef(*row) for row in lookups.orders_in(db, statuses, short_pending=short_pending, limit=limit)]


def order_lines(db: Database, order_id: int) -> list[tuple[str, int]]:
    """(sku, quantity ordered) of each line of an order."""
    return lookups.order_lines(db, order_id)


def anything_picked(db: Database, number: str) -> bool:
    return bool(lookups.units_picked(db, number))


def count_orders(db: Database, statuses: Sequence[str]) -> int:
    return lookups.count_orders(db, statuses)


@dataclass(frozen=True)
class BatchRef:
    id: int
    status: str
    picker: str | None


def open_batches(db: Database) -> list[BatchRef]:
    return [BatchRef(b.id, b.status, b.picker) for b in lookups.open_batches(db)]


def work_still_open(db: Database, role: str, user: str, work: object) -> bool:
    """Whether the work a killed station had in hand is still that worker's: a batch still being picked by them,
    or an order still at packing. A restarted station must show such work again."""
    if role == "pick":
        if not isinstance(work, int):
            return False
        held = lookups.batch_holder(db, work)
        return held is not None and held.status == "picking" and held.picker == user
    return lookups.order_status(db, str(work)) in (PACKING, "packed")


def shipped_since(db: Database, since: datetime) -> int:
    """Orders shipped at or after ``since``, counted by the database: a ``!ship`` whose answer was lost to a
    ``kill -9`` still shipped, so the packers' own tally can be lower."""
    return lookups.shipped_since(db, since)
