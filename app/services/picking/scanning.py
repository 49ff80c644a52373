"""One scan at a time: what it must be depends on the phase (a tote for the cart, the location, the item, its
lot, the tote to drop into), and a scan that does not match is refused with only the refusal recorded.

Actions name the stop they were meant for (``task_id``): a repeated or retried action that no longer matches is
answered from the current state instead of being applied twice.
"""

from __future__ import annotations

from app.db.models import Batch, PickTask, Tote
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.scans import Scan, classify
from app.services.floor_state import new_tote, set_tote
from app.services.picking.drops import count_units, scan_tote_drop
from app.services.picking.outcomes import accept, refuse, stop_gone
from app.services.picking.state import leased, state_of
from app.services.picking.views import PickState, ScanResult
from app.services.products import product_for_scan


def handle_scan(
    db: Database,
    batch_id: int,
    raw: str,
    *,
    actor: Actor,
    typed: bool = False,
    task_id: int | None = None,
    badge_prefix: str = "BADGE-",
) -> ScanResult:
    """Apply one scan to the batch; what it must be depends on the phase (tote, location, item, lot, tote)."""
    scan = classify(raw, badge_prefix=badge_prefix)
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        state = state_of(uow, batch)
        if task_id is not None and state.stop is not None and state.stop.task_id != task_id:
            gone = stop_gone(uow, batch, task_id, scan)
            if gone is not None:
                return gone
            return ScanResult(False, "The stop has moved on; scan again for the stop shown", state, scan.printable)
        if state.phase == "setup":
            return _scan_setup(uow, batch, state, scan, actor, typed)
        if state.phase == "finish":
            return refuse(uow, batch, actor, scan, "nothing: every stop is done, finish the batch", typed)
        assert state.stop is not None
        task = uow.tasks.get(state.stop.task_id)
        assert task is not None
        if state.phase == "location":
            return _scan_location(uow, batch, state, task, scan, actor, typed)
        if state.phase == "lot":
            return _scan_lot(uow, batch, state, task, scan, actor, typed)
        if scan.kind == "location" and scan.code == task.location_code:
            return ScanResult(True, f"Already at {task.location_code}: {_next_step(state)}", state, scan.printable)
        if scan.kind == "tote" and task.kind == "pick":
            return scan_tote_drop(uow, batch, state, task, scan, actor, typed)
        return _scan_item(uow, batch, state, task, scan, actor, typed)


