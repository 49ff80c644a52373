"""Shipping a packed order: rate shopping, tracking numbers and SSCCs, documents, printing, reprint and void.

``ship_order`` books the shipment in one transaction (carrier choice with its reason, one tracking number and
one SSCC per carton from never-reused counters, the order moves to ``shipped`` with its tracking numbers in the
timeline) and only then prints. A failed print is recorded with its reason and can be retried with ``reprint``;
the shipment itself is never lost or booked twice. Documents are rendered from the database each time, so a
reprint is the same document, carton for carton.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import Config
from app.db.base import utcnow
from app.db.models import Carton, CartonItem, Counter, Order, OrderLine, PrintJobRecord, Product, Shipment, Tote
from app.db.unit_of_work import Database, UnitOfWork
from app.domain import carriers as carrier_domain
from app.domain.actor import Actor
from app.domain.cartonization import box_for_scan
from app.domain.orders import PACKED, SHIPPED
from app.domain.rating import RateCard, ServiceOption, choose_service, load_rate_card
from app.domain.tracking import sscc
from app.printing import PDF, ZPL, PrintJob, try_print
from app.printing.registry import build_printers, printers_for_station
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused
from app.services.floor_state import set_carton, set_shipment, set_tote
from app.services.order_support import find_order, order_subject, set_status
from app.services.packing import box_catalog, refuse_if_short_pending
from labels import model as doc

SDR_PER_UNIT = {"EUR": Decimal("0.84"), "USD": Decimal("0.74"), "GBP": Decimal("0.99"), "CHF": Decimal("0.89")}
"""Approximate value of one unit of a currency in IMF special drawing rights: the CN22 limit (300 SDR) is set in
SDR. Rough on purpose; near the limit the form errs to CN23, which customs always accepts."""

# --- carriers ---------------------------------------------------------------------------------------


@cache
def _rate_card(path: str, mtime: float) -> RateCard:
    with open(path, "rb") as fh:
        return load_rate_card(tomllib.load(fh), path)


def next_value(session: Session, name: str) -> int:
    """The next number of a named counter, inside the caller's transaction (row-locked on PostgreSQL)."""
    value = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if value is None:
        session.add(Counter(name=name, value=1))
        session.flush()
        return 1
    return int(value)


def _carriers(config: Config, session: Session) -> dict[str, carrier_domain.RateCardCarrier]:
    built = {}
    for name, carrier in config.carriers.items():
        if not carrier.rate_card:
            continue
        path = config.resolve(carrier.rate_card)
        try:
            card = _rate_card(str(path), path.stat().st_mtime)
        except FileNotFoundError:
            raise InvalidInput(f"carriers.{name}.rate_card: file not found: {path}") from None
        built[name] = carrier_domain.RateCardCarrier(
            name=name,
            card=card,
            account=carrier.account,
            next_sequence=lambda n=name: next_value(session, f"tracking:{n}"),
            display_name=carrier.name or name,
        )
    if not built:
        raise InvalidInput("no carrier with a rate card is configured ([carriers.NAME] rate_card)")
    return built


def _ship_from(config: Config) -> doc.Address:
    s = config.shipping
    return doc.Address(
        name=s.ship_from_name,
        line1=s.ship_from_line1,
        city=s.ship_from_city,
        postal_code=s.ship_from_postal_code,
        country=s.ship_from_country,
        phone=s.ship_from_phone,
    )


def _ship_to(order: Order) -> doc.Address:
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


# --- booking ----------------------------------------------------------------------------------------


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


def ship_order(
    db: Database, config: Config, order_id: int, *, actor: Actor, station: str, now: datetime | None = None
) -> ShipOutcome:
    """Book the packed order's cartons with the best carrier service and print its documents.

    Calling it again for an order that is already shipped books nothing and prints nothing: it returns what
    was booked (use ``reprint`` to print again).
    """
    now = now or datetime.now(UTC)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "shipments.book")
        session = uow.session
        order = session.get(Order, order_id, with_for_update=db.dialect == "postgresql")
        if order is None:
            raise NotFound(f"no order {order_id}")
        shipment = session.scalar(
            select(Shipment)
            .where(Shipment.order_id == order.id, Shipment.status != "voided")
            .order_by(Shipment.id.desc())
        )
        if order.status == SHIPPED and shipment is not None:
            return _outcome(session, order, shipment, ())
        if order.status != PACKED or shipment is None:
            raise Refused(f"order {order.number} is {order.status}: only packed orders ship")
        refuse_if_short_pending(order)
        cartons = list(
            session.scalars(
                select(Carton).where(Carton.shipment_id == shipment.id, Carton.status == "packed").order_by(Carton.seq)
            )
        )
        if not cartons:
            raise Refused(f"order {order.number} has no closed carton to ship")
        _book(uow, config, order, shipment, cartons, actor, now)
        uow.commit()
        shipment_id = shipment.id
    return _print_shipment(db, config, shipment_id, actor=actor, station=station)


