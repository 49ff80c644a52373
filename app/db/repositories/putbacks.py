"""The repository of put-back tasks for units that go back to a location."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import PutbackTask
from app.db.repositories.base import Repository


class PutbackRepository(Repository[PutbackTask]):
    model = PutbackTask

    def of_order(self, order_id: int) -> list[PutbackTask]:
        return list(self.session.scalars(select(PutbackTask).where(PutbackTask.order_id == order_id)))

    def count_open_in_tote(self, tote_code: str) -> int:
        """Put-backs still waiting for units in ``tote_code``."""
        return (
            self.session.scalar(
                select(func.count()).where(PutbackTask.tote_code == tote_code, PutbackTask.status == "open")
            )
            or 0
        )
