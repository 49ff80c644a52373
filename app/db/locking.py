"""Dialect-aware locks for work that must never run twice at once across processes.

PostgreSQL: a transaction-scoped advisory lock (released at commit or rollback). SQLite needs none: its write
transactions start with ``BEGIN IMMEDIATE``, so writers already take turns.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def serialize(session: Session, name: str) -> None:
    """Wait until no other transaction holds the lock ``name``, then hold it until this transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(name.encode()) & 0x7FFFFFFF
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
