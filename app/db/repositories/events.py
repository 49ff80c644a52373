"""The repository of the append-only event log."""

from __future__ import annotations

from app.db.models import Event
from app.db.repositories.base import Repository


class EventRepository(Repository[Event]):
    model = Event
