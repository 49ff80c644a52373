"""What the supervisor's confirmations and dialogs say about the thing an action is about, read fresh.

An action names the order by its channel number (never a database id), its current state and what will happen;
the reassign dialog lists the people signed in now with the work in their hands; the priority dialog shows the
order's score and its parts. These reads run in the screen's worker just before the dialog opens, so what the
supervisor confirms is the state at that moment, not the table's last refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.config.settings import Config
from app.db.queries.supervision import people as queries
from app.db.unit_of_work import Database
from app.domain.priority import PriorityScore
from app.domain.roles import PICKER, PICKERS
from app.services.errors import NotFound
from app.services.order_lookup import find_order
from app.services.order_priority import priority_of
from app.services.supervision.times import now_utc

SIGNED_IN_WINDOW_HOURS = 12
"""A sign-in older than a shift (a terminal switched off without signing out) no longer counts as present."""


@dataclass(frozen=True)
class OrderFacts:
    order_id: int
    number: str
    """The channel's number (``#D1011``): what the floor calls the order."""
    status: str
    service_level: str
    ship_by: date | None
    priority: float
    """The stored priority (what picking sorts by)."""
    score: PriorityScore
    """The score now, with its parts (a supervisor's pin is its one part)."""
    pinned: bool
    short_pending: bool
    hold_reason: str


@dataclass(frozen=True)
class BatchFacts:
    batch_id: int
    status: str
    picker: str | None
    orders: int
    stops: int
    stops_done: int
    next_location: str | None

    @property
    def words(self) -> str:
        """``batch 8 (picking by pia, 3 orders, 4 of 12 stops done)``."""
        who = f"picking by {self.picker}" if self.status == "picking" and self.picker else self.status
        orders = f"{self.orders} order" + ("" if self.orders == 1 else "s")
        return f"batch {self.batch_id} ({who}, {orders}, {self.stops_done} of {self.stops} stops done)"


@dataclass(frozen=True)
class PickerWork:
    """Someone signed in who can pick, and what they hold."""

    name: str
    role: str
    signed_in_at: datetime
    batch: BatchFacts | None

    @property
    def work(self) -> str:
        if self.batch is None:
            return "free: no batch in hand"
        b = self.batch
        at = f", next stop {b.next_location}" if b.next_location else ""
        return f"picking batch {b.batch_id}: {b.stops_done} of {b.stops} stops done{at}"


def order_facts(db: Database, config: Config, order_id: str, now: datetime | None = None) -> OrderFacts:
    with db.unit_of_work(readonly=True) as uow:
        order = find_order(uow.session, order_id)
        return OrderFacts(
            order.id,
            order.number,
            order.status,
            order.service_level,
            order.ship_by,
            float(order.priority or 0),
            priority_of(order, config, now),
            order.priority_override is not None,
            bool(order.short_pending),
            order.hold_reason or "",
        )


def batch_facts(db: Database, batch_id: int) -> BatchFacts:
    with db.unit_of_work(readonly=True) as uow:
        found = queries.batch_counts(uow.session, [batch_id]).get(batch_id)
    if found is None:
        raise NotFound(f"there is no batch {batch_id}")
    return BatchFacts(*found)


def pickers_on_shift(db: Database, now: datetime | None = None) -> tuple[PickerWork, ...]:
    """Pickers signed in now, then supervisors and admins signed in who hold a batch, each with their batch."""
    since = now_utc(now) - timedelta(hours=SIGNED_IN_WINDOW_HOURS)
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        present = queries.signed_in_users(session, tuple(sorted(PICKERS)), since)
        held = queries.held_batch_ids(session, [p.name for p in present])
        counts = queries.batch_counts(session, list(held.values()))
    result = []
    for person in present:
        batch = counts.get(held[person.name]) if person.name in held else None
        if person.role != PICKER and batch is None:
            continue
        result.append(PickerWork(person.name, person.role, person.since, BatchFacts(*batch) if batch else None))
    result.sort(key=lambda p: (p.role != PICKER, p.batch is not None, p.name))
    return tuple(result)
