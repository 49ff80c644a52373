"""Which database a benchmark runs on: the PostgreSQL server named by ``--postgres`` or the environment, and a
scratch database on it (``app.db.scratch``: created fresh, always dropped again)."""

from __future__ import annotations

import os

from app.db.scratch import scratch_postgres

__all__ = ["BENCH_ENV", "postgres_server", "scratch_postgres"]

BENCH_ENV = ("PICKPACK_BENCH_POSTGRES_URL", "PICKPACK_TEST_POSTGRES_URL")


def postgres_server(explicit: str | None) -> str | None:
    """The PostgreSQL server to benchmark on: ``--postgres URL`` or the first environment variable set."""
    return explicit or next((os.environ[name] for name in BENCH_ENV if os.environ.get(name)), None)
