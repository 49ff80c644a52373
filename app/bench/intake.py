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

from app.bench.databases import postgres_server, scratch_postgres
from app.config import Config, load_config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import allocation, intake, users
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
    try:
        seed_demo(db, load_layout(config), DEMO, actor=Actor.system("bench"))
        actor = users.system_actor(db, "bench")  # automation: the built-in system user the services accept
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
    print(
        "Included: reading and checking the file, storing orders, lines and events (COPY on PostgreSQL), allocating "
        "every order against the demo stock scaled x40 (chunks of 500). Left out: the demo seed, process's "
        "re-scoring, release and wave planning, other writers (on this machine the PostgreSQL server shares the "
        "two cores with the benchmark)."
    )
    print()
    print("| database | import s | allocate s | allocated | backordered | orders/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.backend} | {r.import_s:.2f} | {r.allocate_s:.2f} | {r.allocated} | {r.backordered} | "
            f"{r.per_second:,.0f} |"
        )
    return 0


# --- `pickpack bench import`: peak memory and time of one big Shopify export through the real command ----------

IMPORT_DOC = """Peak memory and time of `pickpack import orders` on a large generated Shopify export (default 200 MB).

The import runs as a child process (`python -m app import orders FILE`) on a fresh SQLite database holding the
demo catalog, so its peak resident memory (ru_maxrss) is the command's own. For comparison a second child only
decodes the same file whole with `json.load` (what the import did before it streamed). Goal: under 500 MB.
"""


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--megabytes", type=int, default=200, help="size of the generated export (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="write the export and database here and keep them")
    parser.add_argument("--no-baseline", action="store_true", help="skip the json.load comparison")


def _export_line(i: int, k: int, sku: str, rng: random.Random) -> dict[str, object]:
    """Line ``k`` of export order ``i``, with the taxes and properties a real Shopify line carries."""
    return {
        "id": i * 10 + k,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{i * 10 + k}",
        "sku": sku,
        "title": sku.replace("-", " ").title(),
        "variant_title": None,
        "name": sku.replace("-", " ").title(),
        "quantity": rng.randint(1, 3),
        "price": "9.90",
        "grams": 380,
        "vendor": "Bench Tea Co",
        "requires_shipping": True,
        "taxable": True,
        "properties": [{"name": "gift_message", "value": "Enjoy!"}] if k == 0 and i % 7 == 0 else [],
        "tax_lines": [{"title": "VAT", "price": "1.65", "rate": 0.2}],
        "discount_allocations": [],
    }


def _export_address(i: int) -> dict[str, object]:
    return {
        "first_name": "Bench",
        "last_name": f"Customer {i}",
        "name": f"Bench Customer {i}",
        "address1": f"Teststrasse {i % 200 + 1}",
        "address2": "",
        "city": "Wien",
        "province": None,
        "province_code": None,
        "zip": "1010",
        "country": "Austria",
        "country_code": "AT",
        "company": None,
        "phone": "+43 1 234567",
        "latitude": 48.2,
        "longitude": 16.37,
    }


def _export_order(i: int, skus: list[str], rng: random.Random) -> dict[str, object]:
    """A Shopify REST order about as big as real ones (~3 KB: taxes, properties, addresses, customer)."""
    lines = [_export_line(i, k, sku, rng) for k, sku in enumerate(rng.sample(skus, rng.randint(1, 4)))]
    address = _export_address(i)
    total = sum(9.9 * int(str(x["quantity"])) for x in lines)
    return {
        "id": 9_000_000_000 + i,
        "admin_graphql_api_id": f"gid://shopify/Order/{9_000_000_000 + i}",
        "name": f"#B{i:07d}",
        "order_number": 100000 + i,
        "email": f"customer{i}@example.com",
        "created_at": "2026-11-23T08:00:00+01:00",
        "updated_at": "2026-11-23T08:05:00+01:00",
        "processed_at": "2026-11-23T08:00:00+01:00",
        "currency": "EUR",
        "presentment_currency": "EUR",
        "financial_status": "paid",
        "fulfillment_status": None,
        "total_price": f"{total:.2f}",
        "subtotal_price": f"{total:.2f}",
        "total_tax": "0.00",
        "tags": "vip" if i % 25 == 0 else "",
        "note": None,
        "note_attributes": [],
        "source_name": "web",
        "landing_site": "/collections/tea?utm_source=newsletter",
        "browser_ip": "192.0.2.1",
        "line_items": lines,
        "shipping_address": address,
        "billing_address": address,
        "shipping_lines": [{"code": rng.choice(["standard", "standard", "express"]), "title": "Shipping"}],
        "customer": {"id": 700000 + i, "email": f"customer{i}@example.com", "first_name": "Bench", "tags": ""},
    }


