"""What shipping answers with: the booked service, the tracking numbers and how each document printed."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.models import Order, Shipment
from app.db.unit_of_work import UnitOfWork
from app.services.errors import NotFound


@dataclass(frozen=True)
class PrintOutcome:
    kind: str
    carton: int | None
    printer: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ShipOutcome:
    shipment_id: int
    order_number: str
    carrier: str
    service: str
    tracking_numbers: tuple[str, ...]
    service_reason: str
    prints: tuple[PrintOutcome, ...]

    @property
    def all_printed(self) -> bool:
        return all(p.ok for p in self.prints)

    @property
    def summary(self) -> str:
        failed = [p for p in self.prints if not p.ok]
        text = f"Shipped {self.order_number}: {self.service} ({', '.join(self.tracking_numbers)})"
        if failed:
            text += "; PRINT FAILED: " + "; ".join(f"{p.kind}: {p.detail}" for p in failed) + " (F7 reprints)"
        return text


def outcome_of(uow: UnitOfWork, order: Order, shipment: Shipment, prints: tuple[PrintOutcome, ...]) -> ShipOutcome:
    """The shipment as booked (tracking numbers of its labelled cartons, in carton order) and ``prints``."""
    tracking = uow.cartons.tracking_numbers(shipment.id)
    return ShipOutcome(
        shipment.id,
        order.number,
        shipment.carrier,
        shipment.service,
        tuple(t for t in tracking if t),
        shipment.service_reason,
        prints,
    )


def shipment_of(uow: UnitOfWork, shipment_id: int) -> Shipment:
    shipment = uow.shipments.get(shipment_id)
    if shipment is None:
        raise NotFound(f"no shipment {shipment_id}")
    return shipment
