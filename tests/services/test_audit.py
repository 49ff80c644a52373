"""The floor audit: a floor built by the real services passes every check, and each kind of corruption, written
straight into the database the way a bug or a hand-edit would leave it, fails exactly its own check and names
the row in words an operator can act on.

Corruptions keep every other invariant true on purpose (a changed status gets its matching status event, a
lowered on-hand gets its ledger line), so "exactly that check" is a real statement about the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text, update

from app.db.models import (
    Allocation,
    Batch,
    BatchSlot,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    PutbackTask,
    Stock,
    StockMove,
    Tote,
)
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import audit, orders, picking
from app.services.users import UserView
from tests.conftest import ACTOR, cached_step
from tests.picking_support import actor_of, add_users, config, pick_all, release_orders

CHECK_NAMES = [
    "reserved_within_on_hand",
    "reserved_equals_allocations",
    "line_allocated_equals_allocations",
    "on_hand_equals_ledger",
    "order_in_one_open_batch",
    "allocation_in_one_open_task",
    "putback_in_one_open_task",
    "task_not_over_picked",
    "no_open_stop_for_closed_order",
    "tote_belongs_to_open_order",
    "picker_one_open_batch",
    "status_legal",
    "status_matches_last_event",
    "event_chain_unbroken",
]


@dataclass(frozen=True)
class Floor:
    db: Database
    people: dict[str, UserView]
    picked: dict[str, int]
    """Orders picked on the first batch (totes waiting at packing): number -> id."""
    released: dict[str, int]
    """Orders released onto a batch that nobody has claimed yet (open stops): number -> id."""
    cancelled: int
    """An order cancelled after picking: its goods wait in a tote for a put-back stop."""


@pytest.fixture
def floor(request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path) -> Floor:
    """A small shift: one batch picked, one picked order cancelled (put-back), one batch released and waiting."""
    db = sample_catalog

    def build() -> tuple[dict[str, UserView], dict[str, int]]:
        people = add_users(db)
        release_orders(
            db, layout, tmp_path, [("A-1", "MUG-BLU-350", 2), ("A-2", "TEA-EARL-100", 3), ("A-3", "KETTLE-STEEL-1L", 1)]
        )
        pick_all(db, layout, people["pia"])
        orders.cancel(db, config(), "A-3", "customer changed their mind", actor=actor_of(people["sofia"]))
        release_orders(db, layout, tmp_path, [("B-1", "INFUSER-SS", 2), ("B-2", "COASTER-CORK-4", 1)])
        with db.unit_of_work(readonly=True) as uow:
            ids = dict(uow.session.execute(select(Order.number, Order.id)).tuples().all())
        return people, ids

    people, ids = cached_step(request, db, "audit-floor", build)
    return Floor(
        db,
        people,
        {n: ids[n] for n in ("A-1", "A-2")},
        {n: ids[n] for n in ("B-1", "B-2")},
        ids["A-3"],
    )


def only_fails(before: audit.AuditReport, after: audit.AuditReport, name: str) -> list[dict[str, Any]]:
    """Assert that the corruption broke ``name`` and nothing else; return the violations it added.

    Compared with the audit taken just before, so the statement holds even while an unrelated check is red.
    """
    assert [c.name for c in after.checks] == CHECK_NAMES
    for old, new in zip(before.checks, after.checks, strict=True):
        if new.name != name:
            assert (new.count, new.violations) == (old.count, old.violations), (new.name, new.violations)
    check = after.check(name)
    assert not check.ok and not after.ok
    assert check.count == len(check.violations)
    added = [v for v in check.violations if v not in before.check(name).violations]
    assert added, check.violations
    assert all(isinstance(v["problem"], str) and v["problem"] for v in added)
    return added


@contextmanager
def corrupting(db: Database, name: str) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """``with corrupting(db, check) as verdict: <corrupt>``; then ``verdict()`` audits and returns the additions."""
    before = audit.run_audit(db)
    yield lambda: only_fails(before, audit.run_audit(db), name)


def record_status(db: Database, subject: str, frm: str | None, to: str) -> None:
    kind = subject.split(":", 1)[0] + ".status"
    with db.unit_of_work() as uow:
        uow.record(ACTOR, kind, subject=subject, message="test", **{"from": frm, "to": to, "reason": "test"})
        uow.commit()


def set_order_status(db: Database, order_id: int, to: str) -> None:
    """Move an order behind the services' back, but with its event, so only the rule under test breaks."""
    with db.unit_of_work() as uow:
        order = uow.session.get(Order, order_id)
        assert order is not None
        before, order.status = order.status, to
        uow.record(ACTOR, "order.status", subject=f"order:{order_id}", **{"from": before, "to": to, "reason": "test"})
        uow.commit()


