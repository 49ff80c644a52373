"""The repository of the catalog."""

from __future__ import annotations

from app.db.models import Product
from app.db.repositories.base import Repository


class ProductRepository(Repository[Product]):
    model = Product
