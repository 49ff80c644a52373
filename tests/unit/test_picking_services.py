"""The picker's use cases on a fake unit of work (``tests/fakes``): claim, the scans at a stop, the drop into the
tote, shorts and finishing, without a database.

Each test asserts what the picker or the office would notice: the answer on the screen, the statuses of the batch,
order, stop and tote, the books of the shelf, and the events in the log. ``tests/services/test_picking.py`` runs
the same use cases on both databases.
"""

from __future__ import annotations

import pytest

from app.db.models import Batch, Tote
from app.domain.layout import Layout
from app.services import picking
from app.services.errors import NotAllowed, Refused
from tests.fakes import FakeDatabase, fake_floor_authz
from tests.fakes.scenes import KETTLE_GTIN, MUG_GTIN, OTHER_SHELF, SHELF, PickFloor, add_stock, pick_floor

__all__ = ["fake_floor_authz"]  # the fixture, used by name


@pytest.fixture
def floor(fake_floor_authz: None) -> PickFloor:
    return pick_floor(FakeDatabase())


def scan(floor: PickFloor, raw: str) -> picking.ScanResult:
    return picking.handle_scan(floor.db, floor.batch.id, raw, actor=floor.picker)  # type: ignore[arg-type]


def walk_to_tote(floor: PickFloor) -> None:
    """Claimed, tote on the cart, at the shelf with both kettles in hand."""
    floor.claimed()
    for raw in (SHELF, KETTLE_GTIN, KETTLE_GTIN):
        assert scan(floor, raw).accepted


# --- claim ------------------------------------------------------------------------------------------------------


def test_a_claim_gives_the_picker_the_batch_and_starts_its_orders(floor: PickFloor) -> None:
    state = picking.claim_batch(floor.db, floor.user, terminal="T1")  # type: ignore[arg-type]
    assert state is not None and state.phase == "setup" and state.setup_slot == 1
    assert (floor.batch.status, floor.batch.picker_id, floor.batch.terminal) == ("picking", floor.user.id, "T1")
    assert floor.order.status == "picking"
    assert floor.db.moves_of(f"batch:{floor.batch.id}") == ["picking"]
    assert floor.db.status_events() == [("order:1", "released", "picking", f"batch {floor.batch.id} claimed by pia")]
    assert floor.db.commits == 1


def test_a_picker_with_a_batch_resumes_it_instead_of_claiming_another(floor: PickFloor) -> None:
    floor.claimed()
    state = picking.claim_batch(floor.db, floor.user, terminal="T2")  # type: ignore[arg-type]
    assert state is not None and state.batch_id == floor.batch.id and state.phase == "location"
    assert floor.batch.terminal == "T2" and floor.db.kinds() == ["batch.resumed"]


def test_an_empty_queue_gives_nothing_to_claim(floor: PickFloor) -> None:
    floor.batch.status = "done"
    assert picking.claim_batch(floor.db, floor.user, terminal="T1") is None  # type: ignore[arg-type]
    assert floor.db.commits == 0


def test_a_packer_may_not_claim_a_batch(floor: PickFloor) -> None:
    packer = floor.db.add_user("paul", "packer")
    user = type(floor.user)(packer.user_id, "paul", "packer", "paul", True)  # type: ignore[arg-type]
    with pytest.raises(NotAllowed, match="paul"):
        picking.claim_batch(floor.db, user, terminal="T1")  # type: ignore[arg-type]
    assert floor.batch.status == "ready" and floor.db.commits == 0 and not floor.db.events


# --- cart setup and the stop's scans ------------------------------------------------------------------------------


def test_a_new_tote_on_the_cart_is_registered_and_the_walk_begins_at_the_shelf(floor: PickFloor) -> None:
    picking.claim_batch(floor.db, floor.user, terminal="T1")  # type: ignore[arg-type]
    result = scan(floor, "TOTE-0007")
    assert result.accepted and result.message == "Slot 1: TOTE-0007"
    assert result.state.phase == "location" and result.state.stop is not None
    assert result.state.stop.location == SHELF and result.state.slots[0].tote_code == "TOTE-0007"
    assert floor.db.moves_of("tote:TOTE-0007") == ["free", "picking"]


def test_a_tote_on_another_cart_is_refused_naming_where_it_is(floor: PickFloor) -> None:
    floor.batch.status, floor.batch.picker_id = "picking", floor.picker.user_id
    other = pick_floor_batch_holding(floor, "TOTE-0002")
    result = scan(floor, "TOTE-0002")
    assert not result.accepted
    assert result.message == (
        f"Wrong scan: expected a free tote for slot 1 (TOTE-0002 is on batch {other} picked by olga), scanned TOTE-0002"
    )


def pick_floor_batch_holding(floor: PickFloor, tote: str) -> int:
    """Another batch, picked by olga, with ``tote`` on its cart; returns its id."""
    olga = floor.db.add_user("olga", "picker")
    batch = floor.db.store.add(Batch(status="picking", picker_id=olga.user_id))
    floor.db.store.add(Tote(code=tote, status="picking", batch_id=batch.id))
    return batch.id