@contextmanager
def without_check(db: Database, table: str, constraint: str, definition: str, repair: str) -> Iterator[None]:
    """Let the test write rows the table's CHECK constraint refuses (an old database, a hand edit) and put the
    constraint back afterwards: SQLite ignores CHECKs on one connection, PostgreSQL drops and re-adds it."""
    if db.dialect == "sqlite":
        yield
        return
    with db.engine.begin() as conn:
        conn.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"'))
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            conn.execute(text(repair))
            conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" CHECK ({definition})'))


def write_unchecked(db: Database, statement: Any) -> None:
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        try:
            conn.execute(statement)
            conn.commit()
        finally:
            if db.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


def open_stop(db: Database, order_id: int) -> PickTask:
    with db.unit_of_work(readonly=True) as uow:
        task = uow.session.scalar(
            select(PickTask).where(PickTask.order_id == order_id, PickTask.status == "open").order_by(PickTask.id)
        )
        assert task is not None
        uow.session.expunge(task)  # keep its loaded values: the read-only unit of work rolls back on exit
        return task


def copy_stop(task: PickTask, **changes: Any) -> PickTask:
    fields = {c.name: getattr(task, c.name) for c in PickTask.__table__.columns if c.name not in ("id", "updated_at")}
    return PickTask(**{**fields, **changes})


# --- a clean floor -------------------------------------------------------------------------------------------


def test_clean_floor_passes_every_check(floor: Floor) -> None:
    db = floor.db
    with db.unit_of_work(readonly=True) as uow:
        s = uow.session
        # The floor holds what the checks look at: totes at packing and in put-back, open stops, moves, events.
        tote_statuses = sorted(s.scalars(select(Tote.status)))
        assert "packing" in tote_statuses and "putback" in tote_statuses, tote_statuses
        assert s.scalar(select(func.count()).select_from(PutbackTask).where(PutbackTask.status == "open"))
        assert s.scalar(select(func.count()).select_from(PickTask).where(PickTask.status == "open"))
        assert s.scalar(select(func.count()).select_from(StockMove))
    report = audit.run_audit(db)
    assert [c.name for c in report.checks] == CHECK_NAMES
    bad = {c.name: [v["problem"] for v in c.violations[:3]] for c in report.checks if not c.ok}
    assert report.ok, bad
    payload = report.as_json()
    assert payload["ok"] is True
    assert all(c["ok"] is True and c["violations"] == [] and c["count"] == 0 for c in payload["checks"])
    assert all({"name", "ok", "violations"} <= set(c) for c in payload["checks"])


def test_empty_database_passes(db: Database) -> None:
    assert audit.run_audit(db).ok


# --- stock ---------------------------------------------------------------------------------------------------


def reserved_row(db: Database) -> tuple[int, int, int, str, str]:
    """A stock row with units reserved for the waiting batch: (id, on hand, reserved, location, sku)."""
    with db.unit_of_work(readonly=True) as uow:
        row = uow.session.execute(
            select(Stock.id, Stock.quantity_on_hand, Stock.quantity_reserved, Location.code, Product.sku)
            .join(Location, Location.id == Stock.location_id)
            .join(Product, Product.id == Stock.product_id)
            .where(Stock.quantity_reserved > 0, Product.sku == "INFUSER-SS")
        ).one()
        return tuple(row)


