"""What every repository can do: find, lock and add rows of its aggregate root.

Repositories are the services' only way to load and store aggregates (cosmicpython's pattern): a service asks
``uow.orders.by_reference(...)`` and never builds a statement. The methods that only one aggregate needs live in
that aggregate's repository module beside this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.locking import for_update, lock_row

M = TypeVar("M")


class Repository(Generic[M]):
    """Rows of one model in the unit of work's session."""

    model: ClassVar[type[Any]]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, ident: Any) -> M | None:
        return self.session.get(self.model, ident)

    def lock(self, ident: Any) -> M | None:
        """The row, locked for this transaction (``app.db.locking.lock_row``)."""
        return lock_row(self.session, self.model, ident)

    def by_ids(self, ids: Iterable[int], *, locked: bool = False) -> list[M]:
        """Rows by primary key, in key order (a fixed lock order: two transactions never deadlock on them)."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        query = select(self.model).where(self.model.id.in_(wanted)).order_by(self.model.id)
        if locked:
            query = for_update(query)
        return list(self.session.scalars(query))

    def add(self, row: M) -> M:
        self.session.add(row)
        return row

    def add_all(self, rows: Iterable[M]) -> None:
        self.session.add_all(list(rows))

    def delete(self, row: M) -> None:
        self.session.delete(row)

    def flush(self) -> None:
        """Send pending changes (to get generated ids) without committing."""
        self.session.flush()
