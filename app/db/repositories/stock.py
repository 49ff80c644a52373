"""The repository of on-hand stock per location and lot, and its ledger of moves.

Rows that a use case changes are locked and re-read in primary-key order (``locked``, ``at(locked=True)``), so
two pickers taking from one shelf never write back a stale count and two transactions never deadlock on them.
A move (``StockMove``) is written with the change it records, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from app.db.locking import for_update
from app.db.models import Location, Product, Stock, StockMove
from app.db.repositories.base import Repository


class StockRepository(Repository[Stock]):
    model = Stock

    def locked(self, ids: Collection[int]) -> list[Stock]:
        """The rows ``ids`` in primary-key order, locked (``FOR UPDATE OF stock``) and refreshed from the database."""
        if not ids:
            return []
        query = for_update(select(Stock).where(Stock.id.in_(sorted(ids))).order_by(Stock.id), of=Stock)
        return list(self.session.scalars(query.execution_options(populate_existing=True)))

    def at(self, location_id: int, product_id: int, lot: str, *, locked: bool = False) -> Stock | None:
        """The row of a product and lot at a location (``locked``: held and refreshed), or None."""
        query = select(Stock).where(Stock.location_id == location_id, Stock.product_id == product_id, Stock.lot == lot)
        if locked:
            query = for_update(query, of=Stock).execution_options(populate_existing=True)
        return self.session.scalar(query)

    def of_products(self, product_ids: Collection[int]) -> list[Stock]:
        return list(self.session.scalars(select(Stock).where(Stock.product_id.in_(product_ids))))

    def location_ids_with_stock(self) -> set[int]:
        """Locations holding units of anything (they stay active when the layout drops them)."""
        return set(self.session.scalars(select(Stock.location_id).where(Stock.quantity_on_hand > 0)))

    def on_hand_of_product(self, product_id: int) -> list[Stock]:
        """Rows of a product with units on hand: earliest expiry first (no expiry last), then location and lot."""
        query = (
            select(Stock)
            .join(Stock.location)
            .where(Stock.product_id == product_id, Stock.quantity_on_hand > 0)
            .order_by(Stock.expiry.is_(None), Stock.expiry, Location.code, Stock.lot)
        )
        return list(self.session.scalars(query))

    def on_hand_at_location(self, location_id: int) -> list[Stock]:
        """Rows at a location with units on hand, by SKU and lot."""
        query = (
            select(Stock)
            .join(Stock.product)
            .where(Stock.location_id == location_id, Stock.quantity_on_hand > 0)
            .order_by(Product.sku, Stock.lot)
        )
        return list(self.session.scalars(query))

    def add_move(self, move: StockMove) -> None:
        """Append a ledger line (written with the change of on hand it records)."""
        self.session.add(move)
