"""What the terminal and the command line need of the database layer, without importing it themselves.

Why: screens and commands reach the database only through the services (an import-linter contract in
pyproject.toml). They still hold a database handle (built by ``app.bootstrap``) to pass to the services, run a
step again when the database was busy, and name the database's failures in ``except`` clauses: those three
things, and nothing else, are offered here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.db.database import Database
from app.db.errors import ConnectionFailed, DatabaseRefused, DatabaseUnavailable, SchemaMismatch, driver_message
from app.db.retry import retry_busy

T = TypeVar("T")

__all__ = [
    "ConnectionFailed",
    "Database",
    "DatabaseRefused",
    "DatabaseUnavailable",
    "SchemaMismatch",
    "driver_message",
    "with_busy_retry",
]


def with_busy_retry(step: Callable[[], T], *, on_retry: Callable[[int], None] | None = None) -> T:
    """Run ``step`` (one whole transaction, or a station step made of them) again while the database is busy.

    Safe because a busy error always comes before anything was kept: the failed attempt rolled back. Raises
    ``DatabaseUnavailable`` when it stayed busy (or cannot be reached), any other error at once. ``on_retry(n)``
    is called before the n-th retry, e.g. for a screen to say "busy, retrying".
    """
    return retry_busy(step, on_retry=on_retry)
