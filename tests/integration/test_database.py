"""The database itself: migrations, SQLite pragmas, the append-only event log, schema in sync with models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.db import migrate
from app.db.base import Base
from app.db.models import Event, Location, Stock
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import setup
from tests.conftest import ACTOR


def test_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert migrate.current_revision(db.engine) == migrate.head_revision()


def test_init_is_idempotent(db: Database, layout: Layout) -> None:
    report = setup.initialise(db, layout, actor=ACTOR)
    assert (report.locations_created, report.locations_deactivated) == (0, 0)
    assert report.locations_total == 2480
    with db.unit_of_work(readonly=True) as uow:
        kinds = {loc.kind for loc in uow.session.scalars(select(Location))}
    assert kinds == {"pick", "reserve"}


def test_event_log_is_append_only(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.record(ACTOR, "test.something", subject="x", note="first")
        uow.commit()
    for statement in (update(Event).values(kind="forged"), Event.__table__.delete()):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(statement)
    with db.unit_of_work(readonly=True) as uow:
        assert [e.kind for e in uow.session.scalars(select(Event).where(Event.kind.like("test.%")))] == [
            "test.something"
        ]


def test_reserved_can_never_exceed_on_hand(sample_catalog: Database) -> None:
    with pytest.raises(IntegrityError), sample_catalog.unit_of_work() as uow:
        row = uow.session.scalar(select(Stock).limit(1))
        assert row is not None
        row.quantity_reserved = row.quantity_on_hand + 1
        uow.commit()


def test_sqlite_pragmas(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_uncommitted_work_rolls_back(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.record(ACTOR, "test.lost")
    with pytest.raises(RuntimeError), db.unit_of_work() as uow:
        uow.record(ACTOR, "test.lost")
        uow.session.flush()
        raise RuntimeError("crash in the middle")
    with db.unit_of_work(readonly=True) as uow:
        assert list(uow.session.scalars(select(Event).where(Event.kind == "test.lost"))) == []
