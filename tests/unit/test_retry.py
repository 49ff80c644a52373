"""``retry_busy``: a busy database is retried (a real SQLite lock, a real PostgreSQL serialization failure, fakes),
anything else is raised at once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.db.engine import make_engine
from app.db.retry import is_busy, retry_busy


def no_sleep(_seconds: float) -> None:
    """Keeps fake retries instant."""


class FakeDriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def failing(errors: list[Exception], result: str = "done"):  # type: ignore[no-untyped-def]
    """A transaction that raises ``errors`` one per call, then returns ``result``; ``calls`` counts the runs."""
    calls = []

    def fn() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return fn, calls


def operational(orig: Exception) -> OperationalError:
    return OperationalError("UPDATE orders SET priority=?", {}, orig)


@pytest.mark.parametrize(
    "orig",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("database table is locked: orders"),
        FakeDriverError("could not serialize access due to concurrent update", "40001"),
        FakeDriverError("deadlock detected", "40P01"),
    ],
    ids=["sqlite-locked", "sqlite-table-locked", "pg-serialization", "pg-deadlock"],
)
def test_busy_errors_are_retried_and_reported(orig: Exception) -> None:
    fn, calls = failing([operational(orig), operational(orig)])
    retries: list[int] = []
    assert retry_busy(fn, attempts=5, on_retry=retries.append, sleep=no_sleep) == "done"
    assert len(calls) == 3 and retries == [1, 2]


def test_psycopg_error_classes_are_busy() -> None:
    errors = pytest.importorskip("psycopg.errors")
    assert is_busy(operational(errors.SerializationFailure("could not serialize")))
    assert is_busy(operational(errors.DeadlockDetected("deadlock detected")))
    assert not is_busy(operational(errors.UndefinedTable("relation does not exist")))


def test_other_errors_are_raised_at_once() -> None:
    fn, calls = failing([operational(sqlite3.OperationalError("no such table: orders"))])
    with pytest.raises(OperationalError, match="no such table"):
        retry_busy(fn, attempts=5, sleep=no_sleep)
    assert len(calls) == 1
    fn, calls = failing([IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))])
    with pytest.raises(IntegrityError):
        retry_busy(fn, attempts=5, sleep=no_sleep)
    assert len(calls) == 1
    fn, calls = failing([ValueError("bug")])
    with pytest.raises(ValueError):
        retry_busy(fn, sleep=no_sleep)
    assert len(calls) == 1


def test_gives_up_after_the_attempts_with_the_last_busy_error() -> None:
    locked = [operational(sqlite3.OperationalError("database is locked")) for _ in range(3)]
    fn, calls = failing(list(locked))
    retries: list[int] = []
    with pytest.raises(OperationalError) as raised:
        retry_busy(fn, attempts=3, on_retry=retries.append, sleep=no_sleep)
    assert raised.value is locked[-1] and len(calls) == 3 and retries == [1, 2]
    with pytest.raises(ValueError):
        retry_busy(fn, attempts=0)


def test_backoff_grows_and_is_capped() -> None:
    waits: list[float] = []
    fn, _ = failing([operational(sqlite3.OperationalError("database is locked")) for _ in range(6)])
    retry_busy(fn, attempts=7, base_delay_s=0.1, max_delay_s=0.5, sleep=waits.append)
    assert len(waits) == 6
    caps = [0.1, 0.2, 0.4, 0.5, 0.5, 0.5]
    assert all(cap * 0.5 <= wait <= cap for wait, cap in zip(waits, caps, strict=True))


def test_a_real_sqlite_lock_is_waited_out(tmp_path: Path) -> None:
    """Another connection holds BEGIN IMMEDIATE for ~0.3 s; with a 20 ms busy timeout the first writes fail with
    "database is locked" and a retry after the lock is gone succeeds."""
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=20)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    holding = threading.Event()

    def hold_the_write_lock() -> None:
        other = sqlite3.connect(path, isolation_level=None, timeout=5)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE counter SET n = n + 100")
            holding.set()
            threading.Event().wait(0.3)
            other.execute("COMMIT")
        finally:
            other.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        assert holding.wait(5)

        def increment() -> int:
            with engine.begin() as conn:  # BEGIN IMMEDIATE through the engine's "begin" hook
                conn.execute(text("UPDATE counter SET n = n + 1"))
                return int(conn.execute(text("SELECT n FROM counter")).scalar_one())

        with pytest.raises(OperationalError, match="database is locked"):
            retry_busy(increment, attempts=1)
        retries: list[int] = []
        assert retry_busy(increment, attempts=40, on_retry=retries.append, base_delay_s=0.02, max_delay_s=0.05) == 101
        assert retries  # it really was busy at first
    finally:
        holder.join()
        engine.dispose()


def test_a_real_postgres_serialization_failure_is_retried(make_pg_url) -> None:  # type: ignore[no-untyped-def]
    """A REPEATABLE READ transaction updates a row another transaction changed since its snapshot: PostgreSQL
    aborts it (SerializationFailure); running it again succeeds. Skipped without PICKPACK_TEST_POSTGRES_URL."""
    engine = create_engine(make_pg_url())
    table = "retry_probe"
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, n INTEGER)"))
            conn.execute(text(f"INSERT INTO {table} VALUES (1, 0)"))
        attempts: list[int] = []

        def transaction() -> int:
            attempts.append(1)
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    conn.execute(text(f"SELECT n FROM {table} WHERE id = 1")).scalar_one()
                    if len(attempts) == 1:  # someone else commits a change to the row this snapshot has read
                        with engine.begin() as other:
                            other.execute(text(f"UPDATE {table} SET n = n + 100 WHERE id = 1"))
                    conn.execute(text(f"UPDATE {table} SET n = n + 1 WHERE id = 1"))
                    return int(conn.execute(text(f"SELECT n FROM {table} WHERE id = 1")).scalar_one())

        retries: list[int] = []
        assert retry_busy(transaction, on_retry=retries.append) == 101
        assert retries == [1] and len(attempts) == 2
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()
