"""Count the SQL statements an engine sends, for benchmarks that report "statements per call".

Why here: only the database layer imports SQLAlchemy, and a benchmark wants the number without its own engine
hooks. Each ``execute`` and ``executemany`` counts once (an executemany of 500 rows is one statement sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event


@dataclass
class StatementCount:
    count: int = 0


@contextmanager
def counting_statements(engine: Engine) -> Iterator[StatementCount]:
    """Count every statement ``engine`` executes inside the block (every thread, every connection)."""
    seen = StatementCount()

    def _execute(*_args: Any) -> None:
        seen.count += 1

    event.listen(engine, "before_cursor_execute", _execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _execute)


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics on PostgreSQL (``ANALYZE``), as autovacuum does soon after a bulk load.

    Why only there: a benchmark that bulk-loads a floor and measures at once would otherwise time plans made
    without statistics, which a running server does not use for long. SQLite gathers none unless asked, and
    the app never asks, so its benchmarks keep it that way."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
