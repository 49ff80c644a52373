"""Order intake from the three channels: samples, re-imports, unknown SKUs, malformed files."""

from __future__ import annotations

from sqlalchemy import func, select

from app.config import Config
from app.db.models import Order
from app.db.unit_of_work import Database
from app.services import intake, orders, process
from tests.conftest import ACTOR, SAMPLES


def order_count(db: Database) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Order)) or 0


def test_all_sample_channels_import(sample_catalog: Database, config: Config) -> None:
    db = sample_catalog
    shopify = intake.import_orders(db, config, SAMPLES / "shopify-orders.json", actor=ACTOR)
    woo = intake.import_orders(db, config, SAMPLES / "woocommerce-orders.json", actor=ACTOR)
    csv = intake.import_orders(db, config, SAMPLES / "orders.csv", actor=ACTOR)
    assert (shopify.channel, shopify.created) == ("shopify", 2)
    assert (woo.channel, woo.created) == ("woocommerce", 1)
    assert (csv.channel, csv.created) == ("csv", 2)
    detail = orders.show_order(db, config, "shopify:5810000001002")
    assert detail.summary.service_level == "express"
    assert [(x.sku, x.qty) for x in detail.lines] == [("KETTLE-STEEL-1L", 1), ("TEAPOT-GLASS-800", 1)]
    assert detail.address["country"] == "DE" and detail.order_value == "63.00"
    c5002 = orders.show_order(db, config, "C-5002")
    assert c5002.summary.service_level == "same_day" and str(c5002.summary.ship_by) == "2026-11-22"
    vip = orders.show_order(db, config, "shopify:5810000001001")
    assert "vip" in vip.tags and any(p["part"] == "customer" and p["points"] == 100.0 for p in vip.priority_parts)
    assert order_count(db) == 5


def test_reimport_never_duplicates_and_updates_until_released(
    sample_catalog: Database, config: Config, orders_csv
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    first = orders_csv(("R-1", "MUG-RED-350", 2))
    assert intake.import_orders(db, config, first, actor=ACTOR).created == 1
    again = intake.import_orders(db, config, first, actor=ACTOR)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    process.process_once(db, config, actor=ACTOR)  # allocated and released
    assert orders.show_order(db, config, "R-1").summary.status == "released"
    changed = orders_csv(("R-1", "MUG-RED-350", 5))
    late = intake.import_orders(db, config, changed, actor=ACTOR)
    assert late.left_alone == ("R-1 (released)",) and late.updated == 0
    assert orders.show_order(db, config, "R-1").lines[0].qty == 2
    assert order_count(db) == 1


def test_reimport_before_release_updates_lines_and_reservations(
    sample_catalog: Database, config: Config, orders_csv
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    intake.import_orders(db, config, orders_csv(("U-1", "MUG-RED-350", 2)), actor=ACTOR)
    from app.services import allocation

    allocation.allocate(db, actor=ACTOR)
    assert orders.show_order(db, config, "U-1").lines[0].qty_allocated == 2
    updated = intake.import_orders(db, config, orders_csv(("U-1", "MUG-RED-350", 3)), actor=ACTOR)
    assert updated.updated == 1
    detail = orders.show_order(db, config, "U-1")
    assert detail.summary.status == "new" and (detail.lines[0].qty, detail.lines[0].qty_allocated) == (3, 0)
    from app.services.stock import stock_for_sku

    assert stock_for_sku(db, "MUG-RED-350")[0].reserved == 0  # the old reservation was given back


def test_unknown_sku_puts_the_order_on_hold_keeping_everything(sample_catalog: Database, config: Config) -> None:
    report = intake.import_orders(sample_catalog, config, SAMPLES / "shopify-fixture-order.json", actor=ACTOR)
    assert (report.created, report.on_hold) == (1, 1)
    detail = orders.show_order(sample_catalog, config, "shopify:450789469")
    assert detail.summary.status == "on_hold"
    assert detail.summary.hold_reason.startswith("unknown SKU")
    assert [x.sku for x in detail.lines] == ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"]
    assert detail.address["line1"] == "Chestnut Street 92" and detail.address["city"] == "Louisville"
    assert detail.events[0].to_status == "on_hold" and "unknown SKU" in detail.events[0].reason


def test_bad_orders_csv_names_its_three_lines_and_imports_nothing(sample_catalog: Database, config: Config) -> None:
    report = intake.import_orders(sample_catalog, config, SAMPLES / "bad-orders.csv", actor=ACTOR)
    assert not report.applied
    assert [str(p).split(": ", 1)[0].rsplit(":", 1)[1] for p in report.problems] == ["3", "4", "5"]
    fields = [p.field for p in report.problems]
    assert fields == ["qty", "ship_by", "country"]
    assert order_count(sample_catalog) == 0
    partial = intake.import_orders(sample_catalog, config, SAMPLES / "bad-orders.csv", skip_invalid=True, actor=ACTOR)
    assert partial.applied and partial.created == 1 and len(partial.problems) == 3
    assert [o.number for o in orders.list_orders(sample_catalog)] == ["C-6001"]
