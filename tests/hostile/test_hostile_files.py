"""Every file in ``tests/hostile/files`` through the real command line, on SQLite and PostgreSQL.

Each file tries one way in (see ``manifest.toml``): it must either import (exit 0) or be refused with every
problem as ``file:line: ...`` (exit 2) and the database exactly as it was. Exit 1 (an unexpected failure) and a
traceback are never acceptable. One database per backend serves the whole folder (the sample catalog and its
stock), so the run stays fast; each refusal compares the row counts right around its own import.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.db import migrate
from app.db.engine import make_engine
from app.db.models import Event, Order, OrderLine, Product, Stock, StockMove
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import catalog, setup, users
from tests.conftest import ACTOR, BACKENDS, PG_ENV, ROOT, SAMPLES, _create_pg_database
from tests.support import databases

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CASES: list[dict[str, Any]] = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))["file"]
TABLES = (Order, OrderLine, Product, Stock, StockMove, Event)
MB = 1 << 20


def _shopify_with_a_huge_name() -> bytes:
    order = json.loads((SAMPLES / "shopify-orders.json").read_text())["orders"][0]
    order["customer"]["first_name"] = "A" * MB
    return json.dumps({"orders": [order]}).encode()


GENERATED: dict[str, Callable[[], bytes]] = {
    "products-1mb-field.csv": lambda: (
        (SAMPLES / "products.csv").read_text().splitlines()[0] + "\n"
        f"HUGE-1,{'N' * MB},,,,0.1,1,1,1,090210,PT,1,EUR,0,0\n"
    ).encode(),
    "orders-csv-1mb-field.csv": lambda: (
        "order_number,customer_name,address1,city,country,sku,qty\n" + f"HC-9,{'N' * MB},Main 1,Wien,AT,MUG-BLU-350,1\n"
    ).encode(),
    "orders-nested-100000-deep.json": lambda: b"[" * 100_000 + b"]" * 100_000,
    "shopify-1mb-name.json": _shopify_with_a_huge_name,
}


def test_the_manifest_lists_every_file_once() -> None:
    listed = [case["name"] for case in CASES if not case.get("generated")]
    assert sorted(listed) == sorted(path.name for path in FILES.iterdir())
    assert {case["name"] for case in CASES if case.get("generated")} == set(GENERATED)
    assert {case["expect"] for case in CASES} == {"import", "refuse"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in GENERATED.items():
        (folder / name).write_bytes(make())
    return folder


@pytest.fixture(scope="module", params=BACKENDS)
def hostile_db(
    request: pytest.FixtureRequest, sqlite_template: Path, layout: Layout, prepared: databases.Prepared
) -> Iterator[str]:
    """A database of its own per backend with the sample catalog and stock, for the whole folder."""
    if request.param == "sqlite":
        target = request.getfixturevalue("tmp_path_factory").mktemp("hostile-db") / "pickpack.db"
        shutil.copy(sqlite_template, target)
        url = f"sqlite:///{target}"
    else:
        url = _create_pg_database(os.environ[PG_ENV])
    db = Database(make_engine(url))
    try:
        if request.param != "sqlite":
            migrate.upgrade(db.engine)
            setup.initialise(db, layout, actor=ACTOR)
        system = users.system_actor(db)
        assert catalog.import_products(db, SAMPLES / "products.csv", actor=system).applied
        assert catalog.import_stock(db, SAMPLES / "stock.csv", actor=system).applied
    finally:
        db.dispose()
    yield url
    if request.param != "sqlite":
        assert prepared.dropper is not None
        prepared.dropper.drop(url)  # in the background: a drop waits for a checkpoint


def row_counts(url: str) -> dict[str, int]:
    db = Database(make_engine(url))
    try:
        with db.unit_of_work(readonly=True) as uow:
            return {
                model.__tablename__: uow.session.scalar(select(func.count()).select_from(model)) or 0
                for model in TABLES
            }
    finally:
        db.dispose()


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hostile_file_is_imported_or_refused_with_file_and_line(
    case: dict[str, Any], hostile_db: str, generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = (generated if case.get("generated") else FILES) / case["name"]
    before = row_counts(hostile_db)
    code = main(["--config", str(ROOT / "config.toml"), "--db", hostile_db, "import", case["command"], str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code != 1, err
    if case["expect"] == "import":
        assert code == 0, f"{case['why']}: {err}"
        return
    assert code == 2, f"{case['why']}: expected a refusal, got exit {code}: {err}"
    *problems, summary = err.strip().splitlines()
    assert problems, err
    for line in problems:
        assert re.match(rf"{re.escape(str(path))}:\d+: \S", line), f"no file:line in {line!r}"
        assert len(line) < 2000, "a message must not quote a whole 1 MB field"
    assert summary.startswith(f"{path}: ")
    assert row_counts(hostile_db) == before, "a refused file changed the database"
