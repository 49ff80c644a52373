"""The carrier adapter interface and the built-in, offline rate-card carrier that implements it.

Everything the shipping service needs from a carrier goes through four calls (rate, create a shipment with its
labels, void, track) on plain request/response dataclasses, so a real carrier's API can be plugged in later as
another ``CarrierAdapter`` without touching the service layer or the tests written against this one.

``RateCardCarrier`` answers from a rate card and issues UPS-format tracking numbers from a sequence it is given:
it stays pure (no database, no clock, no network). The service layer passes ``next_sequence`` backed by a
database sequence, which is what makes tracking numbers never repeat, across processes and restarts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from app.domain.errors import DomainError
from app.domain.rating import Parcel, Quote, RateCard, ServiceUnavailable, quote
from app.domain.tracking import ACCOUNT_RE, is_valid_ups, ups_tracking_number

TRACKING_STATUSES = ("created", "voided", "unknown")
"""What the built-in carrier can say about a number: it hands over no parcels, so it never knows more."""


class CarrierError(DomainError):
    """The carrier refused a request (the message says why, in the carrier's terms)."""


class UnknownTrackingNumber(CarrierError):
    def __init__(self, carrier: str, tracking_number: str) -> None:
        super().__init__(f"{carrier}: {tracking_number!r} is not one of this carrier's tracking numbers")
        self.tracking_number = tracking_number


@dataclass(frozen=True, slots=True)
class Address:
    """The part of an address carriers price and route by."""

    country: str
    postal_code: str = ""


@dataclass(frozen=True, slots=True)
class RateRequest:
    """Which services could carry these cartons, and at what price."""

    ship_from: Address
    ship_to: Address
    cartons: tuple[Parcel, ...]
    residential: bool = False


@dataclass(frozen=True, slots=True)
class ShipmentRequest:
    """Book one service for a set of cartons of one order; one tracking number (and label) per carton."""

    service: str
    ship_from: Address
    ship_to: Address
    cartons: tuple[Parcel, ...]
    order_number: str
    residential: bool = False
    references: tuple[str, ...] = ()
    """Optional per-carton references printed on the labels (e.g. the carton's SSCC)."""


@dataclass(frozen=True, slots=True)
class LabelData:
    """The fields of one carton's shipping label; the label renderer draws them, the carrier decides them."""

    tracking_number: str
    carrier_name: str
    service: str
    service_name: str
    ship_from: Address
    ship_to: Address
    carton_number: int
    carton_count: int
    weight_kg: float
    order_number: str
    zone: str
    routing_code: str
    """Sorting hint printed large on the label: destination country and postal prefix (e.g. ``DE 80``)."""
    reference: str = ""
    barcode_data: str = ""
    """What the label's main barcode encodes (the tracking number for UPS-style labels)."""


@dataclass(frozen=True, slots=True)
class CreatedShipment:
    carrier: str
    service: str
    tracking_numbers: tuple[str, ...]
    """One per carton, in the order of the request's cartons."""
    labels: tuple[LabelData, ...]
    quote: Quote


@dataclass(frozen=True, slots=True)
class TrackingStatus:
    tracking_number: str
    status: str
    """``created``, ``voided`` or ``unknown`` for the built-in carrier; real carriers add their own."""
    detail: str = ""


@runtime_checkable
class CarrierAdapter(Protocol):
    """What the shipping service needs from any carrier, built-in or remote."""

    name: str

    def rate(self, request: RateRequest) -> list[Quote]:
        """Quotes of every service that can take the cartons to the destination (cheapest first)."""
        ...

    def create_shipment(self, request: ShipmentRequest) -> CreatedShipment:
        """Book the shipment: tracking numbers and label data for each carton."""
        ...

    def void(self, tracking_number: str) -> None:
        """Cancel a shipment (all its cartons) before hand-over."""
        ...

    def track(self, tracking_number: str) -> TrackingStatus: ...


@dataclass
class RateCardCarrier:
    """The built-in carrier: prices from a rate card, UPS-format tracking numbers from a caller-owned sequence.

    It remembers the numbers it issued and voided in this process only; that is all it can track. Voiding a
    well-formed number of its own account that it does not remember (issued before a restart) is accepted, since
    the real record of shipments is the database; voiding twice is harmless.
    """

    name: str
    card: RateCard
    account: str
    """Shipper account (6 letters or digits) that begins every tracking number after ``1Z``."""
    next_sequence: Callable[[], int]
    """Returns a never-before-returned package reference (a database sequence in production)."""
    display_name: str = ""
    _status: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _shipments: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not ACCOUNT_RE.match(self.account.upper()):
            raise CarrierError(
                f"{self.name}: account must be 6 letters or digits (UPS shipper number), got {self.account!r}"
            )
        self.account = self.account.upper()

    def rate(self, request: RateRequest) -> list[Quote]:
        quotes: list[Quote] = []
        for service in self.card.services:
            try:
                quotes.append(self._quote(service, request.cartons, request.ship_to, request.residential))
            except ServiceUnavailable:
                continue
        return sorted(quotes, key=lambda q: (q.price, q.service))

    def create_shipment(self, request: ShipmentRequest) -> CreatedShipment:
        if not request.cartons:
            raise CarrierError(f"{self.name}: a shipment needs at least one carton")
        if request.references and len(request.references) != len(request.cartons):
            raise CarrierError(f"{self.name}: {len(request.references)} references for {len(request.cartons)} cartons")
        try:
            priced = self._quote(request.service, request.cartons, request.ship_to, request.residential)
        except ServiceUnavailable as exc:
            raise CarrierError(f"{self.name}: {exc}") from None
        code = self.card.services[request.service].tracking_service_code
        numbers: list[str] = []
        for _ in request.cartons:
            number = ups_tracking_number(self.account, code, self.next_sequence())
            if number in self._status or number in numbers:
                raise CarrierError(f"{self.name}: sequence repeated a tracking number ({number}); refusing to reuse it")
            numbers.append(number)
        total = len(request.cartons)
        routing = f"{request.ship_to.country.upper()} {request.ship_to.postal_code.replace(' ', '')[:2]}".strip()
        labels = tuple(
            LabelData(
                tracking_number=number,
                carrier_name=self.display_name or self.name,
                service=request.service,
                service_name=priced.service_name,
                ship_from=request.ship_from,
                ship_to=request.ship_to,
                carton_number=n,
                carton_count=total,
                weight_kg=carton.weight_kg,
                order_number=request.order_number,
                zone=priced.zone,
                routing_code=routing,
                reference=request.references[n - 1] if request.references else "",
                barcode_data=number,
            )
            for n, (number, carton) in enumerate(zip(numbers, request.cartons, strict=True), start=1)
        )
        group = tuple(numbers)
        for number in numbers:
            self._status[number] = "created"
            self._shipments[number] = group
        return CreatedShipment(self.name, request.service, group, labels, priced)

    def void(self, tracking_number: str) -> None:
        """Void the shipment the number belongs to (every carton of it)."""
        number = self._own(tracking_number)
        for n in self._shipments.get(number, (number,)):
            self._status[n] = "voided"

    def track(self, tracking_number: str) -> TrackingStatus:
        number = self._own(tracking_number)
        status = self._status.get(number, "unknown")
        detail = {
            "created": "label created, not yet handed over",
            "voided": "shipment voided",
            "unknown": "not issued by this terminal session (see the shipment record)",
        }[status]
        return TrackingStatus(number, status, detail)

    def _own(self, tracking_number: str) -> str:
        number = tracking_number.replace(" ", "").upper()
        if not is_valid_ups(number) or number[2:8] != self.account:
            raise UnknownTrackingNumber(self.name, tracking_number)
        return number

    def _quote(self, service: str, cartons: Sequence[Parcel], ship_to: Address, residential: bool) -> Quote:
        return quote(self.card, service, cartons, ship_to.country, ship_to.postal_code, residential=residential)
