"""The repository of put-back tasks for units that go back to a location."""

from __future__ import annotations

from app.db.models import PutbackTask
from app.db.repositories.base import Repository


class PutbackRepository(Repository[PutbackTask]):
    model = PutbackTask
