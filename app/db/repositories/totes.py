"""The repository of totes and who holds them."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Tote
from app.db.repositories.base import Repository


class ToteRepository(Repository[Tote]):
    model = Tote

    def by_code(self, code: str) -> Tote | None:
        return self.session.scalar(select(Tote).where(Tote.code == code))

    def on_batch(self, batch_id: int, status: str) -> list[Tote]:
        """The totes on a batch's cart in ``status``."""
        return list(self.session.scalars(select(Tote).where(Tote.batch_id == batch_id, Tote.status == status)))

    def held_for_order(self, order_id: int) -> list[Tote]:
        """The totes that name ``order_id`` and are not free."""
        return list(self.session.scalars(select(Tote).where(Tote.order_id == order_id, Tote.status != "free")))

    def first_code_of_order(self, order_id: int) -> str | None:
        return self.session.scalar(select(Tote.code).where(Tote.order_id == order_id).order_by(Tote.id).limit(1))
