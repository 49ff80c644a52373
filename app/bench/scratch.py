"""Shared benchmark plumbing: scratch PostgreSQL databases (created and always dropped again) and percentiles."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BENCH_ENV = ("PICKPACK_BENCH_POSTGRES_URL", "PICKPACK_TEST_POSTGRES_URL")


def postgres_server(explicit: str | None) -> str | None:
    """The PostgreSQL server to benchmark on: ``--postgres URL`` or the first environment variable set."""
    return explicit or next((os.environ[name] for name in BENCH_ENV if os.environ.get(name)), None)


@contextmanager
def scratch_postgres(server_url: str, prefix: str) -> Iterator[str]:
    """Create a fresh database on ``server_url``, yield its URL, drop it (even after an error)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: an actual measurement, never an interpolation between two."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]
