"""The order listing of `pickpack orders list` and the order summary it prints: pages (``--limit N``, continued
with ``--after ID``) or every order streamed, priority descending then id.

Why its own module: the listing is the one order use case that must answer at once at 100,000 orders (issue 14:
the whole command under half a second). It reads through a plain read-only connection
(``Database.reading``) and ``app.db.queries.listing``, so a listing loads neither the ORM models nor the other
order use cases (allocation, replanning, ...) that ``app.services.orders`` needs for its changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.db.database import Database
from app.db.queries import listing
from app.domain.orders import STATUSES
from app.services.errors import InvalidInput


@dataclass(frozen=True)
class OrderSummary:
    id: int
    channel: str
    external_id: str
    number: str
    status: str
    priority: float
    customer_name: str
    ship_by: date | None
    service_level: str
    hold_reason: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "channel": self.channel,
            "external_id": self.external_id,
            "number": self.number,
            "status": self.status,
            "priority": self.priority,
            "customer": self.customer_name,
            "ship_by": self.ship_by.isoformat() if self.ship_by else None,
            "service_level": self.service_level,
            "hold_reason": self.hold_reason or None,
        }


def list_orders(
    db: Database, *, status: str | None = None, limit: int | None = None, after: int | None = None
) -> list[OrderSummary]:
    """A page of the listing (priority descending, then id): at most ``limit`` orders after order ``after``."""
    if limit is None:
        return list(iter_orders(db, status=status, after=after))
    if limit < 1:
        raise InvalidInput(f"--limit {limit}: a page holds at least 1 order")
    _check_status(status)
    with db.reading() as conn:
        cursor = _cursor(conn, after)
        return [_listed(row) for row in listing.listing_page(conn, status, cursor, limit)]


def iter_orders(db: Database, *, status: str | None = None, after: int | None = None) -> Iterator[OrderSummary]:
    """Every order of the listing, one at a time from one read-only transaction (one consistent snapshot).

    Why a generator: ``orders list --json`` at 100,000 orders built every order as an ORM object before writing
    a byte (half a gigabyte); streamed rows keep memory flat and the first line comes at once. Errors in the
    arguments are raised before the first row (the generator is primed by the caller's first ``next``)."""
    _check_status(status)
    with db.reading() as conn:
        cursor = _cursor(conn, after)
        for row in listing.listing_stream(conn, status, cursor):
            yield _listed(row)


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status {status!r}: expected one of {', '.join(STATUSES)}")


def _cursor(conn: Any, after: int | None) -> tuple[float, int] | None:
    """Where ``--after ID`` continues: that order's place (priority, id) now, so a pass that re-scores every
    order by the same amount between two pages moves the cursor with them."""
    if after is None:
        return None
    position = listing.listing_position(conn, after)
    if position is None:
        raise InvalidInput(f"--after {after}: no order with that id (give the id of the last order of a page)")
    return position


def _listed(row: Any) -> OrderSummary:
    """A listing row (the columns of ``OrderSummary`` in its order) as the summary ``orders list`` prints."""
    values = list(row)
    values[5] = float(values[5])
    return OrderSummary(*values)
