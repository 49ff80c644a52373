"""Opening an order at the packing station: by its tote or its number, or the one a restarted station had open."""

from __future__ import annotations

from app.config.settings import Config
from app.db.models import Order
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import PACKING, PICKED
from app.domain.scans import classify
from app.services.authz import authorize
from app.services.errors import NotFound, Refused
from app.services.order_lookup import order_by_ref
from app.services.order_status import order_subject, set_status
from app.services.packing.views import PACKABLE, PackState, state_of


def pack_state(db: Database, config: Config, order_id: int) -> PackState:
    with db.unit_of_work(readonly=True) as uow:
        order = uow.orders.get(order_id)
        if order is None:
            raise NotFound(f"no order {order_id}")
        return state_of(uow, config, order)


def order_in_hand(db: Database, config: Config, user_id: int) -> PackState | None:
    """The order this packer was last packing, if it is still being packed (a restarted station shows it)."""
    with db.unit_of_work(readonly=True) as uow:
        order_id = uow.shipping_reads.last_packed_order_id(user_id)
        order = uow.orders.get(order_id) if order_id is not None else None
        if order is not None and order.status == PACKING:
            return state_of(uow, config, order)
        return None


def _order_in_tote(uow: UnitOfWork, code: str) -> Order:
    """The order waiting in tote ``code`` on the packing shelf, locked; refused for any other tote."""
    tote = uow.totes.by_code(code)
    if tote is not None and tote.status == "putback":
        gone = uow.orders.get(tote.order_id) if tote.order_id else None
        raise Refused(
            f"tote {code} holds goods of {gone.number if gone else 'a'} cancelled order to put back "
            f"on the shelves (batch {tote.batch_id}): hand it to picking, do not pack it"
        )
    if tote is None or tote.status != "packing" or tote.order_id is None:
        what = "not in use" if tote is None or tote.status == "free" else "still on a picking cart"
        raise Refused(f"tote {code} is {what}; scan a tote from the packing shelf or the order number")
    order = uow.orders.lock(tote.order_id)
    assert order is not None  # a tote's order is never deleted
    return order


def start_packing(db: Database, config: Config, code: str, *, actor: Actor) -> PackState:
    """Open an order at the packing station by scanning its tote or typing/scanning its order number.

    A shipped order is opened too (its labels may be printed again or voided), but the scan is logged as refused:
    there is nothing to pack, and the station says so (``state.status == "shipped"``)."""
    scan = classify(code)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        order = _order_in_tote(uow, scan.code) if scan.kind == "tote" else order_by_ref(uow, code, locked=True)
        if order.status not in PACKABLE and order.status != "shipped":
            raise Refused(f"order {order.number} is {order.status}: only picked orders can be packed")
        if order.status == "shipped":
            # opened for a reprint or a void only: the scan itself is refused
            uow.record(
                actor,
                "pack.refused",
                subject=order_subject(order.id),
                message=f"order {order.number} is shipped",
                scanned=code,
            )
        refuse_if_short_pending(order)
        if order.status == PICKED:
            set_status(uow, order, PACKING, actor, f"packing started at {actor.terminal}")
        state = state_of(uow, config, order)
        uow.commit()
        return state


def refuse_if_short_pending(order: Order) -> None:
    """An order whose short pick waits for a supervisor is not packed: the rest may still have to follow."""
    if order.short_pending:
        lines = order.lines
        short = ", ".join(f"{x.qty_ordered - x.qty_picked} x {x.sku}" for x in lines if x.qty_picked < x.qty_ordered)
        raise Refused(
            f"order {order.number} is short ({short or 'units'}): waiting for a supervisor to approve the short "
            "shipment; put the tote aside"
        )
