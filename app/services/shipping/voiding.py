"""Voiding a shipment's labels before the carrier collects: the numbers are retired, the cartons packed again."""

from __future__ import annotations

from app.config.settings import Config
from app.db.models import Carton, CartonItem, Shipment
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import PACKED
from app.services.authz import authorize
from app.services.errors import InvalidInput, Refused
from app.services.floor_state import set_carton, set_shipment
from app.services.order_status import set_status
from app.services.shipping.carriers import carriers_for
from app.services.shipping.outcomes import ShipOutcome, outcome_of, shipment_of


def void_shipment(db: Database, config: Config, shipment_id: int, *, actor: Actor, reason: str) -> ShipOutcome:
    """Cancel the labels before the carrier collects: tracking numbers and SSCCs are retired (never reused),
    the cartons stay packed with the same contents, and the order goes back to ``packed`` to be shipped again."""
    if not reason.strip():
        raise InvalidInput("a void needs a reason")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "shipments.void")
        shipment = shipment_of(uow, shipment_id)
        order = uow.orders.get(shipment.order_id)
        assert order is not None
        if shipment.status != "shipped":  # voided already, too: saying "voided" again would hide that
            raise Refused(f"shipment {shipment_id} is {shipment.status}: nothing to void")
        adapter = carriers_for(config, uow).get(shipment.carrier)
        cartons = uow.cartons.of_shipment(shipment.id, statuses=("labelled",))
        retired = [c.tracking_number for c in cartons if c.tracking_number]
        if adapter is not None:
            for tracking in retired:
                adapter.void(tracking)
        replacement = uow.shipments.add(Shipment(order_id=order.id, status="packing", station=shipment.station))
        uow.flush()
        for carton in cartons:
            set_carton(uow, carton, "voided", actor, f"label voided: {reason}")
            _repack(uow, carton, replacement)
        set_shipment(uow, shipment, "voided", actor, f"labels voided: {reason}")
        message = f"labels voided ({reason}); retired {', '.join(retired)}"
        set_status(uow, order, PACKED, actor, message)
        uow.commit()
        return outcome_of(uow, order, shipment, ())


def _repack(uow: UnitOfWork, carton: Carton, replacement: Shipment) -> None:
    """A packed copy of the voided carton in the replacement shipment: same box, weights and contents."""
    copy = uow.cartons.add(
        Carton(
            shipment_id=replacement.id,
            seq=carton.seq,
            box_code=carton.box_code,
            status="packed",
            expected_weight_kg=carton.expected_weight_kg,
            measured_weight_kg=carton.measured_weight_kg,
            weight_approved_by=carton.weight_approved_by,
            closed_at=carton.closed_at,
        )
    )
    uow.flush()
    for item in uow.cartons.items(carton.id):
        uow.cartons.add_item(CartonItem(carton_id=copy.id, order_line_id=item.order_line_id, qty=item.qty))
