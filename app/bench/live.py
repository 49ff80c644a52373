"""Live supervisor queue: change-to-screen staleness and refresh cost with 10,000 open orders.

A picker in a separate process scans a batch (one committed scan every ``--pause`` seconds) while the
supervisor screen runs headless in this process. Staleness is the time from a scan's commit (wall clock in the
picker process) to the moment the screen showed a snapshot containing it. Refresh cost is the time one
``floor_snapshot`` takes at that size. SQLite (newest-event poll) and PostgreSQL (LISTEN/NOTIFY) when configured.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.bench.databases import postgres_server, scratch_postgres
from app.bench.intake import DEMO, shopify_orders
from app.bootstrap import load_layout
from app.config import Config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.stats import percentile
from app.services import allocation, intake, order_processing, supervision, users
from app.services.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent.parent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=10_000, help="open orders in the database")
    parser.add_argument("--scans", type=int, default=60, help="picker scans to follow")
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between the picker's scans")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for a scratch database")
    parser.add_argument("--sqlite-only", action="store_true")


def prepare(db: Database, config: Config, work: Path, orders: int) -> None:
    layout = load_layout(config)
    seed_demo(db, layout, DEMO, actor=Actor.system("bench"))
    actor = users.system_actor(db, "bench")  # automation: the built-in system user that init created
    with (DEMO / "products.csv").open() as fh:
        skus = [row["sku"] for row in csv.DictReader(fh) if row["track_lot"] == "0"]
    path = work / "open.json"
    path.write_text(json.dumps(shopify_orders(orders, skus, random.Random(3))))
    report = intake.import_orders(db, config, path, actor=actor)
    allocation.allocate(db, actor=actor, order_ids=list(report.order_ids[:200]), include_backorders=False)
    order_processing.release_orders(db, config, actor=actor)
    from app.services.batches import plan_batches

    plan_batches(db, config, layout, actor=actor)


async def follow(db: Database, config: Config, url: str, scans: int, pause: float) -> list[float]:
    from app.tui.app import build_app
    from app.tui.screens.supervise import SuperviseScreen

    app = build_app(config, db, station="bench-supervisor")
    results: list[dict[str, float]] = []
    async with app.run_test(size=(120, 45)) as pilot:
        # name + PIN: a supervisor's badge alone does not sign in ([security] badge_requires_pin_roles)
        await pilot.press("f3", *"sofia", "enter", *"3333", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("v")
        while not (isinstance(app.screen, SuperviseScreen) and app.screen.applied):
            await pilot.pause(0.05)
        screen = app.screen
        picker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.bench.live_picker",
            url,
            "pia",
            str(scans),
            str(pause),
            stdout=asyncio.subprocess.PIPE,
            cwd=str(ROOT),
        )
        assert picker.stdout is not None
        while line := await picker.stdout.readline():
            results.append(json.loads(line))
        await picker.wait()
        await pilot.pause(1.5)
        staleness = []
        for r in results:
            shown = next((t for marker, t in screen.applied if marker >= r["marker"]), None)
            if shown is not None:
                staleness.append(max(0.0, shown - r["at"]) * 1000)
        await pilot.press("escape")
    return staleness


def run_one(
    label: str, url: str, config: Config, args: argparse.Namespace, work: Path
) -> tuple[str, list[float], list[float]]:
    db = Database(make_engine(url))
    try:
        prepare(db, config, work, args.orders)
        costs = []
        for _ in range(20):
            t0 = time.perf_counter()
            supervision.floor_snapshot(db, config)
            costs.append((time.perf_counter() - t0) * 1000)
        staleness = asyncio.run(follow(db, config, url, args.scans, args.pause))
        return label, staleness, costs
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
    print(
        f"Live queue benchmark: {args.orders} open orders; a picker process scans every {args.pause}s; "
        "staleness = scan committed -> supervisor screen showing it"
    )
    print()
    print("| database | scans seen | staleness p50 ms | p95 ms | max ms | snapshot ms mean | snapshot ms p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, staleness, costs in results:
        print(
            f"| {label} | {len(staleness)} | {statistics.median(staleness):.0f} | {percentile(staleness, 95):.0f} | "
            f"{max(staleness):.0f} | {statistics.mean(costs):.1f} | {percentile(costs, 95):.1f} |"
        )
    return 0