def test_the_wrong_shelf_is_refused_and_only_the_refusal_is_recorded(floor: PickFloor) -> None:
    floor.claimed()
    result = scan(floor, "A01-02-L-1")
    assert not result.accepted
    assert result.message == f"Wrong scan: expected location {SHELF}, scanned A01-02-L-1"
    assert not floor.stop.location_confirmed and result.state.phase == "location"
    assert floor.db.kinds() == ["pick.refused"] and floor.db.events[0].data["expected"] == f"location {SHELF}"


def test_at_the_shelf_each_kettle_scanned_goes_into_the_hand(floor: PickFloor) -> None:
    floor.claimed()
    assert scan(floor, SHELF).message == f"At {SHELF}"
    first = scan(floor, KETTLE_GTIN)
    assert first.accepted and first.message == "KETTLE: 1 of 2" and first.state.phase == "item"
    second = scan(floor, KETTLE_GTIN)
    assert second.message == "KETTLE: 2 of 2" and second.state.phase == "tote"
    assert floor.stop.qty_in_hand == 2 and floor.stock.quantity_on_hand == 10  # nothing left the books yet


def test_another_item_at_the_stop_is_refused_with_the_one_expected(floor: PickFloor) -> None:
    floor.claimed()
    floor.db.add_product("MUG", MUG_GTIN)
    scan(floor, SHELF)
    result = scan(floor, MUG_GTIN)
    assert not result.accepted
    assert result.message == f"Wrong scan: expected item KETTLE (Kettle), scanned {MUG_GTIN} (MUG, Mug)"
    assert floor.stop.qty_in_hand == 0


def test_with_every_unit_in_hand_the_next_scan_must_be_the_tote(floor: PickFloor) -> None:
    walk_to_tote(floor)
    result = scan(floor, KETTLE_GTIN)
    assert not result.accepted
    expected = "Wrong scan: expected tote TOTE-0001 for the 2 in hand"
    assert result.message == f"{expected}, scanned {KETTLE_GTIN} (KETTLE, Kettle)"


# --- the drop -------------------------------------------------------------------------------------------------


def test_a_drop_into_another_tote_is_refused_naming_the_orders_tote(floor: PickFloor) -> None:
    walk_to_tote(floor)
    result = scan(floor, "TOTE-0009")
    assert not result.accepted
    assert result.message == "Wrong scan: expected tote TOTE-0001 (order #1), scanned TOTE-0009"
    assert floor.stop.qty_picked == 0 and floor.stop.qty_in_hand == 2


def test_the_drop_books_the_pick_and_the_last_stop_finishes_the_batch(floor: PickFloor) -> None:
    walk_to_tote(floor)
    result = scan(floor, "TOTE-0001")
    assert result.accepted and result.message == f"2 into TOTE-0001 · batch {floor.batch.id} done"
    assert result.state.phase == "done"
    assert (floor.stock.quantity_on_hand, floor.stock.quantity_reserved) == (8, 0)
    assert [(m.qty, m.reason) for m in floor.db.stock.moves()] == [(-2, "pick")]
    line = floor.order.lines[0]
    assert (line.qty_picked, line.allocations[0].qty_picked) == (2, 2)
    assert (floor.stop.status, floor.order.status, floor.batch.status) == ("done", "picked", "done")
    assert floor.db.moves_of("tote:TOTE-0001") == ["packing"]
    assert floor.db.status_events()[-1] == ("order:1", "picking", "picked", f"picked on batch {floor.batch.id}")


# --- finishing -----------------------------------------------------------------------------------------------


def test_finish_is_refused_while_stops_are_open(floor: PickFloor, layout: Layout) -> None:
    floor.claimed()
    with pytest.raises(Refused, match=f"batch {floor.batch.id} still has 1 open stop"):
        picking.finish_batch(floor.db, layout, floor.batch.id, actor=floor.picker)  # type: ignore[arg-type]
    assert floor.batch.status == "picking" and floor.db.commits == 0


def test_finishing_a_finished_batch_again_reports_the_walk_without_doing_it_twice(
    floor: PickFloor, layout: Layout
) -> None:
    walk_to_tote(floor)
    scan(floor, "TOTE-0001")
    events = len(floor.db.events)
    report = picking.finish_batch(floor.db, layout, floor.batch.id, actor=floor.picker)  # type: ignore[arg-type]
    assert (report.orders, report.totes) == (("#1",), ("TOTE-0001",)) and report.distance_m > 0
    assert len(floor.db.events) == events


def test_a_picker_who_lost_the_batch_is_told_who_has_it(floor: PickFloor) -> None:
    floor.claimed()
    olga = floor.db.add_user("olga", "picker")
    floor.batch.picker_id = olga.user_id
    with pytest.raises(picking.LeaseLost, match=f"Batch {floor.batch.id} was given to olga: nothing recorded"):
        scan(floor, SHELF)
    assert not floor.stop.location_confirmed and not floor.db.events


# --- shorts ---------------------------------------------------------------------------------------------------


