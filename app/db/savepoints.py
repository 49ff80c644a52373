"""One transaction around many units of work: each unit of work becomes a savepoint inside it.

For work that must commit whole or not at all although it calls many services that each open (and commit) their
own units of work, such as seeding the demo warehouse (``app.services.demo``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import sessionmaker

from app.db.unit_of_work import Database


@contextmanager
def one_transaction(db: Database) -> Iterator[Database]:
    """A ``Database`` whose units of work are savepoints inside one transaction on one connection: it commits when
    the block ends normally and rolls back entirely when it raises (also on KeyboardInterrupt)."""
    with db.engine.connect() as conn, conn.begin():
        inner = Database(db.engine)
        inner.sessions = sessionmaker(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
        yield inner
