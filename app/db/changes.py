"""Waiting for changes made by other terminals, for live screens.

PostgreSQL: LISTEN on ``pickpack_changes`` (a trigger on the event log NOTIFYs at commit), so a change reaches a
waiting screen within milliseconds without polling. SQLite: there is no NOTIFY, so the watcher polls the newest
event id every ``poll_s`` (one indexed query on the primary key: microseconds).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, func, select

from app.db.models import Event

CHANNEL = "pickpack_changes"


class ChangeWatcher:
    """``wait(timeout)`` returns True as soon as another transaction has committed a change (False on timeout)."""

    def __init__(self, engine: Engine, *, poll_s: float = 0.05) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self._postgres = engine.dialect.name == "postgresql"
        self._raw: Any = None
        self._marker = 0
        if self._postgres:
            self._raw = engine.raw_connection()
            driver = self._raw.driver_connection
            driver.autocommit = True
            driver.execute(f"LISTEN {CHANNEL}")
        else:
            self._marker = self.marker()

    def marker(self) -> int:
        """The newest event id: what changed since a marker can be read from the log."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(Event.id), 0))).scalar() or 0)

    def wait(self, timeout: float) -> bool:
        if self._postgres:
            driver = self._raw.driver_connection
            got = any(True for _ in driver.notifies(timeout=timeout, stop_after=1))
            if got:  # drain the burst one commit of many events sent (after the first generator has closed)
                for _more in driver.notifies(timeout=0.001):
                    pass
            return got
        deadline = time.monotonic() + timeout
        while True:
            current = self.marker()
            if current != self._marker:
                self._marker = current
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(self.poll_s)

    def close(self) -> None:
        if self._raw is not None:
            try:
                self._raw.driver_connection.execute(f"UNLISTEN {CHANNEL}")
            finally:
                self._raw.close()
                self._raw = None
