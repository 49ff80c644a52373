"""Fakes for service unit tests (cosmicpython's ``FakeUnitOfWork`` and fake repositories): no database at all.

``FakeDatabase`` (``uow``) stands where the services expect a ``Database``; its repositories live in ``orders``
(orders, events, users), ``floor`` (batches, stops, totes, products, stock, put-backs, the picking reads) and
``shipping`` (shipments, cartons, the shipping reads), all over the rows of ``store``. ``collaborators`` holds
the fixtures that replace what still speaks SQL (authorization's lock-out marks, the floor for order use cases).
"""

from tests.fakes.collaborators import FloorCalls, fake_authorize, fake_collaborators, fake_floor_authz
from tests.fakes.orders import FakeEventRepository, FakeOrderRepository, FakeStock, FakeUserRepository
from tests.fakes.store import FakeRows, FakeStore
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

__all__ = [
    "FakeDatabase",
    "FakeEventRepository",
    "FakeOrderRepository",
    "FakeRows",
    "FakeStock",
    "FakeStore",
    "FakeUnitOfWork",
    "FakeUserRepository",
    "FloorCalls",
    "fake_authorize",
    "fake_collaborators",
    "fake_floor_authz",
]
