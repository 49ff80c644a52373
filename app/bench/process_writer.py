"""`pickpack process --watch` in its own process, fed by a shop, for the screen benchmarks to run against.

Every ``interval`` seconds: import ``feed`` new orders through the normal intake (the shop's next orders), then
run ``process_once`` with the layout, the very pass `pickpack process --watch` runs (re-score, allocate,
release, plan batches; each write transaction retried when busy). One JSON line per pass on stdout:
``{"pass_s": ..., "allocated": ..., "released": ..., "batches": ...}``. Stops after the pass in progress when
stdin closes.

Usage: ``python -m app.bench.process_writer URL SKUS_JSON INTERVAL FEED``
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from pathlib import Path

from app.bench.intake import shopify_orders
from app.bootstrap import load_layout
from app.config import load_config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.services import intake, order_processing, users

ROOT = Path(__file__).resolve().parent.parent.parent


def main(url: str, skus_path: str, interval: float, feed: int) -> None:
    config = load_config(ROOT / "config.toml", env={})
    layout = load_layout(config)
    db = Database(make_engine(url, busy_timeout_ms=config.database.sqlite_busy_timeout_ms))
    actor = users.system_actor(db, "process")
    skus = json.loads(Path(skus_path).read_text())
    rng = random.Random(11)
    work = Path(skus_path).parent
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    n = 0
    while not stop.is_set():
        t0 = time.perf_counter()
        doc = shopify_orders(feed, skus, rng)
        for order in doc["orders"]:  # type: ignore[union-attr]
            order["id"] += 500_000_000 + n  # type: ignore[index,operator]
            order["name"] = f"#FEED{order['id']}"  # type: ignore[index]
        n += feed
        path = work / "feed.json"
        path.write_text(json.dumps(doc))
        intake.import_orders(db, config, path, actor=actor)
        report = order_processing.process_once(db, config, actor=actor, layout=layout)
        line = {"pass_s": time.perf_counter() - t0, "imported": feed, **report.as_json()}
        print(json.dumps(line), flush=True)
        stop.wait(interval)
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
