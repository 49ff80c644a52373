"""The carrier adapter interface, exercised on the built-in rate-card carrier."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import pytest

from app.domain.carriers import (
    Address,
    CarrierAdapter,
    CarrierError,
    RateCardCarrier,
    RateRequest,
    ShipmentRequest,
    UnknownTrackingNumber,
)
from app.domain.rating import Parcel, RateCard, load_rate_card, quote
from app.domain.tracking import is_valid_ups, ups_tracking_number

ROOT = Path(__file__).resolve().parents[2]
CARD_PATH = ROOT / "assets" / "rates" / "demo-parcel.toml"
WAREHOUSE = Address("AT", "1230")


@pytest.fixture(scope="module")
def card() -> RateCard:
    with CARD_PATH.open("rb") as fh:
        return load_rate_card(tomllib.load(fh), str(CARD_PATH))


@pytest.fixture
def carrier(card: RateCard) -> RateCardCarrier:
    counter = itertools.count(1000)
    return RateCardCarrier("demo-parcel", card, "DP4711", lambda: next(counter), display_name="Demo Parcel")


def request(service: str, to: Address, *cartons: Parcel, order: str = "1001") -> ShipmentRequest:
    return ShipmentRequest(service, WAREHOUSE, to, tuple(cartons), order)


def test_rate_card_carrier_is_an_adapter(carrier: RateCardCarrier) -> None:
    assert isinstance(carrier, CarrierAdapter)


def test_rate_lists_services_that_can_go_cheapest_first(carrier: RateCardCarrier, card: RateCard) -> None:
    cartons = (Parcel(31, 22, 16, 2.0),)
    vienna = carrier.rate(RateRequest(WAREHOUSE, Address("AT", "1070"), cartons))
    assert [q.service for q in vienna] == ["standard", "express", "same_day"]
    assert [q.price for q in vienna] == sorted(q.price for q in vienna)
    graz = carrier.rate(RateRequest(WAREHOUSE, Address("AT", "8010"), cartons))
    assert {q.service for q in graz} == {"standard", "express"}
    assert graz[0].price == quote(card, "standard", cartons, "AT", "8010").price
    assert carrier.rate(RateRequest(WAREHOUSE, Address("AT", "8010"), (Parcel(40, 40, 40, 40.0),))) == []


def test_create_shipment_one_tracking_number_per_carton(carrier: RateCardCarrier) -> None:
    cartons = (Parcel(31, 22, 16, 2.0), Parcel(26, 26, 26, 4.5), Parcel(17, 12, 7, 0.4))
    created = carrier.create_shipment(request("express", Address("DE", "80331"), *cartons, order="1042"))
    assert created.carrier == "demo-parcel" and created.service == "express"
    assert len(created.tracking_numbers) == 3 == len(set(created.tracking_numbers))
    assert created.tracking_numbers == tuple(ups_tracking_number("DP4711", "13", n) for n in (1000, 1001, 1002))
    assert all(is_valid_ups(n) for n in created.tracking_numbers)
    assert [label.carton_number for label in created.labels] == [1, 2, 3]
    first = created.labels[0]
    assert (first.carton_count, first.order_number, first.weight_kg) == (3, "1042", 2.0)
    assert first.barcode_data == first.tracking_number == created.tracking_numbers[0]
    assert first.routing_code == "DE 80" and first.zone == "eu1" and first.carrier_name == "Demo Parcel"
    assert created.quote.price == quote(carrier.card, "express", cartons, "DE", "80331").price


def test_tracking_numbers_come_from_the_sequence_and_never_repeat(carrier: RateCardCarrier) -> None:
    a = carrier.create_shipment(request("standard", Address("AT", "8010"), Parcel(20, 20, 20, 1)))
    b = carrier.create_shipment(request("standard", Address("AT", "8010"), Parcel(20, 20, 20, 1)))
    assert a.tracking_numbers != b.tracking_numbers
    assert a.tracking_numbers[0][10:17] == "0001000" and b.tracking_numbers[0][10:17] == "0001001"


def test_tracking_numbers_package_recognises_shipments(carrier: RateCardCarrier) -> None:
    tracking_numbers = pytest.importorskip("tracking_numbers")
    for service, to in (("same_day", Address("AT", "1010")), ("express", Address("FR", "75001"))):
        created = carrier.create_shipment(request(service, to, Parcel(20, 20, 20, 1), Parcel(20, 20, 20, 1)))
        for number in created.tracking_numbers:
            found = tracking_numbers.get_tracking_number(number)
            assert found is not None and found.courier.code == "ups" and found.valid


def test_a_repeating_sequence_is_refused(card: RateCard) -> None:
    stuck = RateCardCarrier("demo-parcel", card, "DP4711", lambda: 7)
    stuck.create_shipment(request("standard", Address("AT", "8010"), Parcel(20, 20, 20, 1)))
    with pytest.raises(CarrierError, match="refusing to reuse"):
        stuck.create_shipment(request("standard", Address("AT", "8010"), Parcel(20, 20, 20, 1)))


def test_void_and_track(carrier: RateCardCarrier) -> None:
    created = carrier.create_shipment(
        request("standard", Address("AT", "8010"), Parcel(20, 20, 20, 1), Parcel(20, 20, 20, 1))
    )
    first, second = created.tracking_numbers
    assert carrier.track(first).status == "created"
    carrier.void(first)
    assert carrier.track(first).status == "voided"
    assert carrier.track(second).status == "voided"  # voiding voids the whole shipment
    carrier.void(first)  # twice is harmless
    # A number of this account issued before a restart: known to the database, not to this process.
    earlier = ups_tracking_number("DP4711", "03", 5)
    assert carrier.track(earlier).status == "unknown"
    with pytest.raises(UnknownTrackingNumber):
        carrier.track("1Z999AA10123456784")  # another shipper's number
    with pytest.raises(UnknownTrackingNumber):
        carrier.void("1ZDP47110300000051")  # bad check digit


def test_shipments_the_carrier_cannot_take(carrier: RateCardCarrier) -> None:
    with pytest.raises(CarrierError, match="does not deliver"):
        carrier.create_shipment(request("same_day", Address("AT", "8010"), Parcel(20, 20, 20, 1)))
    with pytest.raises(CarrierError, match="at least one carton"):
        carrier.create_shipment(request("standard", Address("AT", "8010")))
    with pytest.raises(CarrierError, match="6 letters or digits"):
        RateCardCarrier("demo-parcel", carrier.card, "DP-47", lambda: 1)


def test_references_are_printed_per_carton(carrier: RateCardCarrier) -> None:
    req = ShipmentRequest(
        "standard",
        WAREHOUSE,
        Address("AT", "8010"),
        (Parcel(20, 20, 20, 1), Parcel(20, 20, 20, 1)),
        "1001",
        references=("095200000000000011", "095200000000000028"),
    )
    created = carrier.create_shipment(req)
    assert [label.reference for label in created.labels] == list(req.references)
