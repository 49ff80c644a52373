"""Migration 0008 on a database with orders (issue 14): every order's ``status_changed_at`` is its newest
``order.status`` event (``updated_at`` without one), and every order counts as never scored, so the first
``process`` pass after the upgrade re-scores each open order once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.db.engine import make_engine
from app.db.migrate import upgrade
from tests.conftest import BACKENDS


def _dummy(column: sa.Column[Any]) -> Any:
    """A value for a NOT NULL column the test does not care about, by its type."""
    kind = column.type.python_type if not isinstance(column.type, sa.JSON) else list
    return {str: "x", int: 0, float: 0.0, Decimal: Decimal(0), bool: False, list: [], dict: {}}.get(
        kind, datetime(2026, 1, 1) if kind is datetime else date(2026, 1, 1)
    )


def as_dt(value: Any) -> datetime:
    """A timestamp as read back raw (SQLite gives text)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _row(table: sa.Table, **given: Any) -> dict[str, Any]:
    row = {c.name: _dummy(c) for c in table.columns if not c.nullable and not c.primary_key}
    return {**row, **given}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_dates_each_order_by_its_last_status_event(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("make_pg_url")() if backend == "postgres" else f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine, "0007")
        meta = sa.MetaData()
        with engine.begin() as conn:
            orders = sa.Table("orders", meta, autoload_with=conn)
            events = sa.Table("events", meta, autoload_with=conn)
            for n in (1, 2):
                conn.execute(
                    orders.insert(),
                    _row(orders, id=n, channel="csv", external_id=f"E{n}", number=f"#E{n}", status="released",
                         updated_at=datetime(2026, 3, 9, 9, 0)),
                )  # fmt: skip
            for at, subject, kind in (
                (datetime(2026, 3, 1, 8, 0), "order:1", "order.status"),
                (datetime(2026, 3, 2, 8, 30), "order:1", "order.status"),
                (datetime(2026, 3, 5, 8, 0), "order:1", "order.edited"),  # not a status change
                (datetime(2026, 3, 3, 7, 0), "order:12", "order.status"),  # another order ("order:1" + "2")
            ):
                conn.execute(events.insert(), _row(events, at=at, subject=subject, kind=kind, data={}))
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, status_changed_at, priority_scored_at FROM orders ORDER BY id")
            ).all()
        assert [(r[0], as_dt(r[1])) for r in rows] == [
            (1, datetime(2026, 3, 2, 8, 30)),  # its newest status event
            (2, datetime(2026, 3, 9, 9, 0)),  # no status event of its own: updated_at
        ]
        assert {as_dt(r[2]) for r in rows} == {datetime(1970, 1, 1)}
    finally:
        engine.dispose()
