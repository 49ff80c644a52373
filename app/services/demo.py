"""Load the demo warehouse: schema, locations, catalog, stock and one user per role (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.db.models import User
from app.db.unit_of_work import Actor, Database
from app.domain.layout import Layout
from app.services import catalog, setup, users

DEMO_USERS = (
    ("pia", "picker", "BADGE-PIA", "1111"),
    ("paul", "packer", "BADGE-PAUL", "2222"),
    ("sofia", "supervisor", "BADGE-SOFIA", "3333"),
    ("adam", "admin", "BADGE-ADAM", "4444"),
)
"""Demo sign-ins: (name, role, badge, PIN). Documented in the README; never use these in production."""


@dataclass(frozen=True)
class DemoReport:
    init: setup.InitReport
    products: catalog.ImportReport
    stock: catalog.ImportReport
    users_created: int


def seed_demo(db: Database, layout: Layout, demo_dir: Path, *, actor: Actor) -> DemoReport:
    init = setup.initialise(db, layout, actor=actor)
    products = catalog.import_products(db, demo_dir / "products.csv", actor=actor)
    if not products.applied:
        raise RuntimeError("demo products do not import: " + "; ".join(map(str, products.problems[:3])))
    stock = catalog.import_stock(db, demo_dir / "stock.csv", actor=actor)
    if not stock.applied:
        raise RuntimeError("demo stock does not import: " + "; ".join(map(str, stock.problems[:3])))
    created = 0
    with db.unit_of_work(readonly=True) as uow:
        existing = set(uow.session.scalars(select(User.name)))
    for name, role, badge, pin in DEMO_USERS:
        if name not in existing:
            users.add_user(db, name, role, badge, pin, actor=actor)
            created += 1
    return DemoReport(init, products, stock, created)
