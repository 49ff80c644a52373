"""Child processes for the concurrency tests (several terminals at once), started cheaply.

Why a fork server: with ``spawn`` every child is a fresh interpreter that imports SQLAlchemy, the models and the
services again, about a second of CPU each (eight claimers were eight seconds of a two-core machine). A fork
server imports them once per test process and forks each child from itself. It is a clean, single-threaded
process of its own, so no database connection, pool or thread of the test process reaches a child (the reason
not to fork the test process itself); each child still opens its own engine, as a real terminal does.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

PRELOAD = [
    "app.db.engine",
    "app.db.unit_of_work",
    "app.services.allocation",
    "app.services.picking",
    "app.services.users",
    "tests.integration.test_concurrent_allocation",
    "tests.integration.test_concurrent_claims",
]
"""Imported once in the fork server: what the children's targets import. A module that cannot be imported there
is skipped by ``multiprocessing`` (the child then imports it itself: slower, never wrong)."""


def context() -> ForkServerContext:
    """The fork-server context, its server preloading ``PRELOAD`` (it starts on the first child of the process)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
