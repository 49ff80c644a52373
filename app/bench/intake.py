"""Import and allocate Shopify-format orders: orders per second on SQLite and, when configured, PostgreSQL.

Each run builds a fresh database with the demo catalog (stock scaled up so most orders can be served), writes
N Shopify REST orders (1-4 lines, demo SKUs) to a JSON file, then times ``pickpack import orders`` (parse,
validate, store, one transaction) and one allocation pass (500 orders per transaction). PostgreSQL runs when
``--postgres URL`` or ``$PICKPACK_BENCH_POSTGRES_URL`` / ``$PICKPACK_TEST_POSTGRES_URL`` names a server; a
temporary database is created there and dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.bench.scratch import postgres_server, scratch_postgres
from app.config import Config, load_config
from app.db.engine import make_engine
from app.db.unit_of_work import Actor, Database
from app.services import allocation, intake
from app.services.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = ROOT / "assets" / "demo"


@dataclass(frozen=True)
class IntakeResult:
    backend: str
    orders: int
    import_s: float
    allocate_s: float
    allocated: int
    backordered: int

    @property
    def per_second(self) -> float:
        return self.orders / (self.import_s + self.allocate_s)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, default=10_000, help="orders to import (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server to create a scratch database on")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL even when configured")


def shopify_orders(n: int, skus: list[str], rng: random.Random) -> dict[str, object]:
    orders = []
    for i in range(n):
        lines = [
            {"id": i * 10 + k, "sku": sku, "title": sku, "quantity": rng.randint(1, 3), "price": "9.90"}
            for k, sku in enumerate(rng.sample(skus, rng.randint(1, 4)))
        ]
        orders.append(
            {
                "id": 9_000_000_000 + i,
                "name": f"#B{i:06d}",
                "order_number": 100000 + i,
                "email": f"customer{i}@example.com",
                "created_at": "2026-11-23T08:00:00+01:00",
                "currency": "EUR",
                "total_price": f"{sum(9.9 * x['quantity'] for x in lines):.2f}",
                "tags": "vip" if i % 25 == 0 else "",
                "line_items": lines,
                "shipping_address": {
                    "first_name": "Bench",
                    "last_name": f"Customer {i}",
                    "address1": f"Teststrasse {i % 200 + 1}",
                    "city": "Wien",
                    "zip": "1010",
                    "country_code": "AT",
                },
                "shipping_lines": [{"code": rng.choice(["standard", "standard", "express"]), "title": "Shipping"}],
            }
        )
    return {"orders": orders}


def _scaled_stock(path: Path, factor: int) -> None:
    with (DEMO / "stock.csv").open() as src, path.open("w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            row["qty"] = str(int(row["qty"]) * factor)
            writer.writerow(row)


def run_one(backend: str, url: str, config: Config, orders_file: Path, n: int, work: Path) -> IntakeResult:
    from app.bootstrap import load_layout
    from app.services import catalog

    db = Database(make_engine(url))
    actor = Actor("bench", "bench")
    try:
        seed_demo(db, load_layout(config), DEMO, actor=actor)
        stock = work / "stock-scaled.csv"
        _scaled_stock(stock, 40)
        catalog.import_stock(db, stock, actor=actor)
        t0 = time.perf_counter()
        report = intake.import_orders(db, config, orders_file, actor=actor)
        t1 = time.perf_counter()
        assert report.applied and report.created == n, report.problems[:3]
        allocated = allocation.allocate(db, actor=actor)
        t2 = time.perf_counter()
        return IntakeResult(backend, n, t1 - t0, t2 - t1, allocated.allocated, allocated.backordered)
    finally:
        db.dispose()


def run(args: argparse.Namespace) -> int:
    config: Config = args.context.config if hasattr(args, "context") else load_config()
    rng = random.Random(args.seed)
    with (DEMO / "products.csv").open() as fh:
        skus = [row["sku"] for row in csv.DictReader(fh)]
    results: list[IntakeResult] = []
    with tempfile.TemporaryDirectory(prefix="pickpack-bench-") as tmp:
        work = Path(tmp)
        orders_file = work / "orders.json"
        orders_file.write_text(json.dumps(shopify_orders(args.orders, skus, rng)))
        results.append(
            run_one("SQLite (WAL)", f"sqlite:///{work / 'bench.db'}", config, orders_file, args.orders, work)
        )
        pg = postgres_server(args.postgres)
        if pg and not args.sqlite_only:
            with scratch_postgres(pg, "pickpack_bench") as url:
                results.append(run_one("PostgreSQL", url, config, orders_file, args.orders, work))
    print(f"Intake benchmark: {args.orders} Shopify orders (1-4 lines), import + allocate, seed {args.seed}")
    print()
    print("| database | import s | allocate s | allocated | backordered | orders/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.backend} | {r.import_s:.2f} | {r.allocate_s:.2f} | {r.allocated} | {r.backordered} | "
            f"{r.per_second:,.0f} |"
        )
    return 0
