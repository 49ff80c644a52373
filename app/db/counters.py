"""Never-reused serial numbers (SSCC serials, tracking numbers) without one hot row in every shipment.

Why blocks on PostgreSQL: with one ``UPDATE counters ... RETURNING`` inside the shipping transaction, the counter
row stays locked until that shipment commits, so every packer's booking waits for the one before it, and on a
distributed PostgreSQL-compatible engine that row becomes a contention point across the cluster. Instead, each
process reserves a block of numbers in its own short transaction and hands them out locally (the hi/lo
pattern). Numbers stay unique and are never reused; a block left unused when a process ends, or a number taken by
a shipment that rolled back, leaves a gap, which GS1 serials and carriers' tracking ranges allow.

SQLite has one writer at a time and the shipping transaction already holds it: a second transaction for the
block would wait for the first to finish. There the number is taken inside the caller's transaction, as before.
"""

from __future__ import annotations

import os
import threading

from sqlalchemy import Engine, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.db.models import Counter

BLOCK_SIZE = 20
"""Numbers reserved per trip to the database: a packing station ships a few hundred parcels a shift."""

_reserved: dict[tuple[int, str, str], list[int]] = {}
"""(process id, database, counter name) -> numbers reserved and not yet handed out. The process id keeps a
forked child from handing out its parent's numbers a second time."""
_lock = threading.Lock()


def next_number(session: Session, name: str) -> int:
    """The next number of the counter ``name`` (the first is 1)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or not isinstance(bind, Engine):
        return _in_transaction(session, name)
    key = (os.getpid(), bind.url.render_as_string(hide_password=True), name)
    with _lock:
        left = _reserved.get(key)
        if left:
            return left.pop(0)
    block = _reserve(bind, name, BLOCK_SIZE)
    with _lock:
        _reserved.setdefault(key, []).extend(block[1:])
    return block[0]


def _reserve(engine: Engine, name: str, size: int) -> list[int]:
    """Take ``size`` numbers in a transaction of their own (committed at once, whatever the caller does)."""
    with engine.begin() as conn:
        conn.execute(pg_insert(Counter).values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"]))
        high = conn.execute(
            update(Counter).where(Counter.name == name).values(value=Counter.value + size).returning(Counter.value)
        ).scalar_one()
    return list(range(int(high) - size + 1, int(high) + 1))


def _in_transaction(session: Session, name: str) -> int:
    value = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if value is None:
        session.add(Counter(name=name, value=1))
        session.flush()
        return 1
    return int(value)


def forget_reserved() -> None:
    """Drop this process's unused blocks (their numbers are never handed out: a gap, not a duplicate)."""
    with _lock:
        _reserved.clear()
