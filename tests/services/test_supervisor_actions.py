"""Supervisor actions at the service layer: each checks the role and is logged with who did it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import orders, picking
from app.services.errors import Refused
from app.services.supervision import actions as supervisor_actions
from tests.picking_support import actor_of, add_users, release_orders, short_here


@pytest.fixture
def floor(sample_catalog: Database, layout: Layout, tmp_path: Path):  # type: ignore[no-untyped-def]
    people = add_users(sample_catalog)
    release_orders(sample_catalog, layout, tmp_path, [("V-1", "MUG-RED-350", 1), ("V-2", "INFUSER-SS", 2)])
    return sample_catalog, people


def test_reassign_free_and_wave(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    state = picking.claim_batch(db, people["pia"], terminal="hh-1")
    assert state is not None
    picking.handle_scan(db, state.batch_id, "TOTE-0301", actor=actor_of(people["pia"]))
    supervisor_actions.reassign_batch(db, people["sofia"], state.batch_id, "adam", terminal="sup")
    resumed = picking.claim_batch(db, people["adam"], terminal="hh-2")
    assert resumed is not None and resumed.batch_id == state.batch_id and resumed.slots[0].tote_code == "TOTE-0301"
    with pytest.raises(Refused, match="paul is a packer and cannot pick"):
        supervisor_actions.reassign_batch(db, people["sofia"], state.batch_id, "paul", terminal="sup")
    supervisor_actions.release_batch(db, config, people["sofia"], state.batch_id, terminal="sup")
    assert picking.pick_state(db, state.batch_id).status == "ready"
    report = supervisor_actions.release_wave(db, config, layout, people["adam"], terminal="sup")
    assert report.released == 0  # nothing new was waiting
    with db.unit_of_work(readonly=True) as uow:
        logged = {(e.kind, e.actor) for e in uow.session.scalars(select(Event).where(Event.terminal == "sup"))}
    assert {("batch.reassigned", "sofia"), ("batch.status", "sofia")} <= logged  # the free: picking -> ready


def test_approve_short_clears_the_exception_and_roles_are_enforced(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    from app.services import supervision

    db, people = floor
    pia = people["pia"]
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    for n in range(len(state.slots)):
        state = picking.handle_scan(db, state.batch_id, f"TOTE-04{n:02d}", actor=actor_of(pia)).state
    while state.stop is not None and state.stop.sku != "INFUSER-SS":
        stop = state.stop
        state = picking.handle_scan(db, state.batch_id, stop.location, actor=actor_of(pia)).state
        state = picking.handle_scan(db, state.batch_id, stop.scan_code, actor=actor_of(pia)).state
        state = picking.handle_scan(db, state.batch_id, stop.tote_code or "", actor=actor_of(pia)).state
    assert state.stop is not None
    result = short_here(db, layout, state, pia, "damaged", 1)  # one good unit left of the two
    assert "V-2 flagged for supervisor" in result.message
    state = result.state
    assert state.stop is not None and state.stop.qty == 1
    state = picking.handle_scan(db, state.batch_id, state.stop.scan_code, actor=actor_of(pia)).state
    picking.handle_scan(db, state.batch_id, state.stop.tote_code or "", actor=actor_of(pia))  # type: ignore[union-attr]
    kinds = [e.kind for e in supervision.floor_snapshot(db, config).exceptions]
    assert "short_pick" in kinds
    for who in ("pia", "paul"):
        with pytest.raises(Refused, match=rf"{who} \(\w+\) may not approve short shipments: supervisor, admin only"):
            supervisor_actions.approve_short(db, people[who], "V-2", rest="backorder", terminal="hh")
    supervisor_actions.approve_short(db, people["sofia"], "V-2", rest="backorder", terminal="sup")
    assert "short_pick" not in [e.kind for e in supervision.floor_snapshot(db, config).exceptions]
    supervisor_actions.set_priority(db, config, people["adam"], "V-1", 500.0, terminal="sup")
    from app.services import order_processing

    order_processing.process_once(db, config, actor=actor_of(people["adam"]))
    assert orders.show_order(db, config, "V-1").summary.priority == 500.0  # the override survives re-scoring
    supervisor_actions.set_priority(db, config, people["adam"], "V-1", None, terminal="sup")
    assert orders.show_order(db, config, "V-1").summary.priority != 500.0
