"""The picking step engine (what `pickpack station pick` and the picker screen both drive) as a worker meets it:
undo of the last count or drop at a stop, with the audit still clean; refusals that name the scanned item, both
lots and the case size; a lot step when the scan had no lot; a second stop at the same shelf without a second
location scan. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.db.models import Event, Stock
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import audit, picking, supervision
from app.services.users import UserView
from app.stations.pick import PickEngine
from tests.conftest import cached_step
from tests.picking_support import GTIN, add_users, release_orders
from tests.picking_support import config as picking_config

GS = "\x1d"
MUG_SHELF = "A01-03-L-1"


@pytest.fixture
def floor(request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path) -> UserView:
    def build() -> dict[str, UserView]:
        people = add_users(sample_catalog)
        release_orders(
            sample_catalog,
            layout,
            tmp_path,
            [("U-1", "MUG-BLU-350", 3), ("U-1", "TEA-EARL-100", 2), ("U-2", "MUG-BLU-350", 1)],
        )
        return people

    return cached_step(request, sample_catalog, "pick-usability-floor", build)["pia"]


def engine_for(db: Database, layout: Layout, pia: UserView) -> PickEngine:
    """A station with its cart set up, at the first stop."""
    engine = PickEngine(db, layout, pia, terminal="hh-1", badge_prefix="BADGE-")
    answer = engine.handle("!claim").as_json()
    for n in range(answer["setup"]["slots"]):
        assert engine.handle(f"TOTE-{n + 1:04d}").ok
    return engine


def send(engine: PickEngine, line: str) -> dict[str, Any]:
    return engine.handle(line).as_json()


def walk_to(engine: PickEngine, sku: str, qty: int | None = None) -> dict[str, Any]:
    """Pick every stop before the first open stop of ``sku`` (of ``qty`` units) completely; answer at that stop."""
    answer = engine.answer(True, "").as_json()
    while answer["stop"] is not None and not (answer["stop"]["sku"] == sku and qty in (None, answer["stop"]["qty"])):
        answer = finish_stop(engine, answer)
    assert answer["stop"] is not None, f"no open stop of {sku}"
    return answer


def finish_stop(engine: PickEngine, answer: dict[str, Any]) -> dict[str, Any]:
    stop = answer["stop"]
    if answer["expect"] == "location":
        answer = send(engine, stop["location"])
    while answer["expect"] in ("item", "lot"):
        code = stop["lot"] if answer["expect"] == "lot" else item_code(stop)
        answer = send(engine, code)
        assert answer["ok"], answer
    assert answer["expect"] == "tote", answer
    return send(engine, stop["tote"])


def item_code(stop: dict[str, Any]) -> str:
    lot = stop["lot"]
    return f"01{stop['gtin']}10{lot}" if lot else stop["gtin"]


def on_hand(db: Database, location: str) -> int:
    with db.unit_of_work(readonly=True) as uow:
        loc = uow.picking_reads.location_by_code(location)
        assert loc is not None
        return int(uow.session.scalar(select(func.sum(Stock.quantity_on_hand)).where(Stock.location_id == loc.id)))


def test_undo_takes_back_counts_and_a_drop_and_the_audit_holds(
    floor: UserView, sample_catalog: Database, layout: Layout
) -> None:
    config = picking_config()
    db = sample_catalog
    engine = engine_for(db, layout, floor)
    answer = walk_to(engine, "MUG-BLU-350", 3)
    before = on_hand(db, MUG_SHELF)
    dropped_before = units_in_totes(db, config)
    assert send(engine, MUG_SHELF)["ok"]
    send(engine, GTIN["MUG-BLU-350"])
    twice = send(engine, GTIN["MUG-BLU-350"])
    assert twice["stop"]["qty_in_hand"] == 2
    undone = send(engine, "!undo")  # the same unit was scanned twice
    assert undone["ok"] and undone["stop"]["qty_in_hand"] == 1 and undone["stop"]["qty_picked"] == 1
    assert "Undone: 1 x MUG-BLU-350 not counted" in undone["message"]
    tote = answer["stop"]["tote"]
    dropped = send(engine, tote)  # one into the tote: booked off the shelf
    assert dropped["ok"] and on_hand(db, MUG_SHELF) == before - 1
    assert units_in_totes(db, config) == (dropped_before[0] + 1, dropped_before[1] + 1)
    back = send(engine, "!undo")
    assert back["ok"] and f"dropped into {tote} are in hand again" in back["message"]
    assert back["stop"]["qty_in_hand"] == 1 and back["expect"] == "item"
    assert on_hand(db, MUG_SHELF) == before  # the pick's move is reversed in the ledger
    assert audit.run_audit(db).ok
    assert units_in_totes(db, config) == dropped_before  # the supervisor's figures take the undone drop back too
    assert send(engine, "!undo")["stop"]["qty_in_hand"] == 0  # and the count before it
    nothing = send(engine, "!undo")
    assert not nothing["ok"] and "Nothing to undo" in nothing["message"]
    with db.unit_of_work(readonly=True) as uow:
        undone = list(uow.session.scalars(select(Event.data).where(Event.kind == "pick.undone").order_by(Event.id)))
    assert [data["undone_kind"] for data in undone] == ["pick.item", "pick.dropped", "pick.item"]
    for _ in range(3):
        assert send(engine, GTIN["MUG-BLU-350"])["ok"]
    closed = send(engine, tote)
    assert closed["ok"] and on_hand(db, MUG_SHELF) == before - 3
    late = send(engine, "!undo")  # the drop closed its stop: the walk has moved on
    assert not late["ok"] and "Nothing to undo" in late["message"]
    assert audit.run_audit(db).ok


def test_a_typed_quantity_is_undone(floor: UserView, sample_catalog: Database, layout: Layout) -> None:
    engine = engine_for(sample_catalog, layout, floor)
    walk_to(engine, "MUG-BLU-350", 3)
    send(engine, MUG_SHELF)
    send(engine, GTIN["MUG-BLU-350"])
    assert send(engine, "!qty 2")["stop"]["qty_in_hand"] == 3
    undone = send(engine, "!undo")
    assert undone["ok"] and undone["stop"]["qty_in_hand"] == 1 and "2 x MUG-BLU-350" in undone["message"]


def test_refusals_name_the_item_both_lots_and_the_case(
    floor: UserView, sample_catalog: Database, layout: Layout
) -> None:
    engine = engine_for(sample_catalog, layout, floor)
    tea = walk_to(engine, "TEA-EARL-100")
    send(engine, tea["stop"]["location"])
    wrong_lot = send(engine, "]C1" + "01" + "0" + GTIN["TEA-EARL-100"] + "10L2611A" + GS + "21SN1")
    assert not wrong_lot["ok"]
    assert wrong_lot["message"].startswith("Wrong lot: scanned lot L2611A, expected lot L2609C of TEA-EARL-100")
    assert wrong_lot["expect"] == "item" and wrong_lot["stop"]["qty_picked"] == 0
    walk_to(engine, "MUG-BLU-350", 3)
    send(engine, MUG_SHELF)
    other = send(engine, GTIN["MUG-RED-350"])
    assert not other["ok"]
    assert f"scanned {GTIN['MUG-RED-350']} (MUG-RED-350, Ceramic mug red 350 ml)" in other["message"]
    case = send(engine, GTIN["MUG-BLU-350/case"])
    assert not case["ok"] and "that is a case of 6 MUG-BLU-350; 3 are still needed" in case["message"]
    broken = send(engine, "]C11")
    assert not broken["ok"] and "scanned ]C11" in broken["message"]
    assert "Failed" not in broken["message"] and "Application Identifier" not in broken["message"]


def test_a_scan_without_its_lot_asks_for_the_lot(floor: UserView, sample_catalog: Database, layout: Layout) -> None:
    engine = engine_for(sample_catalog, layout, floor)
    tea = walk_to(engine, "TEA-EARL-100")
    assert tea["stop"]["expiry"] == "2027-03-31"  # the expiry of the stock picked
    send(engine, tea["stop"]["location"])
    bare = send(engine, GTIN["TEA-EARL-100"])
    assert bare["ok"] and bare["expect"] == "lot" and "scan the LOT (L2609C)" in bare["message"]
    wrong = send(engine, "L2611A")
    assert not wrong["ok"] and "Wrong lot: scanned lot L2611A, expected lot L2609C" in wrong["message"]
    counted = send(engine, "L2609C")
    assert counted["ok"] and counted["stop"]["qty_in_hand"] == 1


def test_the_next_stop_at_the_same_shelf_needs_no_location_scan(
    floor: UserView, sample_catalog: Database, layout: Layout
) -> None:
    engine = engine_for(sample_catalog, layout, floor)
    answer = walk_to(engine, "MUG-BLU-350")
    stops = [s for s in picking.batch_stops(sample_catalog, answer["batch"]) if s.status == "open"]
    assert [s.location for s in stops[:2]] == [MUG_SHELF, MUG_SHELF]  # the two mug stops are walked one after another
    answer = finish_stop(engine, answer)
    assert answer["ok"] and answer["expect"] == "item" and answer["stop"]["location"] == MUG_SHELF
    assert f"next stop is here too ({MUG_SHELF})" in answer["message"]
    again = send(engine, MUG_SHELF)  # a habit scan of the same shelf is harmless
    assert again["ok"] and again["expect"] == "item" and "Already at" in again["message"]
    assert finish_stop(engine, again)["ok"]
    assert audit.run_audit(sample_catalog).ok


def units_in_totes(db: Database, config: Config) -> tuple[int, int]:
    """What the supervisor sees: pia's units in the last hour (Floor tab) and the shift's units picked (KPIs)."""
    snapshot = supervision.floor_snapshot(db, config)
    pia = next((row.picks_last_hour for row in snapshot.pickers if row.name == "pia"), 0)
    return pia, supervision.kpis(db, config).units_picked

