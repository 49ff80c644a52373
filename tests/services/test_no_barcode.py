"""Items without a manufacturer barcode (empty ``gtin`` in the products CSV) are proved by their printed SKU label,
at picking and at packing, through the services and the headless station engines; a SKU typed or scanned for an
item that HAS a GTIN stays refused (it would skip the real proof)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import catalog, orders, packing, picking, users
from app.stations.pack import PackEngine
from app.stations.pick import PickEngine
from tests.picking_support import GTIN, actor_of, add_users, config, release_orders

CFG = config()
SKU = "HX-M1"
LOCATION = "A03-04-L-1"
PRODUCTS_HEADER = (
    "sku,name,gtin,case_gtin,case_qty,weight_kg,length_cm,width_cm,height_cm,hs_code,origin_country,unit_value,"
    "currency,track_lot,track_expiry\n"
)


def add_no_barcode_product(db: Database, tmp: Path) -> None:
    """Import HX-M1 (hex key set, no GTIN) and put 10 of it on a shelf, as a warehouse would from its CSVs."""
    system = users.system_actor(db)
    products = tmp / "no-barcode-products.csv"
    products.write_text(PRODUCTS_HEADER + f"{SKU},Hex key set metric,,,,0.2,10,5,2,820420,DE,4.00,EUR,0,0\n")
    report = catalog.import_products(db, products, actor=system)
    assert report.applied, report.problems
    stock = tmp / "no-barcode-stock.csv"
    stock.write_text(f"location,sku,qty,lot,expiry\n{LOCATION},{SKU},10,,\n")
    report = catalog.import_stock(db, stock, actor=system)
    assert report.applied, report.problems


@pytest.fixture
def floor(sample_catalog: Database, layout: Layout, tmp_path: Path):  # type: ignore[no-untyped-def]
    add_no_barcode_product(sample_catalog, tmp_path)
    people = add_users(sample_catalog)
    release_orders(sample_catalog, layout, tmp_path, [("N-1", SKU, 2), ("N-1", "MUG-BLU-350", 1)])
    return sample_catalog, people


def test_a_product_without_gtin_is_picked_and_packed_by_its_sku_label(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, paul = people["pia"], people["paul"]
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    state = picking.handle_scan(db, state.batch_id, "TOTE-0001", actor=actor_of(pia)).state
    seen_hint = False
    while state.stop is not None:
        stop = state.stop
        at = picking.handle_scan(db, state.batch_id, stop.location, actor=actor_of(pia), task_id=stop.task_id)
        assert at.accepted, at.message
        if stop.sku == SKU:
            assert stop.gtin == "" and stop.scan_code == SKU
            assert f"{SKU} has no barcode, scan its SKU label" in at.message
            seen_hint = True
            wrong_case = picking.handle_scan(db, state.batch_id, SKU.lower(), actor=actor_of(pia), task_id=stop.task_id)
            assert not wrong_case.accepted and "scan its SKU label" in wrong_case.message  # exact match only
            first = picking.handle_scan(db, state.batch_id, f"{SKU}\r\n", actor=actor_of(pia), task_id=stop.task_id)
            assert first.accepted, first.message
            assert first.state.stop is not None and first.state.stop.qty_in_hand == 1
            typed = picking.add_typed_quantity(db, state.batch_id, stop.task_id, 1, actor=actor_of(pia))
            assert typed.accepted, typed.message  # the label proved the item: the rest may be typed
            state = typed.state
        else:
            state = picking.handle_scan(db, state.batch_id, stop.scan_code, actor=actor_of(pia)).state
        dropped = picking.handle_scan(db, state.batch_id, "TOTE-0001", actor=actor_of(pia), task_id=stop.task_id)
        assert dropped.accepted, dropped.message
        state = dropped.state
    assert seen_hint and state.phase == "done"
    assert orders.show_order(db, CFG, "N-1").summary.status == "picked"

    packer = actor_of(paul)
    pack = packing.start_packing(db, CFG, "TOTE-0001", actor=packer)
    pack = packing.open_carton(db, CFG, pack.order_id, pack.suggestion[0], actor=packer).state
    for code in (SKU, SKU, GTIN["MUG-BLU-350"]):
        result = packing.handle_scan(db, CFG, pack.order_id, code, actor=packer)
        assert result.accepted, result.message
        pack = result.state
    assert all(line.to_pack == 0 for line in pack.lines) and pack.expect == "weight"


def test_a_sku_scan_for_a_product_with_a_gtin_stays_refused(floor) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    state = picking.handle_scan(db, state.batch_id, "TOTE-0001", actor=actor_of(pia)).state
    while state.stop is not None and state.stop.sku != "MUG-BLU-350":
        state = picking.skip_stop(db, state.batch_id, state.stop.task_id, actor=actor_of(pia)).state
    stop = state.stop
    assert stop is not None
    state = picking.handle_scan(db, state.batch_id, stop.location, actor=actor_of(pia), task_id=stop.task_id).state
    refused = picking.handle_scan(db, state.batch_id, "MUG-BLU-350", actor=actor_of(pia), task_id=stop.task_id)
    assert not refused.accepted
    assert "expected item MUG-BLU-350" in refused.message and "SKU label" not in refused.message
    assert refused.state.stop is not None and refused.state.stop.qty_in_hand == 0
    # the other product's SKU label names another item: refused too
    other = picking.handle_scan(db, state.batch_id, SKU, actor=actor_of(pia), task_id=stop.task_id)
    assert not other.accepted


def test_the_headless_stations_take_the_sku_label(floor, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    picker = PickEngine(db, layout, people["pia"], terminal="hh-1", badge_prefix="BADGE-")
    picker.start()
    assert picker.handle("!claim").ok
    answer = picker.handle("TOTE-0001")
    while answer.expect != "done":
        stop = answer.stop
        assert stop is not None and answer.expect == "location", answer.as_json()
        at = picker.handle(stop["location"])
        assert at.ok and at.expect == "item"
        if stop["sku"] == SKU:
            assert at.stop is not None and at.stop["gtin"] is None
            assert "scan its SKU label" in at.message
            refused_key = picker.handle("!qty 1")
            assert not refused_key.ok and f"SKU label {SKU}" in refused_key.message
            assert picker.handle(SKU).ok
            for odd in ("²", "١", "1_0"):  # digits Python's int() misreads or refuses: never a quantity
                wrong = picker.handle(f"!qty {odd}")
                assert not wrong.ok and "expected a whole number" in wrong.message, wrong.message
            typed = picker.handle("!qty 1")
            assert typed.ok, typed.message
        else:
            assert picker.handle(stop["sku"]).ok is False  # a GTIN product's SKU is no proof
            assert picker.handle(GTIN[stop["sku"]]).ok
        answer = picker.handle("TOTE-0001")
        assert answer.ok, answer.message

    packer = PackEngine(db, CFG, people["paul"], terminal="pack-1")
    packer.start()
    opened = packer.handle("TOTE-0001")
    assert opened.ok and f"scan the SKU label of {SKU}" in opened.message
    lines = {line["sku"]: line for line in opened.as_json()["order"]["lines"]}
    assert lines[SKU]["gtin"] is None and lines[SKU]["qty"] == 2
    assert not packer.handle("MUG-BLU-350").ok
    for code in (SKU, SKU, GTIN["MUG-BLU-350"]):
        answer = packer.handle(code)
        assert answer.ok, answer.message
    assert answer.expect == "box"
