"""The repository of the append-only event log (events are written through ``UnitOfWork.record``)."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Event
from app.db.repositories.base import Repository


class EventRepository(Repository[Event]):
    model = Event

    def about(self, subject: str) -> list[Event]:
        """Every event about ``subject`` (such as ``order:12``), oldest first: a timeline."""
        return list(self.session.scalars(select(Event).where(Event.subject == subject).order_by(Event.id)))
