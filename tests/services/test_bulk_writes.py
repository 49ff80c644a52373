"""The bulk paths under allocation and status changes write exactly what the per-row forms wrote, on both
databases (PostgreSQL takes ``UPDATE ... FROM unnest`` and ``COPY``, SQLite the driver's executemany)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.bulk import insert_rows, update_by_id
from app.db.models import Event, Order
from app.db.unit_of_work import Database
from app.domain.actor import Actor


def _orders(db: Database, n: int) -> list[int]:
    with db.unit_of_work() as uow:
        rows = [
            Order(channel="csv", external_id=f"B-{i}", number=f"B-{i}", customer_name="Zoë", status="new")
            for i in range(n)
        ]
        uow.session.add_all(rows)
        uow.session.flush()
        ids = [row.id for row in rows]
        uow.commit()
    return ids


def test_update_by_id_sets_only_the_rows_and_columns_given(db: Database) -> None:
    ids = _orders(db, 5)
    with db.unit_of_work(readonly=True) as uow:
        before = {o.id: o.updated_at for o in uow.session.scalars(select(Order))}
    at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with db.unit_of_work() as uow:
        update_by_id(
            uow.session,
            Order,
            [
                {"id": ids[0], "status": "allocated", "status_changed_at": at},
                {"id": ids[2], "status": "on_hold", "status_changed_at": at + timedelta(minutes=1)},
            ],
        )
        uow.commit()
    with db.unit_of_work(readonly=True) as uow:
        after = {o.id: (o.status, o.status_changed_at, o.updated_at) for o in uow.session.scalars(select(Order))}
    assert after[ids[0]][:2] == ("allocated", at)
    assert after[ids[2]][:2] == ("on_hold", at + timedelta(minutes=1))
    assert {after[i][0] for i in (ids[1], ids[3], ids[4])} == {"new"}
    assert after[ids[0]][2] > before[ids[0]] and after[ids[1]][2] == before[ids[1]]  # updated_at like the ORM's


def test_insert_rows_keeps_every_value_and_rolls_back_with_the_transaction(db: Database) -> None:
    actor = Actor("system", "test", None)
    rows = [db.unit_of_work().event_row(actor, "bulk.test", f"order:{i}", "naïve ☃ [b]x[/b]", n=i) for i in range(3)]
    with db.unit_of_work() as uow:
        insert_rows(uow.session, Event, rows)
    with db.unit_of_work() as uow:
        insert_rows(uow.session, Event, rows)
        uow.commit()
    with db.unit_of_work(readonly=True) as uow:
        stored = [
            (e.subject, e.message, e.data)
            for e in uow.session.scalars(select(Event).where(Event.kind == "bulk.test").order_by(Event.id))
        ]
    assert stored == [(f"order:{i}", "naïve ☃ [b]x[/b]", {"n": i}) for i in range(3)]
