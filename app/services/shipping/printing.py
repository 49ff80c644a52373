"""Printing a shipment's documents at a packing station, recording every attempt so a failed print can be retried.

Printing happens outside any transaction (a printer may take seconds to answer); the outcome of each document is
recorded afterwards, and a failed one is logged on the order's timeline with its reason.
"""

from __future__ import annotations

from app.config.settings import Config
from app.db.models import Order, PrintJobRecord
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.printing import PDF, ZPL, Printer, PrintJob, try_print
from app.printing.registry import build_printers, printers_for_station
from app.services.authz import authorize
from app.services.errors import InvalidInput, Refused
from app.services.order_status import order_subject
from app.services.shipping.documents import Document, shipment_documents
from app.services.shipping.outcomes import PrintOutcome, ShipOutcome, outcome_of, shipment_of


def print_shipment(
    db: Database,
    config: Config,
    shipment_id: int,
    *,
    actor: Actor,
    station: str,
    kinds: tuple[str, ...] | None = None,
    printer_name: str | None = None,
    again: bool = False,
) -> ShipOutcome:
    """Print the shipment's documents (all, or only ``kinds``) at ``station`` or on ``printer_name``, and record
    how each one went; ``again`` (a reprint) also puts a ``shipment.reprinted`` event on the order's timeline, so
    a second label in circulation can be traced to who printed it, where."""
    with db.unit_of_work(readonly=True) as uow:
        shipment = shipment_of(uow, shipment_id)
        documents = shipment_documents(uow, config, shipment)
    outcomes = _send(config, documents, station=station, kinds=kinds, printer_name=printer_name)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "shipments.print")
        shipment = uow.shipments.get(shipment_id)
        assert shipment is not None
        order = uow.orders.get(shipment.order_id)
        assert order is not None
        for outcome in outcomes:
            _record(uow, actor, order, shipment_id, outcome)
        if again:
            _record_reprint(uow, actor, order, shipment_id, outcomes)
        uow.commit()
        return outcome_of(uow, order, shipment, tuple(outcomes))


def _send(
    config: Config,
    documents: list[Document],
    *,
    station: str,
    kinds: tuple[str, ...] | None,
    printer_name: str | None,
) -> list[PrintOutcome]:
    """Send each document to its printer (the station's label or document printer, or ``printer_name``)."""
    printers = build_printers(config)
    if printer_name is not None and printer_name not in printers:
        raise InvalidInput(f"no printer {printer_name!r} in config.toml ({', '.join(printers) or 'none'})")
    station_printers = None if printer_name else printers_for_station(config, station, printers)
    outcomes: list[PrintOutcome] = []
    for document in documents:
        if kinds and document.kind not in kinds:
            continue
        printer: Printer | None
        if printer_name:
            printer = printers[printer_name]
        else:
            assert station_printers is not None
            printer = station_printers.for_kind(document.kind)
        if printer is None:
            detail = f"station {station} has no printer for {document.kind}"
            outcomes.append(PrintOutcome(document.kind, document.carton, "", False, detail))
            continue
        result = try_print(printer, _job(document, printer))
        outcomes.append(PrintOutcome(document.kind, document.carton, printer.name, result.ok, result.detail))
    return outcomes


def _job(document: Document, printer: Printer) -> PrintJob:
    if document.kind == "label" and getattr(printer, "content_type", PDF) == ZPL:  # thermal printers take ZPL
        return PrintJob(document.kind, document.name, document.zpl.encode("utf-8"), ZPL)
    return PrintJob(document.kind, document.name, document.pdf, PDF)


def _record(uow: UnitOfWork, actor: Actor, order: Order, shipment_id: int, outcome: PrintOutcome) -> None:
    """Count the attempt on the document's print record; a failure also goes on the order's timeline."""
    carton_id = None
    if outcome.carton is not None:
        carton_id = uow.cartons.labelled_id(shipment_id, outcome.carton)
    record = uow.shipments.print_record(shipment_id, outcome.kind, carton_id)
    if record is None:
        record = uow.shipments.add_print_record(
            PrintJobRecord(shipment_id=shipment_id, carton_id=carton_id, kind=outcome.kind, attempts=0)
        )
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


def _record_reprint(
    uow: UnitOfWork, actor: Actor, order: Order, shipment_id: int, outcomes: list[PrintOutcome]
) -> None:
    printed = [f"{o.kind} {o.carton}" if o.carton is not None else o.kind for o in outcomes if o.ok]
    failed = [o.kind for o in outcomes if not o.ok]
    message = f"reprinted {', '.join(printed) or 'nothing'} at {actor.terminal}"
    if failed:
        message += f"; failed: {', '.join(failed)}"
    uow.record(
        actor,
        "shipment.reprinted",
        subject=order_subject(order.id),
        message=message,
        shipment=shipment_id,
        printed=printed,
        failed=failed,
    )


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
        shipment = shipment_of(uow, shipment_id)
        if shipment.status != "shipped":
            raise Refused(f"shipment {shipment_id} is {shipment.status}: nothing to reprint")
    return print_shipment(
        db, config, shipment_id, actor=actor, station=station, kinds=kinds, printer_name=printer_name, again=True
    )
