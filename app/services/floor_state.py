"""The one place each floor aggregate changes state: batches, pick stops, totes and put-backs.

Each function checks the move against the state machine in ``app.domain.states``, changes the row and writes
the ``<aggregate>.status`` event (``from``, ``to``, ``reason``) in the caller's transaction, so the audit can
prove every status equals its last event. Nothing else assigns these ``status`` columns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.db.models import Batch, Carton, Order, PickTask, PutbackTask, Shipment, Tote
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.states import BATCH, CARTON, PUTBACK, SHIPMENT, TASK, TOTE, Machine


def _move(uow: UnitOfWork, machine: Machine, row: object, ident: str, to: str, actor: Actor, reason: str) -> None:
    current = row.status  # type: ignore[attr-defined]
    machine.check(ident, current, to)
    row.status = to  # type: ignore[attr-defined]
    uow.record(
        actor,
        f"{machine.name.replace('-', '')}.status",
        subject=f"{machine.name.replace('-', '')}:{ident}",
        message=reason,
        **{"from": current, "to": to, "reason": reason},
    )


def batch_subject(batch_id: int) -> str:
    return f"batch:{batch_id}"


def set_batch(
    uow: UnitOfWork, batch: Batch, to: str, actor: Actor, reason: str, *, picker_id: int | None = None
) -> None:
    """Move a batch; ``picking`` needs the picker who now holds the lease, ``ready`` clears it."""
    _move(uow, BATCH, batch, str(batch.id), to, actor, reason)
    now = datetime.now(UTC)
    if to == "picking":
        if picker_id is None:
            raise ValueError("a batch being picked needs its picker")
        batch.picker_id = picker_id
        batch.claimed_at = now
        batch.last_activity_at = now
    elif to == "ready":
        batch.picker_id = None
        batch.terminal = ""
    elif to in ("done", "cancelled"):
        batch.finished_at = now


def claim_if_ready(uow: UnitOfWork, batch_id: int, picker_id: int, terminal: str, actor: Actor) -> bool:
    """Compare-and-set ``ready`` -> ``picking`` for one picker: True when this call won the batch.

    A plain UPDATE ... WHERE status = 'ready' that must touch exactly one row, so two terminals can never both
    claim it (SQLite serializes writers; PostgreSQL re-checks the WHERE after a concurrent commit)."""
    if not uow.batches.claim_if_ready(batch_id, picker_id, terminal, datetime.now(UTC)):
        return False
    uow.record(
        actor,
        "batch.status",
        subject=batch_subject(batch_id),
        message=f"claimed by {actor.name}",
        **{"from": "ready", "to": "picking", "reason": f"claimed by {actor.name}"},
    )
    return True


def set_task(uow: UnitOfWork, task: PickTask, to: str, actor: Actor, reason: str) -> None:
    _move(uow, TASK, task, str(task.id), to, actor, reason)
    if to != "open":
        task.short_reason = task.short_reason if to == "short" else reason[:200]


def set_tote(
    uow: UnitOfWork,
    tote: Tote,
    to: str,
    actor: Actor,
    reason: str,
    *,
    batch_id: int | None = None,
    order_id: int | None = None,
) -> None:
    """Move a tote; a freed tote forgets its batch and order, any other status records where it is now."""
    _move(uow, TOTE, tote, tote.code, to, actor, reason)
    if to == "free":
        tote.batch_id = None
        tote.order_id = None
    else:
        if batch_id is not None:
            tote.batch_id = batch_id
        if order_id is not None:
            tote.order_id = order_id


def new_tote(uow: UnitOfWork, code: str, actor: Actor) -> Tote:
    """Register a tote the first time it is scanned (it starts free)."""
    tote = Tote(code=code, status=TOTE.initial)
    uow.totes.add(tote)
    uow.record(actor, "tote.status", subject=f"tote:{code}", message="registered", **{"from": None, "to": "free"})
    return tote


def set_putback(uow: UnitOfWork, putback: PutbackTask, to: str, actor: Actor, reason: str) -> None:
    _move(uow, PUTBACK, putback, str(putback.id), to, actor, reason)
    if to == "done":
        putback.done_at = datetime.now(UTC)


def set_shipment(uow: UnitOfWork, shipment: Shipment, to: str, actor: Actor, reason: str) -> None:
    _move(uow, SHIPMENT, shipment, str(shipment.id), to, actor, reason)


def set_carton(uow: UnitOfWork, carton: Carton, to: str, actor: Actor, reason: str) -> None:
    _move(uow, CARTON, carton, str(carton.id), to, actor, reason)


def void_open_shipments(uow: UnitOfWork, order: Order, actor: Actor, reason: str) -> None:
    """A cancelled order's shipment still being packed is voided with its cartons (no label was issued yet)."""
    for shipment in uow.picking_reads.shipments_being_packed(order.id):
        for carton in uow.picking_reads.unshipped_cartons(shipment.id):
            set_carton(uow, carton, "voided", actor, f"order {order.number} cancelled: {reason}")
        set_shipment(uow, shipment, "voided", actor, f"order {order.number} cancelled: {reason}")
