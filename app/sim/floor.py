"""Read-only looks at the database the simulator needs: the catalog for mistakes, the packing shelf, totes in use,
the office's targets, and whether a killed station's work is still open.

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

from sqlalchemy import func, select

from app.db.models import Batch, Location, Order, OrderLine, Product, Stock, Tote, User
from app.db.unit_of_work import Database
from app.domain.orders import PACKING, PICKED
from app.sim.drivers import Catalog, PackJob

REFUSED_COOLDOWN_S = 5.0
"""An order a packer could not open (short pending, cancelled meanwhile...) is left alone this long."""


def load_catalog(db: Database) -> Catalog:
    """Products' unit GTINs, shelves without stock (wrong locations that are never right by chance) and lots."""
    with db.unit_of_work(readonly=True) as uow:
        s = uow.session
        gtins = tuple((sku, gtin) for sku, gtin in s.execute(select(Product.sku, Product.gtin).order_by(Product.sku)))
        stocked = select(Stock.location_id).distinct()
        codes = select(Location.code).where(Location.active.is_(True)).order_by(Location.code)
        empty = tuple(s.scalars(codes.where(Location.id.not_in(stocked))))
        lots: dict[str, set[str]] = {}
        for sku, lot in s.execute(
            select(Product.sku, Stock.lot).join(Product, Stock.product_id == Product.id).where(Stock.lot != "")
        ):
            lots.setdefault(sku, set()).add(lot)
        if not empty:
            empty = tuple(s.scalars(codes))
    return Catalog(
        tuple((sku, gtin) for sku, gtin in gtins if gtin),
        empty,
        {sku: tuple(sorted(v)) for sku, v in lots.items()},
    )


def totes_in_use(db: Database) -> set[str]:
    with db.unit_of_work(readonly=True) as uow:
        return set(uow.session.scalars(select(Tote.code).where(Tote.status != "free")))


def packable(db: Database) -> list[PackJob]:
    """Orders waiting on the packing shelf (picked or being packed, no short waiting for a supervisor), one tote
    each, highest priority first."""
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(
            select(Order.id, Order.number, func.min(Tote.code))
            .join(Tote, Tote.order_id == Order.id)
            .where(Tote.status == "packing", Order.status.in_((PICKED, PACKING)), Order.short_pending.is_(False))
            .group_by(Order.id, Order.number, Order.priority)
            .order_by(Order.priority.desc(), Order.id)
        ).all()
    return [PackJob(order_id, number, tote) for order_id, number, tote in rows]


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
    with db.unit_of_work(readonly=True) as uow:
        query = select(Order.id, Order.number, Order.status).where(Order.status.in_(tuple(statuses)))
        if short_pending is not None:
            query = query.where(Order.short_pending.is_(short_pending))
        rows = uow.session.execute(query.order_by(Order.id.desc()).limit(limit)).all()
    return [OrderRef(*row) for row in rows]


def order_lines(db: Database, order_id: int) -> list[tuple[str, int]]:
    """(sku, quantity ordered) of each line of an order."""
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(
            select(OrderLine.sku, OrderLine.qty_ordered)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.line_no)
        ).all()
    return [(sku, int(qty)) for sku, qty in rows]


def anything_picked(db: Database, number: str) -> bool:
    with db.unit_of_work(readonly=True) as uow:
        picked = uow.session.scalar(
            select(func.sum(OrderLine.qty_picked))
            .join(Order, OrderLine.order_id == Order.id)
            .where(Order.number == number)
        )
    return bool(picked)


def count_orders(db: Database, statuses: Sequence[str]) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return int(uow.session.scalar(select(func.count(Order.id)).where(Order.status.in_(tuple(statuses)))) or 0)


@dataclass(frozen=True)
class BatchRef:
    id: int
    status: str
    picker: str | None


def open_batches(db: Database) -> list[BatchRef]:
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(
            select(Batch.id, Batch.status, User.name)
            .outerjoin(User, Batch.picker_id == User.id)
            .where(Batch.status.in_(("ready", "picking")))
            .order_by(Batch.id)
        ).all()
    return [BatchRef(*row) for row in rows]


def work_still_open(db: Database, role: str, user: str, work: object) -> bool:
    """Whether the work a killed station had in hand is still that worker's: a batch still being picked by them,
    or an order still at packing. A restarted station must show such work again."""
    with db.unit_of_work(readonly=True) as uow:
        s = uow.session
        if role == "pick":
            if not isinstance(work, int):
                return False
            row = s.execute(
                select(Batch.status, User.name).outerjoin(User, Batch.picker_id == User.id).where(Batch.id == work)
            ).first()
            return row is not None and row.status == "picking" and row.name == user
        status = s.scalar(select(Order.status).where(Order.number == str(work)))
        return status in (PACKING, "packed")


def shipped_since(db: Database, since: object) -> int:
    """Orders shipped at or after ``since``, counted by the database: a ``!ship`` whose answer was lost to a
    ``kill -9`` still shipped, so the packers' own tally can be lower."""
    from app.db.models import Shipment

    with db.unit_of_work(readonly=True) as uow:
        return int(
            uow.session.scalar(
                select(func.count(func.distinct(Shipment.order_id))).where(
                    Shipment.status == "shipped", Shipment.shipped_at >= since
                )
            )
            or 0
        )
