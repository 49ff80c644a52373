"""Scan latency on the real picker screen, from the key arriving at the app to the repaint written out.

The database is a floor in mid-shift (``app.bench.floor_mix``): generated products with stock on the pick faces
and orders in every status with their history. While a picker works through batches on the real picker screen
(``app.tui.bench.scan``), `pickpack process --watch`'s pass runs in another process, importing new orders and
allocating, releasing and batching them (``app.bench.process_writer``). SQLite, and PostgreSQL when
``--postgres URL`` or ``$PICKPACK_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.bench.databases import postgres_server, scratch_postgres
from app.bench.floor_mix import Mix, build_mix
from app.bench.intake import DEMO
from app.bootstrap import load_layout
from app.config import Config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.gtin import with_check_digit
from app.domain.stats import percentile
from app.services import catalog, setup, users

ROOT = Path(__file__).resolve().parent.parent.parent
QUICK = {"orders": 3_000, "products": 1_000, "scans": 200}
FULL = {"orders": 100_000, "products": 10_000, "scans": 1_000}
SHARES = {
    "new": 0.01,
    "allocated": 0.02,
    "released": 0.015,
    "picking": 0.085,
    "picked": 0.03,
    "packing": 0.01,
    "packed": 0.05,
    "shipped": 0.78,
}
"""The status mix of the orders (fractions of ``--orders``): a shift well under way. The released orders are
all on carts; few orders wait for the next process pass (it batches what it releases, and the batcher's time
grows faster than the wave: a quick run must not spend minutes there)."""
CLOCK = (
    "Clock: starts when the scanner's Enter key is handed to the app (time queued behind other events counts); "
    "stops when the first repaint after the screen drew the committed answer has been rendered to terminal "
    "output and written out."
)
INCLUDES = (
    "Includes: key handling, the step queue and its thread worker, the picking transaction (retried when busy), "
    "drawing the answer, Textual's compositor and the escape-sequence output of the repaint; a concurrent "
    "`process --watch` pass (new orders imported, allocated, released, batched) in another process."
)
LEAVES_OUT = (
    "Leaves out: a real terminal (pty/SSH link and the emulator drawing the bytes: output goes to /dev/null), "
    "human pauses between scans (scans follow each other as soon as the last was repainted), other pickers; "
    "orders past 'released' were walked there by status moves with events, without pick, pack or ship records."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--orders", type=int, help=f"orders on the floor (default {QUICK['orders']:,})")
    parser.add_argument("--products", type=int, help=f"products in the catalog (default {QUICK['products']:,})")
    parser.add_argument("--scans", type=int, help=f"scans to measure (default {QUICK['scans']:,})")
    parser.add_argument(
        "--full", action="store_true", help="the old README's sizes: 100,000 orders, 10,000 products, 1,000 scans"
    )
    parser.add_argument("--writer-interval", type=float, default=1.0, help="seconds between process passes")
    parser.add_argument("--feed", type=int, default=20, help="new orders imported before each process pass")
    parser.add_argument("--no-writer", action="store_true", help="no concurrent process pass (the quiet floor)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for a scratch database")
    parser.add_argument("--sqlite-only", action="store_true")


def sizes(args: argparse.Namespace) -> dict[str, int]:
    base = FULL if args.full else QUICK
    return {key: getattr(args, key) or base[key] for key in base}


def _catalog(work: Path, products: int, faces: list[str]) -> tuple[Path, Path, list[str]]:
    """A products CSV (demo catalog plus generated items) and a stock CSV spreading the untracked ones over the
    pick faces; returns the SKUs orders may use (no lot tracking: the bench picker scans plain GTINs)."""
    with (DEMO / "products.csv").open() as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
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
    product_csv, stock_csv = work / "products.csv", work / "stock.csv"
    with product_csv.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    skus = []
    with stock_csv.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["location", "sku", "qty", "lot", "expiry"])
        for i, row in enumerate(rows):
            if row["track_lot"] != "1":
                out.writerow([faces[i % len(faces)], row["sku"], 500, "", ""])
                skus.append(row["sku"])
    return product_csv, stock_csv, skus


def prepare(db: Database, config: Config, work: Path, n: dict[str, int]) -> tuple[Mix, list[str]]:
    layout = load_layout(config)
    setup.initialise(db, layout, actor=Actor.system("bench"))
    actor = users.system_actor(db, "bench")  # automation: the built-in system user that init created
    product_csv, stock_csv, skus = _catalog(work, n["products"], [str(c) for c in layout.pick_face_codes()])
    assert catalog.import_products(db, product_csv, actor=actor).applied
    assert catalog.import_stock(db, stock_csv, actor=actor).applied
    users.add_user(db, "bench-picker", "picker", "BADGE-BENCH", "1234", actor=actor)
    shares = {status: round(n["orders"] * share) for status, share in SHARES.items()}
    return build_mix(db, config, layout, work, skus, shares, batched=shares["released"], actor=actor), skus


@dataclass
class Writer:
    """The concurrent `process --watch` pass in its own process, and what it reported."""

    process: subprocess.Popen[str] | None
    passes: list[dict[str, float]] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    measured_from: int = 0
    """Passes before this index ended before the measured scans began."""

    @classmethod
    def start(cls, url: str, work: Path, skus: list[str], args: argparse.Namespace) -> Writer:
        if args.no_writer:
            return cls(None)
        (work / "skus.json").write_text(json.dumps(skus))
        command = [sys.executable, "-m", "app.bench.process_writer", url, str(work / "skus.json")]
        command += [str(args.writer_interval), str(args.feed)]
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
        writer = cls(proc)
        threading.Thread(target=writer._read, daemon=True).start()
        writer.started.wait(120)  # the first pass re-scores every open order: let it get going
        writer.measured_from = len(writer.passes)
        return writer

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.passes.append(json.loads(line))
            self.started.set()
        self.started.set()

    def stop(self) -> list[dict[str, float]]:
        if self.process is None:
            return []
        assert self.process.stdin is not None
        self.process.stdin.close()
        if self.process.wait(120) != 0:
            raise RuntimeError("the process-pass writer failed (its error is above)")
        return self.passes[self.measured_from :]  # the passes that ran while the picker scanned


@dataclass(frozen=True)
class Result:
    label: str
    latencies: list[float]
    unpainted: int
    mix: Mix
    passes: list[dict[str, float]]
    prep_s: float


def run_one(label: str, url: str, config: Config, args: argparse.Namespace, work: Path) -> Result:
    from app.tui.bench.scan import pick_scans

    n = sizes(args)
    db = Database(make_engine(url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms))
    try:
        t0 = time.perf_counter()
        mix, skus = prepare(db, config, work, n)
        prep = time.perf_counter() - t0
        writer = Writer.start(url, work, skus, args)
        try:
            run = asyncio.run(pick_scans(db, config, badge="BADGE-BENCH", scans=n["scans"]))
        finally:
            passes = writer.stop()
        return Result(label, run.latencies_ms, run.unpainted, mix, passes, prep)
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
    report(args, results)
    return 0


def report(args: argparse.Namespace, results: list[Result]) -> None:
    n = sizes(args)
    writer = (
        "no concurrent writer"
        if args.no_writer
        else (f"a `process --watch` pass every {args.writer_interval:g} s after importing {args.feed} new orders")
    )
    print(
        f"Scan benchmark: {n['scans']} scans on the picker screen; {n['orders']:,} orders, {n['products']:,} "
        f"products; {writer}."
    )
    print(CLOCK)
    print(INCLUDES if not args.no_writer else INCLUDES.split("; a concurrent")[0] + ".")
    print(LEAVES_OUT)
    print()
    print(
        "| database | scans | p50 ms | p95 ms | p99 ms | worst ms | not repainted | writer passes | pass s mean "
        "| set-up s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        lat = r.latencies or [0.0]
        pass_s = statistics.mean(p["pass_s"] for p in r.passes) if r.passes else 0.0
        print(
            f"| {r.label} | {len(r.latencies)} | {statistics.median(lat):.1f} | {percentile(lat, 95):.1f} | "
            f"{percentile(lat, 99):.1f} | {max(lat):.1f} | {r.unpainted} | {len(r.passes)} | {pass_s:.2f} | "
            f"{r.prep_s:.0f} |"
        )
    print()
    for r in results:
        print(f"{r.label} floor: {r.mix.describe()}; {r.mix.batches} batches planned at set-up")
