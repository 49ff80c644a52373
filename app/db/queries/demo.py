"""What the demo seed asks of the database before it works part of a shift (``app.services.demo``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Shipment


def any_shipment(session: Session) -> bool:
    """Whether anything was ever shipped (the demo shift has run before: never run it twice)."""
    return session.scalar(select(Shipment.id).limit(1)) is not None
