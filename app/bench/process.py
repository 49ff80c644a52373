"""One `pickpack process` pass, step by step, on a floor of open orders while a picker's scans keep coming.

Issue 14's goal: at 100,000 open orders a pass never blocks a scan for more than 100 ms. The floor
(``app.bench.big_floor``: 94% ``new``, 1% ``allocated``, 5% ``released`` with their history) is processed one
step at a time: re-scoring with every order due, re-scoring again (nothing due), allocating ``--allocate`` new
orders, releasing ``--release`` orders, planning one wave. Meanwhile a probe process (``app.bench.process_probe``)
commits a scan-sized write transaction every ``--probe-every`` seconds; its BEGIN-to-COMMIT time is what a
picker's scan waits. On SQLite that is the one write lock; on PostgreSQL the row locks a scan shares with the
pass (a batch row, a pick-face stock row).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.bench.big_floor import Floor, Sizes, add_database_arguments, load_average, on_each_database
from app.bootstrap import load_layout
from app.config import Config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.orders import ALLOCATED, BACKORDERED, NEW, ON_HOLD, RELEASED
from app.domain.stats import percentile
from app.services import order_processing, users
from app.services.batches import plan_batches
from app.services.orders import RESCORE_EVERY, reprioritise

ROOT = Path(__file__).resolve().parent.parent.parent
GOAL_MS = 100.0
INCLUDES = (
    "Includes: the pass's own functions (`orders.reprioritise`, `order_processing.allocate_in_turns`, "
    "`release_orders`, `batches.plan_batches`), each write transaction retried when busy and followed by its "
    "turn for the floor; the probe's wait for the lock and its own statements (the quiet row shows those alone)."
)
LEAVES_OUT = (
    "Leaves out: allocating every `new` order (a first pass at 100,000 orders allocates for minutes; the step "
    "stops after the `--allocate` most urgent, in the same transactions), backorder retries (the floor has none), the "
    "import that feeds a real pass, the picker screen around a scan (`bench scan` measures that), other writers."
)


@dataclass
class TxLog:
    """Every write unit of work the pass opened: (start, seconds held, CPU seconds), by ``time.monotonic``."""

    rows: list[tuple[float, float, float]] = field(default_factory=list)
    gc_pauses: list[tuple[float, float]] = field(default_factory=list)
    _gc_start: float = 0.0

    def watch(self, db: Database) -> None:
        """Time ``db``'s write units of work from holding the lock to leaving (after BEGIN IMMEDIATE got the
        lock on SQLite, to COMMIT): each begins at once, not at its first statement, so the wait is left out."""
        plain = db.unit_of_work
        log = self

        class Timed:
            def __init__(self, readonly: bool) -> None:
                self.inner, self.readonly = plain(readonly=readonly), readonly

            def __enter__(self) -> Any:
                uow = self.inner.__enter__()
                if not self.readonly:
                    uow.session.connection()
                self.t0, self.c0 = time.monotonic(), time.thread_time()
                return uow

            def __exit__(self, *exc: Any) -> Any:
                try:
                    return self.inner.__exit__(*exc)
                finally:
                    if not self.readonly:
                        log.rows.append((self.t0, time.monotonic() - self.t0, time.thread_time() - self.c0))

        db.unit_of_work = lambda *, readonly=False: Timed(readonly)  # type: ignore[method-assign]
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.monotonic()
        else:
            self.gc_pauses.append((self._gc_start, time.monotonic() - self._gc_start))

    def stop(self) -> None:
        if self._gc in gc.callbacks:
            gc.callbacks.remove(self._gc)


@dataclass(frozen=True)
class Step:
    name: str
    did: str
    start: float
    end: float


@dataclass(frozen=True)
class Row:
    """One step's numbers (all milliseconds but ``seconds``)."""

    name: str
    did: str
    seconds: float
    transactions: int
    held_ms: float
    held_cpu_ms: float
    gc_ms: float
    probes: list[float]
    failed: int

    @property
    def over_goal(self) -> int:
        return sum(1 for w in self.probes if w > GOAL_MS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=100_000, help="open orders on the floor (default 100000)")
    parser.add_argument("--released", type=int, help="of them released (default 5%%)")
    parser.add_argument("--allocate", type=int, default=2_000, help="new orders the allocation step takes")
    parser.add_argument("--release", type=int, default=500, help="orders the release step releases")
    parser.add_argument("--probe-every", type=float, default=0.02, help="seconds between probe scans (0.02)")
    add_database_arguments(parser)


class Probe:
    """The probe process (``app.bench.process_probe``)."""

    def __init__(self, url: str, interval: float, busy_ms: int) -> None:
        command = [sys.executable, "-m", "app.bench.process_probe", url, str(interval), str(busy_ms)]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the probe process did not start (its error is above)")

    def stop(self) -> list[tuple[float, float, bool]]:
        out, _ = self.proc.communicate(timeout=120)
        if self.proc.returncode != 0:
            raise RuntimeError("the probe process failed (its error is above)")
        return [tuple(row) for row in json.loads(out)]  # type: ignore[misc]


