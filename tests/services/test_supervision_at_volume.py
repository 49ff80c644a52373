"""The supervisor's snapshot at volume (issue 14): "stuck since" read from ``orders.status_changed_at`` (kept by
the one status function) and the "at risk" list merged per service level, both off indexes, so neither the
number of released orders nor the size of a ship-by day decides their cost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select, update

from app.config import Config
from app.db.models import Order
from app.db.queries.supervision import exceptions as exception_queries
from app.db.queries.supervision import floor as floor_queries
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services.order_status import StatusChange, set_status, set_statuses

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LEVELS = ("standard", "express", "same_day", "pallet")  # "pallet": a level the cut-off table does not name


def add_orders(db: Database, count: int, *, status: str = "new", start: int = 0) -> list[int]:
    rows = [
        {
            "channel": "csv",
            "external_id": f"V{start + k}",
            "number": f"#V{start + k}",
            "status": status,
            "service_level": LEVELS[(start + k) % len(LEVELS)],
            "ship_by": date(2026, 6, 1) + timedelta(days=(start + k) % 3) if k % 11 else None,
            "status_changed_at": NOW - timedelta(minutes=(start + k) * 7 % 400),
        }
        for k in range(count)
    ]
    with db.unit_of_work() as uow:
        uow.session.execute(insert(Order), rows)
        uow.commit()
        keys = [r["external_id"] for r in rows]
        return list(uow.session.scalars(select(Order.id).where(Order.external_id.in_(keys)).order_by(Order.id)))


CUTOFFS = {"same_day": 12 * 60, "express": 16 * 60, "standard": 17 * 60}
DEFAULT_CUTOFF = 15 * 60


def test_at_risk_is_every_open_order_by_its_cut_off_moment(db: Database) -> None:
    add_orders(db, 90)
    add_orders(db, 10, status="shipped", start=200)
    with db.unit_of_work(readonly=True) as uow:
        got = floor_queries.open_orders_by_cutoff(uow.session, CUTOFFS, DEFAULT_CUTOFF, 25)
        everything = list(
            uow.session.execute(
                select(Order.id, Order.ship_by, Order.service_level).where(
                    Order.status.not_in(("shipped", "cancelled")), Order.ship_by.is_not(None)
                )
            )
        )
    expected = sorted(everything, key=lambda r: (r.ship_by, CUTOFFS.get(r.service_level, DEFAULT_CUTOFF), r.id))
    assert [o.order_id for o in got] == [r.id for r in expected[:25]]
    assert "pallet" in {o.service_level for o in got}  # a level without its own cut-off still counts


def test_stuck_since_is_the_last_status_change_whoever_wrote_it(db: Database, config: Config) -> None:
    actor = Actor("system", "test")
    ids = add_orders(db, 6, status="allocated")
    with db.unit_of_work() as uow:  # a rescoring pass touches every row: updated_at moves, the status did not
        uow.session.execute(update(Order).values(priority=Order.priority + 1))
        uow.commit()
    with db.unit_of_work() as uow:
        order = uow.session.get(Order, ids[0])
        assert order is not None
        set_status(uow, order, "released", actor, "one")
        uow.commit()
    with db.unit_of_work() as uow:
        set_statuses(
            uow, [StatusChange(i, f"#V{k}", "allocated", "released", "bulk") for k, i in enumerate(ids[1:3])], actor
        )
        uow.commit()
    with db.unit_of_work(readonly=True) as uow:
        changed = dict(uow.session.execute(select(Order.id, Order.status_changed_at).where(Order.id.in_(ids))).all())
        old = min(changed[i] for i in ids[3:])
        stuck = exception_queries.orders_in_states(uow.session, (), ("released",), datetime.now(UTC), 10)
        not_yet = exception_queries.orders_in_states(uow.session, (), ("released",), old, 10)
    assert all(changed[i] > datetime.now(UTC) - timedelta(minutes=5) for i in ids[:3])  # moved just now
    assert all(changed[i] < NOW for i in ids[3:])  # untouched by the rescoring pass
    assert sorted(r.order_id for r in stuck) == sorted(ids[:3])
    assert [r.since for r in stuck] == sorted((r.since for r in stuck), reverse=True)
    assert not_yet == []  # released just now: not stuck since an older moment


def _statements(db: Database, read: Callable[[Any], object]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if "FROM orders" in statement:  # not the unit of work's own set-up statements
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.unit_of_work(readonly=True) as uow:
            read(uow.session)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _plan(db: Database, statement: str, parameters: Any) -> str:
    """The plan of a captured statement; on PostgreSQL with sequential scans priced out, so a small test table
    still shows whether an index can serve it."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        return "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))


@pytest.mark.parametrize(
    ("read", "index"),
    [
        (
            lambda s: exception_queries.orders_in_states(s, ("on_hold",), ("released",), NOW, 20),
            "ix_orders_status_changed",
        ),
        (lambda s: floor_queries.open_orders_by_cutoff(s, CUTOFFS, DEFAULT_CUTOFF, 20), "ix_orders_open_level_ship_by"),
        (floor_queries.open_service_levels, "ix_orders_open_level_ship_by"),
    ],
    ids=["stuck", "at_risk", "levels"],
)
def test_snapshot_reads_walk_their_index_and_scan_no_table(db: Database, read: Any, index: str) -> None:
    add_orders(db, 60, status="released")
    add_orders(db, 40, status="new", start=100)
    captured = _statements(db, read)
    assert captured
    for statement, parameters in captured:
        plan = _plan(db, statement, parameters)
        assert index in plan, plan
        assert "SCAN orders\n" not in plan + "\n" and "Seq Scan on orders" not in plan, plan
