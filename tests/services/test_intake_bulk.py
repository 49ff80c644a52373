"""Intake's bulk writes (issue 14): on PostgreSQL orders, lines and first events go through ``COPY`` on the
chunk's own transaction, on SQLite through executemany INSERTs. Either way a chunk is all or nothing, and what
is stored reads back the same as the other path stores it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.config import Config
from app.db.models import Event, Order, OrderLine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import intake
from app.services.intake import store
from tests.conftest import SAMPLES


def counts(db: Database) -> tuple[int, int, int]:
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        return (
            int(session.scalar(select(func.count()).select_from(Order)) or 0),
            int(session.scalar(select(func.count()).select_from(OrderLine)) or 0),
            int(session.scalar(select(func.count()).where(Event.kind == "order.status")) or 0),
        )


def test_a_row_the_database_refuses_leaves_nothing_of_its_chunk(
    sample_catalog: Database, config: Config, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last line of the file's last order breaks a check constraint, after the orders of the chunk went in:
    the whole chunk rolls back, orders, lines and events alike."""
    db = sample_catalog
    before = counts(db)
    real = store.line_values
    calls: list[int] = []

    def one_bad_line(*args: Any) -> tuple[list[dict[str, Any]], list[str]]:
        lines, unknown = real(*args)
        calls.append(1)
        if len(calls) == 2:  # the second (last) order of the file
            lines[-1] = {**lines[-1], "qty_ordered": -1}
        return lines, unknown

    monkeypatch.setattr(store, "line_values", one_bad_line)
    with pytest.raises(IntegrityError):
        intake.import_orders(db, config, SAMPLES / "shopify-orders.json", actor=system)
    assert len(calls) == 2
    assert counts(db) == before


def test_stored_orders_read_back_with_every_value(sample_catalog: Database, config: Config, system: Actor) -> None:
    """Dates, amounts, JSON tags, defaults and the first event come back as the services wrote them."""
    db = sample_catalog
    report = intake.import_orders(db, config, SAMPLES / "shopify-orders.json", actor=system)
    assert report.applied and report.created >= 2
    with db.unit_of_work(readonly=True) as uow:
        orders = list(uow.session.scalars(select(Order).where(Order.id.in_(report.order_ids)).order_by(Order.id)))
        assert [o.id for o in orders] == sorted(report.order_ids)
        for order in orders:
            assert order.received_at.tzinfo is not None and order.status_changed_at == order.received_at
            assert order.priority_scored_at == order.received_at
            assert isinstance(order.tags, list) and isinstance(order.order_value, Decimal)
            assert order.short_pending is False and order.value_review_approved is False
            assert order.lines and all(line.qty_allocated == 0 for line in order.lines)
            assert [line.line_no for line in order.lines] == list(range(1, len(order.lines) + 1))
            events = list(uow.events.about(f"order:{order.id}"))
            assert [(e.kind, e.data["to"], e.actor) for e in events] == [("order.status", order.status, system.name)]
    again = intake.import_orders(db, config, SAMPLES / "shopify-orders.json", actor=system)
    assert again.created == 0 and again.unchanged == report.created  # what was stored compares equal to the file


def test_ids_follow_the_sequence_after_a_bulk_write(
    sample_catalog: Database, config: Config, system: Actor, tmp_path: Path
) -> None:
    """Ids taken for ``COPY`` come from the orders' own sequence: an order added the ordinary way afterwards gets
    the next id, never one the bulk write used."""
    db = sample_catalog
    first = intake.import_orders(db, config, SAMPLES / "shopify-orders.json", actor=system)
    with db.unit_of_work() as uow:
        order = Order(channel="manual", external_id="M-1", number="M-1")
        uow.session.add(order)
        uow.session.flush()
        assert order.id > max(first.order_ids)
        uow.commit()
