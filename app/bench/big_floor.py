"""The floor of ``bench process`` and ``bench snapshot``: N open orders waiting for a processing pass, most of
them ``new``, some ``allocated``, some ``released`` with their status history (issue 14's 100,000-order floor).

Built like the screen benchmarks' floor (``app.bench.floor_mix``): a generated catalog with stock on every pick
face, orders imported through the normal intake and allocated by the real allocator, released orders walked
there by status moves with their events, the first ``floor_mix.WAVE`` of them planned onto carts.

Building 100,000 orders takes minutes, so a SQLite floor is kept in a cache directory (``$PICKPACK_BENCH_CACHE``,
else ``$XDG_CACHE_HOME/pickpack/bench``, else ``~/.cache/pickpack/bench``) under a name that holds the sizes and
the schema revision; each run works on a copy. A PostgreSQL floor is built in a scratch database every time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from app.bench import scan
from app.bench.databases import postgres_server, scratch_postgres
from app.bench.floor_mix import WAVE, build_mix
from app.bootstrap import load_layout
from app.config import Config
from app.db.engine import make_engine
from app.db.migrate import head_revision
from app.db.statements import analyze
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.orders import ALLOCATED, NEW, RELEASED
from app.services import catalog, setup, users

T = TypeVar("T")

VERSION = 1
"""Bumped when the floor's recipe changes, so an old cached file is not taken for the new floor."""


@dataclass(frozen=True)
class Sizes:
    orders: int
    released: int

    @property
    def allocated(self) -> int:
        return max(0, round(self.orders * 0.01))

    @property
    def new(self) -> int:
        return max(0, self.orders - self.allocated - self.released)

    @property
    def products(self) -> int:
        """10,000 products at 100,000 orders (the README's floor), fewer for a quick run."""
        return max(200, min(10_000, self.orders // 10))

    @classmethod
    def of(cls, orders: int, released: int | None) -> Sizes:
        return cls(orders, round(orders * 0.05) if released is None else min(released, orders))


@dataclass(frozen=True)
class Floor:
    label: str
    url: str
    counts: dict[str, int]
    origin: str
    """How the floor came to be (built now, in how long; or copied from which cached file)."""

    def describe(self) -> str:
        return ", ".join(f"{n:,} {status}" for status, n in self.counts.items() if n)


def cache_dir() -> Path:
    explicit = os.environ.get("PICKPACK_BENCH_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pickpack" / "bench"


def build(url: str, config: Config, work: Path, sizes: Sizes) -> dict[str, int]:
    """Initialise the database at ``url`` and build the floor on it; orders per status."""
    db = Database(make_engine(url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms))
    try:
        layout = load_layout(config)
        setup.initialise(db, layout, actor=Actor.system("bench"))
        actor = users.system_actor(db, "bench")
        faces = [str(c) for c in layout.pick_face_codes()]
        product_csv, stock_csv, skus = scan._catalog(work, sizes.products, faces)
        assert catalog.import_products(db, product_csv, actor=actor).applied
        assert catalog.import_stock(db, stock_csv, actor=actor).applied
        shares = {NEW: sizes.new, ALLOCATED: sizes.allocated, RELEASED: sizes.released}
        mix = build_mix(db, config, layout, work, skus, shares, batched=min(WAVE, sizes.released), actor=actor)
        return {status: n for status, n in mix.counts.items() if n}
    finally:
        db.dispose()


@contextmanager
def sqlite_floor(config: Config, work: Path, sizes: Sizes, *, cache: bool = True) -> Iterator[Floor]:
    """A copy of the cached SQLite floor for ``sizes`` in ``work`` (built and cached first when missing)."""
    name = f"process-floor-{sizes.orders}-{sizes.released}-{sizes.products}-{head_revision()}-v{VERSION}.db"
    cached = cache_dir() / name
    run_file = work / "floor.db"
    if cache and cached.exists():
        shutil.copyfile(cached, run_file)
        origin = f"copied from the cached file {cached} (delete it or pass --no-cache to build anew)"
    else:
        t0 = time.perf_counter()
        build(f"sqlite:///{run_file}", config, work, sizes)
        origin = f"built in {time.perf_counter() - t0:.0f} s"
        if cache:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".partial")
            shutil.copyfile(run_file, partial)  # the builder's engine is disposed: its WAL is checkpointed
            os.replace(partial, cached)
            origin += f", cached in {cached}"
    url = f"sqlite:///{run_file}"
    yield Floor("SQLite (WAL)", url, _counts(url), origin)


@contextmanager
def postgres_floor(server: str, config: Config, work: Path, sizes: Sizes) -> Iterator[Floor]:
    """A floor for ``sizes`` built in a scratch PostgreSQL database, dropped afterwards."""
    with scratch_postgres(server, "pickpack_process") as url:
        t0 = time.perf_counter()
        counts = build(url, config, work, sizes)
        engine = make_engine(url)
        try:
            analyze(engine)  # the statistics autovacuum would gather soon after a bulk load
        finally:
            engine.dispose()
        yield Floor("PostgreSQL", url, counts, f"built in {time.perf_counter() - t0:.0f} s, then ANALYZEd")


def _counts(url: str) -> dict[str, int]:
    from app.bench.floor_mix import count_by_status
    from app.domain.orders import STATUSES

    db = Database(make_engine(url))
    try:
        return {status: n for status, n in count_by_status(db, STATUSES).items() if n}
    finally:
        db.dispose()


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true", help="build the SQLite floor anew, cache nothing")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for a scratch database")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL even when configured")
    which.add_argument("--postgres-only", action="store_true", help="skip SQLite")


def on_each_database(args: argparse.Namespace, config: Config, sizes: Sizes, measure: Callable[[Floor], T]) -> list[T]:
    """``measure`` on the SQLite floor and, when a server is named, on a PostgreSQL one (as ``args`` asks)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="pickpack-floor-") as tmp:
        work = Path(tmp)
        if not args.postgres_only:
            with sqlite_floor(config, work, sizes, cache=not args.no_cache) as floor:
                results.append(measure(floor))
        server = postgres_server(args.postgres)
        if args.postgres_only and not server:
            raise SystemExit("--postgres-only: no server (--postgres URL or $PICKPACK_TEST_POSTGRES_URL)")
        if server and not args.sqlite_only:
            with postgres_floor(server, config, work, sizes) as floor:
                results.append(measure(floor))
    return results


def load_average() -> str:
    """The 1-minute load average now (the machine may be shared: every table says how busy it was)."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"