def _book(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    shipment: Shipment,
    cartons: list[Carton],
    actor: Actor,
    now: datetime,
) -> None:
    session = uow.session
    boxes = box_catalog(config)
    parcels = tuple(
        carrier_domain.Parcel(
            *box_for_scan(c.box_code, boxes).outer_dims, float(c.measured_weight_kg or c.expected_weight_kg)
        )
        for c in cartons
    )
    ship_from = carrier_domain.Address(config.shipping.ship_from_country, config.shipping.ship_from_postal_code)
    ship_to = carrier_domain.Address(order.ship_country, order.ship_postal_code)
    adapters = _carriers(config, session)
    options: list[tuple[str, ServiceOption]] = []
    for name, adapter in adapters.items():
        services = config.carriers[name].services
        for q in adapter.rate(carrier_domain.RateRequest(ship_from, ship_to, parcels)):
            service = services.get(q.service)
            if service is None:
                continue
            options.append(
                (
                    name,
                    ServiceOption.from_quote(
                        q,
                        level=service.level,
                        cutoff=time.fromisoformat(service.cutoff),
                        default_transit_days=service.transit_days,
                    ),
                )
            )
    if not options:
        raise Refused(f"no configured carrier service delivers to {order.ship_country} {order.ship_postal_code}")
    choice = choose_service(
        [o for _, o in options], promised_delivery=order.promised_delivery, ordered_level=order.service_level, now=now
    )
    carrier_name = next(name for name, o in options if o is choice.option)
    adapter = adapters[carrier_name]
    ssccs = [
        sscc(config.shipping.sscc_extension_digit, config.shipping.gs1_company_prefix, next_value(session, "sscc"))
        for _ in cartons
    ]
    created = adapter.create_shipment(
        carrier_domain.ShipmentRequest(
            choice.service, ship_from, ship_to, parcels, order.number, references=tuple(ssccs)
        )
    )
    for carton, tracking, code in zip(cartons, created.tracking_numbers, ssccs, strict=True):
        carton.tracking_number = tracking
        carton.sscc = code
        set_carton(uow, carton, "labelled", actor, f"{tracking} / SSCC {code}")
    shipment.carrier = carrier_name
    shipment.service = choice.service
    shipment.price = choice.option.quote.price
    shipment.currency = choice.option.quote.currency
    shipment.service_reason = choice.reason
    set_shipment(uow, shipment, "shipped", actor, f"{carrier_name} {choice.service}")
    shipment.shipped_at = utcnow()
    if choice.upgraded:
        uow.record(
            actor,
            "order.service_upgraded",
            subject=order_subject(order.id),
            message=choice.reason,
            service=choice.service,
        )
    reason = f"{carrier_name} {choice.service}: {', '.join(created.tracking_numbers)}"
    set_status(uow, order, SHIPPED, actor, reason)
    for tote in session.scalars(select(Tote).where(Tote.order_id == order.id, Tote.status == "packing")):
        set_tote(uow, tote, "free", actor, f"order {order.number} shipped")


def _outcome(session: Session, order: Order, shipment: Shipment, prints: tuple[PrintOutcome, ...]) -> ShipOutcome:
    tracking = tuple(
        session.scalars(
            select(Carton.tracking_number)
            .where(Carton.shipment_id == shipment.id, Carton.status == "labelled")
            .order_by(Carton.seq)
        )
    )
    return ShipOutcome(
        shipment.id,
        order.number,
        shipment.carrier,
        shipment.service,
        tuple(t for t in tracking if t),
        shipment.service_reason,
        prints,
    )


# --- documents --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    kind: str
    carton: int | None
    name: str
    pdf: bytes
    zpl: str = ""


