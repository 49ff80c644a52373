"""Verified packing: open by tote, box suggestion, item scans with refusals, weight check with approval."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import packing
from app.services.errors import Refused
from tests.conftest import cached_step
from tests.picking_support import GTIN, actor_of, add_users, pick_all, release_orders


@pytest.fixture
def picked(request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        people = add_users(sample_catalog)
        release_orders(sample_catalog, layout, tmp_path, [("K-1", "MUG-BLU-350", 2), ("K-1", "INFUSER-SS", 1)])
        return people, pick_all(sample_catalog, layout, people["pia"])

    people, totes = cached_step(request, sample_catalog, "packing-picked", build)
    return sample_catalog, people, totes


def test_pack_by_tote_with_suggested_box_and_refusals(picked, config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people, totes = picked
    paul = actor_of(people["paul"])
    state = packing.start_packing(db, config, totes[0], actor=paul)
    assert state.order_number == "K-1" and state.status == "packing" and state.phase == "box"
    assert state.suggestion  # the cheapest box that fits 2 mugs and an infuser
    assert state.expect == "item"  # items first, then the box, the weight and the label
    first = packing.handle_scan(db, config, state.order_id, GTIN["MUG-BLU-350"], actor=paul)
    assert first.accepted and first.state.open_carton is not None  # the first item opens the suggested box
    assert first.state.open_carton.box_code == state.suggestion[0] and first.state.open_carton.pack_step == "items"
    wrong = packing.handle_scan(db, config, state.order_id, GTIN["KETTLE-STEEL-1L"], actor=paul)
    assert not wrong.accepted and "an item of this order" in wrong.message
    assert packing.handle_scan(db, config, state.order_id, GTIN["MUG-BLU-350"], actor=paul).accepted
    extra = packing.handle_scan(db, config, state.order_id, GTIN["MUG-BLU-350"], actor=paul)
    assert not extra.accepted and "already packed" in extra.message
    last = packing.handle_scan(db, config, state.order_id, GTIN["INFUSER-SS"], actor=paul)
    assert last.accepted and last.state.expect == "box"
    unknown = packing.confirm_box(db, config, state.order_id, "BOX-NOPE", actor=paul)
    assert not unknown.accepted and "a box from the catalog" in unknown.message
    boxed = packing.confirm_box(db, config, state.order_id, None, actor=paul)  # the suggestion
    assert boxed.accepted and boxed.state.expect == "weight"
    carton = boxed.state.open_carton
    assert carton is not None
    assert carton.expected_weight_kg == Decimal("0.810") + _tare(config, carton.box_code)
    with db.unit_of_work(readonly=True) as uow:
        refusals = uow.session.scalar(select(func.count()).where(Event.kind == "pack.refused"))
    assert refusals == 3


def test_a_carton_closed_for_items_takes_no_more_items(picked, config: Config) -> None:  # type: ignore[no-untyped-def]
    """Split on purpose: after !close and the box, the next item waits for the weight (it went into the weighed
    carton and changed its expected weight)."""
    db, people, totes = picked
    paul = actor_of(people["paul"])
    state = packing.start_packing(db, config, totes[0], actor=paul)
    assert packing.handle_scan(db, config, state.order_id, GTIN["MUG-BLU-350"], actor=paul).accepted
    assert packing.close_items(db, config, state.order_id, actor=paul).accepted
    boxed = packing.confirm_box(db, config, state.order_id, None, actor=paul)
    assert boxed.accepted and boxed.state.expect == "weight" and boxed.state.open_carton is not None
    late = packing.handle_scan(db, config, state.order_id, GTIN["MUG-BLU-350"], actor=paul)
    assert not late.accepted and "the weight of carton 1 first" in late.message
    carton = late.state.open_carton
    assert carton is not None and carton.expected_weight_kg == boxed.state.open_carton.expected_weight_kg
    assert sum(qty for _sku, qty in carton.items) == 1 and late.state.expect == "weight"


def test_a_restarted_station_returns_to_the_order_it_had_just_opened(picked, config: Config) -> None:  # type: ignore[no-untyped-def]
    """Killed after scanning the tote and before the first item: opening writes only the order's status change,
    and the restarted station showed nothing in hand (the shift simulator's "resume needs a rescan")."""
    db, people, totes = picked
    paul = actor_of(people["paul"])
    state = packing.start_packing(db, config, totes[0], actor=paul)
    again = packing.order_in_hand(db, config, people["paul"].id)
    assert again is not None and again.order_id == state.order_id and again.expect == "item"


def _tare(config: Config, code: str) -> Decimal:
    box = next(b for b in packing.box_catalog(config) if b.code == code)
    return Decimal(str(box.tare_weight_kg))


def test_weight_outside_tolerance_needs_a_supervisor(picked, config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people, _ = picked
    paul = actor_of(people["paul"])
    state = packing.start_packing(db, config, "K-1", actor=paul)
    packing.handle_scan(db, config, state.order_id, f"BOX-{state.suggestion[0]}", actor=paul)
    for sku in ("MUG-BLU-350", "MUG-BLU-350", "INFUSER-SS"):
        state = packing.handle_scan(db, config, state.order_id, GTIN[sku], actor=paul).state
    expected = state.open_carton.expected_weight_kg  # type: ignore[union-attr]
    heavy = packing.close_carton(db, config, state.order_id, expected + Decimal("0.5"), actor=paul)
    assert not heavy.accepted and heavy.needs_approval and "supervisor must approve" in heavy.message
    assert heavy.state.open_carton is not None  # still open
    packer = packing.close_carton(
        db, config, state.order_id, expected + Decimal("0.5"), actor=paul, approver_badge="BADGE-PAUL"
    )
    assert not packer.accepted and "paul (packer) may not approve carton weights" in packer.message
    badge_only = packing.close_carton(
        db, config, state.order_id, expected + Decimal("0.5"), actor=paul, approver_badge="BADGE-SOFIA"
    )
    assert not badge_only.accepted and badge_only.pin_needed and "PIN needed: sofia" in badge_only.message
    assert badge_only.state.open_carton is not None  # a supervisor's badge alone approves nothing
    approved = packing.close_carton(
        db,
        config,
        state.order_id,
        expected + Decimal("0.5"),
        actor=paul,
        approver_badge="BADGE-SOFIA",
        approver_pin="3333",
    )
    assert approved.accepted and approved.state.status == "packed" and approved.approver == "sofia"
    again = packing.close_carton(db, config, state.order_id, expected, actor=paul)
    assert not again.accepted and "No open carton" in again.message  # a double press changes nothing
    with db.unit_of_work(readonly=True) as uow:
        approvals = uow.session.scalars(select(Event).where(Event.kind == "pack.weight_approved")).all()
        assert [e.actor for e in approvals] == ["sofia"]
        refusals = uow.session.scalars(select(Event).where(Event.kind == "pack.weight_approval_refused")).all()
        assert [(e.actor, e.data["approver"]) for e in refusals] == [("paul", "paul"), ("paul", "sofia")]


def test_weight_within_tolerance_closes(picked, config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people, _ = picked
    paul = actor_of(people["paul"])
    state = packing.start_packing(db, config, "K-1", actor=paul)
    packing.open_carton(db, config, state.order_id, state.suggestion[0], actor=paul)
    for sku in ("MUG-BLU-350", "INFUSER-SS", "MUG-BLU-350"):
        state = packing.handle_scan(db, config, state.order_id, GTIN[sku], actor=paul).state
    expected = state.open_carton.expected_weight_kg  # type: ignore[union-attr]
    closed = packing.close_carton(db, config, state.order_id, expected + Decimal("0.02"), actor=paul)
    assert closed.accepted and closed.state.status == "packed"


def test_tote_still_on_a_cart_is_refused(
    sample_catalog: Database, layout: Layout, tmp_path: Path, config: Config
) -> None:
    people = add_users(sample_catalog)
    release_orders(sample_catalog, layout, tmp_path, [("K-2", "MUG-RED-350", 1)])
    from app.services import picking

    state = picking.claim_batch(sample_catalog, people["pia"], terminal="hh-1")
    assert state is not None
    picking.handle_scan(sample_catalog, state.batch_id, "TOTE-0042", actor=actor_of(people["pia"]))
    with pytest.raises(Refused, match="TOTE-0042 is still on a picking cart"):
        packing.start_packing(sample_catalog, config, "TOTE-0042", actor=actor_of(people["paul"]))
    with pytest.raises(Refused, match="only picked orders can be packed"):
        packing.start_packing(sample_catalog, config, "K-2", actor=actor_of(people["paul"]))
