"""Eight terminals press "start picking" at the same moment: no batch is ever given to two of them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Batch, Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import users
from tests.support import processes

CLAIMERS = 8

pytestmark = pytest.mark.slow  # started first: see tests/conftest.py


def _claimer(url: str, name: str, start, results) -> None:  # type: ignore[no-untyped-def]
    from app.db.engine import make_engine
    from app.db.unit_of_work import Database
    from app.services import picking, users

    db = Database(make_engine(url, busy_timeout_ms=30000))
    user = users.get_user(db, name)
    start.wait(60)
    state = picking.claim_batch(db, user, terminal=f"hh-{name}")
    results.put((name, state.batch_id if state else None))
    db.dispose()


def test_eight_concurrent_claimers_never_share_a_batch(
    sample_catalog: Database, db_url: str, layout: Layout, tmp_path: Path
) -> None:
    db = sample_catalog
    # Six orders with different service levels / far-apart stock give several batches.
    rows = []
    for n, sku in enumerate(
        ["MUG-BLU-350", "MUG-RED-350", "KETTLE-STEEL-1L", "INFUSER-SS", "COASTER-CORK-4", "TEAPOT-GLASS-800"]
    ):
        rows.append((f"C-{n}", sku, 1))
    from app.config import load_config
    from tests.conftest import ROOT

    base = load_config(ROOT / "config.toml", env={})
    cfg = replace(base, picking=replace(base.picking, cart_totes=1))  # one order per cart: six batches
    from app.services import intake, order_processing
    from tests.picking_support import CSV_HEADER

    path = tmp_path / "orders.csv"
    path.write_text(
        CSV_HEADER
        + "".join(f"{n},C,c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,{sku},{q}\n" for n, sku, q in rows)
    )
    system = users.system_actor(db)
    intake.import_orders(db, cfg, path, actor=system)
    order_processing.process_once(db, cfg, actor=system, layout=layout)
    for i in range(CLAIMERS):
        users.add_user(db, f"picker{i}", "picker", f"BADGE-P{i}", "1234", actor=system)
    with db.unit_of_work(readonly=True) as uow:
        ready = uow.session.scalar(select(func.count()).select_from(Batch).where(Batch.status == "ready"))
    assert ready == 6

    ctx = processes.context()  # children forked from a server that imported the app once
    start, results = ctx.Barrier(CLAIMERS), ctx.Queue()
    procs = [ctx.Process(target=_claimer, args=(db_url, f"picker{i}", start, results)) for i in range(CLAIMERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    claims = [results.get(timeout=5) for _ in range(CLAIMERS)]
    got = [batch for _, batch in claims if batch is not None]
    assert len(got) == 6 and len(set(got)) == 6  # every batch claimed exactly once
    assert sum(1 for _, batch in claims if batch is None) == 2  # two terminals were told nothing is free
    with db.unit_of_work(readonly=True) as uow:
        pickers = uow.session.scalars(select(Batch.picker_id).where(Batch.status == "picking")).all()
        assert len(pickers) == 6 and len(set(pickers)) == 6
        moves = uow.session.scalars(select(Event).where(Event.kind == "batch.status"))
        claimed_events = [e for e in moves if (e.data["from"], e.data["to"]) == ("ready", "picking")]
        assert len(claimed_events) == 6
