"""A same-day order that cannot go out today: said at the packing station and on the order's timeline.

Rate shopping quietly picks the best service there is; for a same-day order that means a customer promised
today gets it later. The packer must know at once (the parcel may still be rushed to a courier, or the customer
told), and the timeline must say why, so nobody has to reconstruct it from the service code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.db.models import Order
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.rating import Choice, ServiceOption
from app.domain.rating.dates import delivery_date
from app.services.order_status import order_subject

SAME_DAY = "same_day"


def same_day_miss(order: Order, options: Sequence[ServiceOption], choice: Choice, now: datetime) -> str:
    """Why a same-day order will not be delivered today ("" when it will, or the order is not same-day): no
    same-day service to the destination, or the cut-off of every one has passed (or today is not a working day)."""
    if order.service_level != SAME_DAY or choice.delivery_date <= now.date():
        return ""
    same_day = [o for o in options if o.level == SAME_DAY]
    if not same_day:
        why = f"no same-day service delivers to {order.ship_country} {order.ship_postal_code}"
    elif any(delivery_date(now, o.cutoff, o.transit_days) <= now.date() for o in same_day):
        return ""  # one could have made it today: the promised date allowed a slower, cheaper one
    else:
        cutoffs = ", ".join(f"{o.cutoff:%H:%M}" for o in same_day)
        why = f"past the same-day cut-off ({cutoffs}) or not a working day"
    return f"NOT SAME DAY: {why}; goes {choice.service}, arrives {choice.delivery_date.isoformat()}"


def record_same_day_miss(uow: UnitOfWork, actor: Actor, order: Order, notice: str, service: str) -> None:
    """The miss on the order's timeline (``pickpack orders show``), in the booking's transaction."""
    uow.record(actor, "order.same_day_missed", subject=order_subject(order.id), message=notice, service=service)
