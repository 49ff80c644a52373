"""How every picker action ends: accepted (recorded, maybe finishing the batch) or refused (only the refusal is
recorded), each answered with the state read in the same transaction, before it commits."""

from __future__ import annotations

from datetime import UTC, datetime

from app.db.models import Batch
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.scans import Scan
from app.services.picking.finishing import finish_now
from app.services.picking.state import state_of
from app.services.picking.views import ScanResult

NO_SCAN = Scan("", "action", "")
"""What a key action (skip, short) records as its scan."""


def refuse(uow: UnitOfWork, batch: Batch, actor: Actor, scan: Scan, expected: str, typed: bool) -> ScanResult:
    """Record the wrong scan and what was expected; nothing else changes."""
    message = f"Wrong scan: expected {expected}, scanned {scan.printable}"
    uow.record(
        actor,
        "pick.refused",
        subject=f"batch:{batch.id}",
        message=message,
        scanned=scan.printable,
        expected=expected,
        typed=typed,
    )
    state = state_of(uow, batch)
    uow.commit()
    return ScanResult(False, message, state, scan.printable)


def accept(
    uow: UnitOfWork, batch: Batch, actor: Actor, kind: str, message: str, scan: Scan, typed: bool, **data: object
) -> ScanResult:
    """Record the action and commit it; confirming the last stop finishes the batch in the same transaction."""
    batch.last_activity_at = datetime.now(UTC)
    uow.record(actor, kind, subject=f"batch:{batch.id}", message=message, scanned=scan.printable, typed=typed, **data)
    uow.flush()
    if batch.status == "picking" and state_of(uow, batch).phase == "finish":
        # Confirming the last stop finishes the batch in the same transaction: orders picked, totes to packing.
        finish_now(uow, batch, actor)
        message += f" · batch {batch.id} done"
    state = state_of(uow, batch)
    uow.commit()
    return ScanResult(True, message, state, scan.printable)


def stop_gone(uow: UnitOfWork, batch: Batch, task_id: int, scan: Scan) -> ScanResult | None:
    """The stop the terminal showed was taken off the batch (its order changed): say so, record nothing."""
    task = uow.tasks.get(task_id)
    if task is None or task.batch_id != batch.id or task.status != "cancelled":
        return None
    message = f"Stop at {task.location_code} was removed: {task.short_reason or 'its order changed'}"
    return ScanResult(False, message, state_of(uow, batch), scan.printable)
