"""`pickpack process` re-scores in bounded chunks (issues 10 and 14): never one write transaction over all open orders,
only changed priorities written, a concurrent override kept, and ready batches ranked by their orders.

Write transactions are observed with engine events: every ``UPDATE orders`` parameter set counts as one row
written in the transaction that executes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, insert, select, text, update

from app.config import Config
from app.db.models import Batch, BatchSlot, Order
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, BACKORDERED, NEW, ON_HOLD, RELEASED, SHIPPED
from app.services import orders as order_service
from app.services import picking
from app.services.order_priority import priority_of
from app.services.supervision import actions as supervisor_actions
from tests.picking_support import add_users, release_orders

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OPEN = (NEW, BACKORDERED, ALLOCATED, ON_HOLD, RELEASED)


class WriteLog:
    """Rows of ``orders`` / ``batches`` updated per committed transaction, from the engine's own events."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.open: dict[int, dict[str, int]] = {}
        self.committed: list[dict[str, int]] = []
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._execute)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _execute(self, conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, executemany: bool) -> None:
        words = statement.split()
        if len(words) > 1 and words[0].upper() == "UPDATE":
            table = words[1].strip('"')
            rows = len(parameters) if executemany else 1
            counts = self.open.setdefault(id(conn), {})
            counts[table] = counts.get(table, 0) + rows

    def _commit(self, conn: Any) -> None:
        counts = self.open.pop(id(conn), None)
        if counts:
            self.committed.append(counts)

    def _rollback(self, conn: Any) -> None:
        self.open.pop(id(conn), None)

    def per_transaction(self, table: str) -> list[int]:
        return [counts[table] for counts in self.committed if table in counts]


@pytest.fixture
def writes(db: Database) -> Iterator[WriteLog]:
    log = WriteLog(db.engine)
    yield log
    log.close()


def add_orders(db: Database, count: int, *, status: str = NEW, start: int = 0) -> list[int]:
    """``count`` bare orders received three days before ``NOW`` with priority 0 (all need re-scoring)."""
    rows = [
        {
            "channel": "csv",
            "external_id": f"X{start + k}",
            "number": f"#X{start + k}",
            "status": status,
            "service_level": ("standard", "express", "same_day")[k % 3],
            "ship_by": (NOW + timedelta(days=k % 4)).date(),
            "order_value": 10 + k % 300,
            "currency": "EUR",
            "tags": ["vip"] if k % 7 == 0 else [],
            "priority": 0.0,
            "received_at": NOW - timedelta(days=3, minutes=k),
        }
        for k in range(count)
    ]
    with db.unit_of_work() as uow:
        uow.session.execute(insert(Order), rows)
        uow.commit()
        return list(uow.session.scalars(select(Order.id).where(Order.external_id.like("X%")).order_by(Order.id)))


def expected_priorities(db: Database, config: Config) -> dict[int, tuple[float, float]]:
    with db.unit_of_work(readonly=True) as uow:
        return {
            order.id: (float(order.priority), priority_of(order, config, NOW).total)
            for order in uow.session.scalars(select(Order).where(Order.status.in_(OPEN)))
        }


def test_rescoring_writes_at_most_one_chunk_per_transaction(db: Database, config: Config, writes: WriteLog) -> None:
    add_orders(db, 1_050)
    add_orders(db, 20, status=SHIPPED, start=5_000)

    changed = order_service.reprioritise(db, config, statuses=OPEN, now=NOW, chunk_size=100)

    assert changed == 1_050
    per_transaction = writes.per_transaction("orders")
    assert sum(per_transaction) == 1_050
    assert max(per_transaction) <= 100 and len(per_transaction) >= 11
    for stored, computed in expected_priorities(db, config).values():
        assert stored == pytest.approx(computed, abs=0.01)
    with db.unit_of_work(readonly=True) as uow:  # closed orders are not re-scored
        assert set(uow.session.scalars(select(Order.priority).where(Order.status == SHIPPED))) == {0.0}

    writes.committed.clear()
    assert order_service.reprioritise(db, config, statuses=OPEN, now=NOW, chunk_size=100) == 0
    assert writes.per_transaction("orders") == []  # nothing changed: nothing written, no write transaction


