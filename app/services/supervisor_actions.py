"""What a supervisor may do from the live queue: each action checks the role, runs in one transaction, and is
logged with who did it. Pickers and packers are refused here even if a screen offered the action by mistake."""

from __future__ import annotations

from sqlalchemy import select

from app.config import Config
from app.db.models import Batch, User
from app.db.unit_of_work import Actor, Database
from app.domain.layout import Layout
from app.services import orders, picking, process
from app.services.errors import InvalidInput, NotFound, Refused
from app.services.order_support import OrderSummary, find_order, order_subject, priority_of, summary
from app.services.users import UserView

SUPERVISORS = frozenset({"supervisor", "admin"})


def _require(user: UserView, what: str) -> Actor:
    if user.role not in SUPERVISORS:
        raise Refused(f"{user.name} ({user.role}) may not {what}: supervisors only")
    return Actor(user.name, "supervisor", user.id)


def set_priority(
    db: Database, config: Config, user: UserView, ref: str, priority: float | None, *, terminal: str
) -> OrderSummary:
    """Pin an order's priority (``None`` goes back to the computed score, at once)."""
    actor = _require(user, "change priorities")
    with db.unit_of_work() as uow:
        order = find_order(uow.session, ref, for_update=True)
        before = order.priority
        order.priority_override = priority
        order.priority = priority if priority is not None else priority_of(order, config).total
        uow.record(
            Actor(actor.name, terminal, actor.user_id),
            "order.priority_set",
            subject=order_subject(order.id),
            message=f"priority {before:g} -> {priority if priority is not None else 'computed'}",
            priority=priority,
        )
        uow.commit()
        return summary(order)


def hold(db: Database, config: Config, user: UserView, ref: str, reason: str, *, terminal: str) -> OrderSummary:
    actor = _require(user, "hold orders")
    return orders.hold(db, config, ref, reason, actor=Actor(actor.name, terminal, actor.user_id))


def release_hold(db: Database, config: Config, user: UserView, ref: str, *, terminal: str) -> OrderSummary:
    actor = _require(user, "release holds")
    return orders.unhold(
        db, config, ref, actor=Actor(actor.name, terminal, actor.user_id), reason="released by supervisor"
    )


def cancel(db: Database, config: Config, user: UserView, ref: str, reason: str, *, terminal: str) -> OrderSummary:
    actor = _require(user, "cancel orders")
    return orders.cancel(db, config, ref, reason, actor=Actor(actor.name, terminal, actor.user_id))


def release_batch(db: Database, config: Config, user: UserView, batch_id: int, *, terminal: str) -> None:
    """Take a stalled batch from its picker (the idle limit applies unless it is forced from the screen)."""
    actor = _require(user, "release batches")
    picking.release_batch(
        db,
        batch_id,
        actor=Actor(actor.name, terminal, actor.user_id),
        idle_minutes=config.picking.idle_release_minutes,
        force=True,
    )


def reassign_batch(db: Database, user: UserView, batch_id: int, picker_name: str, *, terminal: str) -> None:
    """Give a batch to another picker: they resume it at the same stop with the same counts."""
    actor = _require(user, "reassign batches")
    with db.unit_of_work() as uow:
        batch = uow.session.get(Batch, batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        if batch.status == "done":
            raise Refused(f"batch {batch_id} is finished")
        picker = uow.session.scalar(select(User).where(User.name == picker_name))
        if picker is None or not picker.active:
            raise InvalidInput(f"no active user {picker_name!r}")
        if picker.role not in ("picker", "supervisor", "admin"):
            raise Refused(f"{picker.name} is a {picker.role} and cannot pick")
        busy = uow.session.scalar(
            select(Batch.id).where(Batch.picker_id == picker.id, Batch.status == "picking", Batch.id != batch_id)
        )
        if busy is not None:
            raise Refused(f"{picker.name} is already picking batch {busy}")
        before = uow.session.get(User, batch.picker_id) if batch.picker_id else None
        batch.picker_id = picker.id
        batch.status = "picking"
        uow.record(
            Actor(actor.name, terminal, actor.user_id),
            "batch.reassigned",
            subject=f"batch:{batch_id}",
            message=f"from {before.name if before else 'nobody'} to {picker.name}",
            to=picker.name,
        )
        uow.commit()


def release_wave(
    db: Database, config: Config, layout: Layout, user: UserView, *, terminal: str
) -> process.ProcessReport:
    """Run a processing pass now: allocate, release and plan batches without waiting for the timer."""
    actor = _require(user, "release waves")
    return process.process_once(db, config, actor=Actor(actor.name, terminal, actor.user_id), layout=layout)


def approve_short(db: Database, user: UserView, ref: str, *, terminal: str) -> OrderSummary:
    """Accept that an order ships without what picking could not find (clears its short-pick exception)."""
    actor = _require(user, "approve short shipments")
    with db.unit_of_work() as uow:
        order = find_order(uow.session, ref)
        short = [f"{x.sku} {x.qty_ordered - x.qty_picked}" for x in order.lines if x.qty_picked < x.qty_ordered]
        uow.record(
            Actor(actor.name, terminal, actor.user_id),
            "order.short_approved",
            subject=order_subject(order.id),
            message="ships short: " + (", ".join(short) or "nothing missing"),
        )
        uow.commit()
        return summary(order)
