"""An in-memory unit of work for service unit tests (cosmicpython's ``FakeUnitOfWork``): no database at all.

``FakeDatabase`` stands where the services expect a ``Database``: every ``unit_of_work()`` opens a
``FakeUnitOfWork`` over the same in-memory repositories (the "database"), and the test reads back what a user
would notice: the orders' statuses, the events written (``db.events``) and whether anything was committed
(``db.commits``). Repositories hold real model instances (transient, never in a session) and implement the
methods of the real repositories the order use cases call.

Collaborators outside the order slice that still speak SQL (authorization, taking an order off the floor,
voiding its shipments) are replaced by ``fake_collaborators``: authorization applies the real role policy to
the fake users; the floor has nothing of the order on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import pytest

from app.db.models import Allocation, Event, Order, OrderLine, Stock, User
from app.db.unit_of_work import UnitOfWork
from app.domain import roles
from app.domain.actor import Actor
from app.domain.allocation import LineToAllocate, OrderToAllocate, StockOnShelf
from app.services import batches, order_processing, orders
from app.services.errors import NotAllowed
from app.services.replan import LeaveReport


@dataclass
class FakeStock:
    """A pick-face stock row: the model row (reservations point at it) plus where it is and its age."""

    row: Stock
    location: str
    received_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)


class FakeOrderRepository:
    """Orders (with lines and allocations), pick-face stock and ready-batch priorities, in dicts."""

    def __init__(self) -> None:
        self.rows: dict[int, Order] = {}
        self.stock: dict[int, FakeStock] = {}
        self.fefo: dict[int, bool] = {}
        self.batches: dict[int, tuple[float, float]] = {}
        """Ready batch id -> (its priority, highest priority of its orders)."""
        self.locked: list[int] = []
        self.seated: list[tuple[int, int, int]] = []
        self._next_id = 1000

    # base repository
    def get(self, ident: int) -> Order | None:
        return self.rows.get(ident)

    def lock(self, ident: int) -> Order | None:
        self.locked.append(ident)
        return self.rows.get(ident)

    def by_ids(self, ids: Iterable[int], *, locked: bool = False) -> list[Order]:
        return [self.rows[i] for i in sorted(set(ids)) if i in self.rows]

    def add(self, row: Order) -> Order:
        if row.id is None:
            row.id = self._next_id
            self._next_id += 1
        self.rows[row.id] = row
        return row

    def add_all(self, rows: Iterable[Order]) -> None:
        for row in rows:
            self.add(row)

    def delete(self, row: Order) -> None:
        del self.rows[row.id]

    def flush(self) -> None:
        for order in self.rows.values():
            for line in order.lines:
                if line.id is None:
                    line.id = self._next_id
                    self._next_id += 1

    # finding and locking
    def by_reference(self, ref: str, *, locked: bool = False) -> list[Order]:
        ref = ref.strip()
        if ref.isdigit() and int(ref) in self.rows:
            return [self.lock(int(ref)) if locked else self.rows[int(ref)]]  # type: ignore[list-item]
        if ":" in ref:
            channel, external_id = ref.split(":", 1)
            return [o for o in self.rows.values() if (o.channel, o.external_id) == (channel, external_id)]
        names = {ref, ref.lstrip("#"), f"#{ref.lstrip('#')}"}
        return sorted((o for o in self.rows.values() if o.number in names), key=lambda o: o.id)

    def lock_for_status_change(self, order_ids: Iterable[int]) -> list[Order]:
        return self.by_ids(order_ids, locked=True)

    def listing(self, status: str | None, limit: int | None) -> list[Order]:
        found = sorted(self.rows.values(), key=lambda o: (-o.priority, o.id))
        found = [o for o in found if not status or o.status == status]
        return found[:limit] if limit else found

    def split_count(self, order_id: int) -> int:
        return sum(1 for o in self.rows.values() if o.split_from_id == order_id)

    def write_statuses(self, changes: Sequence[tuple[int, str]]) -> None:
        for order_id, to in changes:
            self.rows[order_id].status = to

    # allocation
    def claim_for_allocation(
        self, statuses: Sequence[str], order_ids: Sequence[int] | None, limit: int
    ) -> list[OrderToAllocate]:
        found = [o for o in self.listing(None, None) if o.status in statuses]
        found = [o for o in found if order_ids is None or o.id in order_ids][:limit]
        return [
            OrderToAllocate(
                o.id,
                o.number,
                o.status,
                o.ship_complete,
                tuple(LineToAllocate(x.id, x.sku, x.product_id, x.qty_ordered, x.qty_allocated) for x in o.lines),
            )
            for o in found
        ]

    def lock_pick_face_stock(self, product_ids: Iterable[int]) -> list[StockOnShelf]:
        wanted = set(product_ids)
        return [
            StockOnShelf(
                s.row.id,
                s.row.product_id,
                s.location,
                s.row.lot,
                s.row.expiry,
                s.row.quantity_on_hand,
                s.row.quantity_reserved,
                s.received_at,
            )
            for _, s in sorted(self.stock.items())
            if s.row.product_id in wanted
        ]

    def expiry_tracked(self, product_ids: Iterable[int]) -> dict[int, bool]:
        return {p: self.fefo.get(p, False) for p in product_ids}

    def _lines(self) -> dict[int, OrderLine]:
        return {line.id: line for o in self.rows.values() for line in o.lines}

    def existing_allocations(self, line_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        lines = self._lines()
        return {(i, a.stock_id): a.id for i in line_ids for a in lines[i].allocations}

    def write_allocations(
        self,
        stock_reserved: dict[int, int],
        new: Sequence[tuple[int, int, int]],
        grown: dict[int, int],
        line_totals: Sequence[tuple[int, int]],
    ) -> None:
        lines = self._lines()
        if new or grown:
            for stock_id, reserved in stock_reserved.items():
                self.stock[stock_id].row.quantity_reserved = reserved
        for line_id, stock_id, qty in new:
            allocation = Allocation(id=self._next_id, stock_id=stock_id, qty=qty, qty_picked=0)
            allocation.stock = self.stock[stock_id].row
            self._next_id += 1
            lines[line_id].allocations.append(allocation)
        by_id = {a.id: a for line in lines.values() for a in line.allocations}
        for allocation_id, qty in grown.items():
            by_id[allocation_id].qty += qty
        for line_id, qty in line_totals:
            lines[line_id].qty_allocated = qty

    def lock_reserved_stock(self, order: Order) -> None:
        self.locked.extend(sorted({a.stock_id for line in order.lines for a in line.allocations}))

    def backordered_ids(self, order_ids: Sequence[int] | None) -> list[int]:
        return [o.order_id for o in self.claim_for_allocation(("backordered",), order_ids, len(self.rows) + 1)]

    def claim_allocated(self, *, same_day_first: bool, limit: int) -> list[Order]:
        found = [o for o in self.listing("allocated", None)]
        if same_day_first:
            found.sort(key=lambda o: o.service_level != "same_day")
        return found[:limit]

    # priority scoring
    def ids_in_statuses(self, statuses: Sequence[str], scored_before: object = None) -> list[int]:
        return sorted(o.id for o in self.rows.values() if o.status in statuses)

    def for_scoring(self, ids: Sequence[int]) -> list[Order]:
        return self.by_ids(ids)

    def write_priorities(self, rows: Sequence[tuple[int, float, float | None, float]], scored_at: object = None) -> int:
        written = 0
        for order_id, seen, override, new in rows:
            order = self.rows[order_id]
            if (order.priority, order.priority_override) == (seen, override):
                order.priority = new
                written += 1
        return written

    def stale_batch_priorities(self) -> list[tuple[int, float, float]]:
        return [(i, seen, top) for i, (seen, top) in sorted(self.batches.items()) if seen != top]

    def write_batch_priorities(self, rows: Sequence[tuple[int, float, float]]) -> int:
        for batch_id, seen, new in rows:
            if self.batches[batch_id][0] == seen:
                self.batches[batch_id] = (new, self.batches[batch_id][1])
        return len(rows)

    # wave planning
    def hold_planning_lock(self) -> None:
        pass

    def seat_on_batch(self, batch_id: int, slot: int, order_id: int) -> None:
        self.seated.append((batch_id, slot, order_id))


class FakeEventRepository:
    """The event log: every event recorded by any unit of work, committed or not (``FakeDatabase.events``)."""

    def __init__(self) -> None:
        self.rows: list[Event] = []

    def about(self, subject: str) -> list[Event]:
        return [e for e in self.rows if e.subject == subject]


class FakeUserRepository:
    def __init__(self) -> None:
        self.rows: dict[int, User] = {}

    def get(self, ident: int) -> User | None:
        return self.rows.get(ident)


class FakeUnitOfWork:
    """The unit of work's surface over in-memory repositories; ``commit()`` only records that it happened."""

    event_row = staticmethod(UnitOfWork.event_row)
    session: None = None
    """No session: what still takes ``uow.session`` is replaced by ``fake_collaborators``."""

    def __init__(self, db: FakeDatabase, *, readonly: bool = False) -> None:
        self.db = db
        self.readonly = readonly
        self.committed = False
        self.orders = db.orders
        self.events = db.event_log
        self.users = db.users

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.committed = True

    def flush(self) -> None:
        self.orders.flush()

    def record(self, actor: Actor, kind: str, subject: str = "", message: str = "", **data: Any) -> Event:
        event = Event(
            at=datetime.now(UTC),
            kind=kind,
            actor=actor.name,
            user_id=actor.user_id,
            terminal=actor.terminal,
            subject=subject,
            message=message,
            data=data,
        )
        self.events.rows.append(event)
        return event

    def record_rows(self, rows: list[dict[str, Any]]) -> None:
        self.events.rows.extend(Event(**row) for row in rows)


