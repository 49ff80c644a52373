"""The packer's use cases on a fake unit of work (``tests/fakes``): opening an order, filling a carton, weighing it,
and booking the shipment with a fake carrier and printer, without a database.

Each test asserts what the packer or the office would notice: the station's answer and next step, the order's
status, the cartons, and the events in the log. ``tests/services/test_packing.py`` and ``test_shipping.py`` run
the same use cases on both databases.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.config import Config, load_config
from app.services import packing, shipping
from app.services.errors import InvalidInput, NotAllowed, Refused
from tests.conftest import ROOT
from tests.fakes import FakeDatabase, fake_floor_authz
from tests.fakes.carriers import FakeShipping, fake_shipping
from tests.fakes.scenes import KETTLE_GTIN, MUG_GTIN, PackFloor, pack_floor

__all__ = ["fake_floor_authz", "fake_shipping"]  # the fixtures, used by name


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "config.toml", env={})


@pytest.fixture
def floor(fake_floor_authz: None) -> PackFloor:
    return pack_floor(FakeDatabase())


def start(floor: PackFloor, config: Config, code: str = "TOTE-0001") -> packing.PackState:
    return packing.start_packing(floor.db, config, code, actor=floor.packer)  # type: ignore[arg-type]


def scan(floor: PackFloor, config: Config, raw: str) -> packing.PackResult:
    return packing.handle_scan(floor.db, config, floor.order.id, raw, actor=floor.packer)  # type: ignore[arg-type]


def fill(floor: PackFloor, config: Config) -> Decimal:
    """Opened, both kettles in the suggested box, the box confirmed; returns the weight the carton should have."""
    start(floor, config)
    for _ in range(2):
        assert scan(floor, config, KETTLE_GTIN).accepted
    assert packing.close_items(floor.db, config, floor.order.id, actor=floor.packer).accepted  # type: ignore[arg-type]
    boxed = packing.confirm_box(floor.db, config, floor.order.id, None, actor=floor.packer)  # type: ignore[arg-type]
    assert boxed.accepted and boxed.state.expect == "weight" and boxed.state.open_carton is not None
    return boxed.state.open_carton.expected_weight_kg


def weigh(floor: PackFloor, config: Config, kg: Decimal) -> packing.PackResult:
    return packing.close_carton(floor.db, config, floor.order.id, kg, actor=floor.packer)  # type: ignore[arg-type]


# --- opening an order -----------------------------------------------------------------------------------------


def test_scanning_the_tote_opens_its_order_for_packing(floor: PackFloor, config: Config) -> None:
    state = start(floor, config)
    assert (state.order_number, state.status, state.expect) == ("#1", "packing", "item")
    assert state.lines[0].to_pack == 2 and state.suggestion
    assert floor.db.status_events() == [("order:1", "picked", "packing", "packing started at test")]
    assert floor.db.commits == 1


def test_the_order_number_opens_it_too(floor: PackFloor, config: Config) -> None:
    assert start(floor, config, "#1").status == "packing"


def test_a_tote_still_on_a_cart_is_refused(floor: PackFloor, config: Config) -> None:
    floor.tote.status = "picking"
    with pytest.raises(Refused, match="tote TOTE-0001 is still on a picking cart; scan a tote from the packing shelf"):
        start(floor, config)
    assert floor.order.status == "picked" and floor.db.commits == 0


def test_an_order_waiting_for_a_short_decision_is_not_packed(floor: PackFloor, config: Config) -> None:
    floor.order.short_pending = True
    floor.order.lines[0].qty_picked = 1
    with pytest.raises(Refused, match=r"order #1 is short \(1 x KETTLE\): waiting for a supervisor"):
        start(floor, config)
    assert floor.order.status == "picked"


def test_a_picker_may_not_pack(floor: PackFloor, config: Config) -> None:
    pia = floor.db.add_user("pia", "picker")
    with pytest.raises(NotAllowed):
        packing.start_packing(floor.db, config, "TOTE-0001", actor=pia)  # type: ignore[arg-type]
    assert floor.order.status == "picked"


# --- filling a carton -----------------------------------------------------------------------------------------


def test_the_first_item_opens_a_carton_in_the_suggested_box(floor: PackFloor, config: Config) -> None:
    suggested = start(floor, config).suggestion[0]
    result = scan(floor, config, KETTLE_GTIN)
    assert result.accepted and result.message == "KETTLE: 1 of 2 packed"
    carton = result.state.open_carton
    assert carton is not None and (carton.box_code, carton.items) == (suggested, (("KETTLE", 1),))
    assert floor.db.kinds()[-2:] == ["pack.carton_opened", "pack.item"]


def test_an_item_of_another_order_is_refused_naming_what_is_left(floor: PackFloor, config: Config) -> None:
    floor.db.add_product("MUG", MUG_GTIN)
    start(floor, config)
    result = scan(floor, config, MUG_GTIN)
    assert not result.accepted
    assert result.message == f"Wrong scan: expected an item of this order (KETTLE), scanned {MUG_GTIN}"
    assert floor.order.lines[0].qty_packed == 0 and floor.db.kinds()[-1] == "pack.refused"


def test_more_units_than_were_picked_are_refused(floor: PackFloor, config: Config) -> None:
    start(floor, config)
    scan(floor, config, KETTLE_GTIN)
    scan(floor, config, KETTLE_GTIN)
    result = scan(floor, config, KETTLE_GTIN)
    assert not result.accepted
    assert "all 2 picked KETTLE are already packed" in result.message
    assert floor.order.lines[0].qty_packed == 2


# --- weighing -------------------------------------------------------------------------------------------------


def test_the_right_weight_closes_the_carton_and_packs_the_order(floor: PackFloor, config: Config) -> None:
    expected = fill(floor, config)
    result = weigh(floor, config, expected)
    assert result.accepted and result.message == f"Carton 1 closed ({expected} kg)"
    assert floor.order.status == "packed" and result.state.expect == "ship"
    assert [c.status for c in result.state.cartons] == ["packed"]
    assert floor.db.status_events()[-1] == ("order:1", "packing", "packed", "all picked items packed")


def test_a_weight_far_off_keeps_the_carton_open_for_a_supervisor(floor: PackFloor, config: Config) -> None:
    expected = fill(floor, config)
    result = weigh(floor, config, expected * 2)
    assert not result.accepted and result.needs_approval
    assert "a supervisor must approve" in result.message
    assert floor.order.status == "packing" and result.state.open_carton is not None
    assert floor.db.kinds()[-1] == "pack.weight_mismatch"


def test_a_weight_approved_beforehand_closes_the_carton_naming_the_approver(floor: PackFloor, config: Config) -> None:
    expected = fill(floor, config)
    olga = floor.db.add_user("olga", "supervisor")
    packing.approve_weight(floor.db, config, "#1", expected * 2, actor=olga)  # type: ignore[arg-type]
    result = weigh(floor, config, expected * 2)
    assert result.accepted and result.approver == "olga" and floor.order.status == "packed"


def test_a_weight_of_nothing_is_refused(floor: PackFloor, config: Config) -> None:
    with pytest.raises(InvalidInput, match="must be more than zero"):
        weigh(floor, config, Decimal("0"))


# --- booking the shipment --------------------------------------------------------------------------------------


def ship(floor: PackFloor, config: Config) -> shipping.ShipOutcome:
    return shipping.ship_order(floor.db, config, floor.order.id, actor=floor.packer, station="pack-1")  # type: ignore[arg-type]


def test_a_packed_order_is_booked_labelled_and_shipped(
    floor: PackFloor, config: Config, fake_shipping: FakeShipping
) -> None:
    weigh(floor, config, fill(floor, config))
    outcome = ship(floor, config)
    assert (outcome.carrier, outcome.service, outcome.tracking_numbers) == ("demo-parcel", "standard", ("FAKE0001",))
    assert outcome.all_printed and outcome.summary == "Shipped #1: standard (FAKE0001)"
    assert floor.order.status == "shipped" and floor.tote.status == "free"
    assert [r.order_number for r in fake_shipping.carrier.booked] == ["#1"]
    assert ("label", 1) in [(kind, carton) for kind, carton, _ in fake_shipping.printer.printed]


def test_shipping_again_books_nothing_twice(floor: PackFloor, config: Config, fake_shipping: FakeShipping) -> None:
    weigh(floor, config, fill(floor, config))
    first = ship(floor, config)
    again = ship(floor, config)
    assert again.tracking_numbers == first.tracking_numbers and len(fake_shipping.carrier.booked) == 1


def test_an_order_not_packed_yet_does_not_ship(floor: PackFloor, config: Config, fake_shipping: FakeShipping) -> None:
    start(floor, config)
    with pytest.raises(Refused, match="order #1 is packing: only packed orders ship"):
        ship(floor, config)
    assert fake_shipping.carrier.booked == []


def test_a_failed_print_still_ships_and_is_on_the_timeline(
    floor: PackFloor, config: Config, fake_shipping: FakeShipping
) -> None:
    weigh(floor, config, fill(floor, config))
    fake_shipping.printer.failing = "printer offline"
    outcome = ship(floor, config)
    assert floor.order.status == "shipped" and not outcome.all_printed
    assert "PRINT FAILED" in outcome.summary and "printer offline" in outcome.summary
    assert "print.failed" in floor.db.kinds()
