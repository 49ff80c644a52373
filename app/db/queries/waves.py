"""What wave planning reads: released orders not on a cart yet with their open picks, and free put-back work.

Copied into frozen plain data so the planner can search outside any transaction (``app.services.batches``),
then read again under lock to see which orders are still exactly as planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.locking import for_update
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
from app.domain.orders import RELEASED
from app.domain.states import OPEN_BATCH


@dataclass(frozen=True, slots=True)
class OpenPick:
    """The unpicked part of one allocation: where it is, what it is, and its size per unit."""

    allocation_id: int
    order_line_id: int
    stock_id: int
    location_code: str
    product_id: int
    lot: str
    qty: int
    unit_volume_cm3: float
    unit_weight_kg: float


@dataclass(frozen=True, slots=True)
class WaveOrder:
    """A released order as planning sees it; ``picks`` in allocation id order."""

    order_id: int
    status: str
    service_level: str
    priority: float
    picks: tuple[OpenPick, ...]


@dataclass(frozen=True, slots=True)
class FreePutback:
    """Open put-back work not yet on any open stop."""

    putback_id: int
    order_id: int
    location_code: str
    product_id: int
    lot: str
    qty: int
    tote_code: str


def _on_open_batch() -> object:
    return (
        select(BatchSlot.order_id)
        .join(Batch, BatchSlot.batch_id == Batch.id)
        .where(BatchSlot.order_id.is_not(None), Batch.status.in_(OPEN_BATCH))
    )


def unbatched_released_orders(session: Session, limit: int | None = None) -> list[WaveOrder]:
    """Released orders on no open batch, highest priority first (at most ``limit``), with their open picks."""
    query = (
        select(Order.id)
        .where(Order.status == RELEASED, Order.id.not_in(_on_open_batch()))
        .order_by(Order.priority.desc(), Order.id)
        .limit(limit)
    )
    ids = list(session.scalars(query))
    found = wave_orders(session, ids)
    return [found[i] for i in ids if i in found]


def wave_orders(session: Session, order_ids: Iterable[int]) -> dict[int, WaveOrder]:
    """The orders given that are on no open batch (whatever their status), by id, with their open picks."""
    wanted = sorted(set(order_ids))
    if not wanted:
        return {}
    orders = session.execute(
        select(Order.id, Order.status, Order.service_level, Order.priority).where(
            Order.id.in_(wanted), Order.id.not_in(_on_open_batch())
        )
    ).all()
    picks: dict[int, list[OpenPick]] = {row.id: [] for row in orders}
    rows = session.execute(
        select(
            OrderLine.order_id,
            Allocation.id,
            OrderLine.id,
            Stock.id,
            Location.code,
            Product.id,
            Stock.lot,
            Allocation.qty - Allocation.qty_picked,
            Product.length_cm,
            Product.width_cm,
            Product.height_cm,
            Product.weight_kg,
        )
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .join(Stock, Allocation.stock_id == Stock.id)
        .join(Location, Stock.location_id == Location.id)
        .join(Product, Stock.product_id == Product.id)
        .where(OrderLine.order_id.in_(list(picks)), Allocation.qty > Allocation.qty_picked)
        .order_by(Allocation.id)
    )
    for order_id, *pick in rows:
        allocation_id, line_id, stock_id, code, product_id, lot, qty, length, width, height, weight = pick
        volume = float(length * width * height)  # multiplied as the catalog stores them, as before
        picks[order_id].append(
            OpenPick(allocation_id, line_id, stock_id, code, product_id, lot, qty, volume, float(weight))
        )
    return {
        row.id: WaveOrder(row.id, row.status, row.service_level, float(row.priority), tuple(picks[row.id]))
        for row in orders
    }


def lock_orders(session: Session, order_ids: Iterable[int]) -> None:
    """Lock the orders' rows in id order (PostgreSQL ``FOR UPDATE``; a no-op on SQLite, whose writers take turns)
    before they are read again to be written: ids only, no ORM objects (a cart's turn must stay short)."""
    wanted = sorted(set(order_ids))
    if wanted:
        session.execute(for_update(select(Order.id).where(Order.id.in_(wanted)).order_by(Order.id))).all()


def free_putbacks(session: Session, putback_ids: Iterable[int] | None = None) -> list[FreePutback]:
    """Open put-backs that no open stop carries yet (they ride on the next batch planned); of ``putback_ids``
    only, when given (the write checks the ones it read: one statement on few rows)."""
    taken = select(PickTask.putback_id).where(PickTask.putback_id.is_not(None), PickTask.status == "open")
    query = (
        select(
            PutbackTask.id,
            PutbackTask.order_id,
            Location.code,
            PutbackTask.product_id,
            PutbackTask.lot,
            PutbackTask.qty,
            PutbackTask.tote_code,
        )
        .join(Location, PutbackTask.location_id == Location.id)
        .where(PutbackTask.status == "open", PutbackTask.id.not_in(taken))
        .order_by(PutbackTask.id)
    )
    if putback_ids is not None:
        query = query.where(PutbackTask.id.in_(sorted(set(putback_ids))))
    return [FreePutback(*row) for row in session.execute(query)]


class WaveReads:
    """The reads above as one object the unit of work opens (``uow.wave_reads``), so wave planning asks its unit
    of work and never holds a session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def unbatched_released_orders(self, limit: int | None = None) -> list[WaveOrder]:
        return unbatched_released_orders(self._session, limit)

    def wave_orders(self, order_ids: Iterable[int]) -> dict[int, WaveOrder]:
        return wave_orders(self._session, order_ids)

    def lock_orders(self, order_ids: Iterable[int]) -> None:
        lock_orders(self._session, order_ids)

    def free_putbacks(self, putback_ids: Iterable[int] | None = None) -> list[FreePutback]:
        return free_putbacks(self._session, putback_ids)
