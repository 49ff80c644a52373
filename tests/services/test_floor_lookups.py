"""What the simulator reads of the floor (``app.services.supervision.lookups``), on both databases.

The simulator test runs whole shifts and is slow; these check each read on a small floor in seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.domain.orders import PICKING, RELEASED
from app.services import picking
from app.services.supervision import lookups
from app.services.users import UserView
from tests.picking_support import actor_of, add_users, release_orders


def _floor(db: Database, layout: Layout, tmp_path: Path) -> dict[str, UserView]:
    people = add_users(db)
    release_orders(db, layout, tmp_path, [("L-1", "MUG-RED-350", 1), ("L-2", "INFUSER-SS", 2)])
    return people


def test_catalog_stock_and_users(sample_catalog: Database, layout: Layout, tmp_path: Path) -> None:
    db = sample_catalog
    _floor(db, layout, tmp_path)
    facts = lookups.catalog_facts(db)
    assert ("MUG-RED-350", "9520000010010") in facts.gtins
    assert facts.empty_locations and "A01-03-R-1" not in facts.empty_locations  # that shelf holds mugs
    free = lookups.available_stock(db)
    assert free["MUG-RED-350"] == 35 - 1 and free["INFUSER-SS"] == 80 - 2
    assert all(units > 0 for units in free.values())
    assert lookups.user_fit(db, "pia", "1111") == lookups.UserFit("picker", True, True)
    assert lookups.user_fit(db, "pia", "9999") == lookups.UserFit("picker", True, False)
    assert lookups.user_fit(db, "nobody", "1111") is None


def test_orders_batches_and_totes(sample_catalog: Database, layout: Layout, tmp_path: Path) -> None:
    db = sample_catalog
    people = _floor(db, layout, tmp_path)
    released = lookups.orders_in(db, (RELEASED,))
    assert sorted(number for _, number, _ in released) == ["L-1", "L-2"]
    assert lookups.count_orders(db, (RELEASED,)) == 2
    l2 = next(order_id for order_id, number, _ in released if number == "L-2")
    assert lookups.order_lines(db, l2) == [("INFUSER-SS", 2)]
    assert lookups.units_picked(db, "L-2") == 0 and lookups.units_picked(db, "no-such-order") == 0
    (ready,) = lookups.open_batches(db)
    assert ready.status == "ready" and ready.picker is None
    state = picking.claim_batch(db, people["pia"], terminal="hh-1")
    assert state is not None and state.batch_id == ready.id
    picking.handle_scan(db, state.batch_id, "TOTE-0501", actor=actor_of(people["pia"]))
    assert lookups.batch_holder(db, ready.id) == lookups.BatchHolder(ready.id, "picking", "pia")
    assert lookups.batch_holder(db, ready.id + 1000) is None
    assert lookups.order_status(db, "L-1") == PICKING
    assert "TOTE-0501" in lookups.totes_in_use(db)
    assert lookups.orders_on_packing_shelf(db, ("picked", "packing")) == []
    assert lookups.shipped_since(db, datetime.now(UTC) - timedelta(hours=1)) == 0