def shipment_documents(session: Session, config: Config, shipment: Shipment) -> list[Document]:
    """Every document of a shipment, rendered from the database: labels (PDF and ZPL), slip, customs forms."""
    from labels.customs import render_commercial_invoice, render_customs_declaration
    from labels.packing_slip import render_packing_slip
    from labels.shipping_label import render_shipping_label
    from labels.zpl import shipping_label_zpl

    order = session.get(Order, shipment.order_id)
    assert order is not None
    cartons = list(
        session.scalars(
            select(Carton).where(Carton.shipment_id == shipment.id, Carton.status == "labelled").order_by(Carton.seq)
        )
    )
    carrier = config.carriers.get(shipment.carrier)
    service = carrier.services.get(shipment.service) if carrier else None
    ship_from, ship_to = _ship_from(config), _ship_to(order)
    ship_day = (shipment.shipped_at or utcnow()).date()
    documents = []
    for n, carton in enumerate(cartons, start=1):
        data = doc.ShippingLabelData(
            ship_from=ship_from,
            ship_to=ship_to,
            carrier_name=carrier.name if carrier and carrier.name else shipment.carrier,
            service_name=service.name if service and service.name else shipment.service,
            tracking_number=carton.tracking_number or "",
            sscc=carton.sscc or "",
            weight_kg=Decimal(carton.measured_weight_kg or carton.expected_weight_kg),
            carton_no=n,
            carton_count=len(cartons),
            order_number=order.number,
            ship_date=ship_day,
        )
        documents.append(
            Document(
                "label",
                carton.seq,
                f"shipment-{shipment.id}-carton-{carton.seq}-label",
                render_shipping_label(data),
                shipping_label_zpl(data),
            )
        )
    lines = session.execute(
        select(OrderLine, Product)
        .outerjoin(Product, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.line_no)
    ).all()
    short = [line for line, _ in lines if line.qty_packed < line.qty_ordered]
    note = ", ".join(f"{line.sku}: {line.qty_ordered - line.qty_packed} short" for line in short)
    slip = doc.PackingSlipData(
        order_number=order.number,
        order_date=(order.placed_at or order.received_at).date(),
        ship_to=ship_to,
        lines=[
            doc.SlipLine(sku=line.sku, name=line.name, qty_ordered=line.qty_ordered, qty_shipped=line.qty_packed)
            for line, _ in lines
        ],
        shipment_note=note,
        return_instructions=config.shipping.return_instructions,
        warehouse=ship_from,
        page_size=config.shipping.slip_page_size,  # type: ignore[arg-type]
    )
    documents.append(Document("slip", None, f"shipment-{shipment.id}-slip", render_packing_slip(slip)))
    if order.ship_country not in config.shipping.customs_area:
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
            for line, product in lines
            if product is not None and line.qty_packed
        ]
        total = sum((i.unit_value * i.qty for i in items), Decimal(0))
        currency = items[0].currency if items else order.currency or "EUR"
        gross = sum((Decimal(c.measured_weight_kg or c.expected_weight_kg) for c in cartons), Decimal(0))
        tracking = cartons[0].tracking_number or "" if cartons else ""
        customs = doc.CustomsData(
            form=doc.choose_customs_form(total * SDR_PER_UNIT.get(currency, Decimal(1)), len(items)),
            sender=ship_from,
            recipient=ship_to,
            items=items,
            category="sale of goods",
            total_value=total,
            currency=currency,
            gross_weight_kg=gross,
            invoice_number=f"INV-{shipment.id:06d}",
            date=ship_day,
            tracking_number=tracking,
        )
        invoice = doc.InvoiceData(
            invoice_number=f"INV-{shipment.id:06d}",
            invoice_date=ship_day,
            order_number=order.number,
            seller=ship_from,
            buyer=ship_to,
            items=items,
            currency=currency,
            gross_weight_kg=gross,
            package_count=len(cartons),
            carrier_name=shipment.carrier,
            tracking_number=tracking,
        )
        documents.append(
            Document("customs", None, f"shipment-{shipment.id}-customs", render_customs_declaration(customs))
        )
        documents.append(
            Document("invoice", None, f"shipment-{shipment.id}-invoice", render_commercial_invoice(invoice))
        )
    return documents


def _shipment(session: Session, shipment_id: int) -> Shipment:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound(f"no shipment {shipment_id}")
    return shipment


