"""The repository of shipments, their labels and print jobs."""

from __future__ import annotations

from app.db.models import Shipment
from app.db.repositories.base import Repository


class ShipmentRepository(Repository[Shipment]):
    model = Shipment
