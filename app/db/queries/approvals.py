"""The event-log reads behind weight approvals (``app.services.weight_approval``): approvals given from the
command line for an order, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Event


def events_of(session: Session, subject: str, kind: str) -> list[Event]:
    """Every ``kind`` event of ``subject``, newest first (the (subject, id) index answers it)."""
    query = select(Event).where(Event.subject == subject, Event.kind == kind).order_by(Event.id.desc())
    return list(session.scalars(query))
