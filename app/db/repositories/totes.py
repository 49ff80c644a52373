"""The repository of totes and who holds them."""

from __future__ import annotations

from app.db.models import Tote
from app.db.repositories.base import Repository


class ToteRepository(Repository[Tote]):
    model = Tote
