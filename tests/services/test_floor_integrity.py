"""Issue 10's reproductions: the floor stays consistent through the ordinary events of a shift.

Each test drives the real services on both databases (the ``db`` fixture) the way the terminal does, and ends
with the audit: every invariant of the floor holds after the event it reproduces.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.db.models import Batch, BatchSlot, Event, Order, PickTask, StockMove, Tote
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import orders, packing, picking, shipping
from app.services.batches import plan_batches
from app.services.errors import Refused
from app.services.stock import stock_for_sku
from app.services.supervision import actions as supervisor_actions
from tests.conftest import cached_step
from tests.picking_support import GTIN, actor_of, add_users, config, release_orders, short_here

CFG = config()


@pytest.fixture
def floor(request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        people = add_users(sample_catalog)
        release_orders(
            sample_catalog,
            layout,
            tmp_path,
            [
                ("R-1", "MUG-BLU-350", 2),
                ("R-1", "TEA-EARL-100", 3),
                ("R-2", "KETTLE-STEEL-1L", 1),
                ("R-2", "MUG-BLU-350", 1),
            ],
        )
        return people

    return sample_catalog, cached_step(request, sample_catalog, "integrity-floor", build)


def audit_clean(db: Database) -> None:
    from app.services import audit

    report = audit.run_audit(db)
    bad = {c.name: c.violations[:3] for c in report.checks if not c.ok}
    assert report.ok, bad


def set_up(db: Database, state: picking.PickState, who, first: int = 1) -> picking.PickState:  # type: ignore[no-untyped-def]
    for n in range(len(state.slots)):
        result = picking.handle_scan(db, state.batch_id, f"TOTE-{first + n:04d}", actor=actor_of(who))
        assert result.accepted, result.message
        state = result.state
    return state


def step(db: Database, state: picking.PickState, code: str, who) -> picking.ScanResult:  # type: ignore[no-untyped-def]
    return picking.handle_scan(
        db, state.batch_id, code, actor=actor_of(who), task_id=state.stop.task_id if state.stop else None
    )


def pick_stop(db: Database, state: picking.PickState, who) -> picking.PickState:  # type: ignore[no-untyped-def]
    stop = state.stop
    assert stop is not None
    state = step(db, state, stop.location, who).state
    while state.stop is not None and state.stop.task_id == stop.task_id and state.phase in ("item", "lot"):
        result = step(db, state, state.stop.scan_code, who)
        assert result.accepted, result.message
        state = result.state
    result = step(db, state, stop.tote_code or "", who)
    assert result.accepted, result.message
    return result.state


def pick_to_end(db: Database, layout: Layout, state: picking.PickState, who) -> picking.FinishReport:  # type: ignore[no-untyped-def]
    while state.stop is not None:
        state = pick_stop(db, state, who)
    return picking.finish_batch(db, layout, state.batch_id, actor=actor_of(who))


def status_of(db: Database, number: str) -> str:
    return orders.show_order(db, CFG, number).summary.status


def pack_and_ship(db: Database, cfg: Config, who, number: str) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(who)
    state = packing.start_packing(db, cfg, number, actor=actor)
    state = packing.open_carton(db, cfg, state.order_id, state.suggestion[0], actor=actor).state
    for line in state.lines:
        for _ in range(line.to_pack):
            result = packing.handle_scan(db, cfg, state.order_id, GTIN[line.sku], actor=actor)
            assert result.accepted, result.message
            state = result.state
    assert state.open_carton is not None
    packing.close_carton(db, cfg, state.order_id, state.open_carton.expected_weight_kg, actor=actor)
    shipping.ship_order(db, cfg, state.order_id, actor=actor, station="station-1")


@pytest.fixture
def spool(tmp_path: Path) -> Config:
    return replace(CFG, paths=replace(CFG.paths, data_dir=str(tmp_path / "data")))


# 1. Stops of changed orders leave their batch -----------------------------------------------------------------


def test_cancel_while_the_picker_stands_at_its_stop_removes_it_and_nothing_crashes(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.order_number != "R-2":
        state = pick_stop(db, state, pia)
    stop = state.stop
    assert stop is not None
    state = step(db, state, stop.location, pia).state
    state = step(db, state, stop.scan_code, pia).state  # 1 in hand for R-2
    orders.cancel(db, CFG, "R-2", "customer cancelled", actor=actor_of(people["sofia"]))
    told = step(db, state, stop.tote_code or "", pia)  # the drop of the unit in hand
    assert not told.accepted
    assert f"Stop at {stop.location} was removed: order R-2 cancelled: put the 1 in hand back" in told.message
    report = pick_to_end(db, layout, told.state, pia)
    assert report.orders == ("R-1",)
    assert status_of(db, "R-1") == "picked" and status_of(db, "R-2") == "cancelled"
    audit_clean(db)


def test_hold_and_edit_after_batching_take_the_stops_off_a_ready_batch(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    sofia = actor_of(people["sofia"])
    orders.hold(db, CFG, "R-2", "address check", actor=sofia)
    orders.edit_lines(db, CFG, "R-1", {"MUG-BLU-350": 1}, actor=sofia)
    with db.unit_of_work(readonly=True) as uow:
        open_stops = uow.session.scalar(select(func.count()).where(PickTask.status == "open"))
        batches = {b.id: b.status for b in uow.session.scalars(select(Batch))}
    assert open_stops == 0 and set(batches.values()) == {"cancelled"}
    audit_clean(db)
    orders.unhold(db, CFG, "R-2", actor=sofia)
    from app.services import order_processing

    order_processing.process_once(db, CFG, actor=sofia, layout=layout)
    state = picking.claim_batch(db, people["pia"], terminal="hh-1")
    assert state is not None and sorted(s.order_number for s in state.slots) == ["R-1", "R-2"]
    report = pick_to_end(db, layout, set_up(db, state, people["pia"]), people["pia"])
    assert sorted(report.orders) == ["R-1", "R-2"]
    assert status_of(db, "R-1") == status_of(db, "R-2") == "picked"
    mug = orders.show_order(db, CFG, "R-1").lines[0]
    assert (mug.sku, mug.qty, mug.qty_picked) == ("MUG-BLU-350", 1, 1)
    audit_clean(db)


# 2 + 10. Totes are freed; put-backs are immediate and name their tote -------------------------------------------


def test_totes_are_freed_when_orders_ship_and_cancelled_goods_go_back_from_their_tote(  # type: ignore[no-untyped-def]
    floor, layout: Layout, spool: Config
) -> None:
    db, people = floor
    pia, paul = people["pia"], people["paul"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    totes = {s.order_number: s.tote_code for s in state.slots}
    pick_to_end(db, layout, state, pia)
    pack_and_ship(db, spool, paul, "R-1")
    orders.cancel(db, CFG, "R-2", "customer cancelled after picking", actor=actor_of(people["sofia"]))
    with db.unit_of_work(readonly=True) as uow:
        tote_status = {t.code: t.status for t in uow.session.scalars(select(Tote))}
        put_back = [
            (t.tote_code, t.qty) for t in uow.session.scalars(select(PickTask).where(PickTask.kind == "putback"))
        ]
    assert tote_status[totes["R-1"]] == "free"  # shipped: the tote is back in use
    assert tote_status[totes["R-2"]] == "putback"
    assert {t for t, _ in put_back} == {totes["R-2"]} and sum(q for _, q in put_back) == 2  # no process pass
    with pytest.raises(Refused, match=f"tote {totes['R-2']} holds goods of R-2 .* hand it to picking"):
        packing.start_packing(db, spool, totes["R-2"] or "", actor=actor_of(paul))
    audit_clean(db)
    kettle_before = sum(line.qty for line in stock_for_sku(db, "KETTLE-STEEL-1L"))
    state = picking.claim_batch(db, people["adam"], terminal="hh-2")
    assert state is not None and state.phase == "location" and state.stop is not None
    assert state.stop.kind == "putback" and state.stop.tote_code == totes["R-2"]
    while state.stop is not None:
        stop = state.stop
        state = step(db, state, stop.location, people["adam"]).state
        for _ in range(stop.qty):
            result = step(db, state, stop.scan_code, people["adam"])
            assert result.accepted, result.message
            state = result.state
    picking.finish_batch(db, layout, state.batch_id, actor=actor_of(people["adam"]))
    assert sum(line.qty for line in stock_for_sku(db, "KETTLE-STEEL-1L")) == kettle_before + 1
    with db.unit_of_work(readonly=True) as uow:
        assert {t.status for t in uow.session.scalars(select(Tote))} == {"free"}
    audit_clean(db)
    # Every tote can start a new cart: the floor is not out of totes after a shift.
    from tests.picking_support import release_orders as release

    release(db, layout, Path(spool.paths.data_dir).parent, [("R-9", "INFUSER-SS", 1)])
    again = picking.claim_batch(db, pia, terminal="hh-1")
    assert again is not None
    assert step(db, again, totes["R-1"] or "", pia).accepted


# 3 + 4. Reassigned batches finish properly; the old terminal is refused ---------------------------------------


def test_reassigned_batch_finishes_its_orders_and_the_old_terminal_is_told_who_has_it(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, adam, sofia = people["pia"], people["adam"], people["sofia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    state = pick_stop(db, state, pia)
    supervisor_actions.reassign_batch(db, sofia, state.batch_id, "adam", terminal="sup")
    with pytest.raises(picking.LeaseLost, match=f"Batch {state.batch_id} was given to adam by sofia"):
        step(db, state, state.stop.location if state.stop else "", pia)
    taken = picking.claim_batch(db, adam, terminal="hh-2")
    assert taken is not None and taken.batch_id == state.batch_id
    pick_to_end(db, layout, taken, adam)
    assert status_of(db, "R-1") == status_of(db, "R-2") == "picked"
    opened = packing.start_packing(db, CFG, "R-1", actor=actor_of(people["paul"]))
    assert opened.status == "packing"
    audit_clean(db)


def test_a_ready_batch_given_to_a_picker_starts_its_orders(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    with db.unit_of_work(readonly=True) as uow:
        batch_id = uow.session.scalar(select(Batch.id).where(Batch.status == "ready"))
    assert batch_id is not None
    supervisor_actions.reassign_batch(db, people["sofia"], batch_id, "pia", terminal="sup")
    assert status_of(db, "R-1") == "picking"
    state = picking.claim_batch(db, people["pia"], terminal="hh-1")
    assert state is not None
    pick_to_end(db, layout, set_up(db, state, people["pia"]), people["pia"])
    assert status_of(db, "R-1") == status_of(db, "R-2") == "picked"
    audit_clean(db)


def test_freed_batch_refuses_the_old_terminal_and_scans_need_a_claim(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, sofia = people["pia"], people["sofia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    picking.release_batch(db, state.batch_id, actor=actor_of(sofia), idle_minutes=20, force=True)
    with pytest.raises(picking.LeaseLost, match="was freed by sofia and is back in the queue"):
        step(db, state, state.stop.location if state.stop else "", pia)
    with pytest.raises(Refused, match="system is not a signed-in user and may not pick"):
        picking.handle_scan(db, state.batch_id, "A01-03-L-1", actor=Actor("system", "cli"))
    with pytest.raises(picking.LeaseLost):  # nobody claimed it: nobody may scan on it
        picking.handle_scan(db, state.batch_id, "A01-03-L-1", actor=actor_of(people["adam"]))
    with db.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(func.count()).where(Event.kind.like("pick.%"), Event.actor == "adam")) == 0
    audit_clean(db)


# 6 + 7. Shorts are counted at the shelf; a typed quantity needs an item scan ----------------------------------


def test_short_needs_the_location_and_writes_off_only_what_the_picker_counted(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.sku != "MUG-BLU-350":
        state = pick_stop(db, state, pia)
    stop = state.stop
    assert stop is not None and stop.location == "A01-03-L-1"
    refused = picking.short_pick(db, layout, state.batch_id, stop.task_id, "empty", 0, actor=actor_of(pia))
    assert not refused.accepted and "Scan location A01-03-L-1 first" in refused.message
    # damaged: one unit is broken, 39 good ones are there: write off 1, take another from the same bin
    result = short_here(db, layout, state, pia, "damaged", 39)
    assert result.accepted and "take the" in result.message and "same bin" in result.message
    assert result.state.stop is not None and result.state.stop.task_id == stop.task_id
    mug = stock_for_sku(db, "MUG-BLU-350")[0]
    assert mug.qty == 39  # 40 on the books, 1 written off: not the whole bin
    with db.unit_of_work(readonly=True) as uow:
        moves = [
            (m.qty, m.reason)
            for m in uow.session.scalars(select(StockMove).where(StockMove.reason.not_in(("import", "pick"))))
        ]
    assert moves == [(-1, "damaged")]
    audit_clean(db)


def test_a_typed_quantity_without_an_item_scan_is_refused(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.qty < 2:
        state = pick_stop(db, state, pia)
    stop = state.stop
    assert stop is not None
    state = step(db, state, stop.location, pia).state
    typed = picking.add_typed_quantity(db, state.batch_id, stop.task_id, 2, actor=actor_of(pia))
    assert not typed.accepted and "a scan of the ITEM" in typed.message
    assert typed.state.stop is not None and typed.state.stop.qty_in_hand == 0
    state = step(db, state, stop.scan_code, pia).state
    typed = picking.add_typed_quantity(db, state.batch_id, stop.task_id, 1, actor=actor_of(pia))
    assert typed.accepted and typed.state.stop is not None and typed.state.stop.qty_in_hand == 2


# 8. Lots: proven by GS1 (unit or case) or the bare lot; a plain EAN alone does not count --------------------


def test_lot_tracked_units_count_only_once_the_lot_is_proven(
    sample_catalog: Database, layout: Layout, tmp_path: Path
) -> None:
    db = sample_catalog
    people = add_users(db)
    release_orders(db, layout, tmp_path, [("L-1", "TEA-SENCHA-100", 7)])
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    stop = state.stop
    assert stop is not None and stop.lot == "S2610" and stop.expiry is not None
    state = step(db, state, stop.location, pia).state
    plain = step(db, state, "9520000010034", pia)  # the unit EAN: no lot on it
    assert plain.accepted and plain.state.phase == "lot" and plain.state.stop is not None
    assert plain.state.stop.qty_in_hand == 0 and "scan the LOT (S2610)" in plain.message
    wrong_lot = step(db, plain.state, "S2611", pia)
    assert not wrong_lot.accepted and "lot S2610" in wrong_lot.message
    lot = step(db, plain.state, "S2610", pia)  # the bare lot printed on the item
    assert lot.accepted and lot.state.stop is not None and lot.state.stop.qty_in_hand == 1
    case = step(db, lot.state, "0119520000010031" + "10S2610", pia)  # GS1 case label with the lot
    assert case.accepted, case.message
    assert case.state.stop is not None and case.state.stop.qty_in_hand == 7
    with db.unit_of_work(readonly=True) as uow:
        counted = [e.data for e in uow.session.scalars(select(Event).where(Event.kind == "pick.item"))]
    assert [d.get("lot") for d in counted if not d.get("awaiting_lot")] == ["S2610", "S2610"]


# 9. A short waits for the supervisor, who decides what follows ------------------------------------------------


def _short_r2(db: Database, layout: Layout, people) -> None:  # type: ignore[no-untyped-def]
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None:
        if state.stop.sku == "KETTLE-STEEL-1L":
            result = short_here(db, layout, state, pia, "missing", 0)
            assert "none elsewhere: R-2 flagged for supervisor" in result.message
            state = result.state
        else:
            state = pick_stop(db, state, pia)
    picking.finish_batch(db, layout, state.batch_id, actor=actor_of(pia))


@pytest.mark.parametrize("rest", ["backorder", "cancel"])
def test_packer_waits_for_the_supervisor_decision_on_a_short(floor, layout: Layout, spool: Config, rest: str) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    _short_r2(db, layout, people)
    with pytest.raises(Refused, match=r"R-2 is short .*1 x KETTLE-STEEL-1L.*waiting for a supervisor"):
        packing.start_packing(db, spool, "R-2", actor=actor_of(people["paul"]))
    supervisor_actions.approve_short(db, people["sofia"], "R-2", rest=rest, terminal="sup")
    pack_and_ship(db, spool, people["paul"], "R-2")
    assert status_of(db, "R-2") == "shipped"
    numbers = [o.number for o in orders.list_orders(db)]
    if rest == "backorder":
        assert "R-2-B1" in numbers and status_of(db, "R-2-B1") == "backordered"
        child = orders.show_order(db, CFG, "R-2-B1")
        assert [(x.sku, x.qty) for x in child.lines] == [("KETTLE-STEEL-1L", 1)]
    else:
        assert "R-2-B1" not in numbers
        kettle = next(x for x in orders.show_order(db, CFG, "R-2").lines if x.sku == "KETTLE-STEEL-1L")
        assert kettle.qty == 0
    audit_clean(db)


# 11. Concurrent planning never puts an order on two carts ---------------------------------------------------


def test_concurrent_planning_passes_plan_each_order_once(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor
) -> None:
    from app.services import intake, order_processing
    from tests.picking_support import CSV_HEADER

    db = sample_catalog
    add_users(db)
    rows = "".join(
        f"C-{n},Cust,c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,INFUSER-SS,1\n" for n in range(24)
    )
    (tmp_path / "c.csv").write_text(CSV_HEADER + rows)
    intake.import_orders(db, CFG, tmp_path / "c.csv", actor=system)
    order_processing.process_once(db, CFG, actor=system)  # allocated and released, not planned
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def plan() -> None:
        try:
            barrier.wait()
            plan_batches(db, CFG, layout, actor=system)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=plan) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with db.unit_of_work(readonly=True) as uow:
        slots = uow.session.execute(select(BatchSlot.order_id, func.count()).group_by(BatchSlot.order_id)).all()
        planned = uow.session.scalar(select(func.count()).select_from(Order).where(Order.status == "released"))
    assert len(slots) == planned == 24 and all(n == 1 for _, n in slots)
    audit_clean(db)


# 14. Batches respect the cart ----------------------------------------------------------------------------------


def test_an_order_bigger_than_the_cart_is_split_into_cart_loads(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor
) -> None:
    from app.services import intake, order_processing
    from tests.picking_support import CSV_HEADER

    db = sample_catalog
    people = add_users(db)
    small_cart = replace(CFG, picking=replace(CFG.picking, cart_totes=2, tote_volume_cm3=20000.0, tote_weight_kg=15.0))
    lines = [("MUG-BLU-350", 30), ("KETTLE-STEEL-1L", 10), ("TRAY-BAMBOO-L", 10), ("TEAPOT-GLASS-800", 8)]
    body = "".join(
        f"BIG-1,Cust,c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,{sku},{qty}\n" for sku, qty in lines
    )
    (tmp_path / "big.csv").write_text(CSV_HEADER + body)
    intake.import_orders(db, small_cart, tmp_path / "big.csv", actor=system)
    order_processing.process_once(db, small_cart, actor=system, layout=layout)
    with db.unit_of_work(readonly=True) as uow:
        batches = list(uow.session.scalars(select(Batch).order_by(Batch.id)))
        slots = {b.id: uow.session.scalar(select(func.count()).where(BatchSlot.batch_id == b.id)) for b in batches}
        planned = uow.session.execute(
            select(PickTask.allocation_id, func.sum(PickTask.qty)).group_by(PickTask.allocation_id)
        ).all()
        split = {b.split_of for b in batches}
    assert len(batches) > 1 and all(1 <= n <= 2 for n in slots.values()), slots
    assert len(split) == 1 and None not in split
    assert sum(q for _, q in planned) == sum(q for _, q in lines)  # every unit planned exactly once
    audit_clean(db)
    pia = people["pia"]
    for n in range(len(batches)):
        state = picking.claim_batch(db, pia, terminal="hh-1")
        assert state is not None
        state = set_up(db, state, pia, first=1 + 2 * n)
        pick_to_end(db, layout, state, pia)
        assert status_of(db, "BIG-1") == ("picked" if n == len(batches) - 1 else "picking")
    audit_clean(db)


# Found by `pickpack simulate` ---------------------------------------------------------------------------------


def test_removing_a_line_of_an_order_that_was_on_a_cart_keeps_its_history(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    orders.edit_lines(db, CFG, "R-1", {"TEA-EARL-100": 0}, actor=actor_of(people["sofia"]))
    detail = orders.show_order(db, CFG, "R-1")
    assert [(x.sku, x.qty) for x in detail.lines] == [("MUG-BLU-350", 2), ("TEA-EARL-100", 0)]
    assert detail.summary.status == "allocated"
    audit_clean(db)


def test_a_short_approved_mid_batch_leaves_the_rest_of_the_order_to_be_picked(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.sku != "KETTLE-STEEL-1L":
        if state.stop.order_number == "R-2":
            break
        state = pick_stop(db, state, pia)
    while state.stop is not None and state.stop.sku != "KETTLE-STEEL-1L":
        state = step(db, state, state.stop.location, pia).state
        result = picking.skip_stop(db, state.batch_id, state.stop.task_id, actor=actor_of(pia))  # type: ignore[union-attr]
        state = result.state
    result = short_here(db, layout, state, pia, "missing", 0)
    assert "R-2 flagged for supervisor" in result.message
    supervisor_actions.approve_short(db, people["sofia"], "R-2", rest="cancel", terminal="sup")
    report = pick_to_end(db, layout, result.state, pia)
    assert sorted(report.orders) == ["R-1", "R-2"]
    lines = {x.sku: (x.qty, x.qty_picked) for x in orders.show_order(db, CFG, "R-2").lines}
    assert lines == {"KETTLE-STEEL-1L": (0, 0), "MUG-BLU-350": (1, 1)}  # the mug was still picked
    audit_clean(db)


def test_two_pickers_dropping_from_one_shelf_at_once_keep_the_books(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor
) -> None:
    from app.services import intake, order_processing
    from tests.picking_support import CSV_HEADER

    db = sample_catalog
    people = add_users(db)
    one_tote = replace(CFG, picking=replace(CFG.picking, cart_totes=1))
    body = "".join(
        f"X-{n},Cust,c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,MUG-BLU-350,1\n" for n in range(2)
    )
    (tmp_path / "x.csv").write_text(CSV_HEADER + body)
    intake.import_orders(db, one_tote, tmp_path / "x.csv", actor=system)
    order_processing.process_once(db, one_tote, actor=system, layout=layout)
    states = []
    for n, who in enumerate(("pia", "adam")):
        state = set_up(db, picking.claim_batch(db, people[who], terminal=f"hh-{n}"), people[who], first=10 + n)  # type: ignore[arg-type]
        state = step(db, state, state.stop.location, people[who]).state  # type: ignore[union-attr]
        state = step(db, state, state.stop.scan_code, people[who]).state  # type: ignore[union-attr]
        states.append((who, state))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def drop(who: str, state: picking.PickState) -> None:
        try:
            barrier.wait()
            result = step(db, state, state.stop.tote_code or "", people[who])  # type: ignore[union-attr]
            assert result.accepted, result.message
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=drop, args=pair) for pair in states]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    mug = stock_for_sku(db, "MUG-BLU-350")[0]
    assert (mug.qty, mug.reserved) == (38, 0)
    audit_clean(db)


# Found by a hostile test ---------------------------------------------------------------------------------------


def test_cancelling_a_packed_order_voids_its_carton_and_puts_the_goods_back(  # type: ignore[no-untyped-def]
    floor, layout: Layout, spool: Config
) -> None:
    db, people = floor
    pia, paul = people["pia"], people["paul"]
    pick_to_end(db, layout, set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia), pia)  # type: ignore[arg-type]
    actor = actor_of(paul)
    state = packing.start_packing(db, spool, "R-2", actor=actor)
    for line in state.lines:
        for _ in range(line.to_pack):
            state = packing.handle_scan(db, spool, state.order_id, GTIN[line.sku], actor=actor).state
    state = packing.confirm_box(db, spool, state.order_id, None, actor=actor).state
    assert state.open_carton is not None
    packed = packing.close_carton(db, spool, state.order_id, state.open_carton.expected_weight_kg, actor=actor)
    assert packed.state.status == "packed"
    cancelled = orders.cancel(db, CFG, "R-2", "customer cancelled at packing", actor=actor_of(people["sofia"]))
    assert cancelled.status == "cancelled"
    with db.unit_of_work(readonly=True) as uow:
        from app.db.models import Carton

        assert {c.status for c in uow.session.scalars(select(Carton))} == {"voided"}
        put_back = uow.session.scalar(select(func.sum(PickTask.qty)).where(PickTask.kind == "putback"))
    assert put_back == 2
    audit_clean(db)


def test_ending_a_walk_early_frees_the_totes_that_stayed_empty(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    first = state.stop
    assert first is not None
    state = pick_stop(db, state, pia)  # one stop into one order's tote, the other tote stays empty
    totes = {s.order_number: s.tote_code for s in state.slots}
    ended = picking.finish_early(db, layout, state.batch_id, actor=actor_of(pia))
    assert ended.phase == "done"
    with db.unit_of_work(readonly=True) as uow:
        status = {t.code: t.status for t in uow.session.scalars(select(Tote))}
        rest = uow.session.scalar(select(Batch).where(Batch.status == "ready"))
    assert status[totes[first.order_number]] == "packing"
    empty = next(code for number, code in totes.items() if number != first.order_number)
    assert status[empty] == "free" and rest is not None
    audit_clean(db)


def test_a_pinned_priority_must_be_a_finite_number(floor) -> None:  # type: ignore[no-untyped-def]
    from app.services.errors import InvalidInput

    db, people = floor
    for bad in (float("nan"), float("inf"), 1e309, 1e12):
        with pytest.raises(InvalidInput, match="expected a number"):
            supervisor_actions.set_priority(db, CFG, people["sofia"], "R-1", bad, terminal="sup")


def test_the_pick_engine_checks_the_lease_on_claim_and_weights_are_plain_numbers(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    from app.stations.pack import parse_weight
    from app.stations.pick import PickEngine

    db, people = floor
    engine = PickEngine(db, layout, people["pia"], terminal="hh-1", badge_prefix="BADGE-")
    assert engine.start().expect == "claim"
    claimed = engine.handle("!claim")
    assert claimed.ok and claimed.expect == "tote"
    supervisor_actions.reassign_batch(db, people["sofia"], claimed.batch or 0, "adam", terminal="sup")
    again = engine.handle("!claim")
    assert not again.ok and again.batch is None and "no longer yours" in again.message
    assert [parse_weight(x) for x in ("nan", "inf", "1e400", "4_03", "-3", "0", "1,25", "2.5")] == [
        None,
        None,
        None,
        None,
        None,
        None,
        Decimal("1.25"),
        Decimal("2.5"),
    ]


# Issue 12: an order whose batch went back to the queue with nothing picked is released again -------------------


def order_moves(db: Database, number: str) -> list[tuple[str, str, str]]:
    """The order's status events as (from, to, who)."""
    with db.unit_of_work(readonly=True) as uow:
        order_id = uow.session.scalar(select(Order.id).where(Order.number == number))
        events = uow.session.scalars(
            select(Event).where(Event.subject == f"order:{order_id}", Event.kind == "order.status").order_by(Event.id)
        ).all()
        return [(e.data.get("from"), e.data.get("to"), e.actor) for e in events]


