"""Scan-verified picking at the service layer: claims, cart set-up, refusals, shorts, skips, finish."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Event, Order, PickTask, Tote
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import orders, picking
from app.services.errors import Refused
from app.services.stock import stock_for_sku
from tests.conftest import cached_step
from tests.picking_support import GTIN, actor_of, add_users, config, release_orders, short_here

GS = "\x1d"


@pytest.fixture
def floor(request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        people = add_users(sample_catalog)
        release_orders(
            sample_catalog,
            layout,
            tmp_path,
            [
                ("P-1", "MUG-BLU-350", 2),
                ("P-1", "TEA-EARL-100", 3),
                ("P-2", "KETTLE-STEEL-1L", 1),
                ("P-2", "MUG-BLU-350", 1),
            ],
        )
        return people

    return sample_catalog, cached_step(request, sample_catalog, "picking-floor", build)


def scan(db: Database, state: picking.PickState, code: str, who) -> picking.ScanResult:  # type: ignore[no-untyped-def]
    return picking.handle_scan(
        db, state.batch_id, code, actor=actor_of(who), task_id=state.stop.task_id if state.stop else None
    )


def set_up_cart(db: Database, state: picking.PickState, who, first: int = 1) -> picking.PickState:  # type: ignore[no-untyped-def]
    for n in range(len(state.slots)):
        result = scan(db, state, f"TOTE-{first + n:04d}", who)
        assert result.accepted, result.message
        state = result.state
    return state


def pick_current_stop(db: Database, state: picking.PickState, who) -> picking.PickState:  # type: ignore[no-untyped-def]
    stop = state.stop
    assert stop is not None
    state = scan(db, state, stop.location, who).state
    for _ in range(stop.qty - stop.qty_picked):
        result = scan(db, state, stop.scan_code, who)
        assert result.accepted, result.message
        state = result.state
    result = scan(db, state, stop.tote_code or "", who)
    assert result.accepted, result.message
    return result.state


def refusal_count(db: Database) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).where(Event.kind == "pick.refused")) or 0


def test_happy_path_picks_everything_and_finish_is_idempotent(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    state = picking.claim_batch(db, people["pia"], terminal="hh-1")
    assert state is not None and state.phase == "setup" and len(state.slots) == 2
    assert {o.status for o in orders.list_orders(db)} == {"picking"}
    state = set_up_cart(db, state, people["pia"])
    assert state.phase == "location"
    visited = []
    while state.stop is not None:
        visited.append(state.stop.location)
        state = pick_current_stop(db, state, people["pia"])
    assert state.phase == "done"  # the last drop finished the batch in the same transaction
    assert visited == [s.location for s in picking.batch_stops(db, state.batch_id)]  # walked in route order
    report = picking.finish_batch(db, layout, state.batch_id, actor=actor_of(people["pia"]))
    again = picking.finish_batch(db, layout, state.batch_id, actor=actor_of(people["pia"]))
    assert report == again
    assert sorted(report.orders) == ["P-1", "P-2"] and report.distance_m > 0
    assert report.distance_m <= report.s_shape_distance_m + 1e-6
    assert {o.status for o in orders.list_orders(db)} == {"picked"}
    mug = stock_for_sku(db, "MUG-BLU-350")[0]
    assert (mug.qty, mug.reserved) == (37, 0)
    tea = {line.lot: (line.qty, line.reserved) for line in stock_for_sku(db, "TEA-EARL-100")}
    assert tea["L2609C"] == (17, 0)  # FEFO lot, picked
    with db.unit_of_work(readonly=True) as uow:
        assert {t.status for t in uow.session.scalars(select(Tote))} == {"packing"}
        statuses = uow.session.scalars(select(Event).where(Event.kind == "order.status"))
        picked = [e for e in statuses if e.data["to"] == "picked"]
        assert len(picked) == 2  # the second finish changed nothing


def test_every_refusal_records_nothing_but_the_refusal(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    bad = scan(db, state, "A01-01-L-1", pia)  # not a tote during set-up
    assert not bad.accepted and "expected a free tote" in bad.message
    state = set_up_cart(db, state, pia)
    stop = state.stop
    assert stop is not None
    wrong_location = scan(db, state, "A09-09-L-1", pia)
    assert not wrong_location.accepted
    assert wrong_location.message == f"Wrong scan: expected location {stop.location}, scanned A09-09-L-1"
    state = scan(db, state, stop.location, pia).state
    wrong_item = scan(db, state, GTIN["INFUSER-SS"], pia)
    assert not wrong_item.accepted and f"expected item {stop.sku}" in wrong_item.message
    bad_check_digit = scan(db, state, "9520000010004", pia)
    assert not bad_check_digit.accepted and "check digit" in bad_check_digit.message
    # find the tea stop to test lots: skip forward through the route
    while state.stop is not None and state.stop.sku != "TEA-EARL-100":
        state = pick_current_stop(db, state, pia)
    assert state.stop is not None
    state = scan(db, state, state.stop.location, pia).state
    wrong_lot = scan(db, state, "]C1" + "0109520000010027" + "10L2611A" + GS + "21SN1", pia)
    assert not wrong_lot.accepted and "lot L2609C" in wrong_lot.message and "scanned lot L2611A" in wrong_lot.message
    right_lot = scan(db, state, "]C1" + "0109520000010027" + "10L2609C" + GS + "21SN1", pia)
    assert right_lot.accepted
    state = right_lot.state
    other = "TOTE-0002" if state.stop and state.stop.tote_code == "TOTE-0001" else "TOTE-0001"
    wrong_tote = scan(db, state, other, pia)
    assert not wrong_tote.accepted and "expected tote" in wrong_tote.message
    for _ in range(2):
        state = scan(db, state, GTIN["TEA-EARL-100"], pia).state
    over = scan(db, state, GTIN["TEA-EARL-100"], pia)
    assert not over.accepted and "expected tote" in over.message  # all 3 in hand: only the tote is accepted now
    assert state.stop is not None and state.stop.qty_in_hand == 3 and state.stop.qty_picked == 0
    assert refusal_count(db) == 7  # the kettle's shelf, scanned again by pick_current_stop, is no refusal
    tea = {line.lot: line.qty for line in stock_for_sku(db, "TEA-EARL-100")}
    assert tea == {"L2609C": 20, "L2611A": 30}  # nothing left the shelf before the tote scan


def test_case_gtin_counts_its_pack_and_over_pick_is_refused(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.sku != "MUG-BLU-350":
        state = pick_current_stop(db, state, pia)
    assert state.stop is not None
    state = scan(db, state, state.stop.location, pia).state
    case = scan(db, state, GTIN["MUG-BLU-350/case"], pia)  # a case of 6 for a stop of 1 or 2
    assert not case.accepted and "that is a case of 6 MUG-BLU-350; 1 is still needed" in case.message


def test_tote_in_use_is_refused_naming_who_holds_it(floor, layout: Layout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    release_orders(db, layout, tmp_path, [("Q-1", "INFUSER-SS", 1)])
    first = picking.claim_batch(db, people["pia"], terminal="hh-1")
    second = picking.claim_batch(db, people["sofia"], terminal="hh-2")
    assert first is not None and second is not None and first.batch_id != second.batch_id
    assert scan(db, first, "TOTE-0007", people["pia"]).accepted
    refused = scan(db, second, "TOTE-0007", people["sofia"])
    assert not refused.accepted
    assert f"TOTE-0007 is on batch {first.batch_id} picked by pia" in refused.message


def test_short_pick_reroutes_to_another_location(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.sku != "TEA-EARL-100":
        state = pick_current_stop(db, state, pia)
    assert state.stop is not None and state.stop.location == "A02-07-L-3"
    stops_before = state.stops_total
    result = short_here(db, layout, state, pia, "empty")
    assert result.accepted and "found 3 at A02-07-L-2" in result.message
    assert result.state.stops_total == stops_before + 1
    assert result.state.stop is not None
    again = short_here(db, layout, state, pia, "empty")
    assert not again.accepted  # a repeated press records nothing twice
    state = result.state
    while state.stop is not None:
        state = pick_current_stop(db, state, pia)
    picking.finish_batch(db, layout, state.batch_id, actor=actor_of(pia))
    p1 = orders.show_order(db, config(), "P-1")
    assert [(x.sku, x.qty_picked) for x in p1.lines] == [("MUG-BLU-350", 2), ("TEA-EARL-100", 3)]
    tea = {line.lot: line.qty for line in stock_for_sku(db, "TEA-EARL-100")}
    assert tea == {"L2611A": 27}  # the empty location was counted down to nothing; the rest came from L2611A


def test_short_pick_without_alternative_flags_the_order(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None and state.stop.sku != "KETTLE-STEEL-1L":
        state = pick_current_stop(db, state, pia)
    assert state.stop is not None
    result = short_here(db, layout, state, pia, "damaged")
    assert "none elsewhere: P-2 flagged for supervisor" in result.message
    with db.unit_of_work(readonly=True) as uow:
        flagged = uow.session.scalars(select(Event).where(Event.kind == "order.short")).all()
        assert [e.data["sku"] for e in flagged] == ["KETTLE-STEEL-1L"]


def test_skip_moves_the_stop_to_the_end(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    first = state.stop
    assert first is not None
    skipped = picking.skip_stop(db, state.batch_id, first.task_id, actor=actor_of(pia))
    assert skipped.accepted and skipped.state.stop is not None and skipped.state.stop.task_id != first.task_id
    stops = picking.batch_stops(db, state.batch_id)
    assert stops[-1].location == first.location and stops[-1].sku == first.sku


def test_stale_action_is_not_applied_to_the_next_stop(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    old = state
    state = pick_current_stop(db, state, pia)
    retried = picking.handle_scan(db, old.batch_id, old.stop.location, actor=actor_of(pia), task_id=old.stop.task_id)  # type: ignore[union-attr]
    assert not retried.accepted and "moved on" in retried.message


def test_resume_and_release_by_supervisor(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, sofia = people["pia"], people["sofia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    state = scan(db, state, state.stop.location, pia).state  # type: ignore[union-attr]
    state = scan(db, state, state.stop.scan_code, pia).state  # type: ignore[union-attr]
    resumed = picking.claim_batch(db, pia, terminal="hh-9")  # e.g. after the handheld crashed
    assert resumed is not None and resumed.batch_id == state.batch_id and resumed.stop == state.stop
    with pytest.raises(Refused, match="held by pia and was active 0 min ago"):
        picking.release_batch(db, state.batch_id, actor=actor_of(sofia), idle_minutes=20)
    freed = picking.release_batch(db, state.batch_id, actor=actor_of(sofia), idle_minutes=20, force=True)
    assert freed.status == "ready"
    taken = picking.claim_batch(db, people["adam"], terminal="hh-3")
    # Same stop for the next picker; the unit in the old picker's hand never left the books, so the stop starts
    # again at its location scan (the freed terminal is refused and told who freed it).
    assert taken is not None and taken.stop is not None and state.stop is not None
    assert taken.stop.task_id == state.stop.task_id and taken.stop.qty_in_hand == 0 and taken.phase == "location"


def test_cancel_after_picking_puts_goods_back_on_a_later_batch(floor, layout: Layout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia)  # type: ignore[arg-type]
    while state.stop is not None:
        state = pick_current_stop(db, state, pia)
    picking.finish_batch(db, layout, state.batch_id, actor=actor_of(pia))
    orders.cancel(db, config(), "P-2", "customer cancelled", actor=actor_of(people["sofia"]))
    release_orders(db, layout, tmp_path, [("Q-9", "INFUSER-SS", 1)])
    nxt = set_up_cart(db, picking.claim_batch(db, pia, terminal="hh-1"), pia, first=50)  # type: ignore[arg-type]
    kinds = [s.kind for s in picking.batch_stops(db, nxt.batch_id)]
    assert kinds == ["putback", "putback"]  # kettle and mug from P-2's tote, first in the queue
    kettle_before = stock_for_sku(db, "KETTLE-STEEL-1L")[0].qty
    while nxt.stop is not None:
        stop = nxt.stop
        nxt = scan(db, nxt, stop.location, pia).state
        if stop.kind == "putback":
            for _ in range(stop.qty):
                nxt = scan(db, nxt, stop.scan_code, pia).state
        else:
            for _ in range(stop.qty):
                nxt = scan(db, nxt, stop.scan_code, pia).state
            nxt = scan(db, nxt, stop.tote_code or "", pia).state
    assert stock_for_sku(db, "KETTLE-STEEL-1L")[0].qty == kettle_before + 1
    assert orders.show_order(db, config(), "P-2").putbacks_open == 0
    with db.unit_of_work(readonly=True) as uow:
        still = select(func.count()).select_from(PickTask).where(PickTask.status == "open", PickTask.kind == "putback")
        assert uow.session.scalar(still) == 0
        assert uow.session.scalar(select(Order.status).where(Order.number == "P-2")) == "cancelled"
