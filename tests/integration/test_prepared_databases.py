"""The test databases themselves (``tests.support``): a PostgreSQL database put back from its snapshot holds what
a freshly built one holds (rows, ids, sequences), and a database whose schema a test changed is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.services import users
from tests.conftest import ACTOR, prepared_url
from tests.support import databases, pgsnapshot


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, pg_admin_url: str) -> str:
    return prepared_url(request, "postgres")


def test_a_restored_database_holds_the_snapshot_rows_and_sequences(pg_url: str, prepared: databases.Prepared) -> None:
    base = prepared.snapshots[databases.BASE]
    assert pgsnapshot.matches(pg_url, base)
    db = Database(make_engine(pg_url))
    try:
        first = users.add_user(db, "olga", "supervisor", "BADGE-OLGA", "5555", actor=ACTOR)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE locations SET active = false WHERE code = 'A01-01-L-1'"))
    finally:
        db.dispose()
    assert not pgsnapshot.matches(pg_url, base)
    assert pgsnapshot.restore(pg_url, base)
    assert pgsnapshot.matches(pg_url, base)
    db = Database(make_engine(pg_url))
    try:
        again = users.add_user(db, "olga", "supervisor", "BADGE-OLGA", "5555", actor=ACTOR)
        with db.engine.connect() as conn:
            active = conn.scalar(text("SELECT active FROM locations WHERE code = 'A01-01-L-1'"))
    finally:
        db.dispose()
    assert again.id == first.id and active is True  # the same id again: the sequences were put back too


def test_a_changed_schema_is_noticed_and_the_database_replaced(pg_url: str, prepared: databases.Prepared) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE products ADD COLUMN stray integer"))
    finally:
        engine.dispose()
    assert not pgsnapshot.restore(pg_url, prepared.snapshots[databases.BASE])
    fresh = prepared.pg_url_for()
    assert fresh != pg_url and pgsnapshot.matches(fresh, prepared.snapshots[databases.BASE])