def test_reserved_above_on_hand(floor: Floor) -> None:
    db = floor.db
    stock_id, on_hand, reserved, location, sku = reserved_row(db)
    with (
        without_check(
            db,
            "stock",
            "ck_stock_reserved_within_on_hand",
            "quantity_reserved <= quantity_on_hand",
            "UPDATE stock SET quantity_on_hand = quantity_reserved WHERE quantity_reserved > quantity_on_hand",
        ),
        corrupting(db, "reserved_within_on_hand") as verdict,
    ):
        # The shelf really holds fewer than are reserved: on hand and the ledger agree, the reservation does not.
        write_unchecked(db, update(Stock).where(Stock.id == stock_id).values(quantity_on_hand=reserved - 1))
        with db.unit_of_work() as uow:
            s = uow.session.get(Stock, stock_id)
            assert s is not None
            uow.session.add(
                StockMove(
                    product_id=s.product_id,
                    location_id=s.location_id,
                    lot="",
                    qty=reserved - 1 - on_hand,
                    reason="count",
                    actor="tester",
                )
            )
            uow.commit()
        (violation,) = verdict()
    assert violation["stock"] == stock_id and violation["location"] == location and violation["sku"] == sku
    assert violation["lot"] is None
    assert (violation["on_hand"], violation["reserved"]) == (reserved - 1, reserved)
    assert f"{reserved} reserved but only {reserved - 1} on hand" in violation["problem"]


def test_reserved_not_matching_allocations(floor: Floor) -> None:
    db = floor.db
    stock_id, _, reserved, location, sku = reserved_row(db)
    with corrupting(db, "reserved_equals_allocations") as verdict:
        with db.engine.begin() as conn:
            conn.execute(update(Stock).where(Stock.id == stock_id).values(quantity_reserved=reserved + 1))
        (violation,) = verdict()
    assert violation["stock"] == stock_id and violation["location"] == location and violation["sku"] == sku
    assert (violation["reserved"], violation["allocations"]) == (reserved + 1, reserved)


def test_line_allocated_not_matching_allocations(floor: Floor) -> None:
    db = floor.db
    order_id = floor.released["B-1"]
    with corrupting(db, "line_allocated_equals_allocations") as verdict:
        with db.engine.begin() as conn:
            conn.execute(update(OrderLine).where(OrderLine.order_id == order_id).values(qty_allocated=1))
        (violation,) = verdict()
    assert violation["order"] == "B-1" and violation["order_id"] == order_id
    assert (violation["line"], violation["sku"], violation["qty_allocated"], violation["allocations"]) == (
        1,
        "INFUSER-SS",
        1,
        2,
    )


def test_on_hand_not_matching_ledger(floor: Floor) -> None:
    db = floor.db
    with db.unit_of_work(readonly=True) as uow:
        move = uow.session.execute(
            select(StockMove.id, StockMove.qty, Stock.id.label("stock"), Stock.quantity_on_hand)
            .join(
                Stock,
                (Stock.location_id == StockMove.location_id)
                & (Stock.product_id == StockMove.product_id)
                & (Stock.lot == StockMove.lot),
            )
            .join(Product, Product.id == Stock.product_id)
            .where(Product.sku == "TEA-SENCHA-100")
        ).one()
    with corrupting(db, "on_hand_equals_ledger") as verdict:
        with db.engine.begin() as conn:
            conn.execute(delete(StockMove).where(StockMove.id == move.id))
        (violation,) = verdict()
    assert violation == {
        "stock": move.stock,
        "location": "A04-11-R-1",
        "sku": "TEA-SENCHA-100",
        "lot": "S2610",
        "on_hand": move.quantity_on_hand,
        "ledger": move.quantity_on_hand - move.qty,
        "problem": f"TEA-SENCHA-100 lot S2610 at A04-11-R-1: {move.quantity_on_hand} on hand but the ledger adds up "
        f"to {move.quantity_on_hand - move.qty}",
    }


