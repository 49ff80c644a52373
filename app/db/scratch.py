"""Scratch PostgreSQL databases for benchmarks: created fresh on a server and always dropped again.

Why in ``app/db``: creating a database is DDL on the server's maintenance connection, and only ``app/db`` speaks
SQLAlchemy; the benchmarks ask for a URL and get one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


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
