"""Shipping a packed order: rate shopping, tracking numbers and SSCCs, documents printed, reprint and void."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from tracking_numbers import get_tracking_number

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.domain.tracking import is_valid_sscc
from app.services import orders, packing, shipping
from app.services.errors import Refused
from tests.conftest import ACTOR, cached_step
from tests.picking_support import GTIN, actor_of, add_users, pick_all, release_orders


@pytest.fixture
def spool_config(config: Config, tmp_path: Path) -> Config:
    return replace(config, paths=replace(config.paths, data_dir=str(tmp_path / "data")))


def pack_order(db: Database, config: Config, who, number: str, units: list[str], cartons: int = 1) -> int:  # type: ignore[no-untyped-def]
    actor = actor_of(who)
    state = packing.start_packing(db, config, number, actor=actor)
    per_carton = -(-len(units) // cartons)
    for start in range(0, len(units), per_carton):
        state = packing.open_carton(db, config, state.order_id, state.suggestion[0], actor=actor).state
        for sku in units[start : start + per_carton]:
            result = packing.handle_scan(db, config, state.order_id, GTIN[sku], actor=actor)
            assert result.accepted, result.message
            state = result.state
        expected = state.open_carton.expected_weight_kg  # type: ignore[union-attr]
        state = packing.close_carton(db, config, state.order_id, expected, actor=actor).state
    assert state.status == "packed"
    return state.order_id


@pytest.fixture
def packed(
    request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config
):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        people = add_users(sample_catalog)
        release_orders(sample_catalog, layout, tmp_path, [("S-1", "MUG-BLU-350", 2), ("S-1", "INFUSER-SS", 1)])
        pick_all(sample_catalog, layout, people["pia"])
        units = ["MUG-BLU-350", "MUG-BLU-350", "INFUSER-SS"]
        return people, pack_order(sample_catalog, spool_config, people["paul"], "S-1", units, cartons=2)

    people, order_id = cached_step(request, sample_catalog, "shipping-packed", build)
    return sample_catalog, people, order_id


def test_ship_books_once_prints_and_tracking_numbers_are_valid(packed, spool_config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people, order_id = packed
    paul = actor_of(people["paul"])
    outcome = shipping.ship_order(db, spool_config, order_id, actor=paul, station="station-1")
    assert outcome.all_printed, outcome.summary
    assert len(outcome.tracking_numbers) == 2 and len(set(outcome.tracking_numbers)) == 2
    for tn in outcome.tracking_numbers:
        parsed = get_tracking_number(tn)
        assert parsed is not None and parsed.courier.code == "ups" and parsed.valid
    again = shipping.ship_order(db, spool_config, order_id, actor=paul, station="station-1")
    assert again.tracking_numbers == outcome.tracking_numbers and again.prints == ()  # nothing booked twice
    detail = orders.show_order(db, spool_config, "S-1")
    assert detail.summary.status == "shipped"
    assert all(tn in detail.events[-1].reason for tn in outcome.tracking_numbers)
    listed = shipping.list_shipments(db, order_ref="S-1")
    assert [s.tracking_numbers for s in listed] == [outcome.tracking_numbers]
    assert all(is_valid_sscc(code) and code.startswith("09520000") for code in listed[0].sscc)
    spool = Path(spool_config.data_dir) / "spool" / "spool"
    names = sorted(p.name.split("-", 1)[1] for p in spool.iterdir())
    assert names == sorted([f"shipment-{outcome.shipment_id}-carton-1-label.pdf",
                            f"shipment-{outcome.shipment_id}-carton-2-label.pdf",
                            f"shipment-{outcome.shipment_id}-slip.pdf"])  # fmt: skip  # Austria: no customs forms


def test_failed_print_keeps_the_shipment_and_reprint_retries(packed, spool_config: Config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, people, order_id = packed
    from app.config import PrinterConfig, StationConfig

    broken = replace(
        spool_config,
        printers={
            **spool_config.printers,
            "zebra": PrinterConfig(kind="raw", host="127.0.0.1", port=_closed_port(), format="zpl"),
        },
        stations={"pack-9": StationConfig(label_printer="zebra", document_printer="spool")},
    )
    paul = actor_of(people["paul"])
    outcome = shipping.ship_order(db, broken, order_id, actor=paul, station="pack-9")
    assert not outcome.all_printed and "refused" in outcome.summary
    assert orders.show_order(db, broken, "S-1").summary.status == "shipped"  # the booking is kept
    listed = shipping.list_shipments(db, order_ref="S-1")[0]
    assert len(listed.failed_prints) == 2
    fixed = shipping.reprint(db, spool_config, outcome.shipment_id, actor=paul, station="station-1", kinds=("label",))
    assert fixed.all_printed and [p.kind for p in fixed.prints] == ["label", "label"]
    assert shipping.list_shipments(db, order_ref="S-1")[0].failed_prints == ()
    with db.unit_of_work(readonly=True) as uow:
        assert len(uow.session.scalars(select(Event).where(Event.kind == "print.failed")).all()) == 2


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_void_retires_tracking_and_reshipping_issues_new_numbers(packed, spool_config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people, order_id = packed
    paul = actor_of(people["paul"])
    first = shipping.ship_order(db, spool_config, order_id, actor=paul, station="station-1")
    voided = shipping.void_shipment(db, spool_config, first.shipment_id, actor=paul, reason="wrong address")
    assert orders.show_order(db, spool_config, "S-1").summary.status == "packed"
    assert voided.order_number == "S-1"
    with pytest.raises(Refused, match=f"shipment {first.shipment_id} is voided: nothing to void"):
        shipping.void_shipment(db, spool_config, first.shipment_id, actor=paul, reason="again")
    second = shipping.ship_order(db, spool_config, order_id, actor=paul, station="station-1")
    assert not set(second.tracking_numbers) & set(first.tracking_numbers)  # retired numbers are never reused
    statuses = {s.id: (s.status, s.tracking_numbers) for s in shipping.list_shipments(db, order_ref="S-1")}
    assert statuses[first.shipment_id] == ("voided", first.tracking_numbers)
    assert statuses[second.shipment_id] == ("shipped", second.tracking_numbers)


def test_export_gets_customs_documents(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config
) -> None:
    db = sample_catalog
    people = add_users(db)
    from tests.picking_support import CSV_HEADER

    path = tmp_path / "us.csv"
    path.write_text(
        CSV_HEADER + "U-1,Jane Roe,j@example.com,,1 Main St,,Springfield,IL,62701,US,standard,"
        "2026-12-01,KETTLE-STEEL-1L,1\n"
    )
    from app.services import intake, order_processing

    intake.import_orders(db, spool_config, path, actor=ACTOR)
    order_processing.process_once(db, spool_config, actor=actor_of(people["adam"]), layout=layout)
    pick_all(db, layout, people["pia"])
    order_id = pack_order(db, spool_config, people["paul"], "U-1", ["KETTLE-STEEL-1L"])
    outcome = shipping.ship_order(db, spool_config, order_id, actor=actor_of(people["paul"]), station="station-1")
    kinds = sorted(p.kind for p in outcome.prints)
    assert kinds == ["customs", "invoice", "label", "slip"]
    written = shipping.write_documents(db, spool_config, outcome.shipment_id, tmp_path / "out")
    assert sorted(p.suffix for p in written) == [".pdf", ".pdf", ".pdf", ".pdf", ".zpl"]
    assert Decimal(0) < Decimal(str(shipping.list_shipments(db, order_ref="U-1")[0].price))


def test_ordered_service_that_misses_the_promise_is_upgraded_and_logged(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config
) -> None:
    from datetime import UTC, datetime

    from app.services import intake, order_processing
    from tests.picking_support import CSV_HEADER

    db = sample_catalog
    people = add_users(db)
    path = tmp_path / "de.csv"
    header = CSV_HEADER.strip() + ",promised_delivery\n"
    path.write_text(
        header + "P-9,Max Muster,m@example.com,,Hauptstr 1,,Berlin,,10115,DE,standard,2026-11-24,"
        "INFUSER-SS,1,2026-11-25\n"
    )
    intake.import_orders(db, spool_config, path, actor=ACTOR)
    order_processing.process_once(db, spool_config, actor=actor_of(people["adam"]), layout=layout)
    pick_all(db, layout, people["pia"])
    order_id = pack_order(db, spool_config, people["paul"], "P-9", ["INFUSER-SS"])
    monday_morning = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    outcome = shipping.ship_order(
        db, spool_config, order_id, actor=actor_of(people["paul"]), station="station-1", now=monday_morning
    )
    assert outcome.service == "express"
    assert "upgraded" in outcome.service_reason and "2026-11-25" in outcome.service_reason
    detail = orders.show_order(db, spool_config, "P-9")
    upgrades = [e for e in detail.events if e.kind == "order.service_upgraded"]
    assert len(upgrades) == 1 and upgrades[0].reason == outcome.service_reason
