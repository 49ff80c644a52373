"""Load the demo warehouse: schema, locations, catalog, stock and one user per role (idempotent).

The seed is all or nothing: after ``init`` (which commits on its own, being idempotent and no demo data), every
service call of the seed runs inside one database transaction, each of its units of work a savepoint in it. A
failure anywhere (a broken demo file, a full disk, Ctrl+C half way through the demo shift) rolls the whole seed
back, so a rerun starts from the same clean database instead of a half-seeded one the idempotence checks would
misread (e.g. products there but the demo shift never worked).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.config.settings import Config
from app.db.queries import demo as demo_queries
from app.db.savepoints import one_transaction
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import catalog, intake, order_processing, setup, users

DEMO_USERS = (
    ("pia", "picker", "BADGE-PIA", "1111"),
    ("paul", "packer", "BADGE-PAUL", "2222"),
    ("sofia", "supervisor", "BADGE-SOFIA", "3333"),
    ("adam", "admin", "BADGE-ADAM", "4444"),
)
"""Demo sign-ins: (name, role, badge, PIN). Documented in the README; never use these in production."""


@dataclass(frozen=True)
class DemoReport:
    init: setup.InitReport
    products: catalog.ImportReport
    stock: catalog.ImportReport
    users_created: int
    orders: intake.IntakeReport | None = None
    processed: order_processing.ProcessReport | None = None


def seed_demo(
    db: Database, layout: Layout, demo_dir: Path, *, actor: Actor, config: Config | None = None
) -> DemoReport:
    """Load everything; with ``config`` also import the demo orders and run one processing pass, so pickers
    find batches waiting (and the office finds held, backordered and released orders). All of it commits at
    the end or not at all (see the module docstring)."""
    init = setup.initialise(db, layout, actor=actor)
    if actor.user_id is None:
        # `demo` acts as the built-in system user (conventions); now that init created it, events carry its id
        actor = users.system_actor(db, actor.terminal)
    with one_transaction(db) as seed_db:
        return _seed(seed_db, layout, demo_dir, init, actor=actor, config=config)


def _seed(
    db: Database, layout: Layout, demo_dir: Path, init: setup.InitReport, *, actor: Actor, config: Config | None
) -> DemoReport:
    products = catalog.import_products(db, demo_dir / "products.csv", actor=actor)
    if not products.applied:
        raise RuntimeError("demo products do not import: " + "; ".join(map(str, products.problems[:3])))
    stock = catalog.import_stock(db, demo_dir / "stock.csv", actor=actor)
    if not stock.applied:
        raise RuntimeError("demo stock does not import: " + "; ".join(map(str, stock.problems[:3])))
    created = 0
    with db.unit_of_work(readonly=True) as uow:
        existing = uow.users.names()
    for name, role, badge, pin in DEMO_USERS:
        if name not in existing:
            users.add_user(db, name, role, badge, pin, actor=actor)
            created += 1
    if config is None:
        return DemoReport(init, products, stock, created)
    orders = intake.import_orders(db, config, demo_dir / "orders.json", actor=actor)
    if not orders.applied:
        raise RuntimeError("demo orders do not import: " + "; ".join(map(str, orders.problems[:3])))
    processed = order_processing.process_once(db, config, actor=actor, layout=layout)
    with db.unit_of_work(readonly=True) as uow:
        floor_worked = demo_queries.any_shipment(uow.session)
    if not floor_worked:
        _work_the_floor(db, config, layout)
    return DemoReport(init, products, stock, created, orders, processed)


def _work_the_floor(db: Database, config: Config, layout: Layout) -> None:
    """Run part of a shift through the real services so the demo shows orders in every later status: two
    batches picked, two orders shipped (documents in the spool folder), one being packed, one batch half
    picked, one order cancelled. Everything is logged as done by the demo users."""
    from app.services import orders as order_service
    from app.services import packing, picking, shipping

    with db.unit_of_work(readonly=True) as uow:
        gtins = uow.products.gtins_by_sku()
    adam = users.get_user(db, "adam")
    paul = users.get_user(db, "paul")
    sofia = users.get_user(db, "sofia")
    picked: list[int] = []
    for who in (adam, adam):
        state = picking.claim_batch(db, who, terminal="demo")
        if state is None:
            return
        act = Actor(who.name, "demo", who.id)
        for n in range(len(state.slots)):
            state = picking.handle_scan(db, state.batch_id, f"TOTE-{900 + len(picked) * 10 + n:04d}", actor=act).state
        while state.stop is not None:
            stop = state.stop
            state = picking.handle_scan(db, state.batch_id, stop.location, actor=act).state
            for _ in range(stop.qty - stop.qty_picked - stop.qty_in_hand):
                state = picking.handle_scan(db, state.batch_id, stop.scan_code, actor=act).state
            state = picking.handle_scan(db, state.batch_id, stop.tote_code or "", actor=act).state
        picking.finish_batch(db, layout, state.batch_id, actor=act)
        picked.extend(s.order_id for s in state.slots if s.order_id)
    for index, order_id in enumerate(picked[:3]):
        # The third order is left half packed by the supervisor, so the demo's packer starts with a free station.
        packer = Actor(sofia.name, "station-2", sofia.id) if index == 2 else Actor(paul.name, "station-1", paul.id)
        pack = packing.start_packing(db, config, str(order_id), actor=packer)
        pack = packing.open_carton(db, config, order_id, pack.suggestion[0], actor=packer).state
        for line in pack.lines:
            for _ in range(line.to_pack):
                pack = packing.handle_scan(db, config, order_id, gtins[line.sku], actor=packer).state
        if index == 2:
            break  # left open at the packing station
        carton = pack.open_carton
        assert carton is not None
        packing.close_carton(db, config, order_id, carton.expected_weight_kg, actor=packer)
        shipping.ship_order(db, config, order_id, actor=packer, station="station-1")
    half = picking.claim_batch(db, sofia, terminal="demo")
    if half is not None:
        act = Actor(sofia.name, "demo", sofia.id)
        for n, _slot in enumerate(half.slots):
            half = picking.handle_scan(db, half.batch_id, f"TOTE-{950 + n:04d}", actor=act).state
        if half.stop is not None:
            picking.handle_scan(db, half.batch_id, half.stop.location, actor=act)
    released = [o for o in order_service.list_orders(db, status="released")]
    if released:
        order_service.cancel(
            db,
            config,
            released[-1].number,
            "customer cancelled before picking",
            actor=Actor(sofia.name, "demo", sofia.id),
        )
