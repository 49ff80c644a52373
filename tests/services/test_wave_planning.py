"""Wave planning searches outside its write transaction and writes only the orders still as it read them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import BatchSlot, Event, Order, PickTask
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import batches, intake, order_processing, orders, picking
from app.services.supervision import actions as supervisor_actions
from tests.picking_support import CSV_HEADER, actor_of, add_users, config

CFG = config()


def released(db: Database, tmp_path: Path, system: Actor, count: int) -> None:
    rows = "".join(
        f"W-{n},Cust,c@example.com,,Main 1,,Wien,,1010,AT,standard,2026-12-01,INFUSER-SS,1\n" for n in range(count)
    )
    (tmp_path / "w.csv").write_text(CSV_HEADER + rows)
    intake.import_orders(db, CFG, tmp_path / "w.csv", actor=system)
    order_processing.process_once(db, CFG, actor=system)  # allocated and released, not planned


def test_an_order_held_during_the_search_stays_off_the_carts(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sample_catalog
    sofia = actor_of(add_users(db)["sofia"])
    released(db, tmp_path, system, 3)
    search = batches.draft_batches

    def search_while_the_office_works(*args, **kwargs):  # type: ignore[no-untyped-def]
        # no transaction is open during the search, so the office's hold commits at once (on SQLite too)
        orders.hold(db, CFG, "W-1", "customer called", actor=sofia)
        return search(*args, **kwargs)

    monkeypatch.setattr(batches, "draft_batches", search_while_the_office_works)
    report = batches.plan_batches(db, CFG, layout, actor=system)
    with db.unit_of_work(readonly=True) as uow:
        seated = set(uow.session.scalars(select(Order.number).join(BatchSlot, BatchSlot.order_id == Order.id)))
        status = uow.session.scalar(select(Order.status).where(Order.number == "W-1"))
        planned = uow.session.scalars(select(Event.data).where(Event.kind == "batch.planned")).all()
    assert seated == {"W-0", "W-2"} and status == "on_hold"
    assert report.orders == 2 and sum(len(d["orders"]) for d in planned) == 2


def test_an_order_dropped_after_the_search_leaves_no_gap_in_the_slots(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The picker sets up totes 1..n: the order the search put in slot 1 is held meanwhile, the others move up."""
    db = sample_catalog
    sofia = actor_of(add_users(db)["sofia"])
    released(db, tmp_path, system, 3)
    search = batches.draft_batches

    def search_then_hold_the_first_seat(*args, **kwargs):  # type: ignore[no-untyped-def]
        drafts = search(*args, **kwargs)
        first = drafts[0].totes[0]
        assert first.slot == 1
        orders.hold(db, CFG, str(first.order_id), "customer called", actor=sofia)
        return drafts

    monkeypatch.setattr(batches, "draft_batches", search_then_hold_the_first_seat)
    report = batches.plan_batches(db, CFG, layout, actor=system)
    with db.unit_of_work(readonly=True) as uow:
        slots = sorted(uow.session.scalars(select(BatchSlot.slot)))
    assert report.orders == 2 and slots == [1, 2]


def test_a_second_pass_finds_nothing_left_to_plan(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor
) -> None:
    db = sample_catalog
    released(db, tmp_path, system, 4)
    first = batches.plan_batches(db, CFG, layout, actor=system)
    assert first.orders == 4 and first.batches >= 1
    listed = [number for line in picking.list_batches(db) for number in line.orders]  # `pickpack batches list`
    assert sorted(listed) == ["W-0", "W-1", "W-2", "W-3"]  # each once (PostgreSQL refused the old DISTINCT query)
    assert batches.plan_batches(db, CFG, layout, actor=system) == batches.WaveReport(0, 0, 0)


def test_an_order_cancelled_off_a_waiting_cart_leaves_no_gap_in_the_slots(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor
) -> None:
    """A cart still in the queue loses the order in slot 1: the next picker sets up totes 1..n, not "2 of 1"."""
    db = sample_catalog
    sofia = actor_of(add_users(db)["sofia"])
    released(db, tmp_path, system, 3)
    batches.plan_batches(db, CFG, layout, actor=system)
    with db.unit_of_work(readonly=True) as uow:
        first = uow.session.execute(
            select(BatchSlot.batch_id, Order.number)
            .join(Order, Order.id == BatchSlot.order_id)
            .where(BatchSlot.slot == 1)
        ).first()
    assert first is not None
    batch_id, number = first
    orders.cancel(db, CFG, number, "customer cancelled", actor=sofia)
    with db.unit_of_work(readonly=True) as uow:
        slots = sorted(uow.session.scalars(select(BatchSlot.slot).where(BatchSlot.batch_id == batch_id)))
        stop_slots = set(uow.session.scalars(select(PickTask.slot).where(PickTask.batch_id == batch_id)))
    assert slots == list(range(1, len(slots) + 1)) and stop_slots <= set(slots)


def test_a_large_release_is_planned_most_urgent_first_a_wave_at_a_time(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a big release the search must not run for minutes: one call plans the most urgent orders only, the
    next call the rest."""
    db = sample_catalog
    released(db, tmp_path, system, 5)
    sofia = add_users(db)["sofia"]
    supervisor_actions.set_priority(db, CFG, sofia, "W-3", 999.0, terminal="sup")
    supervisor_actions.set_priority(db, CFG, sofia, "W-1", 998.0, terminal="sup")
    monkeypatch.setattr(batches, "WAVE_MAX_ORDERS", 2)
    first = batches.plan_batches(db, CFG, layout, actor=system)
    assert first.orders == 2
    assert sorted(n for line in picking.list_batches(db) for n in line.orders) == ["W-1", "W-3"]
    second = batches.plan_batches(db, CFG, layout, actor=system)
    third = batches.plan_batches(db, CFG, layout, actor=system)
    assert (second.orders, third.orders) == (2, 1)
    assert sorted(n for line in picking.list_batches(db) for n in line.orders) == [f"W-{n}" for n in range(5)]
