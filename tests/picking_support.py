"""Helpers for picking tests: a catalog, users and orders released into one cart batch."""

from __future__ import annotations

from pathlib import Path

from app.config import Config, load_config
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import intake, order_processing, users
from app.services.demo import DEMO_USERS
from app.services.users import UserView
from tests.conftest import ROOT

CSV_HEADER = (
    "order_number,customer_name,email,phone,address1,address2,city,region,postal_code,country,service,ship_by,sku,qty\n"
)
GTIN = {
    "MUG-BLU-350": "9520000010003",
    "MUG-BLU-350/case": "19520000010000",
    "MUG-RED-350": "9520000010010",
    "TEA-EARL-100": "9520000010027",
    "KETTLE-STEEL-1L": "9520000010041",
    "INFUSER-SS": "9520000010058",
}


def config() -> Config:
    return load_config(ROOT / "config.toml", env={})


def release_orders(db: Database, layout: Layout, tmp: Path, rows: list[tuple[str, str, int]]) -> None:
    """Import CSV orders (number, sku, qty), all standard service, and run one process pass with batching."""
    body = "".join(
        f"{n},Cust {n},c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,{sku},{qty}\n" for n, sku, qty in rows
    )
    path = tmp / f"orders-{len(list(tmp.glob('orders-*.csv')))}.csv"
    path.write_text(CSV_HEADER + body)
    cfg = config()
    system = users.system_actor(db)  # automation acts as the built-in system user (the services check it)
    report = intake.import_orders(db, cfg, path, actor=system)
    assert report.applied, report.problems
    order_processing.process_once(db, cfg, actor=system, layout=layout)


def add_users(db: Database) -> dict[str, UserView]:
    made = {}
    system = users.system_actor(db)
    for name, role, badge, pin in DEMO_USERS:
        made[name] = users.add_user(db, name, role, badge, pin, actor=system)
    return made


def actor_of(user: UserView) -> Actor:
    return Actor(user.name, "hh-1", user.id)


def pick_all(db: Database, layout: Layout, who: UserView, *, first_tote: int = 1) -> list[str]:
    """Claim the next batch and pick it completely through the scan service; returns the tote codes used."""
    from app.services import picking

    state = picking.claim_batch(db, who, terminal="hh-1")
    assert state is not None
    actor = actor_of(who)
    totes = []
    for n in range(len(state.slots)):
        code = f"TOTE-{first_tote + n:04d}"
        totes.append(code)
        state = picking.handle_scan(db, state.batch_id, code, actor=actor).state
    while state.stop is not None:
        stop = state.stop
        state = picking.handle_scan(db, state.batch_id, stop.location, actor=actor).state
        for _ in range(stop.qty - stop.qty_picked - stop.qty_in_hand):
            state = picking.handle_scan(db, state.batch_id, stop.scan_code, actor=actor).state
        state = picking.handle_scan(db, state.batch_id, stop.tote_code or "", actor=actor).state
    picking.finish_batch(db, layout, state.batch_id, actor=actor)
    return totes


def short_here(db: Database, layout: Layout, state, who: UserView, reason: str, counted: int = 0):  # type: ignore[no-untyped-def]
    """Report the current stop short the way a picker must: at the scanned location, with the units counted."""
    from app.services import picking

    stop = state.stop
    assert stop is not None
    if not stop.location_confirmed:
        state = picking.handle_scan(db, state.batch_id, stop.location, actor=actor_of(who), task_id=stop.task_id).state
    return picking.short_pick(db, layout, state.batch_id, stop.task_id, reason, counted, actor=actor_of(who))