def test_the_default_chunk_is_bounded_too(db: Database, config: Config, writes: WriteLog) -> None:
    add_orders(db, 1_200)
    assert order_service.reprioritise(db, config, statuses=OPEN, now=NOW) == 1_200
    per_transaction = writes.per_transaction("orders")
    assert max(per_transaction) <= 500 and len(per_transaction) >= 3


def test_an_override_set_while_rescoring_is_kept(db: Database, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A supervisor pins an order after the pass read it but before the pass wrote: the pin wins."""
    ids = add_orders(db, 30)
    target = ids[12]
    scored = order_service.priority_of

    def score_and_interfere(order: Order, config: Config, now: datetime | None = None):  # type: ignore[no-untyped-def]
        if order.id == target:
            with db.unit_of_work() as uow:
                uow.session.execute(update(Order).where(Order.id == target).values(priority_override=9_999.0))
                uow.session.execute(update(Order).where(Order.id == target).values(priority=9_999.0))
                uow.commit()
        return scored(order, config, now)

    monkeypatch.setattr(order_service, "priority_of", score_and_interfere)
    changed = order_service.reprioritise(db, config, statuses=OPEN, now=NOW, chunk_size=10)
    assert changed == 29
    with db.unit_of_work(readonly=True) as uow:
        assert uow.session.get(Order, target).priority == 9_999.0  # type: ignore[union-attr]


def add_batch(db: Database, status: str, order_ids: list[int], priority: float = 0.0) -> int:
    with db.unit_of_work() as uow:
        batch = Batch(status=status, priority=priority)
        uow.session.add(batch)
        uow.session.flush()
        for slot, order_id in enumerate(order_ids, start=1):
            uow.session.add(BatchSlot(batch_id=batch.id, slot=slot, order_id=order_id))
        uow.commit()
        return batch.id


def batch_priorities(db: Database) -> dict[int, float]:
    with db.unit_of_work(readonly=True) as uow:
        return dict(uow.session.execute(select(Batch.id, Batch.priority)).tuples().all())


def order_priority(db: Database, order_id: int) -> float:
    with db.unit_of_work(readonly=True) as uow:
        return float(uow.session.scalar(select(Order.priority).where(Order.id == order_id)) or 0)


def test_ready_batches_take_the_highest_priority_of_their_orders(
    db: Database, config: Config, writes: WriteLog
) -> None:
    ids = add_orders(db, 9, status=RELEASED)
    first = add_batch(db, "ready", ids[0:3])
    second = add_batch(db, "ready", ids[3:5])
    claimed = add_batch(db, "picking", ids[5:7], priority=-1.0)
    putbacks_only = add_batch(db, "ready", [], priority=-2.0)

    order_service.reprioritise(db, config, statuses=OPEN, now=NOW, chunk_size=4)

    batches = batch_priorities(db)
    assert batches[first] == max(order_priority(db, i) for i in ids[0:3])
    assert batches[second] == max(order_priority(db, i) for i in ids[3:5])
    assert batches[claimed] == -1.0 and batches[putbacks_only] == -2.0  # only ready batches with orders move
    assert max(writes.per_transaction("batches")) <= 4

    # a pinned order lifts its batch at the next pass, even one that re-scores no order at all
    with db.unit_of_work() as uow:
        uow.session.execute(update(Order).where(Order.id == ids[4]).values(priority_override=5_000.0, priority=5_000.0))
        uow.commit()
    assert order_service.reprioritise(db, config, statuses=(), now=NOW) == 0
    assert batch_priorities(db)[second] == 5_000.0


def test_a_supervisor_override_changes_which_batch_is_claimed_next(
    sample_catalog: Database, config: Config, layout: Layout, tmp_path: Path
) -> None:
    """Issue 10, item 12: pinning an order's priority moves its batch to the front of the claim queue, and the
    next re-scoring pass keeps it there (the batch follows its orders, it is not reset to a stale score)."""
    db = sample_catalog
    release_orders(db, layout, tmp_path, [("#P1", "MUG-BLU-350", 1)])  # one pass, one batch each
    release_orders(db, layout, tmp_path, [("#P2", "TEA-EARL-100", 1)])
    with db.unit_of_work(readonly=True) as uow:
        claim_order = (Batch.priority.desc(), Batch.id)  # as picking claims them
        ready = list(uow.session.scalars(select(Batch.id).where(Batch.status == "ready").order_by(*claim_order)))
        assert len(ready) == 2
        low = ready[-1]
        low_order = uow.session.scalar(select(BatchSlot.order_id).where(BatchSlot.batch_id == low))
        number = uow.session.scalar(select(Order.number).where(Order.id == low_order))
    people = add_users(db)
    supervisor = next(u for u in people.values() if u.role == "supervisor")
    picker = next(u for u in people.values() if u.role == "picker")

    supervisor_actions.set_priority(db, config, supervisor, str(number), 10_000.0, terminal="sup-1")
    order_service.reprioritise(db, config, statuses=OPEN)

    state = picking.claim_batch(db, picker, terminal="hh-1")
    assert state is not None and state.batch_id == low


def test_only_orders_the_clock_moved_are_scored_again(db: Database, config: Config, writes: WriteLog) -> None:
    """Issue 14: a pass re-scores an order when its score is an hour old, not every open order every pass."""
    add_orders(db, 120)
    assert order_service.reprioritise(db, config, statuses=OPEN, now=NOW, chunk_size=50) == 120
    writes.committed.clear()

    assert order_service.reprioritise(db, config, statuses=OPEN, now=NOW + timedelta(minutes=30)) == 0
    assert writes.per_transaction("orders") == []  # half an hour later: nothing read for writing, nothing written

    fresh = add_orders(db, 5, start=9_000)  # new rows nobody scored yet: the next pass scores them at once
    assert order_service.reprioritise(db, config, statuses=OPEN, now=NOW + timedelta(minutes=31)) == 5
    assert sum(writes.per_transaction("orders")) == 5
    writes.committed.clear()

    later = NOW + timedelta(minutes=61)  # the first 120 are an hour old now: their age moved their score
    assert order_service.reprioritise(db, config, statuses=OPEN, now=later, chunk_size=50) == 120
    assert sum(writes.per_transaction("orders")) == 120 and max(writes.per_transaction("orders")) <= 50
    with db.unit_of_work(readonly=True) as uow:
        for order in uow.session.scalars(select(Order).where(Order.id.not_in(fresh), Order.status.in_(OPEN))):
            assert float(order.priority) == pytest.approx(priority_of(order, config, later).total, abs=0.01)


def test_a_scan_between_two_chunks_is_not_kept_waiting(
    db: Database, db_url: str, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk commits on its own: between two chunks another connection (a picker's scan) writes at once,
    and already sees the first chunk's scores. One transaction over every order would make it wait (SQLite: fail
    with "database is locked" once its busy timeout is zero)."""
    from app.db.engine import make_engine

    ids = add_orders(db, 30)
    other = Database(make_engine(db_url))
    scored_page = order_service._rescored_page
    seen_between: list[tuple[int, int]] = []

    def page_then_scan(*args: Any, **kwargs: Any) -> Any:
        if seen_between == [] and args[2][0] != ids[0]:  # the second chunk is about to be read
            with other.unit_of_work() as uow:
                if uow.session.get_bind().dialect.name == "sqlite":
                    uow.session.execute(text("PRAGMA busy_timeout = 0"))
                uow.session.execute(update(Order).where(Order.id == ids[-1]).values(hold_reason="scanned"))
                scored = uow.session.scalar(select(func.count()).where(Order.id.in_(ids), Order.priority != 0.0))
                uow.commit()
            seen_between.append((int(scored or 0), 1))
        return scored_page(*args, **kwargs)

    monkeypatch.setattr(order_service, "_rescored_page", page_then_scan)
    try:
        assert order_service.reprioritise(db, config, statuses=OPEN, now=NOW, chunk_size=10) == 30
    finally:
        other.dispose()
    assert seen_between == [(10, 1)]  # the scan wrote between chunks and saw exactly the first chunk committed
    with db.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(Order.hold_reason).where(Order.id == ids[-1])) == "scanned"