def test_finish_early_before_any_scan_releases_the_orders_for_hold_and_edit(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, sofia = people["pia"], actor_of(people["sofia"])
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None and status_of(db, "R-1") == status_of(db, "R-2") == "picking"
    picking.finish_early(db, layout, state.batch_id, actor=actor_of(pia))
    assert status_of(db, "R-1") == status_of(db, "R-2") == "released"
    assert order_moves(db, "R-2")[-1] == ("picking", "released", "pia")
    audit_clean(db)
    orders.hold(db, CFG, "R-2", "address check", actor=sofia)  # refused before: "picking has started"
    orders.edit_lines(db, CFG, "R-1", {"MUG-BLU-350": 1}, actor=sofia)
    assert status_of(db, "R-2") == "on_hold"
    audit_clean(db)
    from app.services import order_processing, users

    # the edited order is planned again
    order_processing.process_once(db, CFG, actor=users.system_actor(db), layout=layout)
    assert status_of(db, "R-1") == "released"
    again = picking.claim_batch(db, people["adam"], terminal="hh-2")
    assert again is not None and again.batch_id != state.batch_id
    assert status_of(db, "R-1") == "picking"  # claimed again: picking again
    pick_to_end(db, layout, set_up(db, again, people["adam"]), people["adam"])
    assert status_of(db, "R-1") == "picked"
    audit_clean(db)


def test_leaving_a_batch_releases_only_the_orders_nothing_was_picked_for(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    first = state.stop
    assert first is not None
    state = pick_stop(db, state, pia)  # units of one order in its tote
    other = "R-2" if first.order_number == "R-1" else "R-1"
    picking.leave_batch(db, state.batch_id, actor=actor_of(pia))
    assert status_of(db, first.order_number) == "picking"
    assert status_of(db, other) == "released"
    with pytest.raises(Refused, match="picking has started"):
        orders.hold(db, CFG, first.order_number, "too late", actor=actor_of(people["sofia"]))
    audit_clean(db)
    again = picking.claim_batch(db, pia, terminal="hh-1")
    assert again is not None and again.batch_id == state.batch_id
    assert status_of(db, other) == "picking"  # a new claim starts it again
    pick_to_end(db, layout, again, pia)
    assert status_of(db, "R-1") == status_of(db, "R-2") == "picked"
    audit_clean(db)


def test_a_supervisor_freeing_a_batch_releases_orders_with_units_only_in_hand(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, adam, sofia = people["pia"], people["adam"], people["sofia"]
    state = set_up(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    stop = state.stop
    assert stop is not None
    state = step(db, state, stop.location, pia).state
    state = step(db, state, stop.scan_code, pia).state
    assert state.stop is not None and state.stop.qty_in_hand == 1  # in hand is not picked: it was never dropped
    supervisor_actions.release_batch(db, CFG, sofia, state.batch_id, terminal="sup")
    assert status_of(db, "R-1") == status_of(db, "R-2") == "released"
    assert order_moves(db, "R-1")[-1] == ("picking", "released", "sofia")
    orders.hold(db, CFG, "R-1", "customer called", actor=actor_of(sofia))
    audit_clean(db)
    taken = picking.claim_batch(db, adam, terminal="hh-2")
    assert taken is not None and status_of(db, "R-2") == "picking"
    pick_to_end(db, layout, taken, adam)
    assert status_of(db, "R-2") == "picked" and status_of(db, "R-1") == "on_hold"
    audit_clean(db)