def test_ledger_lines_for_a_place_without_stock(floor: Floor) -> None:
    db = floor.db
    with db.unit_of_work(readonly=True) as uow:
        product_id = uow.session.scalar(select(Product.id).where(Product.sku == "MUG-RED-350"))
        location_id = uow.session.scalar(select(Location.id).where(Location.code == "A06-06-L-1"))
    with corrupting(db, "on_hand_equals_ledger") as verdict:
        with db.unit_of_work() as uow:
            uow.session.add(
                StockMove(product_id=product_id, location_id=location_id, lot="", qty=4, reason="adjustment", actor="x")
            )
            uow.commit()
        (violation,) = verdict()
    assert violation["stock"] is None and violation["on_hand"] == 0 and violation["ledger"] == 4
    assert (violation["location"], violation["sku"], violation["lot"]) == ("A06-06-L-1", "MUG-RED-350", None)
    assert "no stock row" in violation["problem"]


# --- batches, stops, totes -------------------------------------------------------------------------------------


def test_order_in_two_open_batches_by_slot(floor: Floor) -> None:
    db = floor.db
    order_id = floor.released["B-2"]
    with corrupting(db, "order_in_one_open_batch") as verdict:
        with db.unit_of_work() as uow:
            first = uow.session.scalar(select(BatchSlot.batch_id).where(BatchSlot.order_id == order_id))
            other = Batch(status="ready", cutoff_key="test")
            uow.session.add(other)
            uow.session.flush()
            uow.session.add(BatchSlot(batch_id=other.id, slot=1, order_id=order_id))
            uow.commit()
            other_id = other.id
        (violation,) = verdict()
    assert violation["order"] == "B-2" and violation["order_id"] == order_id
    assert violation["batches"] == sorted([first, other_id])
    assert (
        f"order B-2 (released) is in 2 open batches: {min(first, other_id)}, {max(first, other_id)}"
        == (violation["problem"])
    )


def test_order_in_two_open_batches_by_open_stop(floor: Floor) -> None:
    db = floor.db
    order_id = floor.released["B-2"]
    task = open_stop(db, order_id)
    with corrupting(db, "order_in_one_open_batch") as verdict:
        with db.unit_of_work() as uow:
            other = Batch(status="ready", cutoff_key="test")
            uow.session.add(other)
            uow.session.flush()
            # A stale stop without its allocation: the order now has work on two carts.
            uow.session.add(copy_stop(task, batch_id=other.id, allocation_id=None))
            uow.commit()
            other_id = other.id
        (violation,) = verdict()
    assert violation["order"] == "B-2" and violation["batches"] == sorted([task.batch_id, other_id])


def test_cart_loads_of_a_split_order_count_as_one_batch(floor: Floor) -> None:
    db = floor.db
    order_id = floor.released["B-2"]
    with db.unit_of_work() as uow:
        first = uow.session.scalar(select(BatchSlot.batch_id).where(BatchSlot.order_id == order_id))
        uow.session.execute(update(Batch).where(Batch.id == first).values(split_of=order_id))
        second = Batch(status="ready", cutoff_key="test", split_of=order_id)
        uow.session.add(second)
        uow.session.flush()
        uow.session.add(BatchSlot(batch_id=second.id, slot=1, order_id=order_id))
        uow.commit()
        loads = sorted([first, second.id])
    assert audit.run_audit(db).check("order_in_one_open_batch").ok  # one order too big for one cart
    with corrupting(db, "order_in_one_open_batch") as verdict:
        with db.unit_of_work() as uow:
            other = Batch(status="ready", cutoff_key="test")
            uow.session.add(other)
            uow.session.flush()
            uow.session.add(BatchSlot(batch_id=other.id, slot=1, order_id=order_id))
            uow.commit()
            other_id = other.id
        (violation,) = verdict()
    assert violation["order"] == "B-2" and violation["batches"] == sorted([*loads, other_id])


