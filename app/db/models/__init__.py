"""SQLAlchemy 2 models: the warehouse's tables. Each class docstring defines the business term it stores.

Quantities carry their unit in the name (``quantity_on_hand``, ``weight_kg``). Business rules live in
``app.domain``; these classes only store state. Services copy rows into frozen dataclasses before they leave a
unit of work, so no ORM instance ever crosses a thread or a screen.

Tables by aggregate: ``catalog`` (products, locations, stock, ledger), ``users`` (users, event log), ``orders``
(orders, lines, allocations, put-backs), ``floor`` (batches, slots, totes, pick stops) and ``shipping``
(shipments, cartons, print jobs, counters). Every model is re-exported here, and importing this package registers
every table on ``Base.metadata`` in the order Alembic has always seen them.
"""

from app.db.base import Base, UtcDateTime, utcnow

# The import order is the order the tables are registered on Base.metadata (as in the old single module).
# isort: off
from app.db.models.catalog import LOCATION_KINDS, Location, Product, Stock, StockMove
from app.db.models.users import ROLES, SYSTEM_ROLE, Event, User
from app.db.models.orders import Allocation, Order, OrderLine, PutbackTask
from app.db.models.floor import Batch, BatchSlot, PickTask, Tote
from app.db.models.shipping import Carton, CartonItem, Counter, PrintJobRecord, Shipment

# isort: on

__all__ = [
    "LOCATION_KINDS",
    "ROLES",
    "SYSTEM_ROLE",
    "Allocation",
    "Base",
    "Batch",
    "BatchSlot",
    "Carton",
    "CartonItem",
    "Counter",
    "Event",
    "Location",
    "Order",
    "OrderLine",
    "PickTask",
    "PrintJobRecord",
    "Product",
    "PutbackTask",
    "Shipment",
    "Stock",
    "StockMove",
    "Tote",
    "User",
    "UtcDateTime",
    "utcnow",
]
