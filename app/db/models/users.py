"""Tables of people and what they did: terminal users and the append-only event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, utcnow
from app.domain import roles

ROLES = roles.ROLES
"""The roles a person can be given (defined in ``app.domain.roles``; named here for the ``users`` table)."""
SYSTEM_ROLE = roles.SYSTEM
"""The built-in ``system`` user (created by ``init``) acts for automation; it has no PIN and cannot sign in."""


class User(Base):
    """A person who signs in at a terminal; the role decides which screens and actions they reach."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    badge: Mapped[str] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('picker', 'packer', 'supervisor', 'admin', 'system')", name="role_known"),
    )


class Event(Base):
    """One line of the append-only event log: who did what, when, at which terminal, to which subject.

    Rows are never updated or deleted (database triggers refuse it); ``kind`` is a stable dotted code such as
    ``stock.imported`` or ``user.signed_in`` and ``data`` the details.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    terminal: Mapped[str] = mapped_column(String(64), default="")
    subject: Mapped[str] = mapped_column(String(128), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_events_subject", "subject", "id"),
        Index("ix_events_kind", "kind", "id"),
        Index("ix_events_kind_at", "kind", "at"),
    )
