"""Scan-to-feedback latency on the real picker screen: key event to refreshed screen, database commit included.

The database is made realistic first: 10,000 products, stock over the pick faces and 100,000 orders (imported
through the normal intake), then 40 orders of 5 lines are released and batched for the picker. The Textual app
runs headless; scans are typed as key events and each one's latency is measured inside the app, from the
scanner's Enter key to the first screen refresh after the committed result (Pilot's own waiting is not in it).
Runs on SQLite, and on PostgreSQL when ``--postgres URL`` or ``$PICKPACK_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import statistics
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
from app.domain.gtin import with_check_digit
from app.domain.stats import percentile
from app.services import allocation, catalog, intake, order_processing, setup, users
from app.services.batches import plan_batches


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=100_000, help="background orders in the database")
    parser.add_argument("--products", type=int, default=10_000, help="products in the catalog")
    parser.add_argument("--scans", type=int, default=1_000, help="scans to measure")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for a scratch database")
    parser.add_argument("--sqlite-only", action="store_true")


def _catalog(work: Path, products: int, layout_codes: list[str]) -> tuple[Path, Path, dict[str, str]]:
    """Write a products CSV (demo catalog plus generated items) and a stock CSV spreading them over the faces."""
    with (DEMO / "products.csv").open() as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = [r for r in reader]
    for n in range(len(rows), products):
        rows.append(
            {
                **rows[10 + n % 500],
                "sku": f"BENCH-{n:05d}",
                "name": f"Bench item {n}",
                "gtin": with_check_digit(f"9521{n:08d}"),
                "case_gtin": "",
                "case_qty": "",
                "track_lot": "0",
                "track_expiry": "0",
            }
        )
    product_csv = work / "products.csv"
    with product_csv.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    stock_csv = work / "stock.csv"
    gtins = {}
    with stock_csv.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["location", "sku", "qty", "lot", "expiry"])
        for i, row in enumerate(rows):
            if row["track_lot"] == "1":
                continue
            writer.writerow([layout_codes[i % len(layout_codes)], row["sku"], 500, "", ""])
            gtins[row["sku"]] = row["gtin"]
    return product_csv, stock_csv, gtins


def prepare(db: Database, config: Config, work: Path, args: argparse.Namespace) -> dict[str, str]:
    layout = load_layout(config)
    setup.initialise(db, layout, actor=Actor.system("bench"))
    actor = users.system_actor(db, "bench")  # automation: the built-in system user that init created
    faces = [str(c) for c in layout.pick_face_codes()]
    product_csv, stock_csv, gtins = _catalog(work, args.products, faces)
    assert catalog.import_products(db, product_csv, actor=actor).applied
    assert catalog.import_stock(db, stock_csv, actor=actor).applied
    users.add_user(db, "bench-picker", "picker", "BADGE-BENCH", "1234", actor=actor)
    rng = random.Random(5)
    skus = list(gtins)
    chunk = 10_000
    for start in range(0, args.orders, chunk):
        doc = shopify_orders(min(chunk, args.orders - start), skus, rng)
        for order in doc["orders"]:  # type: ignore[union-attr]
            order["id"] += start  # type: ignore[index,operator]
            order["name"] = f"#BG{order['id']}"  # type: ignore[index]
        path = work / "background.json"
        path.write_text(json.dumps(doc))
        assert intake.import_orders(db, config, path, actor=actor).applied
    picking_orders = {
        "orders": [
            {
                "id": 8_000_000_000 + i,
                "name": f"#PICK{i:03d}",
                "order_number": 90000 + i,
                "created_at": "2026-11-23T07:00:00+00:00",
                "currency": "EUR",
                "total_price": "50.00",
                "line_items": [
                    {"id": i * 10 + k, "sku": sku, "title": sku, "quantity": 3, "price": "3.00"}
                    for k, sku in enumerate(rng.sample(skus, 5))
                ],
                "shipping_address": {
                    "first_name": "P",
                    "last_name": f"{i}",
                    "address1": "Pickweg 1",
                    "city": "Wien",
                    "zip": "1010",
                    "country_code": "AT",
                },
                "shipping_lines": [{"code": "standard", "title": "Standard"}],
            }
            for i in range(40)
        ]
    }
    path = work / "picking.json"
    path.write_text(json.dumps(picking_orders))
    report = intake.import_orders(db, config, path, actor=actor)
    allocation.allocate(db, actor=actor, order_ids=list(report.order_ids), include_backorders=False)
    order_processing.release_orders(db, config, actor=actor)
    plan_batches(db, config, layout, actor=actor)
    return gtins


async def drive(db: Database, config: Config, gtins: dict[str, str], scans: int) -> list[float]:
    from textual import events

    from app.tui.app import build_app
    from app.tui.screens.pick import BatchDoneScreen, PickScreen
    from app.tui.widgets.scan_capture import scanner_keys

    app = build_app(config, db, station="bench")
    tote = iter(range(1, 10_000))
    async with app.run_test(size=(40, 20)) as pilot:

        async def settle() -> None:
            """The screens run scans in thread workers: wait until every one started has been drawn."""
            await pilot.pause()
            while running := [w for w in app.workers if not w.is_finished]:
                await app.workers.wait_for_complete(running)
                await pilot.pause()

        async def scan(code: str) -> None:
            """A scanner's burst: every key queued through the driver at once (Pilot.press waits after each)."""
            driver = app._driver
            assert driver is not None
            for key, character in scanner_keys(code):
                event = events.Key(key, character)
                event.set_sender(app)
                driver.send_message(event)
            await settle()

        await scan("BADGE-BENCH")
        while len(app.scan_latencies_ms) < scans:
            await pilot.press("p")
            await settle()
            screen = app.screen
            if not isinstance(screen, PickScreen):
                break
            while screen.state.phase == "setup" and len(app.scan_latencies_ms) < scans:
                await scan(f"TOTE-{next(tote):04d}")
            while screen.state.stop is not None and len(app.scan_latencies_ms) < scans:
                stop = screen.state.stop
                if not stop.location_confirmed:
                    await scan(stop.location)
                elif screen.state.phase == "item":
                    await scan(stop.scan_code)
                else:
                    await scan(stop.tote_code or "")
            if len(app.scan_latencies_ms) >= scans:
                break
            await pilot.press("f10")
            await settle()
            if isinstance(app.screen, BatchDoneScreen):
                await pilot.press("enter")
                await settle()
        await pilot.pause()
    return app.scan_latencies_ms[:scans]


