"""The fake database's tables: rows of any model kept by type and id, with the column defaults an INSERT would give.

Model instances are real (transient, never in a session), so the services change them exactly as they change
loaded rows; what a test reads back afterwards is what the database would hold after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import inspect

M = TypeVar("M")


def apply_defaults(row: Any) -> None:
    """Fill the scalar column defaults (``default=0``, ``""``, ``False``) the database would on INSERT."""
    for prop in inspect(type(row)).column_attrs:
        column = prop.columns[0]
        default = column.default
        if getattr(row, prop.key) is None and default is not None and default.is_scalar:
            setattr(row, prop.key, default.arg)


class FakeStore:
    """Every row by model and id; ids come from one counter, so they are unique across tables."""

    def __init__(self) -> None:
        self.tables: dict[type, dict[int, Any]] = {}
        self._next_id = 5000

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add(self, row: M) -> M:
        apply_defaults(row)
        if getattr(row, "id", None) is None:
            row.id = self.new_id()  # type: ignore[attr-defined]
        self.tables.setdefault(type(row), {})[row.id] = row  # type: ignore[attr-defined]
        return row

    def get(self, model: type[M], ident: Any) -> M | None:
        return self.tables.get(model, {}).get(ident) if ident is not None else None

    def delete(self, row: Any) -> None:
        self.tables.get(type(row), {}).pop(row.id, None)

    def rows(self, model: type[M], where: Callable[[M], bool] = lambda _row: True) -> list[M]:
        """The rows of ``model`` matching ``where``, in id order (the fixed order the real reads use)."""
        return [r for _, r in sorted(self.tables.get(model, {}).items()) if where(r)]


class FakeRows(Generic[M]):
    """What every repository can do (``app.db.repositories.base.Repository``), over one table of the store."""

    model: type[M]

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def get(self, ident: Any) -> M | None:
        return self.store.get(self.model, ident)

    def lock(self, ident: Any) -> M | None:
        return self.get(ident)

    def by_ids(self, ids: Iterable[int], *, locked: bool = False) -> list[M]:
        wanted = set(ids)
        return self.store.rows(self.model, lambda r: r.id in wanted)  # type: ignore[attr-defined]

    def add(self, row: M) -> M:
        return self.store.add(row)

    def add_all(self, rows: Iterable[M]) -> None:
        for row in rows:
            self.store.add(row)

    def delete(self, row: M) -> None:
        self.store.delete(row)

    def flush(self) -> None:
        pass

    def all(self) -> list[M]:
        return self.store.rows(self.model)
