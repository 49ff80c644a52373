"""Load the demo warehouse: schema, locations, catalog, stock and one user per role (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.config import Config
from app.db.models import User
from app.db.unit_of_work import Actor, Database
from app.domain.layout import Layout
from app.services import catalog, intake, process, setup, users

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
    orders: intake.IntakeReport | None = None
    processed: process.ProcessReport | None = None


def seed_demo(
    db: Database, layout: Layout, demo_dir: Path, *, actor: Actor, config: Config | None = None
) -> DemoReport:
    """Load everything; with ``config`` also import the demo orders and run one processing pass, so pickers
    find batches waiting (and the office finds held, backordered and released orders)."""
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
    if config is None:
        return DemoReport(init, products, stock, created)
    orders = intake.import_orders(db, config, demo_dir / "orders.json", actor=actor)
    if not orders.applied:
        raise RuntimeError("demo orders do not import: " + "; ".join(map(str, orders.problems[:3])))
    processed = process.process_once(db, config, actor=actor, layout=layout)
    return DemoReport(init, products, stock, created, orders, processed)
