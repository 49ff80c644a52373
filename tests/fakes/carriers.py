"""A carrier and a printer that never leave the process: the carrier quotes two services and books with numbered
tracking numbers; the printer takes every document (or fails each, with a reason) and remembers what it got."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from app.domain import carriers as carrier_domain
from app.domain.rating.quoting import Quote
from app.services.shipping import booking, printing
from app.services.shipping.documents import Document
from app.services.shipping.outcomes import PrintOutcome

CARRIER = "demo-parcel"
"""The name of the configured carrier (``config.toml``) the fake stands in for: its services' levels apply."""


@dataclass
class FakeCarrier:
    """Quotes ``standard`` and ``express`` to any address; books with tracking numbers FAKE0001, FAKE0002..."""

    name: str = CARRIER
    prices: dict[str, Decimal] = field(
        default_factory=lambda: {"standard": Decimal("4.90"), "express": Decimal("9.90")}
    )
    booked: list[carrier_domain.ShipmentRequest] = field(default_factory=list)
    issued: int = 0

    def _quote(self, service: str) -> Quote:
        return Quote(self.name, service, service.title(), "1", self.prices[service], "EUR", 1.0, None, ())

    def rate(self, request: carrier_domain.RateRequest) -> list[Quote]:
        return sorted((self._quote(s) for s in self.prices), key=lambda q: q.price)

    def create_shipment(self, request: carrier_domain.ShipmentRequest) -> carrier_domain.CreatedShipment:
        self.booked.append(request)
        numbers = []
        for _ in request.cartons:
            self.issued += 1
            numbers.append(f"FAKE{self.issued:04d}")
        labels = tuple(
            carrier_domain.LabelData(
                tracking_number=number,
                carrier_name="Fake Parcel",
                service=request.service,
                service_name=request.service.title(),
                ship_from=request.ship_from,
                ship_to=request.ship_to,
                carton_number=n,
                carton_count=len(request.cartons),
                weight_kg=parcel.weight_kg,
                order_number=request.order_number,
                zone="1",
                routing_code=f"{request.ship_to.country} {request.ship_to.postal_code[:2]}",
                barcode_data=number,
            )
            for n, (number, parcel) in enumerate(zip(numbers, request.cartons, strict=True), start=1)
        )
        return carrier_domain.CreatedShipment(
            self.name, request.service, tuple(numbers), labels, self._quote(request.service)
        )


@dataclass
class FakePrinter:
    """Every document sent to the station's printers: (kind, carton, name); ``failing`` fails them with its reason."""

    printed: list[tuple[str, int | None, str]] = field(default_factory=list)
    failing: str = ""

    def send(self, config: Any, documents: list[Document], **_where: Any) -> list[PrintOutcome]:
        outcomes = []
        for document in documents:
            if not self.failing:
                self.printed.append((document.kind, document.carton, document.name))
            outcomes.append(
                PrintOutcome(document.kind, document.carton, "fake", not self.failing, self.failing or "printed")
            )
        return outcomes


@dataclass
class FakeShipping:
    carrier: FakeCarrier
    printer: FakePrinter


@pytest.fixture
def fake_shipping(monkeypatch: pytest.MonkeyPatch) -> FakeShipping:
    """Booking rates and books with ``FakeCarrier``; printing sends to ``FakePrinter``."""
    fakes = FakeShipping(FakeCarrier(), FakePrinter())
    monkeypatch.setattr(booking, "carriers_for", lambda config, uow: {CARRIER: fakes.carrier})
    monkeypatch.setattr(printing, "_send", fakes.printer.send)
    return fakes
