"""Order intake from the three channels: samples, re-imports, holds and cancels from the channel's own data,
malformed files, and writing in chunks of whole orders that a rerun completes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.db.models import Order, OrderLine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import intake, order_processing, orders
from tests.conftest import SAMPLES


def order_count(db: Database) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(Order)) or 0


def test_all_sample_channels_import(sample_catalog: Database, config: Config, system: Actor) -> None:
    db = sample_catalog
    shopify = intake.import_orders(db, config, SAMPLES / "shopify-orders.json", actor=system)
    woo = intake.import_orders(db, config, SAMPLES / "woocommerce-orders.json", actor=system)
    csv = intake.import_orders(db, config, SAMPLES / "orders.csv", actor=system)
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
    sample_catalog: Database, config: Config, orders_csv, system: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    first = orders_csv(("R-1", "MUG-RED-350", 2))
    assert intake.import_orders(db, config, first, actor=system).created == 1
    again = intake.import_orders(db, config, first, actor=system)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    order_processing.process_once(db, config, actor=system)  # allocated and released
    assert orders.show_order(db, config, "R-1").summary.status == "released"
    changed = orders_csv(("R-1", "MUG-RED-350", 5))
    late = intake.import_orders(db, config, changed, actor=system)
    assert late.left_alone == ("R-1 (released)",) and late.updated == 0
    assert orders.show_order(db, config, "R-1").lines[0].qty == 2
    assert order_count(db) == 1


def test_reimport_before_release_updates_lines_and_reservations(
    sample_catalog: Database, config: Config, orders_csv, system: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    intake.import_orders(db, config, orders_csv(("U-1", "MUG-RED-350", 2)), actor=system)
    from app.services import allocation

    allocation.allocate(db, actor=system)
    assert orders.show_order(db, config, "U-1").lines[0].qty_allocated == 2
    updated = intake.import_orders(db, config, orders_csv(("U-1", "MUG-RED-350", 3)), actor=system)
    assert updated.updated == 1
    detail = orders.show_order(db, config, "U-1")
    assert detail.summary.status == "new" and (detail.lines[0].qty, detail.lines[0].qty_allocated) == (3, 0)
    from app.services.stock import stock_for_sku

    assert stock_for_sku(db, "MUG-RED-350")[0].reserved == 0  # the old reservation was given back


def test_unknown_sku_puts_the_order_on_hold_keeping_everything(
    sample_catalog: Database, config: Config, system: Actor
) -> None:
    report = intake.import_orders(sample_catalog, config, SAMPLES / "shopify-fixture-order.json", actor=system)
    assert (report.created, report.on_hold) == (1, 1)
    detail = orders.show_order(sample_catalog, config, "shopify:450789469")
    assert detail.summary.status == "on_hold"
    assert detail.summary.hold_reason.startswith("unknown SKU")
    assert [x.sku for x in detail.lines] == ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"]
    assert detail.address["line1"] == "Chestnut Street 92" and detail.address["city"] == "Louisville"
    assert detail.events[0].to_status == "on_hold" and "unknown SKU" in detail.events[0].reason


def test_bad_orders_csv_names_its_three_lines_and_imports_nothing(
    sample_catalog: Database, config: Config, system: Actor
) -> None:
    report = intake.import_orders(sample_catalog, config, SAMPLES / "bad-orders.csv", actor=system)
    assert not report.applied
    assert [str(p).split(": ", 1)[0].rsplit(":", 1)[1] for p in report.problems] == ["3", "4", "5"]
    fields = [p.field for p in report.problems]
    assert fields == ["qty", "ship_by", "country"]
    assert order_count(sample_catalog) == 0
    partial = intake.import_orders(sample_catalog, config, SAMPLES / "bad-orders.csv", skip_invalid=True, actor=system)
    assert partial.applied and partial.created == 1 and len(partial.problems) == 3
    assert [o.number for o in orders.list_orders(sample_catalog)] == ["C-6001"]


# --- what a person can fix in one order is imported on hold; what the shop cancelled is imported cancelled ----


def shopify_order(number: int, **changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(json.loads((SAMPLES / "shopify-orders.json").read_text())["orders"][0])
    order.update(id=5810000009000 + number, name=f"#9{number:03d}", order_number=9000 + number)
    order.update(changes)
    return order


def write_json(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def status_and_reason(db: Database, config: Config, ref: str) -> tuple[str, str]:
    summary = orders.show_order(db, config, ref).summary
    return summary.status, summary.hold_reason


def test_shopify_orders_held_or_cancelled_by_their_own_data(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor
) -> None:
    db = sample_catalog
    incomplete = shopify_order(3)["shipping_address"] | {"address1": "", "city": None}
    unknown_method = [{"code": "Teleport", "title": "Teleport"}]
    path = write_json(
        tmp_path,
        "shop.json",
        {
            "orders": [
                shopify_order(1),
                shopify_order(2, shipping_address=None),  # as in real webhook bodies
                shopify_order(3, shipping_address=incomplete),
                shopify_order(4, shipping_lines=unknown_method),
                shopify_order(5, financial_status="pending"),
                shopify_order(6, financial_status="voided"),
                shopify_order(7, cancelled_at="2026-11-21T10:00:00+01:00", cancel_reason="customer"),
                shopify_order(8, financial_status="refunded"),
                shopify_order(9, line_items=[{"id": 1, "sku": "", "title": "Gift wrap", "quantity": 1}]),
            ]
        },
    )
    report = intake.import_orders(db, config, path, actor=system)
    assert report.applied and report.problem_count == 0
    assert (report.created, report.on_hold, report.cancelled) == (9, 6, 2)
    expected = {
        "#9001": ("new", ""),
        "#9002": ("on_hold", "no shipping address"),
        "#9003": ("on_hold", "shipping address incomplete: address1, city missing"),
        "#9004": (
            "on_hold",
            "shipping method 'Teleport' is not mapped to a service level (add it to [channels.shopify] service_levels)",
        ),
        "#9005": ("on_hold", "payment pending in Shopify"),
        "#9006": ("on_hold", "payment voided in Shopify"),
        "#9007": ("cancelled", ""),
        "#9008": ("cancelled", ""),
        "#9009": ("on_hold", "unknown SKU: line 1 has no SKU (Gift wrap)"),
    }
    assert {number: status_and_reason(db, config, number) for number in expected} == expected
    assert dict(report.holds)["#9002"] == "no shipping address"
    cancel_event = orders.show_order(db, config, "#9007").events[0]
    assert cancel_event.to_status == "cancelled" and "cancelled in Shopify" in cancel_event.reason

    again = intake.import_orders(db, config, path, actor=system)
    assert (again.created, again.updated, again.unchanged, again.left_alone) == (0, 0, 9, ())

    paid = write_json(tmp_path, "paid.json", {"orders": [shopify_order(5, financial_status="paid")]})
    assert intake.import_orders(db, config, paid, actor=system).updated == 1
    assert status_and_reason(db, config, "#9005") == ("new", "")  # the shop's "not yet" is over
    assert order_count(db) == 9


def test_woocommerce_statuses(sample_catalog: Database, config: Config, tmp_path: Path, system: Actor) -> None:
    base = json.loads((SAMPLES / "woocommerce-orders.json").read_text())[0]
    statuses = ["processing", "cancelled", "refunded", "failed", "pending", "on-hold", "completed", "trash"]
    data = [base | {"id": 800 + i, "number": f"W-{i}", "status": status} for i, status in enumerate(statuses)]
    report = intake.import_orders(sample_catalog, config, write_json(tmp_path, "woo.json", data), actor=system)
    assert (report.created, report.cancelled, report.on_hold) == (8, 2, 5)
    got = {status: status_and_reason(sample_catalog, config, f"W-{i}") for i, status in enumerate(statuses)}
    assert got["processing"] == ("new", "") and got["refunded"][0] == "cancelled"
    assert got["failed"] == ("on_hold", "WooCommerce status failed: payment failed")
    assert got["trash"] == ("on_hold", "WooCommerce status 'trash' is not one pickpack ships")


def test_a_reimport_never_lifts_a_supervisors_hold(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor, office: Actor
) -> None:
    db = sample_catalog
    pending = write_json(tmp_path, "a.json", {"orders": [shopify_order(1, financial_status="pending")]})
    intake.import_orders(db, config, pending, actor=system)
    paid = write_json(tmp_path, "b.json", {"orders": [shopify_order(1)]})
    intake.import_orders(db, config, paid, actor=system)
    orders.hold(db, config, "#9001", "customer called", actor=office)
    changed = write_json(tmp_path, "c.json", {"orders": [shopify_order(1, email="new@example.com")]})
    assert intake.import_orders(db, config, changed, actor=system).updated == 1
    assert status_and_reason(db, config, "#9001") == ("on_hold", "customer called")


def line_counts(db: Database) -> list[int]:
    with db.unit_of_work(readonly=True) as uow:
        query = select(func.count(OrderLine.id)).join(Order).group_by(Order.id).order_by(Order.id)
        return list(uow.session.scalars(query))


def test_a_crash_mid_write_leaves_whole_orders_and_a_rerun_completes(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sample_catalog
    two_lines = shopify_order(0)["line_items"]
    path = write_json(tmp_path, "big.json", {"orders": [shopify_order(n, line_items=two_lines) for n in range(7)]})
    monkeypatch.setattr(intake, "WRITE_CHUNK", 3)
    real_store = intake._store
    calls = []

    def crash_on_the_second_chunk(*args: Any) -> None:
        calls.append(1)
        real_store(*args)
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(intake, "_store", crash_on_the_second_chunk)
    with pytest.raises(OSError):
        intake.import_orders(db, config, path, actor=system)
    assert line_counts(db) == [2, 2, 2]  # the first chunk, whole; the second rolled back whole

    monkeypatch.setattr(intake, "_store", real_store)
    rerun = intake.import_orders(db, config, path, actor=system)
    assert (rerun.created, rerun.unchanged) == (4, 3)
    assert line_counts(db) == [2] * 7


def test_a_refused_file_writes_nothing_even_after_good_orders(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor
) -> None:
    bad = shopify_order(2)
    bad["line_items"][0]["price"] = "1e309"
    path = write_json(tmp_path, "late-problem.json", {"orders": [shopify_order(1), bad, shopify_order(3)]})
    report = intake.import_orders(sample_catalog, config, path, actor=system)
    assert not report.applied and (report.refused_orders, report.problem_count) == (1, 1)
    assert str(report.problems[0]) == (f"{path}:1: orders[1]: line_items[0].price: not an amount of money, got '1e309'")
    assert order_count(sample_catalog) == 0


def test_amounts_with_more_decimals_than_stored_are_refused(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor
) -> None:
    """PostgreSQL would round 33.4049 and SQLite keep it: every re-import would "update" (and re-reserve)."""
    order = shopify_order(1, total_price="33.4049")
    order["line_items"][0]["price"] = 8.505
    path = write_json(tmp_path, "shop.json", {"orders": [order]})
    report = intake.import_orders(sample_catalog, config, path, actor=system)
    assert not report.applied
    messages = [str(p) for p in report.problems]
    assert any("line_items[0].price: at most 2 decimals, got 8.505" in m for m in messages), messages
    assert any("total_price: at most 2 decimals, got '33.4049'" in m for m in messages), messages
    assert order_count(sample_catalog) == 0


def test_max_scale_amounts_reimport_as_unchanged(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor, orders_csv
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    order = shopify_order(1, total_price="9999999999.99")
    order["line_items"][0]["price"] = "0.01"
    order["line_items"][1]["price"] = "12.50"
    path = write_json(tmp_path, "shop.json", {"orders": [order]})
    assert intake.import_orders(db, config, path, actor=system).created == 1
    again = intake.import_orders(db, config, path, actor=system)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
