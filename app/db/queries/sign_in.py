"""The event-log reads behind PIN lockout (``app.services.lockout``): the newest mark that settles a user's lock,
and the wrong PINs typed after it. Both use the (subject, id) index of ``events``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Event


@dataclass(frozen=True)
class Mark:
    """One event that settles a lock: its id (later wrong PINs count after it), kind, time and details."""

    id: int
    kind: str
    at: datetime
    data: dict[str, Any]


def newest_mark(session: Session, subject: str, kinds: Iterable[str]) -> Mark | None:
    """The newest event of ``subject`` whose kind is one of ``kinds``, or None."""
    row = session.execute(
        select(Event.id, Event.kind, Event.at, Event.data)
        .where(Event.subject == subject, Event.kind.in_(list(kinds)))
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    return Mark(row.id, row.kind, row.at, row.data or {}) if row is not None else None


def event_data_since(session: Session, subject: str, kind: str, after_id: int) -> list[dict[str, Any]]:
    """The ``data`` of every ``kind`` event of ``subject`` newer than event ``after_id``."""
    query = select(Event.data).where(Event.subject == subject, Event.kind == kind, Event.id > after_id)
    return [data or {} for data in session.scalars(query)]
