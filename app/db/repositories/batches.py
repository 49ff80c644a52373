"""The repository of pick batches (cart loads) and their slots."""

from __future__ import annotations

from app.db.models import Batch
from app.db.repositories.base import Repository


class BatchRepository(Repository[Batch]):
    model = Batch
