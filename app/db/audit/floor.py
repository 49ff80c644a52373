"""Audit checks of the picking floor: an order in one open batch, a stop per allocation and put-back, no
over-pick, no open stop for a closed order, totes that belong to an open order, one open batch per picker.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from app.db.audit.common import (
    BATCH_PICKING,
    DEFAULT_LIMIT,
    NOT_RELEASED_OR_CLOSED,
    OPEN_PUTBACK,
    OPEN_TASK,
    PICK_KIND,
    TOTE_PUTBACK,
    Found,
    first_rows,
    gather_ids,
    with_id_lists,
)
from app.db.models import (
    Allocation,
    Batch,
    BatchSlot,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    PutbackTask,
    Stock,
    Tote,
    User,
)
from app.domain.orders import FINAL
from app.domain.states import OPEN_BATCH, TOTE_IN_USE

# --- batches, stops, put-backs, totes --------------------------------------------------------------------------


def order_in_one_open_batch(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Orders that sit in more than one open batch, by a cart slot or by an open pick stop.

    The cart loads of an order too big for one cart (``batches.split_of`` = that order) are one batch each by
    design: together they count as one, so such an order is reported only when another batch holds it too."""

    def own_split(order_id: Any) -> ColumnElement[int]:
        return case((Batch.split_of == order_id, 1), else_=0)

    by_slot = (
        select(
            BatchSlot.order_id.label("order_id"),
            BatchSlot.batch_id.label("batch_id"),
            own_split(BatchSlot.order_id).label("split"),
        )
        .join(Batch, Batch.id == BatchSlot.batch_id)
        .where(Batch.status.in_(OPEN_BATCH), BatchSlot.order_id.is_not(None))
    )
    by_stop = (
        select(
            PickTask.order_id.label("order_id"),
            PickTask.batch_id.label("batch_id"),
            own_split(PickTask.order_id).label("split"),
        )
        .join(Batch, Batch.id == PickTask.batch_id)
        .where(
            Batch.status.in_(OPEN_BATCH),
            PickTask.kind == PICK_KIND,
            PickTask.status.in_(OPEN_TASK),
            PickTask.order_id.is_not(None),
        )
    )
    pairs = union_all(by_slot, by_stop).subquery()
    distinct_pairs = select(pairs.c.order_id, pairs.c.batch_id, pairs.c.split).distinct().subquery()
    other_batches = func.count(
        func.distinct(case((distinct_pairs.c.split == 1, null()), else_=distinct_pairs.c.batch_id))
    )
    carts = other_batches + func.max(distinct_pairs.c.split)
    grouped = (
        select(distinct_pairs.c.order_id, gather_ids(distinct_pairs.c.batch_id).label("batches"))
        .group_by(distinct_pairs.c.order_id)
        .having(carts > 1)
        .subquery()
    )
    stmt = select(
        Order.number.label("order"),
        Order.id.label("order_id"),
        Order.status.label("status"),
        grouped.c.batches,
    ).join(grouped, grouped.c.order_id == Order.id)
    return with_id_lists(first_rows(session, stmt, limit, ("order_id",)), "batches")


def _open_stops_sharing(column: Any) -> Any:
    """Keys (allocation or put-back ids) that more than one open stop points at, with those stops and batches."""
    return (
        select(
            column.label("key"),
            gather_ids(PickTask.id).label("stops"),
            gather_ids(PickTask.batch_id).label("batches"),
        )
        .where(PickTask.status.in_(OPEN_TASK), column.is_not(None))
        .group_by(column)
        .having(func.count() > 1)
        .subquery()
    )


