"""The repository of pick faces and other locations of the layout."""

from __future__ import annotations

from app.db.models import Location
from app.db.repositories.base import Repository


class LocationRepository(Repository[Location]):
    model = Location
