"""The probe of ``bench process``: a picker's scan, one every ``interval`` seconds, in its own process.

Each probe is one write transaction shaped like an accepted scan (``app.services.picking.outcomes.accept``): the
batch's ``last_activity_at`` is set and an event recorded, and, like a tote drop booking a pick, one pick-face
stock row is locked (``FOR UPDATE``: allocation locks these rows on PostgreSQL). On SQLite it waits for the
database's one write lock through the busy handler, as every terminal does; it never retries (a "database is
locked" error counts as a failed scan).

Prints "ready" when connected, then, when stdin closes, one JSON list of [start (time.monotonic, the same clock
in every process on the machine), seconds from BEGIN to COMMIT, ok].

Usage: ``python -m app.bench.process_probe URL INTERVAL_S BUSY_TIMEOUT_MS``
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from datetime import UTC, datetime

from app.db.models import Batch, Location, Stock
from app.db.retry import is_busy
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import users


def targets(db: Database) -> tuple[list[int], list[int]]:
    """Pick-face stock rows and batches to scan against."""
    with db.unit_of_work(readonly=True) as uow:
        query = uow.session.query(Stock.id).join(Location, Stock.location_id == Location.id)
        stock = [row[0] for row in query.filter(Location.kind == "pick").limit(5_000)]
        batches = [row[0] for row in uow.session.query(Batch.id).limit(100)]
    return stock, batches


def scan(db: Database, actor: Actor, stock_id: int, batch_id: int | None) -> None:
    with db.unit_of_work() as uow:
        uow.session.query(Stock.id).filter(Stock.id == stock_id).with_for_update().one()
        if batch_id is not None:
            batch = uow.session.get(Batch, batch_id)
            if batch is not None:
                batch.last_activity_at = datetime.now(UTC)
        uow.record(actor, "bench.probe", subject=f"batch:{batch_id}", message="probe scan", stock=stock_id)
        uow.commit()


def main(url: str, interval: float, busy_timeout_ms: int) -> None:
    from app.db.engine import make_engine

    db = Database(make_engine(url, busy_timeout_ms=busy_timeout_ms))
    actor = users.system_actor(db, "probe")
    stock, batches = targets(db)
    rng = random.Random(5)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    print("ready", flush=True)
    rows: list[tuple[float, float, bool]] = []
    while not stop.is_set():
        t0 = time.monotonic()
        ok = True
        try:
            scan(db, actor, rng.choice(stock), rng.choice(batches) if batches else None)
        except Exception as exc:  # a failed scan is a result; anything but "busy" is a bug
            if not is_busy(exc):
                raise
            ok = False
        rows.append((t0, time.monotonic() - t0, ok))
        stop.wait(interval)
    print(json.dumps(rows), flush=True)
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
