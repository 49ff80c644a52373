"""The repository of orders and their lines, allocations and status history."""

from __future__ import annotations

from app.db.models import Order
from app.db.repositories.base import Repository


class OrderRepository(Repository[Order]):
    model = Order
