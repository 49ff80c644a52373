"""Floors for the packer's usability tests (the screen and the headless station share them): a picked order, a
short-picked one approved by sofia, a same-day one whose courier has left."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import intake, order_processing, picking, users
from app.services.supervision import actions as supervisor_actions
from app.services.users import UserView
from tests.picking_support import CSV_HEADER, actor_of, config, short_here

LONG_NAME = "Ceramic mug blue 350 ml"
"""MUG-BLU-350's name: longer than the 18 characters the lines were once cut to."""


def release(
    db: Database,
    layout: Layout,
    tmp: Path,
    rows: list[tuple[str, str, int]],
    service: str = "standard",
    **services: str,
) -> None:
    """Import CSV orders (number, sku, qty) of ``service`` level (``services`` by order number, for some others)
    and release them into cart batches."""
    body = "".join(
        f"{n},Cust {n},c@example.com,,Main 1,,Wien,,1010,AT,{services.get(n.replace('-', '_'), service)},2026-12-01,"
        f"{sku},{qty}\n"
        for n, sku, qty in rows
    )
    path = tmp / f"orders-{len(list(tmp.glob('orders-*.csv')))}.csv"
    path.write_text(CSV_HEADER + body)
    system = users.system_actor(db)
    report = intake.import_orders(db, config(), path, actor=system)
    assert report.applied, report.problems
    order_processing.process_once(db, config(), actor=system, layout=layout)


def pick_with_short(db: Database, layout: Layout, who: UserView, short_sku: str) -> list[str]:
    """Claim the next batch and pick it, reporting ``short_sku`` missing (none on the shelf); returns the totes."""
    state = picking.claim_batch(db, who, terminal="hh-1")
    assert state is not None
    actor = actor_of(who)
    totes = []
    for n in range(len(state.slots)):
        totes.append(f"TOTE-{n + 1:04d}")
        state = picking.handle_scan(db, state.batch_id, totes[-1], actor=actor).state
    while state.stop is not None:
        stop = state.stop
        if stop.sku == short_sku:
            state = short_here(db, layout, state, who, "missing", 0).state
            continue
        state = picking.handle_scan(db, state.batch_id, stop.location, actor=actor).state
        for _ in range(stop.qty - stop.qty_picked - stop.qty_in_hand):
            state = picking.handle_scan(db, state.batch_id, stop.scan_code, actor=actor).state
        state = picking.handle_scan(db, state.batch_id, stop.tote_code or "", actor=actor).state
    picking.finish_batch(db, layout, state.batch_id, actor=actor)
    return totes


def short_approved(db: Database, layout: Layout, tmp: Path, people: dict[str, UserView], number: str) -> list[str]:
    """Order ``number`` (1 kettle + 1 mug) picked without its kettle, the short approved by sofia (backorder)."""
    release(db, layout, tmp, [(number, "KETTLE-STEEL-1L", 1), (number, "MUG-BLU-350", 1)])
    totes = pick_with_short(db, layout, people["pia"], "KETTLE-STEEL-1L")
    supervisor_actions.approve_short(db, people["sofia"], number, rest="backorder", terminal="sup")
    return totes


def courier_gone(base: Config) -> Config:
    """The config with the same-day courier's cut-off at midnight: a same-day order can never go out today."""
    carriers = {}
    for name, carrier in base.carriers.items():
        services = {
            code: replace(service, cutoff="00:00") if service.level == "same_day" else service
            for code, service in carrier.services.items()
        }
        carriers[name] = replace(carrier, services=services)
    return replace(base, carriers=carriers)