def test_allocation_on_two_open_stops(floor: Floor) -> None:
    db = floor.db
    task = open_stop(db, floor.released["B-1"])
    with corrupting(db, "allocation_in_one_open_task") as verdict:
        with db.unit_of_work() as uow:
            twin = copy_stop(task)
            uow.session.add(twin)
            uow.commit()
            twin_id = twin.id
        (violation,) = verdict()
    assert violation["allocation"] == task.allocation_id and violation["order"] == "B-1"
    assert (violation["sku"], violation["location"], violation["lot"]) == ("INFUSER-SS", "A05-18-R-2", None)
    assert violation["stops"] == [task.id, twin_id] and violation["batches"] == [task.batch_id]


def test_putback_on_two_open_stops(floor: Floor) -> None:
    db = floor.db
    with db.unit_of_work(readonly=True) as uow:
        stop = uow.session.scalar(select(PickTask).where(PickTask.putback_id.is_not(None), PickTask.status == "open"))
        assert stop is not None, "cancelling a picked order makes a put-back stop"
        putback = uow.session.get(PutbackTask, stop.putback_id)
        assert putback is not None
        uow.session.expunge_all()
    with corrupting(db, "putback_in_one_open_task") as verdict:
        with db.unit_of_work() as uow:
            twin = copy_stop(stop)
            uow.session.add(twin)
            uow.commit()
            twin_id = twin.id
        (violation,) = verdict()
    assert violation["putback"] == putback.id and violation["order"] == "A-3"
    assert violation["sku"] == "KETTLE-STEEL-1L" and violation["tote"] == putback.tote_code
    assert violation["stops"] == [stop.id, twin_id]


def test_stop_over_picked(floor: Floor) -> None:
    db = floor.db
    task = open_stop(db, floor.released["B-1"])
    with (
        without_check(
            db,
            "pick_tasks",
            "ck_pick_tasks_no_over_pick",
            "qty_in_hand + qty_picked + qty_awaiting_lot <= qty",
            "UPDATE pick_tasks SET qty_in_hand = 0 WHERE qty_in_hand + qty_picked + qty_awaiting_lot > qty",
        ),
        corrupting(db, "task_not_over_picked") as verdict,
    ):
        write_unchecked(db, update(PickTask).where(PickTask.id == task.id).values(qty_in_hand=task.qty + 1))
        (violation,) = verdict()
    assert violation["stop"] == task.id and violation["batch"] == task.batch_id and violation["order"] == "B-1"
    assert (violation["qty"], violation["qty_in_hand"], violation["location"]) == (task.qty, task.qty + 1, "A05-18-R-2")


def test_open_stop_for_order_on_hold(floor: Floor) -> None:
    db = floor.db
    order_id = floor.released["B-2"]
    task = open_stop(db, order_id)
    with corrupting(db, "no_open_stop_for_closed_order") as verdict:
        # Held behind the planner's back: the stop stays on the cart.
        set_order_status(db, order_id, "on_hold")
        (violation,) = verdict()
    assert violation["stop"] == task.id and violation["batch"] == task.batch_id
    assert (violation["order"], violation["order_status"], violation["sku"]) == ("B-2", "on_hold", "COASTER-CORK-4")
    assert "which is on_hold" in violation["problem"]


def test_tote_at_packing_for_shipped_order(floor: Floor) -> None:
    db = floor.db
    order_id = floor.picked["A-1"]
    with db.unit_of_work(readonly=True) as uow:
        tote = uow.session.scalar(select(Tote.code).where(Tote.order_id == order_id))
    with corrupting(db, "tote_belongs_to_open_order") as verdict:
        set_order_status(db, order_id, "shipped")
        (violation,) = verdict()
    assert violation["tote"] == tote and violation["status"] == "packing"
    assert (violation["order"], violation["order_status"]) == ("A-1", "shipped")
    assert violation["problem"] == f"tote {tote} is packing for order A-1, which is shipped"


def test_putback_tote_without_open_putback(floor: Floor) -> None:
    db = floor.db
    with db.unit_of_work(readonly=True) as uow:
        tote = uow.session.scalar(select(Tote.code).where(Tote.order_id == floor.picked["A-2"]))
    with corrupting(db, "tote_belongs_to_open_order") as verdict:
        with db.unit_of_work() as uow:
            uow.session.execute(update(Tote).where(Tote.code == tote).values(status="putback"))
            uow.commit()
        record_status(db, f"tote:{tote}", "packing", "putback")
        (violation,) = verdict()
    assert violation["tote"] == tote and violation["status"] == "putback"
    assert "no open put-back" in violation["problem"]


