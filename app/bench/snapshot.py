"""The supervisor's floor snapshot on a large floor: how long the supervisor screen waits for each refresh.

Issue 14's goal: with 5,000 released orders among 100,000 open ones, the snapshot's p95 stays under 100 ms.
The floor is ``bench process``'s (``app.bench.big_floor``: 94% ``new``, 1% ``allocated``, ``--released``
released with their history, a few cart batches; the SQLite floor comes from the same cache). Each run calls
``supervision.floor_snapshot`` (what the supervisor screen reads on every change) once, after one unmeasured
call that warms the caches, as a screen that has been open a while finds them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from app.bench.big_floor import Floor, Sizes, add_database_arguments, load_average, on_each_database
from app.config import Config
from app.db.engine import make_engine
from app.db.statements import counting_statements
from app.db.unit_of_work import Database
from app.domain.stats import percentile
from app.services.supervision import floor_snapshot

GOAL_MS = 100.0
INCLUDES = (
    "Includes: every query of the snapshot (status counts, open batches, pickers, orders at risk, the exception "
    "queue, the change marker) in its one read-only transaction, and building its rows in Python."
)
LEAVES_OUT = (
    "Leaves out: drawing the screen, the poll that notices a change, writers running beside it (`bench process` "
    "measures a pass next to the floor), the first call on a cold cache."
)


@dataclass(frozen=True)
class Result:
    floor: Floor
    wall_ms: list[float]
    cpu_ms: list[float]
    statements: int
    load: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=100_000, help="open orders on the floor (default 100000)")
    parser.add_argument("--released", type=int, default=5_000, help="of them released (default 5000)")
    parser.add_argument("--runs", type=int, default=30, help="snapshots to time (default 30)")
    add_database_arguments(parser)


def measure(floor: Floor, config: Config, runs: int) -> Result:
    db = Database(make_engine(floor.url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms))
    try:
        floor_snapshot(db, config)  # warm: the first call pays for the connection and the page cache
        wall, cpu, statements = [], [], 0
        for _ in range(runs):
            with counting_statements(db.engine) as seen:
                t0, c0 = time.perf_counter(), time.thread_time()
                floor_snapshot(db, config)
                wall.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
            statements = max(statements, seen.count)
    finally:
        db.dispose()
    return Result(floor, wall, cpu, statements, load_average())


def run(args: argparse.Namespace) -> int:
    config: Config = args.context.config
    sizes = Sizes.of(args.orders, args.released)
    results = on_each_database(args, config, sizes, lambda floor: measure(floor, config, args.runs))
    report(args, results)
    return 0


def report(args: argparse.Namespace, results: list[Result]) -> None:
    print(
        f"Snapshot benchmark: {args.runs} supervisor floor snapshots (`supervision.floor_snapshot`) on "
        f"{args.orders:,} orders with {args.released:,} released. Goal (issue 14): p95 under {GOAL_MS:g} ms."
    )
    print(
        "Clock: wall time of one call, from asking to holding the snapshot; client CPU is this process's (the "
        "database's own work on PostgreSQL is the difference)."
    )
    print(INCLUDES)
    print(LEAVES_OUT)
    print()
    print("| database | runs | p50 ms | p95 ms | worst ms | client CPU p50 ms | statements | goal | load |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in results:
        p95 = percentile(r.wall_ms, 95)
        goal = "holds" if p95 < GOAL_MS else "does NOT hold"
        print(
            f"| {r.floor.label} | {len(r.wall_ms)} | {statistics.median(r.wall_ms):.1f} | {p95:.1f} | "
            f"{max(r.wall_ms):.1f} | {statistics.median(r.cpu_ms):.1f} | {r.statements} | {goal} | {r.load} |"
        )
    print()
    for r in results:
        print(f"{r.floor.label} floor: {r.floor.describe()}; {r.floor.origin}.")