def short(floor: PickFloor, layout: Layout, reason: str, counted: int) -> picking.ScanResult:
    return picking.short_pick(
        floor.db,  # type: ignore[arg-type]
        layout,
        floor.batch.id,
        floor.stop.id,
        reason,
        counted,
        actor=floor.picker,
    )


def test_a_short_is_counted_at_the_shelf_only(floor: PickFloor, layout: Layout) -> None:
    floor.claimed()
    result = short(floor, layout, "empty", 0)
    assert not result.accepted and result.message == f"Scan location {SHELF} first: a short is counted at the shelf"
    assert floor.stock.quantity_on_hand == 10 and not floor.db.events


def test_a_short_with_none_elsewhere_flags_the_order_and_sets_the_books_to_the_count(
    floor: PickFloor, layout: Layout
) -> None:
    floor.claimed()
    scan(floor, SHELF)
    result = short(floor, layout, "missing", 1)
    assert result.accepted
    assert (
        result.message
        == "Short 1 KETTLE (missing); none elsewhere: #1 flagged for supervisor; pick the 1 that are there"
    )
    assert floor.order.short_pending and floor.stop.qty == 1 and floor.stop.status == "open"
    assert (floor.stock.quantity_on_hand, floor.stock.quantity_reserved) == (1, 1)
    assert [(m.qty, m.reason) for m in floor.db.stock.moves()] == [(-9, "short")]
    assert floor.db.kinds()[-3:] == ["stock.short", "order.short", "pick.short"]


def test_a_short_found_on_another_shelf_becomes_a_new_stop_on_the_walk(floor: PickFloor, layout: Layout) -> None:
    floor.claimed()
    kettle = floor.db.products.get(floor.stop.product_id)
    assert kettle is not None
    elsewhere = add_stock(floor.db, kettle, OTHER_SHELF, 5)
    scan(floor, SHELF)
    result = short(floor, layout, "empty", 0)
    assert result.accepted and result.message == f"Short 2 KETTLE (empty); found 2 at {OTHER_SHELF}: added to the route"
    assert floor.stop.status == "short" and not floor.order.short_pending
    assert elsewhere.quantity_reserved == 2 and floor.stock.quantity_on_hand == 0
    assert result.state.stop is not None and result.state.stop.location == OTHER_SHELF
    assert result.state.shorts == (f"{SHELF} KETTLE: empty: 2 missing",)


def test_skipping_a_stop_with_units_in_hand_is_refused(floor: PickFloor) -> None:
    floor.claimed()
    scan(floor, SHELF)
    scan(floor, KETTLE_GTIN)
    result = picking.skip_stop(floor.db, floor.batch.id, floor.stop.id, actor=floor.picker)  # type: ignore[arg-type]
    assert not result.accepted and result.message == "Put the 1 in hand into tote TOTE-0001 first"


def test_leaving_the_batch_gives_it_back_and_its_untouched_order_is_released_again(floor: PickFloor) -> None:
    floor.claimed()
    state = picking.leave_batch(floor.db, floor.batch.id, actor=floor.picker)  # type: ignore[arg-type]
    assert state.status == "ready" and floor.batch.picker_id is None
    assert floor.order.status == "released"
    assert floor.db.status_events() == [
        ("order:1", "picking", "released", f"batch {floor.batch.id} left: nothing picked yet")
    ]


def test_a_freed_batch_puts_the_hand_back_and_tells_the_old_picker_who_freed_it(floor: PickFloor) -> None:
    floor.claimed()
    scan(floor, SHELF)
    scan(floor, KETTLE_GTIN)
    olga = floor.db.add_user("olga", "supervisor")
    state = picking.release_batch(floor.db, floor.batch.id, actor=olga, idle_minutes=10, force=True)  # type: ignore[arg-type]
    assert state.status == "ready" and floor.stop.qty_in_hand == 0 and not floor.stop.location_confirmed
    assert floor.order.status == "released"
    freed = f"Batch {floor.batch.id} was freed by olga and is back in the queue: nothing recorded; claim again"
    with pytest.raises(picking.LeaseLost, match=freed):
        scan(floor, SHELF)


def test_a_batch_finished_elsewhere_tells_the_picker_who_and_to_put_back_what_they_hold(floor: PickFloor) -> None:
    """The office's change left no stop for this terminal (the rest was cancelled or shorted): the picker must
    hear who finished it and that units in hand go back to their shelf, not a bare "finished"."""
    floor.claimed()
    scan(floor, SHELF)
    scan(floor, KETTLE_GTIN)
    sofia = floor.db.add_user("sofia", "supervisor")
    floor.batch.status = "done"
    floor.db.unit_of_work().record(sofia, "batch.status", f"batch:{floor.batch.id}", "every order left it")
    events = len(floor.db.events)
    finished = f"Batch {floor.batch.id} was finished by sofia .*nothing recorded; put back at its shelf anything"
    with pytest.raises(picking.LeaseLost, match=finished):
        scan(floor, "TOTE-0001")
    assert len(floor.db.events) == events
