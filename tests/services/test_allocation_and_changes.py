"""Reservations: FEFO, backorders, splits, retries when stock arrives; changes, holds and cancels."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import Config
from app.db.models import Order, OrderLine, PutbackTask
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import allocation, catalog, intake, order_processing, orders
from app.services.errors import Refused
from app.services.stock import stock_for_sku
from tests.conftest import SAMPLES


def status(db: Database, config: Config, ref: str) -> str:
    return orders.show_order(db, config, ref).summary.status


def test_fefo_reserves_the_lot_that_expires_first(
    sample_catalog: Database, config: Config, orders_csv, system: Actor
) -> None:  # type: ignore[no-untyped-def]
    intake.import_orders(sample_catalog, config, orders_csv(("F-1", "TEA-EARL-100", 25)), actor=system)
    allocation.allocate(sample_catalog, actor=system)
    lots = {line.lot: line.reserved for line in stock_for_sku(sample_catalog, "TEA-EARL-100")}
    assert lots == {"L2609C": 20, "L2611A": 5}  # L2609C expires 2027-03-31, before L2611A


def test_backorder_then_retry_when_stock_arrives(
    sample_catalog: Database, config: Config, orders_csv, tmp_path: Path, system: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    intake.import_orders(db, config, orders_csv(("B-1", "TEAPOT-GLASS-800", 10)), actor=system)  # only 8 on hand
    report = allocation.allocate(db, actor=system)
    assert (report.allocated, report.backordered) == (0, 1)
    assert status(db, config, "B-1") == "backordered"
    assert stock_for_sku(db, "TEAPOT-GLASS-800")[0].reserved == 0  # ship-complete: nothing held back
    arrival = tmp_path / "count.csv"
    arrival.write_text("location,sku,qty\nA10-29-R-1,TEAPOT-GLASS-800,12\n")
    catalog.import_stock(db, arrival, actor=system)
    result = order_processing.process_once(db, config, actor=system)
    assert result.allocated == 1 and result.released == 1
    assert stock_for_sku(db, "TEAPOT-GLASS-800")[0].reserved == 10


def test_split_when_the_channel_ships_partial(
    sample_catalog: Database, config: Config, tmp_path: Path, system: Actor
) -> None:
    # WooCommerce is configured with ship_complete = false
    doc = (SAMPLES / "woocommerce-orders.json").read_text().replace('"quantity": 1,', '"quantity": 14,')
    path = tmp_path / "woo.json"
    path.write_text(doc)
    intake.import_orders(sample_catalog, config, path, actor=system)
    report = allocation.allocate(sample_catalog, actor=system)
    assert (report.allocated, report.split) == (1, 1)
    parent = orders.show_order(sample_catalog, config, "woocommerce:727")
    child = orders.show_order(sample_catalog, config, "woocommerce:727/B1")
    assert parent.summary.status == "allocated" and child.summary.status == "backordered"
    assert [(x.sku, x.qty, x.qty_allocated) for x in parent.lines] == [
        ("HONEY-ACACIA-250", 2, 2),
        ("TRAY-BAMBOO-L", 10, 10),
    ]
    assert [(x.sku, x.qty) for x in child.lines] == [("TRAY-BAMBOO-L", 4)]


def test_hold_unhold_cancel_and_edits_follow_reservations(
    sample_catalog: Database, config: Config, orders_csv, system: Actor, office: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    intake.import_orders(db, config, orders_csv(("E-1", "MUG-RED-350", 5)), actor=system)
    allocation.allocate(db, actor=system)
    assert stock_for_sku(db, "MUG-RED-350")[0].reserved == 5
    orders.hold(db, config, "E-1", "customer called", actor=office)
    assert stock_for_sku(db, "MUG-RED-350")[0].reserved == 0
    assert orders.show_order(db, config, "E-1").summary.hold_reason == "customer called"
    orders.unhold(db, config, "E-1", actor=office)
    assert status(db, config, "E-1") == "allocated" and stock_for_sku(db, "MUG-RED-350")[0].reserved == 5

    orders.edit_lines(db, config, "E-1", {"MUG-RED-350": 2, "INFUSER-SS": 3}, actor=office)
    detail = orders.show_order(db, config, "E-1")
    assert [(x.sku, x.qty, x.qty_allocated) for x in detail.lines] == [("MUG-RED-350", 2, 2), ("INFUSER-SS", 3, 3)]
    assert stock_for_sku(db, "MUG-RED-350")[0].reserved == 2
    orders.edit_address(db, config, "E-1", {"city": "Graz", "postal_code": "8010"}, actor=office)
    orders.set_service_level(db, config, "E-1", "express", actor=office)
    detail = orders.show_order(db, config, "E-1")
    assert detail.address["city"] == "Graz" and detail.summary.service_level == "express"
    kinds = [e.kind for e in detail.events]
    assert kinds.count("order.edited") == 3 and kinds.count("order.status") >= 5

    orders.cancel(db, config, "E-1", "customer changed mind", actor=office)
    assert status(db, config, "E-1") == "cancelled"
    assert sum(x.reserved for x in stock_for_sku(db, "MUG-RED-350")) == 0
    with pytest.raises(Refused, match="already cancelled"):
        orders.cancel(db, config, "E-1", "again", actor=office)


def test_after_picking_starts_edits_are_refused_and_cancel_creates_putback(
    sample_catalog: Database, config: Config, orders_csv, system: Actor, office: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    intake.import_orders(db, config, orders_csv(("P-1", "MUG-RED-350", 4)), actor=system)
    order_processing.process_once(db, config, actor=system)
    # The picker flow takes 3 of the 4 units (simulated here at the database level).
    with db.unit_of_work() as uow:
        order = uow.session.scalar(select(Order).where(Order.number == "P-1"))
        assert order is not None
        order.status = "picking"
        line = uow.session.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
        assert line is not None
        line.qty_picked = 3
        line.allocations[0].qty_picked = 3
        line.allocations[0].stock.quantity_on_hand -= 3
        line.allocations[0].stock.quantity_reserved -= 3
        uow.commit()
    with pytest.raises(Refused, match="picking has started, so its lines cannot change"):
        orders.edit_lines(db, config, "P-1", {"MUG-RED-350": 1}, actor=office)
    with pytest.raises(Refused, match="picking has started"):
        orders.edit_address(db, config, "P-1", {"city": "Linz"}, actor=office)
    orders.cancel(db, config, "P-1", "fraud check", actor=office)
    detail = orders.show_order(db, config, "P-1")
    assert detail.summary.status == "cancelled" and detail.putbacks_open == 3
    assert "3 picked unit(s) to put back" in detail.events[-1].reason
    with db.unit_of_work(readonly=True) as uow:
        task = uow.session.scalar(select(PutbackTask))
        assert task is not None and (task.qty, task.status) == (3, "open")
    mug = stock_for_sku(db, "MUG-RED-350")[0]
    assert (mug.qty, mug.reserved) == (32, 0)  # the unpicked unit's reservation was given back


def test_release_rules_review_hold_and_same_day_first(
    sample_catalog: Database, config: Config, orders_csv, tmp_path: Path, system: Actor, office: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    intake.import_orders(
        db,
        config,
        orders_csv(
            ("S-1", "MUG-RED-350", 1, "standard", "2026-11-20"), ("S-2", "INFUSER-SS", 1, "same_day", "2026-12-24")
        ),
        actor=system,
    )
    big = (SAMPLES / "shopify-orders.json").read_text().replace('"total_price": "63.00"', '"total_price": "1500.00"')
    path = tmp_path / "big.json"
    path.write_text(big)
    intake.import_orders(db, config, path, actor=system)
    released_events: list[tuple[object, str]] = []
    report = order_processing.process_once(db, config, actor=system)
    assert report.held_for_review == 1 and report.released == 3
    held = orders.show_order(db, config, "shopify:5810000001002")
    assert held.summary.status == "on_hold" and "above review limit 1000" in held.summary.hold_reason
    for ref in ("S-1", "S-2", "shopify:5810000001001"):
        detail = orders.show_order(db, config, ref)
        released_events.append((detail.events[-1].at, ref))
    assert sorted(released_events)[0][1] == "S-2"  # same-day released first despite a lower score
    orders.unhold(db, config, "shopify:5810000001002", actor=office, reason="checked by sofia")
    again = order_processing.process_once(db, config, actor=system)
    assert again.released == 1 and status(db, config, "shopify:5810000001002") == "released"
