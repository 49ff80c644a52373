"""The repository of on-hand stock per location and lot, and its ledger of moves."""

from __future__ import annotations

from app.db.models import Stock
from app.db.repositories.base import Repository


class StockRepository(Repository[Stock]):
    model = Stock
