"""Wave planning writes a cart per short transaction: planners interleaving their turns never seat an order
twice, and a split order's cart loads go in one turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db.models import BatchSlot, Event
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import batches, wave_writes
from tests.services.test_wave_planning import CFG, released


def test_a_wave_is_written_a_cart_at_a_time_and_reports_what_it_wrote(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sample_catalog
    released(db, tmp_path, system, 12)  # more than one cart of 8 totes
    turns: list[int] = []
    plain = wave_writes.in_turn

    def counted(db_: Database, transaction: Any) -> Any:
        turns.append(1)
        return plain(db_, transaction)

    monkeypatch.setattr(wave_writes, "in_turn", counted)
    report = batches.plan_batches(db, CFG, layout, actor=system)
    with db.unit_of_work(readonly=True) as uow:
        seated = uow.session.scalar(select(func.count(func.distinct(BatchSlot.order_id))))
        planned = uow.session.scalars(select(Event.data).where(Event.kind == "batch.planned")).all()
    assert report.orders == 12 and seated == 12 and report.batches == len(planned) >= 2
    assert len(turns) >= 2  # not one transaction for the whole wave


def test_a_planner_whose_turns_interleave_with_another_seats_no_order_twice(
    sample_catalog: Database, layout: Layout, tmp_path: Path, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between this planner's first and second turn another planner plans the same orders: each order ends on
    one cart, and the two reports together count each order once."""
    db = sample_catalog
    released(db, tmp_path, system, 12)
    plain = wave_writes.in_turn
    other: list[batches.WaveReport] = []

    def another_planner_between_turns(db_: Database, transaction: Any) -> Any:
        result = plain(db_, transaction)
        if not other:
            monkeypatch.setattr(wave_writes, "in_turn", plain)  # the other planner writes without interleaving
            other.append(batches.plan_batches(db, CFG, layout, actor=system))
            monkeypatch.setattr(wave_writes, "in_turn", another_planner_between_turns)
        return result

    monkeypatch.setattr(wave_writes, "in_turn", another_planner_between_turns)
    first = batches.plan_batches(db, CFG, layout, actor=system)
    with db.unit_of_work(readonly=True) as uow:
        seats = uow.session.execute(
            select(BatchSlot.order_id, func.count(func.distinct(BatchSlot.batch_id))).group_by(BatchSlot.order_id)
        ).all()
    assert len(seats) == 12 and all(carts == 1 for _, carts in seats)
    assert first.orders + other[0].orders == 12 and other[0].orders > 0


def test_a_split_orders_cart_loads_are_written_in_one_turn() -> None:
    tote = wave_writes.Tote(1, 7, ((1, 1),))
    loads = [wave_writes.Draft(f"x part {n}/2", (tote,), split_of=7) for n in (1, 2)]
    alone = wave_writes.Draft("x", (wave_writes.Tote(1, 8, ((2, 1),)),))
    assert wave_writes.turns_of([loads[0], alone, loads[1]]) == [(loads[0], loads[1]), (alone,)]
