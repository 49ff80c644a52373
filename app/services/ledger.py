"""The inventory ledger read side: ``pickpack stock moves`` lists every change of units on hand with why and who.

The ledger is written only by ``app.services.inventory``; this module reads it. ``stream_moves`` keeps one
read-only unit of work open while the caller walks the lines, so the command can print millions of them
without holding them in memory; ``list_moves`` is the small-ledger convenience for tests and screens.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db.queries import ledger as queries
from app.db.unit_of_work import Database
from app.services.errors import NotFound


@dataclass(frozen=True)
class MoveLine:
    """One ledger line as the operator reads it: ``qty`` is signed (+ arrived, - left), ``lot`` "" when untracked."""

    id: int
    at: datetime
    sku: str
    location: str
    lot: str
    qty: int
    reason: str
    by: str
    ref: str

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "sku": self.sku,
            "location": self.location,
            "lot": self.lot or None,
            "qty": self.qty,
            "reason": self.reason,
            "by": self.by,
            "ref": self.ref,
        }


@contextmanager
def stream_moves(db: Database, *, sku: str | None = None) -> Iterator[Iterator[MoveLine]]:
    """Open the ledger (of one SKU when given) for reading, oldest line first.

    An unknown SKU raises ``NotFound`` on entering, before any line is produced, so a command can refuse it
    with exit 2 before it starts printing. The lines must be read inside the ``with`` block.
    """
    with db.unit_of_work(readonly=True) as uow:
        product_id = None
        if sku is not None:
            product_id = queries.product_id_of(uow.session, sku)
            if product_id is None:
                raise NotFound(f"no product with SKU {sku!r}")
        yield (MoveLine(**row) for row in queries.moves(uow.session, product_id=product_id))


def list_moves(db: Database, *, sku: str | None = None) -> list[MoveLine]:
    """Every ledger line (of one SKU when given), oldest first, as a list."""
    with stream_moves(db, sku=sku) as lines:
        return list(lines)