def _scan_location(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    if scan.kind != "location" or scan.code != task.location_code:
        return refuse(uow, batch, actor, scan, f"location {task.location_code}", typed)
    task.location_confirmed = True
    message = f"At {task.location_code}"
    if state.stop is not None and state.stop.sku_label and task.kind == "pick":
        message += f": {state.stop.sku} has no barcode, scan its SKU label"
    return accept(uow, batch, actor, "pick.location", message, scan, typed, task=task.id)


def _next_step(state: PickState) -> str:
    """What the stop wants now, for a repeated location scan (harmless: nothing is recorded)."""
    stop = state.stop
    assert stop is not None
    if state.phase == "tote":
        return f"drop the {stop.qty_in_hand} in hand into {stop.tote_code}"
    return f"scan the {'SKU label' if stop.sku_label else 'item'} {stop.sku}"


def _scan_setup(uow: UnitOfWork, batch: Batch, state: PickState, scan: Scan, actor: Actor, typed: bool) -> ScanResult:
    """A tote for the next empty slot of the cart: a free one, or one never seen before (registered now)."""
    slot = state.setup_slot
    if scan.kind != "tote":
        return refuse(uow, batch, actor, scan, f"a free tote (TOTE-....) for slot {slot}", typed)
    tote = uow.totes.by_code(scan.code)
    if tote is not None and tote.status != "free":
        where = _where_tote_is(uow, batch, tote)
        return refuse(uow, batch, actor, scan, f"a free tote for slot {slot} ({scan.code} is {where})", typed)
    if tote is None:
        tote = new_tote(uow, scan.code, actor)
    assert slot is not None
    row = uow.batches.slot(batch.id, slot)
    assert row is not None
    row.tote_code = scan.code
    set_tote(uow, tote, "picking", actor, f"slot {slot} of batch {batch.id}", batch_id=batch.id, order_id=row.order_id)
    return accept(uow, batch, actor, "pick.tote_set", f"Slot {slot}: {scan.code}", scan, typed, slot=slot)


def _where_tote_is(uow: UnitOfWork, batch: Batch, tote: Tote) -> str:
    """Where a tote that is not free is now, for the refusal."""
    if tote.batch_id == batch.id and tote.status == "picking":
        return "already on this cart"
    if tote.status == "picking":
        other = uow.batches.get(tote.batch_id) if tote.batch_id else None
        holder = uow.picking_reads.user_name(other.picker_id) if other else None
        return f"on batch {tote.batch_id}" + (f" picked by {holder}" if holder is not None else "")
    if tote.status == "putback":
        return f"holding goods to put back (batch {tote.batch_id})"
    order = uow.picking_reads.order(tote.order_id)
    return f"holding order {order.number if order else '?'} for packing"


def _scan_item(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    """The item (GS1, GTIN or SKU label), checked against the stop's product, lot, expiry and what is left."""
    stop = state.stop
    assert stop is not None
    expected = f"item {stop.sku} ({stop.name})" + (f" lot {task.lot}" if task.lot else "")
    if stop.sku_label:
        expected += " - no barcode: scan its SKU label"
    if state.phase == "tote":
        return refuse(uow, batch, actor, scan, f"tote {stop.tote_code} for the {task.qty_in_hand} in hand", typed)
    product, units = product_for_scan(uow.products, scan)  # also the SKU label of an item without a GTIN
    if product is None or product.id != task.product_id:
        return refuse(uow, batch, actor, scan, expected, typed)
    if units < 1:
        return refuse(uow, batch, actor, scan, f"{expected} (a label counting at least 1 unit)", typed)
    lot_checked = not (product.track_lot and task.lot)
    if product.track_lot and task.lot and scan.lot is not None:
        if scan.lot != task.lot:
            return _wrong_lot(uow, batch, actor, scan, task, stop.sku, typed)
        lot_checked = True
    stock = uow.stock.get(task.stock_id) if task.stock_id else None
    expiry = stock.expiry if stock is not None else None
    if product.track_expiry and scan.expiry is not None and expiry is not None and expiry != scan.expiry:
        return _wrong_expiry(uow, batch, actor, scan, task, stop.sku, typed)
    remaining = task.qty - task.qty_picked - task.qty_in_hand - task.qty_awaiting_lot
    if units > remaining:
        needed = f"{remaining} {'is' if remaining == 1 else 'are'} still needed"
        said = (
            f"Wrong scan: that is a case of {units} {stop.sku}; {needed} (scan single units), scanned {scan.printable}"
            if units > 1 and scan.count is None
            else f"Wrong scan: that label counts {units} {stop.sku}; {needed}, scanned {scan.printable}"
        )
        return refuse(uow, batch, actor, scan, f"at most {remaining} more of {stop.sku}", typed, said=said)
    task.item_confirmed = True
    if lot_checked or task.lot_confirmed:
        task.lot_confirmed = True
        return count_units(uow, batch, task, units, scan, actor, typed, "")
    task.qty_awaiting_lot += units
    return accept(
        uow,
        batch,
        actor,
        "pick.item",
        f"{stop.sku}: scan the LOT ({task.lot}) to count {task.qty_awaiting_lot} unit(s)",
        scan,
        typed,
        task=task.id,
        units=units,
        awaiting_lot=True,
    )


def _scan_lot(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    """A lot-tracked stop: the lot is proven by a GS1 string with AI 10 or by the bare lot printed on the item."""
    stop = state.stop
    assert stop is not None
    expected = f"lot {task.lot} of {stop.sku}"
    lot = scan.lot if scan.lot is not None else scan.raw.strip()
    if scan.gtin and scan.lot is not None:
        product, _units = product_for_scan(uow.products, scan)
        if product is None or product.id != task.product_id:
            return refuse(uow, batch, actor, scan, expected, typed)
    if lot != task.lot:
        return _wrong_lot(uow, batch, actor, scan, task, stop.sku, typed, lot)
    stock = uow.stock.get(task.stock_id) if task.stock_id else None
    if scan.expiry is not None and stock is not None and stock.expiry is not None and stock.expiry != scan.expiry:
        return _wrong_expiry(uow, batch, actor, scan, task, stop.sku, typed)
    units = task.qty_awaiting_lot
    task.qty_awaiting_lot = 0
    task.lot_confirmed = True
    return count_units(uow, batch, task, units, scan, actor, typed, f" (lot {task.lot})")


def _wrong_lot(
    uow: UnitOfWork, batch: Batch, actor: Actor, scan: Scan, task: PickTask, sku: str, typed: bool, lot: str = ""
) -> ScanResult:
    """ "Wrong lot: scanned lot L2611A, expected lot L2609C of TEA-EARL-100": both lots as printed on the item."""
    scanned = lot or scan.lot or scan.printable
    said = f"Wrong lot: scanned lot {scanned}, expected lot {task.lot} of {sku}"
    if scanned != scan.printable:
        said += f" (scan {scan.printable})"
    return refuse(uow, batch, actor, scan, f"lot {task.lot} of {sku}", typed, said=said)


def _wrong_expiry(
    uow: UnitOfWork, batch: Batch, actor: Actor, scan: Scan, task: PickTask, sku: str, typed: bool
) -> ScanResult:
    """The scanned best-before date is not the one of the stock this stop picks."""
    stock = uow.stock.get(task.stock_id) if task.stock_id else None
    expected = stock.expiry if stock is not None else None
    said = f"Wrong expiry: scanned {scan.expiry}, expected {expected} (lot {task.lot} of {sku}); scan {scan.printable}"
    return refuse(uow, batch, actor, scan, f"expiry {expected} of lot {task.lot}", typed, said=said)


def add_typed_quantity(db: Database, batch_id: int, task_id: int, qty: int, *, actor: Actor) -> ScanResult:
    """More units of an item already proven by a scan at this stop, typed instead of scanned one by one."""
    with db.unit_of_work() as uow:
        batch = leased(uow, batch_id, actor)
        state = state_of(uow, batch)
        typed_scan = Scan(str(qty), "typed", str(qty))
        if state.stop is None or state.stop.task_id != task_id or state.phase != "item":
            gone = stop_gone(uow, batch, task_id, typed_scan)
            return gone or ScanResult(False, "The stop has moved on; nothing was added", state)
        task = uow.tasks.get(task_id)
        assert task is not None
        if not task.item_confirmed or (task.lot and not task.lot_confirmed):
            what = ("SKU label " if state.stop.sku_label else "ITEM ") + state.stop.sku
            what += f" with its lot {task.lot}" if task.lot else ""
            return refuse(uow, batch, actor, typed_scan, f"a scan of the {what} before typing a quantity", True)
        remaining = task.qty - task.qty_picked - task.qty_in_hand - task.qty_awaiting_lot
        if qty < 1 or qty > remaining:
            return refuse(uow, batch, actor, typed_scan, f"a quantity from 1 to {remaining}", True)
        return count_units(uow, batch, task, qty, typed_scan, actor, True, " (typed)")
