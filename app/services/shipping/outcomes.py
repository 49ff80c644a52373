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
    notice: str = ""
    """What the packer must know about the booking (a same-day order that cannot go out today), "" when none."""

    @property
    def all_printed(self) -> bool:
        return all(p.ok for p in self.prints)

    @property
    def summary(self) -> str:
        failed = [p for p in self.prints if not p.ok]
        text = f"Shipped {self.order_number}: {self.service} ({', '.join(self.tracking_numbers)})"
        if self.notice:
            text += f"; {self.notice}"
        if failed:
            text += "; PRINT FAILED: " + "; ".join(f"{p.kind}: {p.detail}" for p in failed) + " (F7 reprints)"
        return text

    @property
    def reprint_summary(self) -> str:
        """After a reprint: which documents printed again, and which failed (with why)."""
        printed = [p for p in self.prints if p.ok]
        failed = [p for p in self.prints if not p.ok]
        names = ", ".join(_document_name(p) for p in printed) or "nothing"
        text = f"Reprinted {self.order_number}: {names} ({', '.join(self.tracking_numbers)})"
        if failed:
            text += "; PRINT FAILED: " + "; ".join(f"{p.kind}: {p.detail}" for p in failed) + " (F7 tries again)"
        return text


def _document_name(outcome: PrintOutcome) -> str:
    return f"{outcome.kind} {outcome.carton}" if outcome.carton is not None else outcome.kind


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