def run_one(
    label: str, url: str, config: Config, args: argparse.Namespace, work: Path
) -> tuple[str, list[float], float]:
    db = Database(make_engine(url))
    try:
        t0 = time.perf_counter()
        gtins = prepare(db, config, work, args)
        prep = time.perf_counter() - t0
        latencies = asyncio.run(drive(db, config, gtins, args.scans))
        return label, latencies, prep
    finally:
        db.dispose()


def run(args: argparse.Namespace) -> int:
    config: Config = args.context.config
    results = []
    with tempfile.TemporaryDirectory(prefix="pickpack-scan-") as tmp:
        work = Path(tmp)
        results.append(run_one("SQLite (WAL)", f"sqlite:///{work / 'scan.db'}", config, args, work))
        pg = postgres_server(args.postgres)
        if pg and not args.sqlite_only:
            with scratch_postgres(pg, "pickpack_scan") as url:
                results.append(run_one("PostgreSQL", url, config, args, work))
    print(
        f"Scan benchmark: {args.scans} scans on the picker screen; {args.orders} orders, {args.products} "
        "products in the database; latency = scanner Enter key -> refreshed screen, commit included"
    )
    print()
    print("| database | scans | p50 ms | p95 ms | p99 ms | max ms | set-up s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, latencies, prep in results:
        print(
            f"| {label} | {len(latencies)} | {statistics.median(latencies):.1f} | {percentile(latencies, 95):.1f} | "
            f"{percentile(latencies, 99):.1f} | {max(latencies):.1f} | {prep:.0f} |"
        )
    return 0
