"""The repository of pick stops (tasks) of batches."""

from __future__ import annotations

from app.db.models import PickTask
from app.db.repositories.base import Repository


class TaskRepository(Repository[PickTask]):
    model = PickTask