def write_export(path: Path, megabytes: int, skus: list[str], seed: int) -> int:
    """Write ``{"orders": [...]}`` of about ``megabytes`` MB order by order (never whole in memory)."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"orders": [')
        while fh.tell() < target:
            if count:
                fh.write(",\n")
            fh.write(json.dumps(_export_order(count, skus, rng)))
            count += 1
        fh.write("]}\n")
    return count


_MEASURED = """
import resource, runpy, sys
out, sys.argv = sys.argv[1], sys.argv[2:]
try:
    if sys.argv[0] == "-m":
        sys.argv = sys.argv[1:]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        exec(sys.argv[0])
finally:
    with open(out, "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""
"""Runs a command in this very process and writes its peak resident size (KiB on Linux) to a file: the peak of
the command alone, whatever other children this benchmark ran before."""


def _child(command: list[str], work: Path) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, stderr tail) of one child process running ``command`` (``-m app ...`` or a
    Python statement)."""
    import subprocess
    import sys

    peak_file = work / "peak-kib.txt"
    peak_file.unlink(missing_ok=True)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(peak_file), *command], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - t0
    peak_mb = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    return seconds, peak_mb, done.returncode, done.stderr.strip()[-400:]


def run_import(args: argparse.Namespace) -> int:
    from app.bootstrap import load_layout
    from app.services import catalog, setup, users

    config: Config = args.context.config if hasattr(args, "context") else load_config()
    with (DEMO / "products.csv").open() as fh:
        skus = [row["sku"] for row in csv.DictReader(fh)]
    with tempfile.TemporaryDirectory(prefix="pickpack-bench-import-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        export = work / "shopify-export.json"
        orders = write_export(export, args.megabytes, skus, args.seed)
        size_mb = export.stat().st_size / 1_000_000
        url = f"sqlite:///{work / 'bench-import.db'}"
        db = Database(make_engine(url))
        try:
            setup.initialise(db, load_layout(config), actor=Actor.system())
            catalog.import_products(db, DEMO / "products.csv", actor=users.system_actor(db))
        finally:
            db.dispose()
        config_args = ["--config", str(args.config)] if getattr(args, "config", None) else []
        rows = []
        if not args.no_baseline:
            decode = "import json,sys,decimal; json.load(open(sys.argv[1]), parse_float=decimal.Decimal)"
            seconds, peak, code, _ = _child([decode, str(export)], work)
            rows.append(("json.load of the whole file (the old way's first step)", seconds, peak, code))
        command = ["-m", "app", *config_args, "--db", url, "import", "orders", str(export)]
        seconds, peak, code, err = _child(command, work)
        rows.append(("pickpack import orders (validate streaming, then write in chunks)", seconds, peak, code))
    print(f"Import benchmark: one Shopify export of {size_mb:.0f} MB ({orders:,} orders, 1-4 lines), SQLite")
    print()
    print("| run | seconds | peak memory MB | exit |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds, peak, code in rows:
        print(f"| {name} | {seconds:.1f} | {peak:,.0f} | {code} |")
    if code != 0:
        print(f"\nthe import failed: {err}")
        return 1
    return 0
