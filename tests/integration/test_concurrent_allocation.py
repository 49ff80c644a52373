"""Several allocating processes at once against scarce stock: never more reserved than on hand, and every order
ends fully allocated or backordered (ship-complete). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import load_config
from app.db.models import Allocation, Order, Stock
from app.db.unit_of_work import Database
from app.services import intake
from tests.conftest import ACTOR, ROOT
from tests.picking_support import CSV_HEADER
from tests.support import processes

PROCESSES = 4
SKUS = ["MUG-RED-350", "TEAPOT-GLASS-800", "TRAY-BAMBOO-L", "KETTLE-STEEL-1L"]  # 35, 8, 10, 12 on hand

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py


def _allocator(url: str, ready, batch_size: int) -> None:  # type: ignore[no-untyped-def]
    from app.db.engine import make_engine
    from app.db.unit_of_work import Database
    from app.domain.actor import Actor
    from app.services import allocation

    db = Database(make_engine(url, busy_timeout_ms=30000))
    with db.engine.connect():
        pass  # connected and imported: now wait until every allocator is, so they really start together
    ready.wait(60)
    allocation.allocate(
        db, actor=Actor("allocator", f"proc-{multiprocessing.current_process().pid}"), batch_size=batch_size
    )
    db.dispose()


def test_four_processes_never_oversell(sample_catalog: Database, db_url: str, tmp_path: Path) -> None:
    rng = random.Random(7)
    rows = []
    for n in range(120):
        for sku in rng.sample(SKUS, rng.randint(1, 2)):
            rows.append(
                f"K-{n},C{n},c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,{sku},{rng.randint(1, 3)}"
            )
    path = tmp_path / "orders.csv"
    path.write_text(CSV_HEADER + "\n".join(rows) + "\n")
    config = load_config(ROOT / "config.toml", env={})
    assert intake.import_orders(sample_catalog, config, path, actor=ACTOR).created == 120

    ctx = processes.context()  # children forked from a server that imported the app once
    ready = ctx.Barrier(PROCESSES)
    workers = [ctx.Process(target=_allocator, args=(db_url, ready, 2)) for _ in range(PROCESSES)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0

    with sample_catalog.unit_of_work(readonly=True) as uow:
        session = uow.session
        for stock in session.scalars(select(Stock)):
            assert 0 <= stock.quantity_reserved <= stock.quantity_on_hand, stock.id
            allocated = session.scalar(
                select(func.coalesce(func.sum(Allocation.qty), 0)).where(Allocation.stock_id == stock.id)
            )
            assert allocated == stock.quantity_reserved  # reservations and allocations agree
        statuses = dict(session.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        assert set(statuses) <= {"allocated", "backordered"}
        assert statuses.get("allocated", 0) > 0 and statuses.get("backordered", 0) > 0  # the stock really was scarce
        for order in session.scalars(select(Order)):
            full = all(line.qty_allocated == line.qty_ordered for line in order.lines)
            none = all(line.qty_allocated == 0 for line in order.lines)
            assert full if order.status == "allocated" else none, order.number