@dataclass
class FakeDatabase:
    """Where the services expect a ``Database``: opens fake units of work over one in-memory store."""

    orders: FakeOrderRepository = field(default_factory=FakeOrderRepository)
    event_log: FakeEventRepository = field(default_factory=FakeEventRepository)
    users: FakeUserRepository = field(default_factory=FakeUserRepository)
    units: list[FakeUnitOfWork] = field(default_factory=list)
    dialect: str = "fake"

    def unit_of_work(self, *, readonly: bool = False) -> FakeUnitOfWork:
        uow = FakeUnitOfWork(self, readonly=readonly)
        self.units.append(uow)
        return uow

    @property
    def commits(self) -> int:
        return sum(1 for u in self.units if u.committed)

    @property
    def events(self) -> list[Event]:
        return self.event_log.rows

    def status_events(self) -> list[tuple[str, str | None, str, str]]:
        """(subject, from, to, reason) of every order status event, oldest first."""
        return [
            (e.subject, e.data["from"], e.data["to"], e.data["reason"]) for e in self.events if e.kind == "order.status"
        ]

    def add_user(self, name: str, role: str) -> Actor:
        user = User(id=len(self.users.rows) + 1, name=name, role=role, badge=name, pin_hash="", active=True)
        self.users.rows[user.id] = user
        return Actor(name, "test", user.id)


