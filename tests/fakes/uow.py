"""An in-memory unit of work for service unit tests (cosmicpython's ``FakeUnitOfWork``): no database at all.

``FakeDatabase`` stands where the services expect a ``Database``: every ``unit_of_work()`` opens a
``FakeUnitOfWork`` over the same in-memory repositories (the "database"), and the test reads back what a user
would notice: statuses, the events written (``db.events``) and whether anything was committed (``db.commits``).
A refused action that raised has not committed: its unit of work is in ``db.units`` with ``committed`` False.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from app.db.models import Event, Location, Product, User
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from tests.fakes.floor import (
    FakeBatchRepository,
    FakePickingReads,
    FakeProductRepository,
    FakePutbackRepository,
    FakeStockRepository,
    FakeTaskRepository,
    FakeToteRepository,
)
from tests.fakes.orders import FakeEventRepository, FakeOrderRepository, FakeUserRepository
from tests.fakes.shipping import FakeCartonRepository, FakeShipmentRepository, FakeShippingReads
from tests.fakes.store import FakeStore


class FakeUnitOfWork:
    """The unit of work's surface over in-memory repositories; ``commit()`` only records that it happened."""

    event_row = staticmethod(UnitOfWork.event_row)
    session: None = None
    """No session: a use case that still reached for one fails loudly here."""

    def __init__(self, db: FakeDatabase, *, readonly: bool = False) -> None:
        self.db = db
        self.readonly = readonly
        self.committed = False
        self.orders = db.orders
        self.events = db.event_log
        self.users = db.users
        self.batches = db.batch_rows
        self.tasks = db.tasks
        self.totes = db.totes
        self.products = db.products
        self.stock = db.stock
        self.putbacks = db.putbacks
        self.shipments = db.shipments
        self.cartons = db.cartons
        self.picking_reads = db.picking_reads
        self.shipping_reads = db.shipping_reads

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
            id=len(self.events.rows) + 1,
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
    store: FakeStore = field(default_factory=FakeStore)
    units: list[FakeUnitOfWork] = field(default_factory=list)
    dialect: str = "fake"

    def __post_init__(self) -> None:
        self.batch_rows = FakeBatchRepository(self.store)
        self.tasks = FakeTaskRepository(self.store)
        self.totes = FakeToteRepository(self.store)
        self.products = FakeProductRepository(self.store)
        self.stock = FakeStockRepository(self.store)
        self.putbacks = FakePutbackRepository(self.store)
        self.shipments = FakeShipmentRepository(self.store)
        self.cartons = FakeCartonRepository(self.store, self.orders.lines)
        self.picking_reads = FakePickingReads(self)
        self.shipping_reads = FakeShippingReads(self)

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

    def kinds(self) -> list[str]:
        """The kinds of every event written, oldest first."""
        return [e.kind for e in self.events]

    def status_events(self) -> list[tuple[str, str | None, str, str]]:
        """(subject, from, to, reason) of every order status event, oldest first."""
        return [
            (e.subject, e.data["from"], e.data["to"], e.data["reason"]) for e in self.events if e.kind == "order.status"
        ]

    def moves_of(self, subject: str) -> list[str]:
        """The statuses ``subject`` (``batch:7``, ``tote:TOTE-0001``, ``task:9``) moved to, oldest first."""
        return [e.data["to"] for e in self.events if e.subject == subject and e.kind.endswith(".status")]

    def add_user(self, name: str, role: str) -> Actor:
        user = User(id=len(self.users.rows) + 1, name=name, role=role, badge=name, pin_hash="", active=True)
        self.users.rows[user.id] = user
        return Actor(name, "test", user.id)

    def add_location(self, code: str, kind: str = "pick") -> Location:
        return self.store.add(Location(code=code, kind=kind, active=True))

    def add_product(self, sku: str, gtin: str | None = None, **fields: Any) -> Product:
        """A product of 10 x 10 x 10 cm weighing 0.5 kg unless ``fields`` say otherwise."""
        sizes: dict[str, Any] = {"weight_kg": 0.5, "length_cm": 10, "width_cm": 10, "height_cm": 10}
        product = Product(sku=sku, name=sku.title(), gtin=gtin, **{**sizes, **fields})
        return self.store.add(product)
