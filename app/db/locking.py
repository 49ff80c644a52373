"""The one home of row locking: every "read this row, decide, write it back" in the services locks through here.

Why one helper: locking was hand-written in ten places in three styles. The rules, once:

- **PostgreSQL** locks rows with ``SELECT … FOR UPDATE`` (``skip_locked`` for work queues, so concurrent claimers
  take different rows instead of waiting), and serializes whole jobs with a transaction-scoped advisory lock.
- **SQLite** has one writer: every write transaction starts with ``BEGIN IMMEDIATE`` (``app.db.engine``), so a
  transaction that will write already holds the database's only write lock before it reads. SQLAlchemy renders
  no ``FOR UPDATE`` for SQLite, so the same statement is correct on both. Where a writer must not trust a row
  it read earlier (outside its transaction), ``compare_and_set`` re-checks the value in the UPDATE itself.
"""

from __future__ import annotations

import zlib
from typing import Any, TypeVar

from sqlalchemy import Select, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session

M = TypeVar("M")
S = TypeVar("S", bound=Select[Any])


def for_update(query: S, *, of: Any = None, skip_locked: bool = False) -> S:
    """``query`` with ``FOR UPDATE`` (``OF`` the given entity, ``SKIP LOCKED`` if asked); a no-op on SQLite."""
    return query.with_for_update(of=of, skip_locked=skip_locked)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_row(session: Session, model: type[M], ident: Any) -> M | None:
    """The row ``ident`` of ``model``, locked for this transaction on PostgreSQL and refreshed from the database
    (a stale copy in the session must not be the basis of a decision)."""
    return session.get(model, ident, with_for_update=is_postgres(session), populate_existing=True)


def compare_and_set(session: Session, column: InstrumentedAttribute[Any], ident: Any, expected: Any, new: Any) -> bool:
    """Set ``column`` of the row ``ident`` to ``new`` only if it still holds ``expected``; True if it did.

    The check and the write are one statement, so it holds on both databases whatever was read before."""
    model = column.class_
    result = session.execute(
        update(model).where(model.id == ident, column == expected).values({column.key: new}),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def serialize(session: Session, name: str) -> None:
    """Wait until no other transaction holds the lock ``name``, then hold it until this transaction ends.

    PostgreSQL: an advisory transaction lock. SQLite: nothing to do, the write transaction already holds the lock."""
    if not is_postgres(session):
        return
    key = zlib.crc32(name.encode()) & 0x7FFFFFFF
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
