"""Retry a whole transaction when the database is busy, instead of failing the operator's action.

Why: SQLite has one writer at a time. A write that waits longer than the busy timeout raises "database is
locked" although nothing is wrong; PostgreSQL may abort a transaction with a serialization failure or a
deadlock, and the documented answer to both is to run the transaction again. ``retry_busy`` does exactly that
for those errors and re-raises everything else at once (a constraint violation must never be retried).

``fn`` must be the *whole* transaction (it opens its own unit of work): the failed attempt has been rolled
back, so running it again from the start is safe, and nothing it did is half-kept.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

T = TypeVar("T")

SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")
"""sqlite3 messages for SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock."""
POSTGRES_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
"""serialization_failure and deadlock_detected: PostgreSQL rolled the transaction back; run it again."""

DEFAULT_ATTEMPTS = 6
BASE_DELAY_S = 0.05
MAX_DELAY_S = 1.0


def is_busy(exc: BaseException) -> bool:
    """True for the errors that mean "try again": SQLite locked, PostgreSQL serialization failure or deadlock."""
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in POSTGRES_RETRY_SQLSTATES:
        return True
    try:
        from psycopg.errors import DeadlockDetected, SerializationFailure
    except ImportError:  # PostgreSQL support not installed: only SQLite can be busy
        pass
    else:
        if isinstance(orig, SerializationFailure | DeadlockDetected):
            return True
    message = str(orig).lower()
    return any(text in message for text in SQLITE_BUSY_MESSAGES)


def retry_busy(
    fn: Callable[[], T],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    on_retry: Callable[[int], None] | None = None,
    base_delay_s: float = BASE_DELAY_S,
    max_delay_s: float = MAX_DELAY_S,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn``; when the database is busy (``is_busy``) run it again, at most ``attempts`` times in all.

    Waits grow exponentially from ``base_delay_s`` up to ``max_delay_s`` with jitter, so two writers that
    collided do not collide again in lock step. ``on_retry(n)`` is called before the n-th retry (1-based), e.g.
    for a screen to show "busy, retrying". The last busy error is re-raised when every attempt failed; any
    other error is re-raised at once.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except OperationalError as exc:
            if attempt == attempts or not is_busy(exc):
                raise
        if on_retry is not None:
            on_retry(attempt)
        delay = min(max_delay_s, base_delay_s * 2 ** (attempt - 1))
        sleep(delay * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
