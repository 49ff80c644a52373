"""Shipments as the office lists them, the carriers' end-of-day manifests, and an order's shipment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.config.settings import Config
from app.db.unit_of_work import Database
from app.services.errors import InvalidInput, NotFound
from app.services.order_lookup import order_by_ref
from app.services.shipping.documents import carton_weight, ship_from_address
from labels import model as doc


@dataclass(frozen=True)
class ShipmentLine:
    id: int
    order: str
    carrier: str
    service: str
    status: str
    tracking_numbers: tuple[str, ...]
    sscc: tuple[str, ...]
    price: Decimal | None
    currency: str
    reason: str
    failed_prints: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "order": self.order,
            "carrier": self.carrier,
            "service": self.service,
            "status": self.status,
            "tracking_numbers": list(self.tracking_numbers),
            "sscc": list(self.sscc),
            "price": str(self.price) if self.price is not None else None,
            "currency": self.currency or None,
            "service_reason": self.reason,
            "failed_prints": list(self.failed_prints),
        }


def list_shipments(db: Database, *, order_ref: str | None = None) -> list[ShipmentLine]:
    """Every shipment (or one order's), with the numbers of its labelled cartons (a voided one: the retired
    numbers) and the documents whose last print failed."""
    with db.unit_of_work(readonly=True) as uow:
        order_id = order_by_ref(uow, order_ref).id if order_ref else None
        result = []
        for shipment, number in uow.shipping_reads.shipments_with_order_numbers(order_id):
            statuses = ("labelled",) if shipment.status == "shipped" else ("voided",)
            cartons = uow.cartons.of_shipment(shipment.id, statuses=statuses)
            failed = tuple(f"{kind}: {detail}" for kind, detail in uow.shipments.failed_prints(shipment.id))
            result.append(
                ShipmentLine(
                    shipment.id,
                    number,
                    shipment.carrier,
                    shipment.service,
                    shipment.status,
                    tuple(c.tracking_number for c in cartons if c.tracking_number),
                    tuple(c.sscc for c in cartons if c.sscc),
                    shipment.price,
                    shipment.currency,
                    shipment.service_reason,
                    failed,
                )
            )
        return result


def manifest(db: Database, config: Config, carrier: str, day: date) -> bytes:
    """End-of-day manifest of a carrier's shipments (PDF)."""
    from labels.manifest import render_manifest

    if carrier not in config.carriers:
        raise InvalidInput(f"no carrier {carrier!r} in config.toml ({', '.join(config.carriers)})")
    lines = []
    with db.unit_of_work(readonly=True) as uow:
        for shipment, order in uow.shipping_reads.shipped_with_orders(carrier):
            if shipment.shipped_at is None or shipment.shipped_at.date() != day:
                continue
            for carton in uow.cartons.of_shipment(shipment.id, statuses=("labelled",)):
                lines.append(
                    doc.ManifestLine(
                        tracking_number=carton.tracking_number or "",
                        sscc=carton.sscc or "",
                        order_number=order.number,
                        recipient_name=order.ship_name or order.customer_name or order.number,
                        postal_code=order.ship_postal_code,
                        country=order.ship_country,
                        weight_kg=carton_weight(carton),
                        service_name=shipment.service,
                    )
                )
    data = doc.ManifestData(
        manifest_id=f"{carrier}-{day:%Y%m%d}",
        carrier_name=config.carriers[carrier].name or carrier,
        account=config.carriers[carrier].account,
        date=day,
        lines=lines,
        warehouse=ship_from_address(config),
    )
    return render_manifest(data)


def find_shipment_for_order(db: Database, ref: str) -> int:
    """The id of the order's newest shipped shipment."""
    with db.unit_of_work(readonly=True) as uow:
        order = order_by_ref(uow, ref)
        shipment_id = uow.shipments.latest_shipped_id(order.id)
        if shipment_id is None:
            raise NotFound(f"order {order.number} has no shipped shipment")
        return shipment_id