def _print_shipment(
    db: Database,
    config: Config,
    shipment_id: int,
    *,
    actor: Actor,
    station: str,
    kinds: tuple[str, ...] | None = None,
    printer_name: str | None = None,
) -> ShipOutcome:
    with db.unit_of_work(readonly=True) as uow:
        shipment = _shipment(uow.session, shipment_id)
        documents = shipment_documents(uow.session, config, shipment)
    printers = build_printers(config)
    if printer_name is not None and printer_name not in printers:
        raise InvalidInput(f"no printer {printer_name!r} in config.toml ({', '.join(printers) or 'none'})")
    station_printers = None if printer_name else printers_for_station(config, station, printers)
    outcomes: list[PrintOutcome] = []
    for document in documents:
        if kinds and document.kind not in kinds:
            continue
        if printer_name:
            printer = printers[printer_name]
        else:
            assert station_printers is not None
            printer = station_printers.for_kind(document.kind)
        if printer is None:
            outcomes.append(
                PrintOutcome(
                    document.kind, document.carton, "", False, f"station {station} has no printer for {document.kind}"
                )
            )
            continue
        if document.kind == "label" and getattr(printer, "content_type", PDF) == ZPL:  # thermal printers take ZPL
            job = PrintJob(document.kind, document.name, document.zpl.encode("utf-8"), ZPL)
        else:
            job = PrintJob(document.kind, document.name, document.pdf, PDF)
        result = try_print(printer, job)
        outcomes.append(PrintOutcome(document.kind, document.carton, printer.name, result.ok, result.detail))
    with db.unit_of_work() as uow:
        authorize(uow, actor, "shipments.print")
        shipment = uow.session.get(Shipment, shipment_id)
        assert shipment is not None
        order = uow.session.get(Order, shipment.order_id)
        assert order is not None
        for outcome in outcomes:
            carton_id = None
            if outcome.carton is not None:
                carton_id = uow.session.scalar(
                    select(Carton.id).where(
                        Carton.shipment_id == shipment_id, Carton.seq == outcome.carton, Carton.status == "labelled"
                    )
                )
            record = uow.session.scalar(
                select(PrintJobRecord).where(
                    PrintJobRecord.shipment_id == shipment_id,
                    PrintJobRecord.kind == outcome.kind,
                    PrintJobRecord.carton_id.is_(carton_id)
                    if carton_id is None
                    else PrintJobRecord.carton_id == carton_id,
                )
            )
            if record is None:
                record = PrintJobRecord(shipment_id=shipment_id, carton_id=carton_id, kind=outcome.kind, attempts=0)
                uow.session.add(record)
            record.attempts = (record.attempts or 0) + 1
            record.printer = outcome.printer
            record.status = "printed" if outcome.ok else "failed"
            record.detail = outcome.detail
            if not outcome.ok:
                uow.record(
                    actor,
                    "print.failed",
                    subject=order_subject(order.id),
                    message=outcome.detail,
                    document=outcome.kind,
                    printer=outcome.printer,
                )
        uow.commit()
        return _outcome(uow.session, order, shipment, tuple(outcomes))


def reprint(
    db: Database,
    config: Config,
    shipment_id: int,
    *,
    actor: Actor,
    station: str,
    kinds: tuple[str, ...] | None = None,
    printer_name: str | None = None,
) -> ShipOutcome:
    """Print a shipment's documents again (all, or only ``kinds``): the same documents, nothing booked."""
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "shipments.print")  # before anything is printed: paper cannot be rolled back
        shipment = _shipment(uow.session, shipment_id)
        if shipment.status != "shipped":
            raise Refused(f"shipment {shipment_id} is {shipment.status}: nothing to reprint")
    return _print_shipment(
        db, config, shipment_id, actor=actor, station=station, kinds=kinds, printer_name=printer_name
    )


def write_documents(db: Database, config: Config, shipment_id: int, out_dir: Path) -> list[Path]:
    """Write every document of a shipment (PDFs and the labels' ZPL) into ``out_dir``."""
    with db.unit_of_work(readonly=True) as uow:
        shipment = _shipment(uow.session, shipment_id)
        documents = shipment_documents(uow.session, config, shipment)
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


# --- voiding ----------------------------------------------------------------------------------------


