"""The repository of pick faces and other locations of the layout.

Locations are never deleted (stock and history point at them): ``init`` creates and (de)activates them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import insert, select

from app.db.models import Location
from app.db.repositories.base import Repository


class LocationRepository(Repository[Location]):
    model = Location

    def all(self) -> list[Location]:
        return list(self.session.scalars(select(Location)))

    def by_code(self, code: str) -> Location | None:
        return self.session.scalar(select(Location).where(Location.code == code))

    def by_codes(self, codes: Collection[str]) -> list[Location]:
        return list(self.session.scalars(select(Location).where(Location.code.in_(codes))))

    def listed(self, *, kind: str | None = None, include_inactive: bool = False) -> list[Location]:
        """Locations by kind, then code; of one ``kind`` when given; active ones unless ``include_inactive``."""
        query = select(Location).order_by(Location.kind, Location.code)
        if kind:
            query = query.where(Location.kind == kind)
        if not include_inactive:
            query = query.where(Location.active.is_(True))
        return list(self.session.scalars(query))

    def insert_many(self, rows: list[dict[str, Any]]) -> None:
        """Insert locations given as column dicts in one batched statement (a layout has thousands)."""
        if rows:
            self.session.execute(insert(Location), rows)
