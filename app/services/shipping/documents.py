"""A shipment's documents, rendered from the database each time: a label per carton (PDF and ZPL), the packing
slip, and outside the customs area the customs declaration and commercial invoice. A reprint is therefore the same
document, carton for carton."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from app.config.settings import Config
from app.db.models import Carton, Order, OrderLine, Product, Shipment
from app.db.unit_of_work import Database, UnitOfWork
from app.services.errors import NotFound
from app.services.shipping.outcomes import shipment_of
from labels import model as doc

SDR_PER_UNIT = {"EUR": Decimal("0.84"), "USD": Decimal("0.74"), "GBP": Decimal("0.99"), "CHF": Decimal("0.89")}
"""Approximate value of one unit of a currency in IMF special drawing rights: the CN22 limit (300 SDR) is set in
SDR. Rough on purpose; near the limit the form errs to CN23, which customs always accepts."""


@dataclass(frozen=True)
class Document:
    kind: str
    carton: int | None
    name: str
    pdf: bytes
    zpl: str = ""


def ship_from_address(config: Config) -> doc.Address:
    """The warehouse's address (``[shipping] ship_from_*``) as documents print it."""
    s = config.shipping
    return doc.Address(
        name=s.ship_from_name,
        line1=s.ship_from_line1,
        city=s.ship_from_city,
        postal_code=s.ship_from_postal_code,
        country=s.ship_from_country,
        phone=s.ship_from_phone,
    )


def ship_to_address(order: Order) -> doc.Address:
    return doc.Address(
        name=order.ship_name or order.customer_name,
        company=order.ship_company,
        line1=order.ship_line1,
        line2=order.ship_line2,
        city=order.ship_city,
        region=order.ship_region,
        postal_code=order.ship_postal_code,
        country=order.ship_country,
        phone=order.ship_phone,
    )


def carton_weight(carton: Carton) -> Decimal:
    """What the carton weighs: as measured at closing, else as expected."""
    return Decimal(carton.measured_weight_kg or carton.expected_weight_kg)


@dataclass(frozen=True)
class _Shipment:
    """One shipment as its documents see it, read once so that every document shows the same."""

    config: Config
    shipment: Shipment
    order: Order
    cartons: list[Carton]
    """The labelled cartons, in carton order."""
    lines: list[tuple[OrderLine, Product | None]]
    """The order's lines in line order, with their products (None: unknown product)."""
    ship_from: doc.Address
    ship_to: doc.Address
    ship_day: date


def shipment_documents(uow: UnitOfWork, config: Config, shipment: Shipment) -> list[Document]:
    """Every document of a shipment, rendered from the database: labels (PDF and ZPL), slip, customs forms."""
    order = uow.orders.get(shipment.order_id)
    assert order is not None
    shipped = _Shipment(
        config=config,
        shipment=shipment,
        order=order,
        cartons=uow.cartons.of_shipment(shipment.id, statuses=("labelled",)),
        lines=uow.shipping_reads.lines_with_products(order.id),
        ship_from=ship_from_address(config),
        ship_to=ship_to_address(order),
        ship_day=(shipment.shipped_at or datetime.now(UTC)).date(),
    )
    documents = _labels(shipped)
    documents.append(_slip(shipped))
    if order.ship_country not in config.shipping.customs_area:
        documents.extend(_customs_forms(shipped))
    return documents


def _labels(s: _Shipment) -> list[Document]:
    """One shipping label per carton, as PDF and as ZPL (thermal printers)."""
    from labels.shipping_label import render_shipping_label
    from labels.zpl import shipping_label_zpl

    carrier = s.config.carriers.get(s.shipment.carrier)
    service = carrier.services.get(s.shipment.service) if carrier else None
    documents = []
    for n, carton in enumerate(s.cartons, start=1):
        data = doc.ShippingLabelData(
            ship_from=s.ship_from,
            ship_to=s.ship_to,
            carrier_name=carrier.name if carrier and carrier.name else s.shipment.carrier,
            service_name=service.name if service and service.name else s.shipment.service,
            tracking_number=carton.tracking_number or "",
            sscc=carton.sscc or "",
            weight_kg=carton_weight(carton),
            carton_no=n,
            carton_count=len(s.cartons),
            order_number=s.order.number,
            ship_date=s.ship_day,
        )
        documents.append(
            Document(
                "label",
                carton.seq,
                f"shipment-{s.shipment.id}-carton-{carton.seq}-label",
                render_shipping_label(data),
                shipping_label_zpl(data),
            )
        )
    return documents


