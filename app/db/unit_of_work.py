"""The unit of work: one database transaction per operator action, rolled back unless the service commits.

Services receive a factory (``Database.unit_of_work``) and open one unit per use case; everything inside
commits whole or not at all. ``readonly=True`` gives a deferred transaction for lookups (no SQLite write lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session, sessionmaker

from app.db.base import utcnow
from app.db.engine import READONLY_OPTION
from app.db.models import Event


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and where: written on every event. ``user_id`` is None for the CLI and background jobs."""

    name: str
    terminal: str = ""
    user_id: int | None = None

    @classmethod
    def system(cls, terminal: str = "cli") -> Actor:
        return cls(name="system", terminal=terminal)


class UnitOfWork:
    """A transaction with an open session; use as a context manager and call ``commit()`` to keep the work."""

    session: Session

    def __init__(self, factory: sessionmaker[Session], *, readonly: bool = False) -> None:
        self._factory = factory
        self._readonly = readonly
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        if self._readonly:
            self.session.connection(execution_options={READONLY_OPTION: True})
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        if self._readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.session.commit()
        self._committed = True

    @staticmethod
    def event_row(actor: Actor, kind: str, subject: str = "", message: str = "", **data: Any) -> dict[str, Any]:
        """An event as a plain row, for ``record_rows`` when a use case writes many at once."""
        return {
            "at": utcnow(),
            "kind": kind,
            "actor": actor.name,
            "user_id": actor.user_id,
            "terminal": actor.terminal,
            "subject": subject,
            "message": message,
            "data": data,
        }

    def record_rows(self, rows: list[dict[str, Any]]) -> None:
        """Append many events in one batched INSERT (bulk paths: intake, allocation)."""
        if rows:
            self.session.execute(insert(Event), rows)

    def record(
        self,
        actor: Actor,
        kind: str,
        subject: str = "",
        message: str = "",
        **data: Any,
    ) -> Event:
        """Append one event to the log in this transaction (it commits with the work it describes)."""
        event = Event(
            kind=kind,
            actor=actor.name,
            user_id=actor.user_id,
            terminal=actor.terminal,
            subject=subject,
            message=message,
            data=data,
        )
        self.session.add(event)
        return event


class Database:
    """The engine plus its session factory: the one object services need to open units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def unit_of_work(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self.sessions, readonly=readonly)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