def allocation_in_one_open_task(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Allocations that more than one open stop would pick (the units would leave the shelf twice)."""
    shared = _open_stops_sharing(PickTask.allocation_id)
    stmt = (
        select(
            Allocation.id.label("allocation"),
            Order.number.label("order"),
            Order.id.label("order_id"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            Stock.lot.label("lot"),
            shared.c.stops,
            shared.c.batches,
        )
        .join(shared, shared.c.key == Allocation.id)
        .join(OrderLine, OrderLine.id == Allocation.order_line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Stock, Stock.id == Allocation.stock_id)
        .join(Location, Location.id == Stock.location_id)
        .join(Product, Product.id == Stock.product_id)
    )
    return with_id_lists(first_rows(session, stmt, limit, ("allocation",)), "stops", "batches")


def putback_in_one_open_task(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Put-backs that more than one open stop would shelve (the units would be booked back twice)."""
    shared = _open_stops_sharing(PickTask.putback_id)
    stmt = (
        select(
            PutbackTask.id.label("putback"),
            Order.number.label("order"),
            Order.id.label("order_id"),
            Location.code.label("location"),
            Product.sku.label("sku"),
            PutbackTask.lot.label("lot"),
            PutbackTask.tote_code.label("tote"),
            shared.c.stops,
            shared.c.batches,
        )
        .join(shared, shared.c.key == PutbackTask.id)
        .join(Order, Order.id == PutbackTask.order_id)
        .join(Location, Location.id == PutbackTask.location_id)
        .join(Product, Product.id == PutbackTask.product_id)
    )
    return with_id_lists(first_rows(session, stmt, limit, ("putback",)), "stops", "batches")


def task_not_over_picked(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Stops whose confirmed, in-hand and awaiting-lot units add up to more than the stop asks for."""
    stmt = (
        select(
            PickTask.id.label("stop"),
            PickTask.batch_id.label("batch"),
            PickTask.kind.label("kind"),
            Order.number.label("order"),
            PickTask.location_code.label("location"),
            Product.sku.label("sku"),
            PickTask.lot.label("lot"),
            PickTask.qty.label("qty"),
            PickTask.qty_picked.label("qty_picked"),
            PickTask.qty_in_hand.label("qty_in_hand"),
            PickTask.qty_awaiting_lot.label("qty_awaiting_lot"),
        )
        .join(Product, Product.id == PickTask.product_id)
        .outerjoin(Order, Order.id == PickTask.order_id)
        .where(PickTask.qty_picked + PickTask.qty_in_hand + PickTask.qty_awaiting_lot > PickTask.qty)
    )
    return first_rows(session, stmt, limit, ("stop",))


def no_open_stop_for_closed_order(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Open pick stops in open batches whose order is not (or no longer) released for picking."""
    stmt = (
        select(
            PickTask.id.label("stop"),
            PickTask.batch_id.label("batch"),
            Order.number.label("order"),
            Order.id.label("order_id"),
            Order.status.label("order_status"),
            PickTask.location_code.label("location"),
            Product.sku.label("sku"),
            PickTask.lot.label("lot"),
        )
        .join(Batch, Batch.id == PickTask.batch_id)
        .join(Order, Order.id == PickTask.order_id)
        .join(Product, Product.id == PickTask.product_id)
        .where(
            PickTask.kind == PICK_KIND,
            PickTask.status.in_(OPEN_TASK),
            Batch.status.in_(OPEN_BATCH),
            Order.status.in_(NOT_RELEASED_OR_CLOSED),
        )
    )
    return first_rows(session, stmt, limit, ("stop",))


def tote_belongs_to_open_order(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Totes in use that hold no open order (picking, packing) or no open put-back (putback)."""
    columns = (
        Tote.code.label("tote"),
        Tote.status.label("status"),
        Tote.batch_id.label("batch"),
        Order.number.label("order"),
        Order.id.label("order_id"),
        Order.status.label("order_status"),
    )
    for_order = (
        select(*columns)
        .outerjoin(Order, Order.id == Tote.order_id)
        .where(
            Tote.status.in_(sorted(TOTE_IN_USE - {TOTE_PUTBACK})),
            or_(Order.id.is_(None), Order.status.in_(FINAL)),
        )
    )
    open_putback = (
        select(PutbackTask.id).where(PutbackTask.tote_code == Tote.code, PutbackTask.status.in_(OPEN_PUTBACK)).exists()
    )
    for_putback = (
        select(*columns).outerjoin(Order, Order.id == Tote.order_id).where(Tote.status == TOTE_PUTBACK, ~open_putback)
    )
    return first_rows(session, union_all(for_order, for_putback), limit, ("tote",))


def picker_one_open_batch(session: Session, limit: int = DEFAULT_LIMIT) -> Found:
    """Pickers holding more than one batch in status picking."""
    held = (
        select(Batch.picker_id, gather_ids(Batch.id).label("batches"))
        .where(Batch.status == BATCH_PICKING, Batch.picker_id.is_not(None))
        .group_by(Batch.picker_id)
        .having(func.count() > 1)
        .subquery()
    )
    stmt = select(User.name.label("picker"), User.id.label("user_id"), held.c.batches).join(
        held, held.c.picker_id == User.id
    )
    return with_id_lists(first_rows(session, stmt, limit, ("picker",)), "batches")
