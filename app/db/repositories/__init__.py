"""Repositories: one per aggregate root, the services' only way to load and store rows (see ``base``)."""

from __future__ import annotations

from app.db.repositories.batches import BatchRepository
from app.db.repositories.cartons import CartonRepository
from app.db.repositories.events import EventRepository
from app.db.repositories.locations import LocationRepository
from app.db.repositories.orders import OrderRepository
from app.db.repositories.products import ProductRepository
from app.db.repositories.putbacks import PutbackRepository
from app.db.repositories.shipments import ShipmentRepository
from app.db.repositories.stock import StockRepository
from app.db.repositories.tasks import TaskRepository
from app.db.repositories.totes import ToteRepository
from app.db.repositories.users import UserRepository

__all__ = [
    "BatchRepository",
    "CartonRepository",
    "EventRepository",
    "LocationRepository",
    "OrderRepository",
    "ProductRepository",
    "PutbackRepository",
    "ShipmentRepository",
    "StockRepository",
    "TaskRepository",
    "ToteRepository",
    "UserRepository",
]
