"""What the simulator (and the benchmarks) look at on the floor, read-only: the catalog for honest mistakes, the
packing shelf, totes in use, orders by status, who holds a batch, and whether a simulated user can be used.

Why a service: the simulator drives the floor like people do, through stations and services; it never builds SQL
itself. Every function opens one read-only unit of work and returns plain data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.db.queries.supervision import lookups as queries
from app.db.queries.supervision.lookups import BatchHolder
from app.db.unit_of_work import Database
from app.domain.pins import verify_pin

__all__ = [
    "BatchHolder",
    "CatalogFacts",
    "UserFit",
    "available_stock",
    "batch_holder",
    "catalog_facts",
    "count_orders",
    "open_batches",
    "order_lines",
    "order_status",
    "orders_in",
    "orders_on_packing_shelf",
    "shipped_since",
    "totes_in_use",
    "units_picked",
    "user_fit",
]


@dataclass(frozen=True)
class UserFit:
    """An existing user as the simulator would sign in: their role, whether active, whether ``pin`` is theirs."""

    role: str
    active: bool
    pin_ok: bool


def user_fit(db: Database, name: str, pin: str) -> UserFit | None:
    """How the user ``name`` fits (None: no such user), checked without signing in, so a mismatch never counts
    as a wrong PIN towards the lockout."""
    with db.unit_of_work(readonly=True) as uow:
        row = queries.user_named(uow.session, name)
        return None if row is None else UserFit(row.role, row.active, verify_pin(pin, row.pin_hash))


def available_stock(db: Database) -> dict[str, int]:
    """Unreserved units per SKU (on hand minus reserved, over every location), only SKUs with some left."""
    with db.unit_of_work(readonly=True) as uow:
        free = queries.unreserved_stock_per_sku(uow.session)
    return {sku: units for sku, units in free.items() if units > 0}


@dataclass(frozen=True)
class CatalogFacts:
    gtins: tuple[tuple[str, str | None], ...]
    """(SKU, unit GTIN) of every product, by SKU."""
    empty_locations: tuple[str, ...]
    """Active locations without stock (every active location when all have some)."""
    lots: dict[str, tuple[str, ...]]
    """The lots in stock per lot-tracked SKU, sorted."""


def catalog_facts(db: Database) -> CatalogFacts:
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        gtins = tuple(queries.product_gtins(session))
        empty = tuple(queries.active_location_codes(session, without_stock=True))
        lots = queries.lots_per_sku(session)
        if not empty:
            empty = tuple(queries.active_location_codes(session, without_stock=False))
    return CatalogFacts(gtins, empty, {sku: tuple(sorted(v)) for sku, v in lots.items()})


def totes_in_use(db: Database) -> set[str]:
    with db.unit_of_work(readonly=True) as uow:
        return queries.tote_codes_in_use(uow.session)


def orders_on_packing_shelf(db: Database, statuses: Sequence[str]) -> list[tuple[int, str, str]]:
    """(order id, number, tote) of orders in ``statuses`` waiting at packing with no short pending, highest
    priority first."""
    with db.unit_of_work(readonly=True) as uow:
        return queries.orders_on_packing_shelf(uow.session, statuses)


def orders_in(
    db: Database, statuses: Sequence[str], *, short_pending: bool | None = None, limit: int = 200
) -> list[tuple[int, str, str]]:
    """(id, number, status) of orders in ``statuses``, newest first."""
    with db.unit_of_work(readonly=True) as uow:
        return queries.orders_in(uow.session, statuses, short_pending=short_pending, limit=limit)


def order_lines(db: Database, order_id: int) -> list[tuple[str, int]]:
    """(SKU, quantity ordered) of each line of an order."""
    with db.unit_of_work(readonly=True) as uow:
        return queries.order_lines(uow.session, order_id)


def units_picked(db: Database, number: str) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return queries.units_picked(uow.session, number)


def count_orders(db: Database, statuses: Sequence[str]) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return queries.count_orders(uow.session, statuses)


def order_status(db: Database, number: str) -> str | None:
    with db.unit_of_work(readonly=True) as uow:
        return queries.order_status(uow.session, number)


def open_batches(db: Database) -> list[BatchHolder]:
    """Batches ready or being picked, with their picker, by id."""
    with db.unit_of_work(readonly=True) as uow:
        return queries.open_batches(uow.session)


def batch_holder(db: Database, batch_id: int) -> BatchHolder | None:
    with db.unit_of_work(readonly=True) as uow:
        return queries.batch_holder(uow.session, batch_id)


def shipped_since(db: Database, since: datetime) -> int:
    """Orders shipped at or after ``since``, counted by the database."""
    with db.unit_of_work(readonly=True) as uow:
        return queries.orders_shipped_since(uow.session, since)