def void_shipment(db: Database, config: Config, shipment_id: int, *, actor: Actor, reason: str) -> ShipOutcome:
    """Cancel the labels before the carrier collects: tracking numbers and SSCCs are retired (never reused),
    the cartons stay packed with the same contents, and the order goes back to ``packed`` to be shipped again."""
    if not reason.strip():
        raise InvalidInput("a void needs a reason")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "shipments.void")
        session = uow.session
        shipment = _shipment(session, shipment_id)
        order = session.get(Order, shipment.order_id)
        assert order is not None
        if shipment.status == "voided":
            return _outcome(session, order, shipment, ())
        if shipment.status != "shipped":
            raise Refused(f"shipment {shipment_id} is {shipment.status}: nothing to void")
        adapter = _carriers(config, session).get(shipment.carrier)
        cartons = list(
            session.scalars(select(Carton).where(Carton.shipment_id == shipment.id, Carton.status == "labelled"))
        )
        retired = [c.tracking_number for c in cartons if c.tracking_number]
        if adapter is not None:
            for tracking in retired:
                adapter.void(tracking)
        replacement = Shipment(order_id=order.id, status="packing", station=shipment.station)
        session.add(replacement)
        session.flush()
        for carton in cartons:
            set_carton(uow, carton, "voided", actor, f"label voided: {reason}")
            copy = Carton(
                shipment_id=replacement.id,
                seq=carton.seq,
                box_code=carton.box_code,
                status="packed",
                expected_weight_kg=carton.expected_weight_kg,
                measured_weight_kg=carton.measured_weight_kg,
                weight_approved_by=carton.weight_approved_by,
                closed_at=carton.closed_at,
            )
            session.add(copy)
            session.flush()
            for item in session.scalars(select(CartonItem).where(CartonItem.carton_id == carton.id)):
                session.add(CartonItem(carton_id=copy.id, order_line_id=item.order_line_id, qty=item.qty))
        set_shipment(uow, shipment, "voided", actor, f"labels voided: {reason}")
        message = f"labels voided ({reason}); retired {', '.join(retired)}"
        set_status(uow, order, PACKED, actor, message)
        uow.commit()
        return _outcome(session, order, shipment, ())


# --- listings ---------------------------------------------------------------------------------------


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
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        query = select(Shipment, Order.number).join(Order, Shipment.order_id == Order.id).order_by(Shipment.id)
        if order_ref:
            order = find_order(session, order_ref)
            query = query.where(Shipment.order_id == order.id)
        result = []
        for shipment, number in session.execute(query):
            statuses = ("labelled",) if shipment.status == "shipped" else ("voided",)
            cartons = session.scalars(
                select(Carton)
                .where(Carton.shipment_id == shipment.id, Carton.status.in_(statuses))
                .order_by(Carton.seq)
            ).all()
            failed = tuple(
                f"{kind}: {detail}"
                for kind, detail in session.execute(
                    select(PrintJobRecord.kind, PrintJobRecord.detail).where(
                        PrintJobRecord.shipment_id == shipment.id, PrintJobRecord.status == "failed"
                    )
                )
            )
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
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(
            select(Shipment, Order)
            .join(Order, Shipment.order_id == Order.id)
            .where(Shipment.carrier == carrier, Shipment.status == "shipped")
            .order_by(Shipment.id)
        ).all()
        lines = []
        for shipment, order in rows:
            if shipment.shipped_at is None or shipment.shipped_at.date() != day:
                continue
            for carton in uow.session.scalars(
                select(Carton)
                .where(Carton.shipment_id == shipment.id, Carton.status == "labelled")
                .order_by(Carton.seq)
            ):
                lines.append(
                    doc.ManifestLine(
                        tracking_number=carton.tracking_number or "",
                        sscc=carton.sscc or "",
                        order_number=order.number,
                        recipient_name=order.ship_name or order.customer_name or order.number,
                        postal_code=order.ship_postal_code,
                        country=order.ship_country,
                        weight_kg=Decimal(carton.measured_weight_kg or carton.expected_weight_kg),
                        service_name=shipment.service,
                    )
                )
    data = doc.ManifestData(
        manifest_id=f"{carrier}-{day:%Y%m%d}",
        carrier_name=config.carriers[carrier].name or carrier,
        account=config.carriers[carrier].account,
        date=day,
        lines=lines,
        warehouse=_ship_from(config),
    )
    return render_manifest(data)


def find_shipment_for_order(db: Database, ref: str) -> int:
    with db.unit_of_work(readonly=True) as uow:
        order = find_order(uow.session, ref)
        shipment_id = uow.session.scalar(
            select(Shipment.id)
            .where(Shipment.order_id == order.id, Shipment.status == "shipped")
            .order_by(Shipment.id.desc())
        )
        if shipment_id is None:
            raise NotFound(f"order {order.number} has no shipped shipment")
        return shipment_id
