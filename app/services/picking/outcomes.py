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
from app.services.products import product_for_scan

NO_SCAN = Scan("", "action", "")
"""What a key action (skip, short) records as its scan."""


def refuse(
    uow: UnitOfWork, batch: Batch, actor: Actor, scan: Scan, expected: str, typed: bool, *, said: str = ""
) -> ScanResult:
    """Record the wrong scan and what was expected; nothing else changes.

    The message names what came the way a person knows it (the item's SKU and name, why a code cannot be read),
    never a parser's words; ``said`` replaces the whole message when the refusal reads better another way
    ("Wrong lot: scanned lot L2611A, expected lot L2609C of TEA-EARL-100")."""
    message = said or f"Wrong scan: expected {expected}, scanned {scan.printable}{scanned_as(uow, scan)}"
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


def scanned_as(uow: UnitOfWork, scan: Scan) -> str:
    """What a refused scan is, for its message: `` (MUG-RED-350, Ceramic mug red 350 ml)`` for an item, why a code
    cannot be read, or nothing for codes that say what they are (a location, a tote)."""
    if scan.error:
        return f": {scan.error}"
    if scan.kind in ("location", "reserve_location", "tote", "box", "badge", "action", "typed"):
        return ""
    if not scan.code.strip():
        return ""
    product, units = product_for_scan(uow.products, scan)
    if product is None:
        return " (no item in the catalogue has this barcode)" if scan.gtin else ""
    case = f", a case of {units}" if units > 1 else ""
    return f" ({product.sku}, {product.name}{case})"


def accept(
    uow: UnitOfWork, batch: Batch, actor: Actor, kind: str, message: str, scan: Scan, typed: bool, **data: object
) -> ScanResult:
    """Record the action and commit it; confirming the last stop finishes the batch in the same transaction."""
    batch.last_activity_at = datetime.now(UTC)
    uow.record(actor, kind, subject=f"batch:{batch.id}", message=message, scanned=scan.printable, typed=typed, **data)
    uow.flush()
    message += carry_location(uow, batch, data.get("task"))
    if batch.status == "picking" and state_of(uow, batch).phase == "finish":
        # Confirming the last stop finishes the batch in the same transaction: orders picked, totes to packing.
        finish_now(uow, batch, actor)
        message += f" · batch {batch.id} done"
    state = state_of(uow, batch)
    uow.commit()
    return ScanResult(True, message, state, scan.printable)


def carry_location(uow: UnitOfWork, batch: Batch, task_id: object) -> str:
    """The stop just closed and the next one is at the same shelf: the picker is standing there, so its location
    counts as proven (asking for the same label again only slows the walk). Returns what the message adds."""
    if not isinstance(task_id, int):
        return ""
    done = uow.tasks.get(task_id)
    if done is None or done.status == "open" or done.batch_id != batch.id:
        return ""
    row = uow.picking_reads.next_open_stop(batch.id)
    if row is None or row.task.location_confirmed or row.task.location_code != done.location_code:
        return ""
    row.task.location_confirmed = True
    uow.flush()
    return f" · next stop is here too ({done.location_code}): scan the item"


def stop_gone(uow: UnitOfWork, batch: Batch, task_id: int, scan: Scan) -> ScanResult | None:
    """The stop the terminal showed was taken off the batch (its order changed): say so, record nothing."""
    task = uow.tasks.get(task_id)
    if task is None or task.batch_id != batch.id or task.status != "cancelled":
        return None
    message = f"Stop at {task.location_code} was removed: {task.short_reason or 'its order changed'}"
    return ScanResult(False, message, state_of(uow, batch), scan.printable)
