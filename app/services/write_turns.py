"""Background writers take turns with the floor: a long job (a ``process`` pass) writes in short transactions and
leaves the write lock free between them, so a picker's scan is never starved.

Why a pause is needed on SQLite: a writer that finds the database locked sleeps and tries again, at 1, 3, 8, 18,
33, 53, 78, 103, 128, 178, 228, 328 ... ms after its first try (sqlite3's busy handler sleeps 1, 2, 5, 10, 15,
20, 25, 25, 25, 50, 50, 100 ms); a job that starts its next transaction the moment the last one committed takes
the lock back before the sleeper wakes, so a scan waited behind a whole series of "short" transactions
(measured: 2-3 s behind a release of 500 orders in chunks of 50). After each transaction the job now waits as
long as it held the lock, and at least ``MIN_GAP_S``: the sleeper's next try falls into a gap, which bounds a
scan's wait near one transaction plus one gap. PostgreSQL locks rows, not the database: no pause there.

Why a transaction must stay well under 78 ms, not 100: the sleeper tries again only at those moments, so a
scan that arrives as a transaction begins and finds it still running at 78 ms waits until 103 ms, whatever
the transaction's length between 78 and 103 ms (measured: the worst of 2,300 scans waited 108 ms behind
allocation transactions that held the lock at most 95 ms). ``Pacer`` sizes a job's next transaction from the
time its last ones took, so that even with a pause of the job's process (its garbage collector, the machine's
other work) a transaction ends before the 78 ms try.

Why the garbage collector waits: a full collection in the process of a pass takes tens of ms (about 90 ms of
CPU measured with the app loaded and a page of 100,000 order ids in hand, on the busy 2-core machine); landing
inside a transaction it adds all of that to the time the lock is held. ``in_turn`` keeps automatic
collections out of the transaction, so they run after the commit, in the pause the job leaves anyway.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from app.db.retry import retry_busy
from app.db.unit_of_work import Database

T = TypeVar("T")

MIN_GAP_S = 0.025
"""At least the waiting writer's sleep step in its first 100 ms (25 ms), so its next try cannot skip a gap."""
MAX_GAP_S = 0.25
"""A transaction that held the lock for long (a slow disk) does not stall the job for longer than this."""
TARGET_HOLD_S = 0.035
"""What a paced job aims a transaction at: a sleeper's try at 53 ms then finds it done, and the try at 78 ms
still does when a pause of the job's process (40 ms) lands inside the transaction."""


def in_turn(db: Database, transaction: Callable[[], T]) -> T:
    """Run one whole write transaction (again when busy), then, on SQLite, leave the lock free for a while."""
    started = time.perf_counter()
    with collections_after():
        result = retry_busy(transaction)
    if getattr(db, "dialect", None) == "sqlite":
        held = time.perf_counter() - started
        time.sleep(min(MAX_GAP_S, max(MIN_GAP_S, held)))
    return result


@contextmanager
def collections_after() -> Iterator[None]:
    """No automatic garbage collection inside the block: it runs at the first allocation after it (a
    transaction of a few dozen ms makes little garbage; a cycle left meanwhile is collected then)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Pacer:
    """The size of a job's next transaction (in items: orders, rows) from the time its last ones took.

    Why not a fixed size: an item's cost varies (an order of 40 lines costs ten of 4; a loaded machine doubles
    everything), and a fixed chunk small enough for the worst case is slow for the usual one. The pacer
    averages the cost per item of the last ``WINDOW`` transactions and sizes the next one to take ``target_s``
    at that cost, between 1 and ``most`` items; it starts at ``start``. The caller measures a transaction from
    the moment it holds its locks (the wait for them is another writer's cost).
    """

    WINDOW = 8

    def __init__(self, start: int, most: int, target_s: float = TARGET_HOLD_S) -> None:
        if start < 1 or most < start:
            raise ValueError(f"need 1 <= start <= most, got start={start}, most={most}")
        self.size, self.most, self.target_s = start, most, target_s
        self._costs: list[float] = []

    def took(self, seconds: float, items: int) -> None:
        """Record one transaction of ``items`` items that took ``seconds``; sets the next ``size``."""
        if items < 1:
            return
        self._costs = [*self._costs[-(self.WINDOW - 1) :], seconds / items]
        per_item = sum(self._costs) / len(self._costs)
        self.size = max(1, min(self.most, int(self.target_s / per_item) if per_item > 0 else self.most))
