"""``Database``: the engine, its units of work, and a plain read-only connection, without loading the ORM.

Why its own module: building a ``Database`` used to import the unit of work, and with it SQLAlchemy's ORM, every
model class and every repository (declaring the 19 mapped classes alone costs nearly as much as importing
SQLAlchemy). A command such as `pickpack orders list --limit 100` reads one page with a Core query and needs none
of it; the ORM now loads when the first unit of work is opened (``unit_of_work``), which every command that
changes something still does, at the same cost as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from app.db.engine import READONLY_OPTION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from app.db.unit_of_work import UnitOfWork


class Database:
    """The engine plus its session factory: the one object services need to open units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] | None = None

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory, made on first use (importing the ORM); ``app.db.savepoints`` replaces it."""
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        return self._sessions

    @sessions.setter
    def sessions(self, factory: sessionmaker[Session]) -> None:
        self._sessions = factory

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        from app.db.unit_of_work import UnitOfWork

        return UnitOfWork(self.sessions, readonly=readonly)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A Core connection in one read-only transaction (on SQLite a deferred ``BEGIN``: it never waits for a
        writer), rolled back when the block ends: for reads that need no ORM objects, such as a listing page.

        A ``Database`` whose sessions were redirected (``app.db.savepoints.one_transaction``) reads through the
        connection its units of work use, so it sees their uncommitted work as a unit of work would."""
        bind = self._sessions.kw.get("bind") if self._sessions is not None else None
        if isinstance(bind, Connection):  # inside one_transaction: read in its transaction
            yield bind
            return
        with self.engine.connect() as conn:  # closing the connection rolls the transaction back
            conn.execution_options(**{READONLY_OPTION: True})
            conn.begin()
            yield conn

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