def steps(db: Database, config: Config, args: argparse.Namespace) -> list[tuple[str, Callable[[], str]]]:
    """The pass, one step at a time: (name, run it and say what it did)."""
    actor = users.system_actor(db, "process")
    layout = load_layout(config)
    due = datetime.now(UTC) + RESCORE_EVERY  # every order is due once (as after the upgrade), then none
    open_ = (NEW, BACKORDERED, ALLOCATED, ON_HOLD, RELEASED)
    chunk = order_processing.RESCORE_CHUNK
    releasing = replace(config, release=replace(config.release, max_orders_per_pass=args.release))

    def rescore() -> str:
        return f"{reprioritise(db, config, statuses=open_, now=due, chunk_size=chunk):,} scores moved"

    def allocate() -> str:
        report = order_processing.allocate_in_turns(db, actor, most_new=args.allocate)
        return f"{report.allocated:,} allocated, {report.backordered:,} backordered"

    def release() -> str:
        done, held = order_processing.release_orders(db, releasing, actor=actor)
        return f"{done:,} released, {held:,} held for review"

    def wave() -> str:
        report = plan_batches(db, config, layout, actor=actor)
        return f"{report.batches} batches planned"

    return [
        ("quiet (no pass running)", lambda: (time.sleep(1.0), "nothing")[1]),
        ("re-score, first pass", rescore),
        ("re-score, next pass", rescore),
        (f"allocate {args.allocate:,} new orders", allocate),
        (f"release {args.release:,} orders", release),
        ("plan a wave", wave),
    ]


def measure(floor: Floor, config: Config, args: argparse.Namespace) -> list[Row]:
    busy_ms = config.database.sqlite_busy_timeout_ms
    db = Database(make_engine(floor.url, busy_timeout_ms=busy_ms))
    log = TxLog()
    try:
        plan = steps(db, config, args)
        log.watch(db)
        probe = Probe(floor.url, args.probe_every, busy_ms)
        done: list[Step] = []
        try:
            for name, step in plan:
                t0 = time.monotonic()
                did = step()
                done.append(Step(name, did, t0, time.monotonic()))
        finally:
            probes = probe.stop()
            log.stop()
    finally:
        db.dispose()
    return [_row(s, log, probes) for s in done]


def _row(step: Step, log: TxLog, probes: list[tuple[float, float, bool]]) -> Row:
    inside = [r for r in log.rows if step.start <= r[0] < step.end]
    mine = [p for p in probes if step.start <= p[0] < step.end]
    longest = max(inside, key=lambda r: r[1], default=(0.0, 0.0, 0.0))
    gc_ms = max((p[1] for p in log.gc_pauses if step.start <= p[0] < step.end), default=0.0) * 1000
    return Row(
        step.name,
        step.did,
        step.end - step.start,
        len(inside),
        longest[1] * 1000,
        longest[2] * 1000,
        gc_ms,
        [p[1] * 1000 for p in mine if p[2]],
        sum(1 for p in mine if not p[2]),
    )


def run(args: argparse.Namespace) -> int:
    config: Config = args.context.config
    sizes = Sizes.of(args.orders, args.released)
    results = on_each_database(args, config, sizes, lambda floor: (floor, measure(floor, config, args), load_average()))
    report(args, results)
    return 0


def report(args: argparse.Namespace, results: list[tuple[Floor, list[Row], str]]) -> None:
    print(
        f"Process benchmark: one `pickpack process` pass step by step on {args.orders:,} open orders while a probe "
        f"process commits a scan-sized write transaction every {args.probe_every * 1000:g} ms."
    )
    print(f"Goal (issue 14): the pass never blocks a scan for more than {GOAL_MS:g} ms.")
    print(INCLUDES)
    print(LEAVES_OUT)
    print(
        "Columns: write transactions of the step; the longest (wall ms, CPU ms in brackets: on SQLite the write "
        "lock held); the longest garbage-collector pause in the pass's process; the probe's scans and their "
        "waits (BEGIN to COMMIT)."
    )
    print()
    print(
        "| database | step | what it did | s | transactions | longest held ms | GC pause ms | scans | wait p50 ms "
        "| p99 ms | worst ms | > 100 ms | failed |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for floor, rows, _ in results:
        for r in rows:
            w = r.probes or [0.0]
            print(
                f"| {floor.label} | {r.name} | {r.did} | {r.seconds:.1f} | {r.transactions:,} | "
                f"{r.held_ms:.0f} ({r.held_cpu_ms:.0f}) | {r.gc_ms:.0f} | {len(r.probes):,} | "
                f"{percentile(w, 50):.1f} | {percentile(w, 99):.1f} | {max(w):.1f} | {r.over_goal} | {r.failed} |"
            )
    print()
    for floor, rows, load in results:
        waits = [w for r in rows[1:] for w in r.probes]
        worst = max(waits, default=0.0)
        over = sum(r.over_goal for r in rows[1:])
        failed = sum(r.failed for r in rows[1:])
        verdict = "holds" if over == 0 and failed == 0 else "does NOT hold"
        alone = max(rows[0].probes, default=0.0)
        print(
            f"{floor.label}: the goal {verdict}: worst scan wait {worst:.0f} ms during the pass, {over} of "
            f"{len(waits):,} scans over {GOAL_MS:g} ms, {failed} failed (the probe alone, no pass running: worst "
            f"{alone:.0f} ms). Floor: {floor.describe()}; {floor.origin}. Load average (1 min) after the run: "
            f"{load}."
        )
