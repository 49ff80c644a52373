"""Booking a packed order: rate shopping across the carriers, tracking numbers and SSCCs, the order shipped.

``ship_order`` books in one transaction (carrier choice with its reason, one tracking number and one SSCC per
carton from never-reused counters, the order moves to ``shipped`` with its tracking numbers in the timeline) and
only then prints, so a failed print never loses or doubles a shipment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from app.config.settings import Config
from app.db.models import Carton, Order, Shipment
from app.db.unit_of_work import Database, UnitOfWork
from app.domain import carriers as carrier_domain
from app.domain.actor import Actor
from app.domain.cartonization import box_for_scan
from app.domain.orders import PACKED, SHIPPED
from app.domain.rating import Choice, ServiceOption, choose_service
from app.domain.tracking import sscc
from app.services.authz import authorize
from app.services.errors import NotFound, Refused
from app.services.floor_state import set_carton, set_shipment, set_tote
from app.services.order_status import order_subject, set_status
from app.services.packing import box_catalog, refuse_if_short_pending
from app.services.shipping.carriers import carriers_for
from app.services.shipping.outcomes import ShipOutcome, outcome_of
from app.services.shipping.printing import print_shipment
from app.services.shipping.sameday import record_same_day_miss, same_day_miss


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
        order = uow.orders.lock(order_id)
        if order is None:
            raise NotFound(f"no order {order_id}")
        shipment = uow.shipments.current_for_order(order.id)
        if order.status == SHIPPED and shipment is not None:
            return outcome_of(uow, order, shipment, ())
        if order.status != PACKED or shipment is None:
            raise Refused(f"order {order.number} is {order.status}: only packed orders ship")
        refuse_if_short_pending(order)
        cartons = uow.cartons.of_shipment(shipment.id, statuses=("packed",))
        if not cartons:
            raise Refused(f"order {order.number} has no closed carton to ship")
        notice = _book(uow, config, order, shipment, cartons, actor, now)
        uow.commit()
        shipment_id = shipment.id
    return replace(print_shipment(db, config, shipment_id, actor=actor, station=station), notice=notice)


def _parcels(config: Config, cartons: list[Carton]) -> tuple[carrier_domain.Parcel, ...]:
    """The cartons as carriers rate them: the box's outer dimensions and the weight (measured, else expected)."""
    boxes = box_catalog(config)
    return tuple(
        carrier_domain.Parcel(
            *box_for_scan(c.box_code, boxes).outer_dims, float(c.measured_weight_kg or c.expected_weight_kg)
        )
        for c in cartons
    )


def _options(
    config: Config,
    adapters: dict[str, carrier_domain.RateCardCarrier],
    request: carrier_domain.RateRequest,
) -> list[tuple[str, ServiceOption]]:
    """Every configured service of every carrier that quotes for the request, with its carrier's name."""
    options: list[tuple[str, ServiceOption]] = []
    for name, adapter in adapters.items():
        services = config.carriers[name].services
        for q in adapter.rate(request):
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
    return options


def _book(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    shipment: Shipment,
    cartons: list[Carton],
    actor: Actor,
    now: datetime,
) -> str:
    """Rate-shop, book the chosen service with its carrier, label every carton and ship the order; returns what
    the packer must be told about the booking (a same-day order that will not arrive today), or ""."""
    parcels = _parcels(config, cartons)
    ship_from = carrier_domain.Address(config.shipping.ship_from_country, config.shipping.ship_from_postal_code)
    ship_to = carrier_domain.Address(order.ship_country, order.ship_postal_code)
    adapters = carriers_for(config, uow)
    options = _options(config, adapters, carrier_domain.RateRequest(ship_from, ship_to, parcels))
    if not options:
        raise Refused(f"no configured carrier service delivers to {order.ship_country} {order.ship_postal_code}")
    choice = choose_service(
        [o for _, o in options], promised_delivery=order.promised_delivery, ordered_level=order.service_level, now=now
    )
    carrier_name = next(name for name, o in options if o is choice.option)
    ssccs = [
        sscc(
            config.shipping.sscc_extension_digit, config.shipping.gs1_company_prefix, uow.shipments.next_number("sscc")
        )
        for _ in cartons
    ]
    created = adapters[carrier_name].create_shipment(
        carrier_domain.ShipmentRequest(
            choice.service, ship_from, ship_to, parcels, order.number, references=tuple(ssccs)
        )
    )
    for carton, tracking, code in zip(cartons, created.tracking_numbers, ssccs, strict=True):
        carton.tracking_number = tracking
        carton.sscc = code
        set_carton(uow, carton, "labelled", actor, f"{tracking} / SSCC {code}")
    _ship(uow, order, shipment, carrier_name, choice, created.tracking_numbers, actor)
    notice = same_day_miss(order, [o for _, o in options], choice, now)
    if notice:
        record_same_day_miss(uow, actor, order, notice, choice.service)
    return notice


def _ship(
    uow: UnitOfWork,
    order: Order,
    shipment: Shipment,
    carrier_name: str,
    choice: Choice,
    tracking_numbers: tuple[str, ...],
    actor: Actor,
) -> None:
    """Record the booked service on the shipment, ship it and the order, and free the order's totes."""
    shipment.carrier = carrier_name
    shipment.service = choice.service
    shipment.price = choice.option.quote.price
    shipment.currency = choice.option.quote.currency
    shipment.service_reason = choice.reason
    set_shipment(uow, shipment, "shipped", actor, f"{carrier_name} {choice.service}")
    shipment.shipped_at = datetime.now(UTC)
    if choice.upgraded:
        uow.record(
            actor,
            "order.service_upgraded",
            subject=order_subject(order.id),
            message=choice.reason,
            service=choice.service,
        )
    reason = f"{carrier_name} {choice.service}: {', '.join(tracking_numbers)}"
    set_status(uow, order, SHIPPED, actor, reason)
    for tote in uow.shipping_reads.totes_at_packing(order.id):
        set_tote(uow, tote, "free", actor, f"order {order.number} shipped")
