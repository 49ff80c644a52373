"""The unit of work: one database transaction per operator action, rolled back unless the service commits.

Services receive a factory (``Database.unit_of_work``) and open one unit per use case; everything inside
commits whole or not at all. ``readonly=True`` gives a deferred transaction for lookups (no SQLite write lock).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.db.base import utcnow
from app.db.bulk import insert_rows
from app.db.database import Database
from app.db.engine import READONLY_OPTION
from app.db.models import Event
from app.db.queries.picking import PickingReads
from app.db.queries.shipping import ShippingReads
from app.db.queries.waves import WaveReads
from app.db.repositories import (
    BatchRepository,
    CartonRepository,
    EventRepository,
    LocationRepository,
    OrderRepository,
    ProductRepository,
    PutbackRepository,
    ShipmentRepository,
    StockRepository,
    TaskRepository,
    ToteRepository,
    UserRepository,
)
from app.domain.actor import Actor

__all__ = ["Database", "Session", "UnitOfWork"]  # ``Database`` lives in ``app.db.database`` (no ORM import)


class UnitOfWork:
    """A transaction with an open session; use as a context manager and call ``commit()`` to keep the work."""

    session: Session
    orders: OrderRepository
    batches: BatchRepository
    tasks: TaskRepository
    totes: ToteRepository
    putbacks: PutbackRepository
    products: ProductRepository
    locations: LocationRepository
    stock: StockRepository
    users: UserRepository
    shipments: ShipmentRepository
    cartons: CartonRepository
    events: EventRepository
    picking_reads: PickingReads
    """Reads of the picking floor across aggregates (the picker's stop, listings, rows a short changes)."""
    shipping_reads: ShippingReads
    """Reads of packing and shipping across aggregates (order lines with products, totes, listings)."""
    wave_reads: WaveReads
    """What wave planning reads: released orders not on a cart yet, free put-back work."""

    def __init__(self, factory: sessionmaker[Session], *, readonly: bool = False) -> None:
        self._factory = factory
        self._readonly = readonly
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        if self._readonly:
            self.session.connection(execution_options={READONLY_OPTION: True})
        self._open_repositories()
        return self

    def _open_repositories(self) -> None:
        session = self.session
        self.orders = OrderRepository(session)
        self.batches = BatchRepository(session)
        self.tasks = TaskRepository(session)
        self.totes = ToteRepository(session)
        self.putbacks = PutbackRepository(session)
        self.products = ProductRepository(session)
        self.locations = LocationRepository(session)
        self.stock = StockRepository(session)
        self.users = UserRepository(session)
        self.shipments = ShipmentRepository(session)
        self.cartons = CartonRepository(session)
        self.events = EventRepository(session)
        self.picking_reads = PickingReads(session)
        self.shipping_reads = ShippingReads(session)
        self.wave_reads = WaveReads(session)

    def flush(self) -> None:
        """Send pending changes (generated ids become known) without committing."""
        self.session.flush()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        if self._readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.session.commit()
        self._committed = True

    @staticmethod
    def event_row(actor: Actor, kind: str, subject: str = "", message: str = "", **data: Any) -> dict[str, Any]:
        """An event as a plain row, for ``record_rows`` when a use case writes many at once."""
        return {
            "at": utcnow(),
            "kind": kind,
            "actor": actor.name,
            "user_id": actor.user_id,
            "terminal": actor.terminal,
            "subject": subject,
            "message": message,
            "data": data,
        }

    def record_rows(self, rows: list[dict[str, Any]]) -> None:
        """Append many events in one batched INSERT (bulk paths: intake, allocation)."""
        insert_rows(self.session, Event, rows)

    def record(
        self,
        actor: Actor,
        kind: str,
        subject: str = "",
        message: str = "",
        **data: Any,
    ) -> Event:
        """Append one event to the log in this transaction (it commits with the work it describes)."""
        event = Event(
            kind=kind,
            actor=actor.name,
            user_id=actor.user_id,
            terminal=actor.terminal,
            subject=subject,
            message=message,
            data=data,
        )
        self.session.add(event)
        return event
