"""Live supervisor queue: how long a scan on a picker's terminal takes to show on the supervisor's screen.

The floor is in mid-shift (``app.bench.floor_mix``): by default 2,000 open orders (``--orders 10000`` for the
size the supervisor target was set at, ``--full`` for 100,000), half of them released or being picked, plus
shipped ones, every order with its status history. A picker in a separate process (the
headless picking station, ``app.bench.live_picker``) commits a scan every ``--pause`` seconds while the
supervisor screen runs on a terminal whose repaints are rendered and written out (``app.tui.bench.live``).
SQLite (newest-event poll) and PostgreSQL (LISTEN/NOTIFY) when configured.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.bench.databases import postgres_server, scratch_postgres
from app.bench.floor_mix import Mix, build_mix
from app.bench.scan import _catalog
from app.bootstrap import load_layout
from app.config import Config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.stats import percentile
from app.services import catalog, setup, supervision, users
from app.services.demo import DEMO_USERS

QUICK = {"orders": 2_000, "history": 1_000}
FULL = {"orders": 100_000, "history": 50_000}
OPEN_SHARES = {
    "new": 0.08,
    "allocated": 0.20,
    "released": 0.30,
    "picking": 0.20,
    "picked": 0.05,
    "packing": 0.02,
    "packed": 0.15,
}
"""The open orders' status mix (fractions of ``--orders``): half released or being picked."""
BATCHED = 60
"""Released orders planned into cart batches at set-up (the picker claims one of those)."""
CLOCK = (
    "Clock (staleness): starts when the picker process has committed a scan (its wall clock, read after the "
    "commit); stops when the supervisor terminal has written out the first repaint after applying a snapshot "
    "that contains the scan. A scan never shown by the end of the wait counts as late until then, not dropped."
)
INCLUDES = (
    "Includes: the change watcher (SQLite: newest-event poll; PostgreSQL: LISTEN/NOTIFY), reading the whole "
    "floor snapshot, handing it to the UI thread, updating the tables and the repaint's terminal output."
)
LEAVES_OUT = (
    "Leaves out: a real terminal (output goes to /dev/null), other writers than the one picker (no process pass, "
    "no packers), clock skew (both processes on one machine); orders past 'released' were walked there by status "
    "moves with events, without pick, pack or ship records; 'picking' orders hold no claimed batch and only "
    f"{BATCHED} released orders are on carts."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, help=f"open orders on the floor (default {QUICK['orders']:,})")
    parser.add_argument("--history", type=int, help=f"shipped orders besides (default {QUICK['history']:,})")
    parser.add_argument("--full", action="store_true", help="100,000 open orders and 50,000 shipped")
    parser.add_argument("--products", type=int, default=2_000, help="products in the catalog")
    parser.add_argument("--scans", type=int, default=60, help="picker scans to follow")
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between the picker's scans")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for a scratch database")
    parser.add_argument("--sqlite-only", action="store_true")


def sizes(args: argparse.Namespace) -> dict[str, int]:
    base = FULL if args.full else QUICK
    return {key: getattr(args, key) or base[key] for key in base}


def prepare(db: Database, config: Config, work: Path, args: argparse.Namespace) -> Mix:
    n = sizes(args)
    layout = load_layout(config)
    setup.initialise(db, layout, actor=Actor.system("bench"))
    actor = users.system_actor(db, "bench")
    product_csv, stock_csv, skus = _catalog(work, args.products, [str(c) for c in layout.pick_face_codes()])
    assert catalog.import_products(db, product_csv, actor=actor).applied
    assert catalog.import_stock(db, stock_csv, actor=actor).applied
    for name, role, badge, pin in DEMO_USERS:
        users.add_user(db, name, role, badge, pin, actor=actor)
    shares = {status: round(n["orders"] * share) for status, share in OPEN_SHARES.items()}
    shares["shipped"] = n["history"]
    return build_mix(db, config, layout, work, skus, shares, batched=BATCHED, actor=actor)


@dataclass(frozen=True)
class Result:
    label: str
    staleness: list[float]
    never_shown: int
    snapshot_ms: list[float]
    mix: Mix
    prep_s: float


def snapshot_costs(db: Database, config: Config, *, samples: int = 10, budget_s: float = 5.0) -> list[float]:
    """Milliseconds of ``samples`` floor snapshot reads (fewer when they take longer than ``budget_s`` in all)."""
    costs: list[float] = []
    started = time.perf_counter()
    while len(costs) < samples and (not costs or time.perf_counter() - started < budget_s):
        t0 = time.perf_counter()
        supervision.floor_snapshot(db, config, stuck_minutes=config.supervision.stuck_minutes)
        costs.append((time.perf_counter() - t0) * 1000)
    return costs


def run_one(label: str, url: str, config: Config, args: argparse.Namespace, work: Path) -> Result:
    from app.tui.bench.live import follow

    db = Database(make_engine(url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms))
    try:
        t0 = time.perf_counter()
        mix = prepare(db, config, work, args)
        prep = time.perf_counter() - t0
        costs = snapshot_costs(db, config)
        grace = min(60.0, max(3.0, 2 * max(costs) / 1000))  # long enough for two snapshot reads after the last scan
        followed = asyncio.run(follow(db, config, url, picker="pia", scans=args.scans, pause=args.pause, grace=grace))
        return Result(label, followed.staleness_ms, followed.never_shown, costs, mix, prep)
    finally:
        db.dispose()


def run(args: argparse.Namespace) -> int:
    config: Config = args.context.config
    results = []
    with tempfile.TemporaryDirectory(prefix="pickpack-live-") as tmp:
        work = Path(tmp)
        results.append(run_one("SQLite (poll)", f"sqlite:///{work / 'live.db'}", config, args, work))
        pg = postgres_server(args.postgres)
        if pg and not args.sqlite_only:
            with scratch_postgres(pg, "pickpack_live") as url:
                results.append(run_one("PostgreSQL (LISTEN/NOTIFY)", url, config, args, work))
    n = sizes(args)
    print(
        f"Live queue benchmark: {n['orders']:,} open orders and {n['history']:,} shipped; a picker process "
        f"commits a scan every {args.pause:g} s ({args.scans} scans)."
    )
    print(CLOCK)
    print(INCLUDES)
    print(LEAVES_OUT)
    print()
    print(
        "| database | scans | never shown | staleness p50 ms | p95 ms | p99 ms | worst ms | snapshot ms mean | p95 "
        "| snapshots read |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        s = r.staleness or [0.0]
        print(
            f"| {r.label} | {len(r.staleness)} | {r.never_shown} | {statistics.median(s):.0f} | "
            f"{percentile(s, 95):.0f} | {percentile(s, 99):.0f} | {max(s):.0f} | "
            f"{statistics.mean(r.snapshot_ms):.1f} | {percentile(r.snapshot_ms, 95):.1f} | {len(r.snapshot_ms)} |"
        )
    print()
    for r in results:
        print(
            f"{r.label} floor: {r.mix.describe()}; {r.mix.batches} batches planned at set-up; set-up {r.prep_s:.0f} s"
        )
    return 0
