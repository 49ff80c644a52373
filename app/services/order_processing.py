"""Automated order processing (`pickpack process`): allocate new orders, retry backorders, recompute priorities
and release allocated orders to picking by priority, following the rules of ``[release]`` in config.toml.

A pass shares the database with every terminal on the floor, so it never holds the write lock for long:
re-scoring writes in bounded chunks (``orders.reprioritise``), releasing is capped at ``max_orders_per_pass``
orders per transaction, and each of those transactions is run again when the database is busy
(``app.db.retry.retry_busy``) instead of failing the pass.

A pass acts as the built-in system user (``pickpack process``) or a supervisor (release a wave now): the actor is
checked before the first step (``orders.process``) and again inside each transaction that writes events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.config import Config
from app.db.retry import retry_busy
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, BACKORDERED, NEW, ON_HOLD, RELEASED
from app.services import allocation
from app.services.authz import authorize
from app.services.batches import WaveReport, plan_batches
from app.services.order_status import set_status
from app.services.orders import reprioritise


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


def release_orders(db: Database, config: Config, *, actor: Actor) -> tuple[int, int]:
    """Release allocated orders to picking, highest priority first (same-day first when configured).

    One transaction of at most ``[release] max_orders_per_pass`` orders: a whole unit, safe to run again."""
    rules = config.release
    released = held = 0
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.process")
        for order in uow.orders.claim_allocated(same_day_first=rules.same_day_first, limit=rules.max_orders_per_pass):
            limit = rules.hold_value_above
            if limit and float(order.order_value) > limit and not order.value_review_approved:
                allocation.release_stock(uow, order)
                reason = f"value {order.order_value} {order.currency} above review limit {limit:g}: needs review"
                set_status(uow, order, ON_HOLD, actor, reason)
                order.hold_reason = reason
                held += 1
                continue
            set_status(uow, order, RELEASED, actor, f"released to picking (priority {float(order.priority):g})")
            released += 1
        uow.commit()
    return released, held


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
    changed = reprioritise(db, config, statuses=(NEW, BACKORDERED, ALLOCATED, ON_HOLD, RELEASED), now=now)
    report = allocation.allocate(db, actor=actor)
    released, held = retry_busy(lambda: release_orders(db, config, actor=actor))
    wave = WaveReport(0, 0, 0)
    if layout is not None:
        floor = layout  # a plain local for the closure (the narrowed optional does not carry into it)
        wave = retry_busy(lambda: plan_batches(db, config, floor, actor=actor))
    return ProcessReport(report.allocated, report.backordered, report.split, released, held, changed, wave.batches)
