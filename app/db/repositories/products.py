"""The repository of the catalog: products by SKU, by unit GTIN and by case GTIN.

GTINs are stored as scanned (8, 12, 13 or 14 digits); callers that match a scan pass every padding of it they
accept (``candidates``), so the lookup itself is a plain ``IN`` on the unique columns.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from sqlalchemy import or_, select

from app.db.bulk import among
from app.db.models import Product
from app.db.repositories.base import Repository


class ProductRef(NamedTuple):
    """What an order line copies from its product."""

    id: int
    sku: str
    name: str
    gtin: str | None


class ProductRepository(Repository[Product]):
    model = Product

    def all(self) -> list[Product]:
        return list(self.session.scalars(select(Product)))

    def by_sku(self, sku: str) -> Product | None:
        return self.session.scalar(select(Product).where(Product.sku == sku))

    def by_skus(self, skus: Collection[str]) -> list[Product]:
        return list(self.session.scalars(select(Product).where(Product.sku.in_(skus))))

    def without_gtin_by_sku(self, sku: str) -> Product | None:
        """The product whose SKU is exactly ``sku`` if it has no unit GTIN (its SKU label proves the item)."""
        query = select(Product).where(Product.sku == sku, or_(Product.gtin.is_(None), Product.gtin == ""))
        return self.session.scalar(query)

    def by_unit_gtin(self, candidates: Collection[str]) -> Product | None:
        return self.session.scalar(select(Product).where(Product.gtin.in_(candidates)))

    def by_case_gtin(self, candidates: Collection[str]) -> Product | None:
        return self.session.scalar(select(Product).where(Product.case_gtin.in_(candidates)))

    def by_any_gtin(self, candidates: Collection[str]) -> Product | None:
        """The product whose unit or case GTIN is one of ``candidates``."""
        query = select(Product).where(or_(Product.gtin.in_(candidates), Product.case_gtin.in_(candidates)))
        return self.session.scalar(query)

    def by_skus_or_gtins(self, skus: Collection[str], gtins: Collection[str]) -> list[ProductRef]:
        """Products named by any of ``skus``, or whose unit or case GTIN is one of ``gtins`` (order intake), as the
        plain columns an order line takes from them: a chunk of 500 orders names hundreds of products, and
        loading each as an ORM object cost more than the query."""
        session = self.session
        query = select(Product.id, Product.sku, Product.name, Product.gtin).where(
            or_(
                among(session, Product.sku, skus),
                among(session, Product.gtin, gtins),
                among(session, Product.case_gtin, gtins),
            )
        )
        return [ProductRef(*row) for row in session.execute(query)]

    def gtins_by_sku(self) -> dict[str, str | None]:
        """SKU -> unit GTIN of every product."""
        return {sku: gtin for sku, gtin in self.session.execute(select(Product.sku, Product.gtin))}