def test_picker_with_two_batches(floor: Floor) -> None:
    db = floor.db
    pia = floor.people["pia"]
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    with corrupting(db, "picker_one_open_batch") as verdict:
        with db.unit_of_work() as uow:
            other = Batch(status="picking", cutoff_key="test", picker_id=pia.id)
            uow.session.add(other)
            uow.session.flush()
            uow.record(
                ACTOR, "batch.status", subject=f"batch:{other.id}", **{"from": "ready", "to": "picking", "reason": ""}
            )
            uow.commit()
            other_id = other.id
        (violation,) = verdict()
    assert violation["picker"] == "pia" and violation["user_id"] == pia.id
    assert violation["batches"] == sorted([state.batch_id, other_id])


# --- statuses and events ---------------------------------------------------------------------------------------


def test_status_not_in_its_machine(floor: Floor) -> None:
    db = floor.db
    order_id = floor.picked["A-2"]
    with corrupting(db, "status_legal") as verdict:
        set_order_status(db, order_id, "misplaced")
        (violation,) = verdict()
    assert violation == {
        "what": "order",
        "id": order_id,
        "ref": "A-2",
        "status": "misplaced",
        "problem": "order A-2 has status 'misplaced', which is not one of the order statuses",
    }


def test_status_not_its_last_event(floor: Floor) -> None:
    db = floor.db
    order_id = floor.picked["A-2"]
    with corrupting(db, "status_matches_last_event") as verdict:
        record_status(db, f"order:{order_id}", "picked", "packing")  # says packing; the row still says picked
        (violation,) = verdict()
    assert (violation["what"], violation["ref"], violation["status"], violation["last_event"]) == (
        "order",
        "A-2",
        "picked",
        "packing",
    )
    assert "order A-2 is picked but its last status event" in violation["problem"]


def test_status_without_any_event_must_be_initial(floor: Floor) -> None:
    db = floor.db
    with corrupting(db, "status_matches_last_event") as verdict:
        with db.unit_of_work() as uow:
            batch = Batch(status="done", cutoff_key="test")
            uow.session.add(batch)
            uow.commit()
            batch_id = batch.id
        (violation,) = verdict()
    assert (violation["what"], violation["id"], violation["status"], violation["event"]) == (
        "batch",
        batch_id,
        "done",
        None,
    )
    assert "has no status event, so it should still be ready" in violation["problem"]


def test_event_chain_broken(floor: Floor) -> None:
    db = floor.db
    order_id = floor.picked["A-2"]
    with corrupting(db, "event_chain_unbroken") as verdict:
        # Ends where the row is (picked) but starts where the order no longer was.
        record_status(db, f"order:{order_id}", "released", "picked")
        (violation,) = verdict()
    assert violation["subject"] == f"order:{order_id}" and violation["kind"] == "order.status"
    assert (violation["from"], violation["to"], violation["previous_to"]) == ("released", "picked", "picked")
    assert isinstance(violation["at"], str)


def test_violations_are_limited_but_counted(floor: Floor) -> None:
    db = floor.db
    with db.unit_of_work(readonly=True) as uow:
        allocated_lines = uow.session.scalar(select(func.count(func.distinct(Allocation.order_line_id))))
    assert allocated_lines and allocated_lines > 2
    with db.engine.begin() as conn:
        conn.execute(update(OrderLine).values(qty_allocated=0))
    report = audit.run_audit(db, limit=2)
    lines = report.check("line_allocated_equals_allocations")
    assert lines.count == allocated_lines and len(lines.violations) == 2
    listed = next(c for c in report.as_json()["checks"] if c["name"] == "line_allocated_equals_allocations")
    assert listed["count"] == allocated_lines and len(listed["violations"]) == 2 and listed["ok"] is False