def fake_authorize(uow: FakeUnitOfWork, actor: Actor, action: str, *, now: datetime | None = None) -> User:
    """The role policy of ``app.services.authz.authorize`` over the fake users (no lock-outs in the fake)."""
    found = roles.rule(action)
    user = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if user is None or user.name != actor.name or not user.active:
        raise NotAllowed(f"{actor.name or 'nobody'} is not a signed-in user and may not {found.what}: sign in first")
    why = roles.refusal(user.name, user.role, action)
    if why is not None:
        raise NotAllowed(why)
    return user


@dataclass
class FloorCalls:
    """What the fake floor was asked: (order number, why, put_back) per order that left it."""

    left: list[tuple[str, str, bool]] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    followed: list[int] = field(default_factory=list)


@pytest.fixture
def fake_collaborators(monkeypatch: pytest.MonkeyPatch) -> Iterator[FloorCalls]:
    """Authorization, the floor and shipments as fakes in the order services (they still speak SQL)."""
    calls = FloorCalls()

    def leaves_floor(uow: Any, order: Order, actor: Actor, why: str, *, put_back: bool) -> LeaveReport:
        calls.left.append((order.number, why, put_back))
        return LeaveReport()

    for module in (orders, order_processing, batches):
        monkeypatch.setattr(module, "authorize", fake_authorize)
    monkeypatch.setattr(orders, "order_leaves_floor", leaves_floor)
    monkeypatch.setattr(orders, "void_open_shipments", lambda uow, order, *_: calls.voided.append(order.number))
    monkeypatch.setattr(orders, "follow_order_priority", lambda session, order_id: calls.followed.append(order_id))
    yield calls