def _slip(s: _Shipment) -> Document:
    """The packing slip: what was ordered and what is in the parcel, naming every short line."""
    from labels.packing_slip import render_packing_slip

    short = [line for line, _ in s.lines if line.qty_packed < line.qty_ordered]
    note = ", ".join(f"{line.sku}: {line.qty_ordered - line.qty_packed} short" for line in short)
    slip = doc.PackingSlipData(
        order_number=s.order.number,
        order_date=(s.order.placed_at or s.order.received_at).date(),
        ship_to=s.ship_to,
        lines=[
            doc.SlipLine(sku=line.sku, name=line.name, qty_ordered=line.qty_ordered, qty_shipped=line.qty_packed)
            for line, _ in s.lines
        ],
        shipment_note=note,
        return_instructions=s.config.shipping.return_instructions,
        warehouse=s.ship_from,
        page_size=s.config.shipping.slip_page_size,  # type: ignore[arg-type]
    )
    return Document("slip", None, f"shipment-{s.shipment.id}-slip", render_packing_slip(slip))


def _customs_forms(s: _Shipment) -> list[Document]:
    """The customs declaration (CN22 or CN23 by value and item count) and the commercial invoice."""
    from labels.customs import render_commercial_invoice, render_customs_declaration

    items = [
        doc.CustomsItem(
            description=product.name,
            hs_code=product.hs_code,
            origin_country=product.origin_country,
            qty=line.qty_packed,
            unit_value=Decimal(product.unit_value),
            currency=product.currency,
            net_weight_kg=Decimal(product.weight_kg) * line.qty_packed,
        )
        for line, product in s.lines
        if product is not None and line.qty_packed
    ]
    total = sum((i.unit_value * i.qty for i in items), Decimal(0))
    currency = items[0].currency if items else s.order.currency or "EUR"
    gross = sum((carton_weight(c) for c in s.cartons), Decimal(0))
    tracking = s.cartons[0].tracking_number or "" if s.cartons else ""
    invoice_number = f"INV-{s.shipment.id:06d}"
    customs = doc.CustomsData(
        form=doc.choose_customs_form(total * SDR_PER_UNIT.get(currency, Decimal(1)), len(items)),
        sender=s.ship_from,
        recipient=s.ship_to,
        items=items,
        category="sale of goods",
        total_value=total,
        currency=currency,
        gross_weight_kg=gross,
        invoice_number=invoice_number,
        date=s.ship_day,
        tracking_number=tracking,
    )
    invoice = doc.InvoiceData(
        invoice_number=invoice_number,
        invoice_date=s.ship_day,
        order_number=s.order.number,
        seller=s.ship_from,
        buyer=s.ship_to,
        items=items,
        currency=currency,
        gross_weight_kg=gross,
        package_count=len(s.cartons),
        carrier_name=s.shipment.carrier,
        tracking_number=tracking,
    )
    name = f"shipment-{s.shipment.id}"
    return [
        Document("customs", None, f"{name}-customs", render_customs_declaration(customs)),
        Document("invoice", None, f"{name}-invoice", render_commercial_invoice(invoice)),
    ]


def write_documents(
    db: Database, config: Config, shipment_id: int, out_dir: Path, *, kinds: tuple[str, ...] | None = None
) -> list[Path]:
    """Write the documents of a shipment (PDFs and the labels' ZPL) into ``out_dir``: every one, or only those
    of ``kinds`` (``label``, ``slip``, ``customs``, ``invoice``)."""
    with db.unit_of_work(readonly=True) as uow:
        shipment = shipment_of(uow, shipment_id)
        documents = [d for d in shipment_documents(uow, config, shipment) if kinds is None or d.kind in kinds]
    if not documents:
        raise NotFound(f"shipment {shipment_id} has no {' or '.join(kinds or ())} document")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for document in documents:
        path = out_dir / f"{document.name}.pdf"
        path.write_bytes(document.pdf)
        written.append(path)
        if document.zpl:
            zpl_path = out_dir / f"{document.name}.zpl"
            zpl_path.write_text(document.zpl)
            written.append(zpl_path)
    return written
