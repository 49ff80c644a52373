"""The repository of cartons being packed and their items."""

from __future__ import annotations

from app.db.models import Carton
from app.db.repositories.base import Repository


class CartonRepository(Repository[Carton]):
    model = Carton
