"""What a supervisor may do from the live queue: each action runs in one transaction that first checks the user
(``app.services.authz``: known, active, not locked, and the role policy) and is logged with who did it. Pickers and
packers are refused here even if a screen offered the action by mistake; the check reads the user again, so a
role changed or a user disabled since sign-in counts at once."""

from __future__ import annotations

import math

from app.config.settings import Config
from app.db.queries.supervision import floor as floor_queries
from app.db.queries.supervision import lookups
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.domain.orders import PICKED, PICKING
from app.services import order_processing, orders, picking
from app.services.allocation import split_remainder
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused
from app.services.floor_state import set_batch
from app.services.order_lookup import OrderSummary, find_order, summary
from app.services.order_priority import priority_of
from app.services.order_status import order_subject
from app.services.replan import follow_order_priority
from app.services.users import UserView

MAX_PRIORITY = 100_000.0
"""A pinned priority stays below put-back batches (``replan.PUT_BACK_PRIORITY``) and is always a finite number."""


def _actor(user: UserView, terminal: str) -> Actor:
    """Who acts: the signed-in user at their terminal (the services authorize it, never this module alone)."""
    return Actor(user.name, terminal, user.id)


def set_priority(
    db: Database, config: Config, user: UserView, ref: str, priority: float | None, *, terminal: str
) -> OrderSummary:
    """Pin an order's priority (``None`` goes back to the computed score, at once)."""
    actor = _actor(user, terminal)
    if priority is not None and not (math.isfinite(priority) and abs(priority) <= MAX_PRIORITY):
        raise InvalidInput(f"priority {priority}: expected a number from -{MAX_PRIORITY:g} to {MAX_PRIORITY:g}")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.priority")
        order = find_order(uow.session, ref, for_update=True)
        before = order.priority
        order.priority_override = priority
        order.priority = priority if priority is not None else priority_of(order, config).total
        follow_order_priority(uow.session, order.id)
        uow.record(
            actor,
            "order.priority_set",
            subject=order_subject(order.id),
            message=f"priority {before:g} -> {priority if priority is not None else 'computed'}",
            priority=priority,
        )
        uow.commit()
        return summary(order)


def hold(db: Database, config: Config, user: UserView, ref: str, reason: str, *, terminal: str) -> OrderSummary:
    return orders.hold(db, config, ref, reason, actor=_actor(user, terminal))


def release_hold(db: Database, config: Config, user: UserView, ref: str, *, terminal: str) -> OrderSummary:
    return orders.unhold(db, config, ref, actor=_actor(user, terminal), reason="released by supervisor")


def cancel(db: Database, config: Config, user: UserView, ref: str, reason: str, *, terminal: str) -> OrderSummary:
    return orders.cancel(db, config, ref, reason, actor=_actor(user, terminal))


def release_batch(db: Database, config: Config, user: UserView, batch_id: int, *, terminal: str) -> None:
    """Take a stalled batch from its picker (the idle limit applies unless it is forced from the screen)."""
    picking.release_batch(
        db,
        batch_id,
        actor=_actor(user, terminal),
        idle_minutes=config.picking.idle_release_minutes,
        force=True,
    )


def reassign_batch(db: Database, user: UserView, batch_id: int, picker_name: str, *, terminal: str) -> None:
    """Give a batch to another picker: they resume it at the same stop with the same counts; the old terminal is
    refused on its next scan and told who has the batch now."""
    actor = _actor(user, terminal)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.reassign")
        session = uow.session
        batch = uow.batches.lock(batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        if batch.status not in ("ready", "picking"):
            raise Refused(f"batch {batch_id} is {batch.status}: only open batches can be reassigned")
        picker = lookups.user_named(session, picker_name)
        if picker is None or not picker.active:
            raise InvalidInput(f"no active user {picker_name!r}")
        if picker.role not in ("picker", "supervisor", "admin"):
            raise Refused(f"{picker.name} is a {picker.role} and cannot pick")
        if batch.picker_id == picker.id:
            raise Refused(f"{picker.name} already holds batch {batch_id}")
        busy = floor_queries.batch_being_picked_by(session, picker.id, other_than=batch_id)
        if busy is not None:
            raise Refused(f"{picker.name} is already picking batch {busy}")
        before = uow.users.get(batch.picker_id) if batch.picker_id else None
        picking.reset_hands(session, batch)
        reason = f"reassigned from {before.name if before else 'the queue'} to {picker.name}"
        set_batch(uow, batch, "picking", actor, reason, picker_id=picker.id)
        picking.start_orders(uow, batch, actor, f"batch {batch_id} {reason}")
        uow.record(actor, "batch.reassigned", subject=f"batch:{batch_id}", message=reason, to=picker.name)
        uow.commit()


def release_wave(
    db: Database, config: Config, layout: Layout, user: UserView, *, terminal: str
) -> order_processing.ProcessReport:
    """Run a processing pass now: allocate, release and plan batches without waiting for the timer."""
    actor = _actor(user, terminal)
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "batches.wave")  # before the pass: its first steps (scoring, allocation) write
    return order_processing.process_once(db, config, actor=actor, layout=layout)


SHORT_DECISIONS = ("backorder", "cancel")
"""What happens to the units picking could not find: a backorder follows later, or the customer gets less."""


def approve_short(db: Database, user: UserView, ref: str, *, rest: str, terminal: str) -> OrderSummary:
    """Decide an order's short pick: it ships with what was picked, and the missing units either become a
    backorder (a new order that is allocated when stock arrives) or are cancelled from the order."""
    if rest not in SHORT_DECISIONS:
        raise InvalidInput(f"--rest {rest!r}: expected {' or '.join(SHORT_DECISIONS)}")
    actor = _actor(user, terminal)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.approve_short")
        order = find_order(uow.session, ref, for_update=True)
        if not order.short_pending:
            raise Refused(f"order {order.number} has no short pick waiting for approval")
        if order.status not in (PICKING, PICKED):
            raise Refused(f"order {order.number} is {order.status}: a short is decided while it is picked")
        # What is still reserved will still be picked (the order may be on a cart right now); what the short left
        # without a reservation is what is missing.
        missing = {x.id: x.qty_ordered - x.qty_allocated for x in order.lines if x.qty_allocated < x.qty_ordered}
        described = ", ".join(f"{x.sku} {missing[x.id]}" for x in order.lines if x.id in missing)
        if not any(x.qty_allocated for x in order.lines):
            raise Refused(f"order {order.number}: nothing of it can be shipped; cancel it or wait for stock instead")
        if rest == "backorder" and missing:
            child = split_remainder(uow, order.id, missing, actor)
            note = f"ships short; backorder {child.number} follows with {described}"
        else:
            for line in order.lines:
                if line.id in missing:
                    line.qty_ordered = line.qty_allocated
            note = f"ships short; cancelled from the order: {described or 'nothing'}"
        order.short_pending = False
        uow.record(actor, "order.short_approved", subject=order_subject(order.id), message=note, rest=rest)
        uow.commit()
        return summary(order)
