"""Background writers take turns with the floor: a long job (a ``process`` pass) writes in short transactions and
leaves the write lock free between them, so a picker's scan is never starved.

Why a pause is needed on SQLite: a writer that finds the database locked sleeps and tries again (1, 2, 5, 10,
15, 20, 25, 25, ... 100 ms); a job that starts its next transaction the moment the last one committed takes the
lock back before the sleeper wakes, so a scan waited behind a whole series of "short" transactions (measured:
2-3 s behind a release of 500 orders in chunks of 50). After each transaction the job now waits as long as it
held the lock, and at least ``MIN_GAP_S``: the sleeper's next try falls into a gap, which bounds a scan's wait
near one transaction plus one gap. PostgreSQL locks rows, not the database: no pause there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from app.db.retry import retry_busy
from app.db.unit_of_work import Database

T = TypeVar("T")

MIN_GAP_S = 0.025
"""At least the waiting writer's sleep step in its first 100 ms (25 ms), so its next try cannot skip a gap."""
MAX_GAP_S = 0.25
"""A transaction that held the lock for long (a slow disk) does not stall the job for longer than this."""


def in_turn(db: Database, transaction: Callable[[], T]) -> T:
    """Run one whole write transaction (again when busy), then, on SQLite, leave the lock free for a while."""
    started = time.perf_counter()
    result = retry_busy(transaction)
    if getattr(db, "dialect", None) == "sqlite":
        held = time.perf_counter() - started
        time.sleep(min(MAX_GAP_S, max(MIN_GAP_S, held)))
    return result
