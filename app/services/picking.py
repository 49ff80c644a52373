"""Guided, scan-verified picking: claim a batch, set up the cart, walk the stops, prove every pick by scanning.

Every operator action is one transaction that re-reads the batch, checks the scan against what the stop
expects and either records it (committed before the screen moves on) or refuses it, recording nothing but the
refusal. All state lives in the database, so a terminal that dies resumes at the same stop with the same
counts. Actions name the stop they were meant for (``task_id``): a repeated or retried action that no longer
matches is answered from the current state instead of being applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    Allocation,
    Batch,
    BatchSlot,
    Event,
    Location,
    Order,
    OrderLine,
    PickTask,
    Product,
    Stock,
    Tote,
    User,
)
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.allocation import StockCandidate, allocate_line
from app.domain.layout import Layout
from app.domain.orders import ALLOCATED, NEW, PICKED, PICKING, RELEASED
from app.domain.routing import s_shape_route, shortest_route
from app.domain.scans import Scan, classify, item_code
from app.services import inventory
from app.services.allocation import release_reservations
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused
from app.services.floor_state import claim_if_ready, new_tote, set_batch, set_task, set_tote
from app.services.order_support import lock_orders, set_status
from app.services.products import product_for_scan
from app.services.replan import close_put_back, order_leaves_floor
from app.services.users import UserView

SHORT_REASONS = ("empty", "damaged", "missing")
"""Why a stop is short: the bin is empty, units are damaged, or fewer are there than the books say."""


@dataclass(frozen=True)
class SlotView:
    slot: int
    order_id: int | None
    order_number: str
    tote_code: str | None


@dataclass(frozen=True)
class StopView:
    task_id: int
    seq: int
    kind: str
    location: str
    sku: str
    name: str
    lot: str
    qty: int
    qty_in_hand: int
    qty_picked: int
    location_confirmed: bool
    slot: int | None
    tote_code: str | None
    order_number: str
    gtin: str = ""
    expiry: date | None = None
    lot_required: bool = False
    """The lot must still be proven (GS1 with AI 10, or the bare lot) before units count."""
    qty_awaiting_lot: int = 0
    item_confirmed: bool = False
    order_id: int | None = None

    @property
    def remaining(self) -> int:
        return self.qty - self.qty_picked - self.qty_in_hand - self.qty_awaiting_lot

    @property
    def sku_label(self) -> bool:
        """The item has no manufacturer barcode: it is proved by scanning its printed SKU label."""
        return not self.gtin

    @property
    def scan_code(self) -> str:
        """The code a right scan of this stop's item sends (GS1 with the lot when the lot must be proven; the SKU
        label of an item without a GTIN)."""
        return self.sku if self.sku_label else item_code(self.gtin, self.lot)


@dataclass(frozen=True)
class PickState:
    """What the picker screen shows; ``phase`` says what the next scan must be."""

    batch_id: int
    status: str
    phase: str
    """setup (scan a tote for ``setup_slot``) | location | item | lot | tote | finish | done"""
    slots: tuple[SlotView, ...]
    stop: StopView | None
    stops_total: int
    stops_done: int
    setup_slot: int | None = None
    planned_distance_m: float = 0.0
    s_shape_distance_m: float = 0.0
    shorts: tuple[str, ...] = ()

    @property
    def stops_left(self) -> int:
        return self.stops_total - self.stops_done


@dataclass(frozen=True)
class ScanResult:
    accepted: bool
    message: str
    state: PickState
    scanned: str = ""


@dataclass(frozen=True)
class FinishReport:
    batch_id: int
    orders: tuple[str, ...]
    totes: tuple[str, ...]
    distance_m: float
    s_shape_distance_m: float
    short_lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def saving_pct(self) -> float:
        if not self.s_shape_distance_m:
            return 0.0
        return 100.0 * (1 - self.distance_m / self.s_shape_distance_m)


# --- reading state ----------------------------------------------------------------------------------


def _phase_of(task: PickTask) -> str:
    if not task.location_confirmed:
        return "location"
    if task.qty_awaiting_lot:
        return "lot"
    if task.kind == "pick" and task.qty_in_hand + task.qty_picked >= task.qty:
        return "tote"
    return "item"


def _state(session: Session, batch: Batch) -> PickState:
    slots_rows = session.execute(
        select(BatchSlot.slot, BatchSlot.order_id, Order.number, BatchSlot.tote_code)
        .outerjoin(Order, BatchSlot.order_id == Order.id)
        .where(BatchSlot.batch_id == batch.id)
        .order_by(BatchSlot.slot)
    ).all()
    slots = tuple(SlotView(r.slot, r.order_id, r.number or "", r.tote_code) for r in slots_rows)
    tote_of = {s.slot: s.tote_code for s in slots}
    counts = dict(
        session.execute(
            select(PickTask.status, func.count())
            .where(PickTask.batch_id == batch.id, PickTask.status != "cancelled")
            .group_by(PickTask.status)
        ).all()
    )
    total = sum(counts.values())
    done = total - counts.get("open", 0)
    shorts = tuple(
        f"{r.location_code} {r.sku}: {r.short_reason}"
        for r in session.execute(
            select(PickTask.location_code, Product.sku, PickTask.short_reason)
            .join(Product, PickTask.product_id == Product.id)
            .where(PickTask.batch_id == batch.id, PickTask.status == "short")
        )
    )
    common = {
        "batch_id": batch.id,
        "status": batch.status,
        "slots": slots,
        "stops_total": total,
        "stops_done": done,
        "planned_distance_m": batch.planned_distance_m,
        "s_shape_distance_m": batch.s_shape_distance_m,
        "shorts": shorts,
    }
    if batch.status in ("done", "cancelled"):
        return PickState(phase="done", stop=None, **common)
    missing = [s.slot for s in slots if s.tote_code is None]
    if missing:
        return PickState(phase="setup", stop=None, setup_slot=missing[0], **common)
    row = session.execute(
        select(PickTask, Product, Order.number, Stock.expiry)
        .join(Product, PickTask.product_id == Product.id)
        .outerjoin(Order, PickTask.order_id == Order.id)
        .outerjoin(Stock, PickTask.stock_id == Stock.id)
        .where(PickTask.batch_id == batch.id, PickTask.status == "open")
        .order_by(PickTask.seq)
        .limit(1)
    ).first()
    if row is None:
        return PickState(phase="finish", stop=None, **common)
    task, product, number, expiry = row
    stop = StopView(
        task.id,
        task.seq,
        task.kind,
        task.location_code,
        product.sku,
        product.name,
        task.lot,
        task.qty,
        task.qty_in_hand,
        task.qty_picked,
        task.location_confirmed,
        task.slot,
        task.tote_code or (tote_of.get(task.slot) if task.slot else None),
        number or "",
        gtin=product.gtin or "",
        expiry=expiry,
        lot_required=bool(product.track_lot and task.lot and not task.lot_confirmed),
        qty_awaiting_lot=task.qty_awaiting_lot,
        item_confirmed=task.item_confirmed,
        order_id=task.order_id,
    )
    return PickState(phase=_phase_of(task), stop=stop, **common)


def pick_state(db: Database, batch_id: int) -> PickState:
    with db.unit_of_work(readonly=True) as uow:
        batch = uow.session.get(Batch, batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        return _state(uow.session, batch)


class LeaseLost(Refused):
    """The batch is no longer this terminal's: freed, reassigned, finished or cancelled. The terminal goes home."""

    def __init__(self, batch_id: int, message: str) -> None:
        super().__init__(message)
        self.batch_id = batch_id


def _who_changed(session: Session, batch_id: int) -> str:
    name = session.scalar(
        select(Event.actor)
        .where(Event.subject == f"batch:{batch_id}", Event.kind.in_(("batch.status", "batch.reassigned")))
        .order_by(Event.id.desc())
        .limit(1)
    )
    return f" by {name}" if name else ""


def lease_message(session: Session, batch: Batch) -> str:
    """Why a terminal no longer holds ``batch``, naming who has it now."""
    by = _who_changed(session, batch.id)
    if batch.status == "picking":
        holder = session.get(User, batch.picker_id) if batch.picker_id else None
        return f"Batch {batch.id} was given to {holder.name if holder else 'someone else'}{by}: nothing recorded"
    if batch.status == "ready":
        return f"Batch {batch.id} was freed{by} and is back in the queue: nothing recorded; claim again"
    if batch.status == "cancelled":
        return f"Batch {batch.id} was cancelled{by}: every order left it; nothing recorded"
    return f"Batch {batch.id} is finished: nothing recorded"


def _leased(uow: UnitOfWork, batch_id: int, actor: Actor) -> Batch:
    """The batch, locked, if ``actor`` may pick (``app.services.authz``) and holds its claim; otherwise the scan is
    refused (``NotAllowed``, ``LeaseLost``) with nothing written."""
    authorize(uow, actor, "batches.pick")
    session = uow.session
    batch = session.get(Batch, batch_id, with_for_update=session.get_bind().dialect.name == "postgresql")
    if batch is None:
        raise NotFound(f"no batch {batch_id}")
    if batch.status != "picking" or batch.picker_id != actor.user_id:
        raise LeaseLost(batch.id, lease_message(session, batch))
    return batch


# --- claiming ---------------------------------------------------------------------------------------


def start_orders(uow: UnitOfWork, batch: Batch, actor: Actor, reason: str) -> None:
    """The batch's released orders start picking (claim and supervisor hand-over both come through here)."""
    ids = {i for i in uow.session.scalars(select(BatchSlot.order_id).where(BatchSlot.batch_id == batch.id)) if i}
    for order in lock_orders(uow.session, ids):
        if order.status == RELEASED:
            set_status(uow, order, PICKING, actor, reason)


def unstart_orders(uow: UnitOfWork, order_ids: set[int], actor: Actor, reason: str) -> list[str]:
    """Orders of a batch that went back to the queue (finished early, left, freed by a supervisor) of which nothing
    has been picked go back to ``released``, so a supervisor can hold or edit them again until the next claim
    starts them (``start_orders``). An order with units confirmed (dropped into a tote; units in hand were reset
    to the shelf) or on another cart being picked keeps ``picking``. Returns the numbers of the orders moved."""
    session = uow.session
    moved = []
    for order in lock_orders(session, {i for i in order_ids if i}):
        if order.status != PICKING or any(line.qty_picked for line in order.lines):
            continue
        touched = session.scalar(
            select(func.count())
            .select_from(PickTask)
            .join(Batch, PickTask.batch_id == Batch.id)
            .where(
                PickTask.order_id == order.id,
                PickTask.kind == "pick",
                (PickTask.qty_picked + PickTask.qty_in_hand + PickTask.qty_awaiting_lot > 0)
                | ((Batch.status == "picking") & (PickTask.status == "open")),
            )
        )
        if touched:
            continue
        set_status(uow, order, RELEASED, actor, reason)
        moved.append(order.number)
    return moved


def slot_orders(session: Session, batch_id: int) -> set[int]:
    """The orders that have a tote slot on ``batch_id``."""
    return {i for i in session.scalars(select(BatchSlot.order_id).where(BatchSlot.batch_id == batch_id)) if i}


def claim_batch(db: Database, user: UserView, *, terminal: str) -> PickState | None:
    """The user's unfinished batch if they have one (resume), else the highest-priority free batch, or None.

    SQLite: the compare-and-set UPDATE ... WHERE status = 'ready' must touch exactly one row (writers are
    serialized by BEGIN IMMEDIATE). PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers never wait on
    or collide over the same row.
    """
    actor = Actor(user.name, terminal, user.id)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.claim")
        session = uow.session
        mine = session.scalar(
            select(Batch).where(Batch.status == "picking", Batch.picker_id == user.id).order_by(Batch.id).limit(1)
        )
        if mine is not None:
            uow.record(actor, "batch.resumed", subject=f"batch:{mine.id}")
            mine.terminal = terminal
            state = _state(session, mine)  # read before commit: no second transaction after it
            uow.commit()
            return state
        for _attempt in range(5):
            query = select(Batch.id).where(Batch.status == "ready").order_by(Batch.priority.desc(), Batch.id).limit(1)
            if db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            batch_id = session.scalar(query)
            if batch_id is None:
                return None
            if claim_if_ready(uow, batch_id, user.id, terminal, actor):
                batch = session.get(Batch, batch_id)
                assert batch is not None
                session.refresh(batch)
                start_orders(uow, batch, actor, f"batch {batch_id} claimed by {user.name}")
                state = _state(session, batch)  # read before commit: no second transaction after it
                uow.commit()
                return state
        return None


def release_batch(db: Database, batch_id: int, *, actor: Actor, idle_minutes: int, force: bool = False) -> PickState:
    """A supervisor gives a stalled batch back to the queue (idle longer than ``idle_minutes`` unless forced).

    What was dropped into totes stays picked; units in the old picker's hand never left the books, so the stop
    starts again at its location scan. The old terminal is refused on its next scan and told who freed it.
    """
    with db.unit_of_work() as uow:
        authorize(uow, actor, "batches.release")
        batch = uow.session.get(Batch, batch_id, with_for_update=db.dialect == "postgresql")
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        if batch.status != "picking":
            raise Refused(f"batch {batch_id} is {batch.status}, not being picked")
        idle = datetime.now(UTC) - (batch.last_activity_at or batch.claimed_at or datetime.now(UTC))
        holder = uow.session.get(User, batch.picker_id) if batch.picker_id else None
        if not force and idle < timedelta(minutes=idle_minutes):
            raise Refused(
                f"batch {batch_id} is held by {holder.name if holder else '?'} and was active "
                f"{idle.total_seconds() / 60:.0f} min ago (release allowed after {idle_minutes} min)"
            )
        reset_hands(uow.session, batch)
        set_batch(
            uow,
            batch,
            "ready",
            actor,
            f"taken from {holder.name if holder else '?'} after {idle.total_seconds() / 60:.0f} min idle",
        )
        unstart_orders(uow, slot_orders(uow.session, batch.id), actor, f"batch {batch_id} freed: nothing picked yet")
        state = _state(uow.session, batch)  # read before commit: no second transaction after it
        uow.commit()
        return state


def reset_hands(session: Session, batch: Batch) -> None:
    """Units scanned but not dropped are back on the shelf as far as the books know: the stop starts again."""
    for task in session.scalars(select(PickTask).where(PickTask.batch_id == batch.id, PickTask.status == "open")):
        task.qty_in_hand = 0
        task.qty_awaiting_lot = 0
        task.location_confirmed = False
        task.item_confirmed = False
        task.lot_confirmed = False


def held_batch(db: Database, user_id: int) -> PickState | None:
    """The batch this user holds (a restarted terminal or station shows it at once), without claiming anything."""
    with db.unit_of_work(readonly=True) as uow:
        batch = uow.session.scalar(
            select(Batch).where(Batch.status == "picking", Batch.picker_id == user_id).order_by(Batch.id).limit(1)
        )
        return _state(uow.session, batch) if batch is not None else None


def finish_early(db: Database, layout: Layout, batch_id: int, *, actor: Actor) -> PickState:
    """End the walk with stops left (end of shift, a full cart): the open stops go back to the queue as a new
    batch for their orders, what is in the totes goes on to packing, and those orders are picked once their
    last stops are done."""
    with db.unit_of_work() as uow:
        session = uow.session
        batch = _leased(uow, batch_id, actor)
        open_tasks = list(
            session.scalars(
                select(PickTask).where(PickTask.batch_id == batch.id, PickTask.status == "open").order_by(PickTask.seq)
            )
        )
        held = sum(t.qty_in_hand + t.qty_awaiting_lot for t in open_tasks)
        if held:
            raise Refused(f"{held} unit(s) in hand: drop them into their tote before ending batch {batch.id}")
        if open_tasks:
            rest = Batch(status="ready", cutoff_key=batch.cutoff_key, priority=batch.priority, split_of=batch.split_of)
            session.add(rest)
            session.flush()
            slot_for: dict[int | None, int] = {}
            for task in open_tasks:
                if task.kind == "pick" and task.order_id not in slot_for:
                    slot_for[task.order_id] = len(slot_for) + 1
                    session.add(BatchSlot(batch_id=rest.id, slot=slot_for[task.order_id], order_id=task.order_id))
                task.batch_id = rest.id
                task.slot = slot_for.get(task.order_id) if task.kind == "pick" else None
                task.location_confirmed = task.item_confirmed = task.lot_confirmed = False
            session.flush()
            _reroute(session, layout, rest, from_code=open_tasks[0].location_code)
            rest.planned_distance_m = batch.planned_distance_m
            uow.record(
                actor,
                "batch.planned",
                subject=f"batch:{rest.id}",
                message=f"{len(open_tasks)} stops left on batch {batch.id} by {actor.name}",
                orders=[o for o in slot_for if o is not None],
            )
        _finish(uow, batch, actor)
        unstart_orders(uow, slot_orders(session, batch.id), actor, f"batch {batch_id} ended early: nothing picked yet")
        state = _state(session, batch)  # read before commit: no second transaction after it
        uow.commit()
        return state


def leave_batch(db: Database, batch_id: int, *, actor: Actor) -> PickState:
    """The picker gives the batch back to the queue (nothing may be in hand); what is in the totes stays."""
    with db.unit_of_work() as uow:
        batch = _leased(uow, batch_id, actor)
        open_hand = uow.session.scalar(
            select(func.sum(PickTask.qty_in_hand + PickTask.qty_awaiting_lot)).where(
                PickTask.batch_id == batch.id, PickTask.status == "open"
            )
        )
        if open_hand:
            raise Refused(f"{open_hand} unit(s) in hand: drop them into their tote before leaving batch {batch.id}")
        set_batch(uow, batch, "ready", actor, f"left by {actor.name}")
        unstart_orders(uow, slot_orders(uow.session, batch.id), actor, f"batch {batch_id} left: nothing picked yet")
        state = _state(uow.session, batch)  # read before commit: no second transaction after it
        uow.commit()
        return state


# --- scanning ---------------------------------------------------------------------------------------


def _refuse(uow: UnitOfWork, batch: Batch, actor: Actor, scan: Scan, expected: str, typed: bool) -> ScanResult:
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
    state = _state(uow.session, batch)
    uow.commit()
    return ScanResult(False, message, state, scan.printable)


def _accept(
    uow: UnitOfWork, batch: Batch, actor: Actor, kind: str, message: str, scan: Scan, typed: bool, **data: object
) -> ScanResult:
    batch.last_activity_at = datetime.now(UTC)
    uow.record(actor, kind, subject=f"batch:{batch.id}", message=message, scanned=scan.printable, typed=typed, **data)
    uow.session.flush()
    if batch.status == "picking" and _state(uow.session, batch).phase == "finish":
        # Confirming the last stop finishes the batch in the same transaction: orders picked, totes to packing.
        _finish(uow, batch, actor)
        message += f" · batch {batch.id} done"
    state = _state(uow.session, batch)
    uow.commit()
    return ScanResult(True, message, state, scan.printable)


def _finish(uow: UnitOfWork, batch: Batch, actor: Actor) -> None:
    complete_batch(uow, batch, actor)
    uow.record(actor, "batch.finished", subject=f"batch:{batch.id}", message=f"finished by {actor.name}")


def _stop_gone(uow: UnitOfWork, batch: Batch, task_id: int, scan: Scan) -> ScanResult | None:
    """The stop the terminal showed was taken off the batch (its order changed): say so, record nothing."""
    task = uow.session.get(PickTask, task_id)
    if task is None or task.batch_id != batch.id or task.status != "cancelled":
        return None
    message = f"Stop at {task.location_code} was removed: {task.short_reason or 'its order changed'}"
    return ScanResult(False, message, _state(uow.session, batch), scan.printable)


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
        session = uow.session
        batch = _leased(uow, batch_id, actor)
        state = _state(session, batch)
        if task_id is not None and state.stop is not None and state.stop.task_id != task_id:
            gone = _stop_gone(uow, batch, task_id, scan)
            if gone is not None:
                return gone
            return ScanResult(False, "The stop has moved on; scan again for the stop shown", state, scan.printable)
        if state.phase == "setup":
            return _scan_setup(uow, batch, state, scan, actor, typed)
        if state.phase == "finish":
            return _refuse(uow, batch, actor, scan, "nothing: every stop is done, finish the batch", typed)
        assert state.stop is not None
        task = session.get(PickTask, state.stop.task_id)
        assert task is not None
        if state.phase == "location":
            if scan.kind != "location" or scan.code != task.location_code:
                return _refuse(uow, batch, actor, scan, f"location {task.location_code}", typed)
            task.location_confirmed = True
            message = f"At {task.location_code}"
            if state.stop.sku_label and task.kind == "pick":
                message += f": {state.stop.sku} has no barcode, scan its SKU label"
            return _accept(uow, batch, actor, "pick.location", message, scan, typed, task=task.id)
        if state.phase == "lot":
            return _scan_lot(uow, batch, state, task, scan, actor, typed)
        if scan.kind == "tote" and task.kind == "pick":
            return _scan_tote_drop(uow, batch, state, task, scan, actor, typed)
        return _scan_item(uow, batch, state, task, scan, actor, typed)


def _scan_setup(uow: UnitOfWork, batch: Batch, state: PickState, scan: Scan, actor: Actor, typed: bool) -> ScanResult:
    session = uow.session
    slot = state.setup_slot
    if scan.kind != "tote":
        return _refuse(uow, batch, actor, scan, f"a free tote (TOTE-....) for slot {slot}", typed)
    tote = session.scalar(select(Tote).where(Tote.code == scan.code))
    if tote is not None and tote.status != "free":
        if tote.batch_id == batch.id and tote.status == "picking":
            where = "already on this cart"
        elif tote.status == "picking":
            other = session.get(Batch, tote.batch_id) if tote.batch_id else None
            holder = session.get(User, other.picker_id) if other and other.picker_id else None
            where = f"on batch {tote.batch_id}" + (f" picked by {holder.name}" if holder else "")
        elif tote.status == "putback":
            where = f"holding goods to put back (batch {tote.batch_id})"
        else:
            order = session.get(Order, tote.order_id) if tote.order_id else None
            where = f"holding order {order.number if order else '?'} for packing"
        return _refuse(uow, batch, actor, scan, f"a free tote for slot {slot} ({scan.code} is {where})", typed)
    if tote is None:
        tote = new_tote(uow, scan.code, actor)
    row = session.scalar(select(BatchSlot).where(BatchSlot.batch_id == batch.id, BatchSlot.slot == slot))
    assert row is not None
    row.tote_code = scan.code
    set_tote(uow, tote, "picking", actor, f"slot {slot} of batch {batch.id}", batch_id=batch.id, order_id=row.order_id)
    return _accept(uow, batch, actor, "pick.tote_set", f"Slot {slot}: {scan.code}", scan, typed, slot=slot)


def _count_units(
    uow: UnitOfWork, batch: Batch, task: PickTask, units: int, scan: Scan, actor: Actor, typed: bool, how: str
) -> ScanResult:
    """Proven units: into the picker's hand at a pick stop, back onto the shelf at a put-back stop."""
    if task.kind == "putback":
        return _put_back_units(uow, batch, task, units, scan, actor, typed)
    task.qty_in_hand += units
    sku = uow.session.scalar(select(Product.sku).where(Product.id == task.product_id))
    return _accept(
        uow,
        batch,
        actor,
        "pick.item",
        f"{sku}: {task.qty_in_hand + task.qty_picked} of {task.qty}{how}",
        scan,
        typed,
        task=task.id,
        units=units,
        lot=scan.lot or (task.lot or None),
        serial=scan.serial,
    )


def _scan_item(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    session = uow.session
    stop = state.stop
    assert stop is not None
    expected = f"item {stop.sku} ({stop.name})" + (f" lot {task.lot}" if task.lot else "")
    if stop.sku_label:
        expected += " - no barcode: scan its SKU label"
    if state.phase == "tote":
        return _refuse(uow, batch, actor, scan, f"tote {stop.tote_code} for the {task.qty_in_hand} in hand", typed)
    product, units = product_for_scan(session, scan)  # also the SKU label of an item without a GTIN
    if product is None and scan.error:
        return _refuse(uow, batch, actor, scan, f"{expected} ({scan.error})", typed)
    if product is None or product.id != task.product_id:
        return _refuse(uow, batch, actor, scan, expected, typed)
    if units < 1:
        return _refuse(uow, batch, actor, scan, f"{expected} (a label counting at least 1 unit)", typed)
    lot_checked = not (product.track_lot and task.lot)
    if product.track_lot and task.lot and scan.lot is not None:
        if scan.lot != task.lot:
            return _refuse(uow, batch, actor, scan, f"lot {task.lot} of {stop.sku} (scanned lot {scan.lot})", typed)
        lot_checked = True
    stock = session.get(Stock, task.stock_id) if task.stock_id else None
    expiry = stock.expiry if stock is not None else None
    if product.track_expiry and scan.expiry is not None and expiry is not None and expiry != scan.expiry:
        return _refuse(uow, batch, actor, scan, f"expiry {expiry} of lot {task.lot} (scanned {scan.expiry})", typed)
    remaining = task.qty - task.qty_picked - task.qty_in_hand - task.qty_awaiting_lot
    if units > remaining:
        return _refuse(uow, batch, actor, scan, f"at most {remaining} more of {stop.sku} (a scan of {units})", typed)
    task.item_confirmed = True
    if lot_checked or task.lot_confirmed:
        task.lot_confirmed = True
        return _count_units(uow, batch, task, units, scan, actor, typed, "")
    task.qty_awaiting_lot += units
    return _accept(
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
        product, _units = product_for_scan(uow.session, scan)
        if product is None or product.id != task.product_id:
            return _refuse(uow, batch, actor, scan, expected, typed)
    if lot != task.lot:
        return _refuse(uow, batch, actor, scan, expected, typed)
    stock = uow.session.get(Stock, task.stock_id) if task.stock_id else None
    if scan.expiry is not None and stock is not None and stock.expiry is not None and stock.expiry != scan.expiry:
        return _refuse(
            uow, batch, actor, scan, f"expiry {stock.expiry} of lot {task.lot} (scanned {scan.expiry})", typed
        )
    units = task.qty_awaiting_lot
    task.qty_awaiting_lot = 0
    task.lot_confirmed = True
    return _count_units(uow, batch, task, units, scan, actor, typed, f" (lot {task.lot})")


def add_typed_quantity(db: Database, batch_id: int, task_id: int, qty: int, *, actor: Actor) -> ScanResult:
    """More units of an item already proven by a scan at this stop, typed instead of scanned one by one."""
    with db.unit_of_work() as uow:
        batch = _leased(uow, batch_id, actor)
        state = _state(uow.session, batch)
        typed_scan = Scan(str(qty), "typed", str(qty))
        if state.stop is None or state.stop.task_id != task_id or state.phase != "item":
            gone = _stop_gone(uow, batch, task_id, typed_scan)
            return gone or ScanResult(False, "The stop has moved on; nothing was added", state)
        task = uow.session.get(PickTask, task_id)
        assert task is not None
        if not task.item_confirmed or (task.lot and not task.lot_confirmed):
            what = ("SKU label " if state.stop.sku_label else "ITEM ") + state.stop.sku
            what += f" with its lot {task.lot}" if task.lot else ""
            return _refuse(uow, batch, actor, typed_scan, f"a scan of the {what} before typing a quantity", True)
        remaining = task.qty - task.qty_picked - task.qty_in_hand - task.qty_awaiting_lot
        if qty < 1 or qty > remaining:
            return _refuse(uow, batch, actor, typed_scan, f"a quantity from 1 to {remaining}", True)
        return _count_units(uow, batch, task, qty, typed_scan, actor, True, " (typed)")


def _scan_tote_drop(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    allowed = {s.tote_code for s in state.slots if s.order_id == task.order_id and s.tote_code}
    if task.qty_in_hand == 0:
        return _refuse(uow, batch, actor, scan, f"item {state.stop.sku if state.stop else ''} first", typed)
    if scan.code not in allowed:
        return _refuse(
            uow,
            batch,
            actor,
            scan,
            f"tote {' or '.join(sorted(allowed))} (order {state.stop.order_number if state.stop else ''})",
            typed,
        )
    units = task.qty_in_hand
    _record_pick(uow, task, units, actor, scan.code)
    task.qty_picked += units
    task.qty_in_hand = 0
    if task.qty_picked >= task.qty:
        set_task(uow, task, "done", actor, f"{task.qty_picked} into {scan.code}")
    return _accept(
        uow,
        batch,
        actor,
        "pick.dropped",
        f"{units} into {scan.code}",
        scan,
        typed,
        task=task.id,
        units=units,
        tote=scan.code,
    )


def _record_pick(uow: UnitOfWork, task: PickTask, units: int, actor: Actor, tote: str) -> None:
    """Units leave the shelf for a tote: on hand (a ledger move) and reserved go down together; the order line
    and the allocation count them."""
    session = uow.session
    if task.stock_id is not None:
        stock = inventory.lock_stock(session, {task.stock_id})[task.stock_id]
        inventory.move(
            session, stock, -units, "pick", actor, f"order:{task.order_id} tote:{tote} batch:{task.batch_id}"
        )
        stock.quantity_reserved -= units
    if task.allocation_id is not None:
        allocation = session.get(Allocation, task.allocation_id)
        if allocation is not None:
            allocation.qty_picked += units
    if task.order_line_id is not None:
        line = session.get(OrderLine, task.order_line_id)
        assert line is not None
        line.qty_picked += units


def _put_back_units(
    uow: UnitOfWork, batch: Batch, task: PickTask, units: int, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    session = uow.session
    location = session.scalar(select(Location).where(Location.code == task.location_code))
    assert location is not None
    stock = inventory.stock_row(session, location.id, task.product_id, task.lot)
    inventory.move(session, stock, units, "put_back", actor, f"order:{task.order_id} tote:{task.tote_code}")
    task.qty_picked += units
    if task.qty_picked >= task.qty:
        set_task(uow, task, "done", actor, f"{task.qty} put back at {task.location_code}")
        close_put_back(uow, task, actor)
    return _accept(
        uow,
        batch,
        actor,
        "pick.put_back",
        f"{units} put back at {task.location_code}" + (f" from {task.tote_code}" if task.tote_code else ""),
        scan,
        typed,
        task=task.id,
        units=units,
    )


# --- exceptions -------------------------------------------------------------------------------------


def skip_stop(db: Database, batch_id: int, task_id: int, *, actor: Actor) -> ScanResult:
    """Come back to this stop later: it moves to the end of the walk (nothing in hand may be left behind)."""
    with db.unit_of_work() as uow:
        batch = _leased(uow, batch_id, actor)
        state = _state(uow.session, batch)
        if state.stop is None or state.stop.task_id != task_id:
            gone = _stop_gone(uow, batch, task_id, Scan("", "action", ""))
            return gone or ScanResult(False, "The stop has moved on; nothing was skipped", state)
        task = uow.session.get(PickTask, task_id)
        assert task is not None
        if task.qty_in_hand or task.qty_awaiting_lot:
            held = task.qty_in_hand + task.qty_awaiting_lot
            return ScanResult(False, f"Put the {held} in hand into tote {state.stop.tote_code} first", state)
        last = uow.session.scalar(select(func.max(PickTask.seq)).where(PickTask.batch_id == batch.id)) or 0
        task.seq = last + 1
        task.location_confirmed = False
        task.item_confirmed = False
        task.lot_confirmed = False
        return _accept(
            uow,
            batch,
            actor,
            "pick.skipped",
            f"Skipped {task.location_code}; it comes back at the end",
            Scan("", "action", ""),
            False,
            task=task.id,
        )


MAX_COUNT = 100_000
"""A counted quantity above this is a typing or scanning slip, not a count."""


def short_pick(
    db: Database,
    layout: Layout,
    batch_id: int,
    task_id: int,
    reason: str,
    counted: int,
    *,
    actor: Actor,
) -> ScanResult:
    """The stop cannot be picked in full: the picker, standing at the scanned location, counted ``counted`` good
    units of the item (and lot) there.

    The books of that shelf are set to the count (the difference is written off as ``short`` or ``damaged``, or
    found as ``count``: never more than the picker counted). When enough good units are there the stop simply
    goes on (take another unit from the same bin). Otherwise the stop shrinks to what is there, the missing
    units' reservation is given back and searched for elsewhere: another pick face becomes a new stop on this
    walk; none elsewhere flags the order for a supervisor, who decides before it can be packed. Other orders
    whose reservations the count took away are re-planned in the same transaction.
    """
    if reason not in SHORT_REASONS:
        raise InvalidInput(f"short pick reason {reason!r}: expected {' or '.join(SHORT_REASONS)}")
    if not 0 <= counted <= MAX_COUNT:
        raise InvalidInput(f"counted quantity {counted}: expected a whole number from 0 to {MAX_COUNT}")
    with db.unit_of_work() as uow:
        session = uow.session
        batch = _leased(uow, batch_id, actor)
        state = _state(session, batch)
        if state.stop is None or state.stop.task_id != task_id:
            gone = _stop_gone(uow, batch, task_id, Scan("", "action", ""))
            return gone or ScanResult(False, "That stop is no longer open; nothing recorded again", state)
        task = session.get(PickTask, task_id)
        assert task is not None
        if task.kind != "pick":
            return ScanResult(False, "A put-back cannot be short; skip it instead", state)
        if not task.location_confirmed:
            return ScanResult(
                False, f"Scan location {task.location_code} first: a short is counted at the shelf", state
            )
        if task.qty_in_hand or task.qty_awaiting_lot:
            held = task.qty_in_hand + task.qty_awaiting_lot
            return ScanResult(False, f"Put the {held} in hand into tote {state.stop.tote_code} first", state)
        stock = inventory.lock_stock(session, {task.stock_id}).get(task.stock_id) if task.stock_id else None
        line = session.get(OrderLine, task.order_line_id) if task.order_line_id else None
        assert stock is not None and line is not None
        sku = state.stop.sku
        ref = f"order:{task.order_id} batch:{batch.id} stop:{task.id}"
        remaining = task.qty - task.qty_picked
        books = stock.quantity_on_hand
        missing = max(0, remaining - counted)
        allocation = session.get(Allocation, task.allocation_id) if task.allocation_id else None
        if missing:
            if allocation is not None:
                allocation.qty -= missing
                if allocation.qty <= 0:
                    session.delete(allocation)
                    task.allocation_id = None
            stock.quantity_reserved -= missing
            line.qty_allocated -= missing
        session.flush()
        displaced = _displace(uow, layout, stock, counted, actor, keep=task.allocation_id)
        written_off = max(0, books - max(counted, stock.quantity_reserved))
        if counted >= books:
            inventory.set_counted(session, stock, counted, "count", actor, ref)
        else:
            target = max(counted, stock.quantity_reserved)
            inventory.set_counted(session, stock, target, "damaged" if reason == "damaged" else "short", actor, ref)
        uow.record(
            actor,
            "stock.short",
            subject=f"location:{task.location_code}",
            message=f"{sku} {reason}: counted {counted}, books {books}; {written_off} written off",
            sku=sku,
            counted=counted,
            on_hand_before=books,
            on_hand_after=stock.quantity_on_hand,
            missing=missing,
        )
        if not missing:
            return _accept(
                uow,
                batch,
                actor,
                "pick.short",
                f"{counted} good {sku} at {task.location_code} ({written_off} written off): "
                f"take the {remaining} from the same bin",
                Scan("", "action", ""),
                False,
                task=task.id,
                reason=reason,
                missing=0,
                counted=counted,
            )
        task.short_reason = f"{reason}: {missing} missing"
        if counted:
            task.qty = task.qty_picked + counted
        else:
            set_task(uow, task, "short", actor, f"{reason}: counted 0, {missing} missing")
        session.flush()
        replacement = _reallocate(session, task, line, stock.id, missing)
        order = session.get(Order, task.order_id)
        number = order.number if order else ""
        if replacement:
            for new_task in replacement:
                session.add(new_task)
            session.flush()
            _reroute(session, layout, batch, from_code=task.location_code)
            where = ", ".join(f"{t.qty} at {t.location_code}" for t in replacement)
            found = sum(t.qty for t in replacement)
            message = f"Short {missing} {sku} ({reason}); found {where}: added to the route"
            missing -= found
        if missing > 0:
            if order is not None:
                order.short_pending = True
            uow.record(
                actor,
                "order.short",
                subject=f"order:{task.order_id}",
                message=f"{missing} x {sku} short ({reason}) and none elsewhere: supervisor",
                sku=sku,
                missing=missing,
            )
            message = f"Short {missing} {sku} ({reason}); none elsewhere: {number} flagged for supervisor"
        if counted:
            message += f"; pick the {counted} that are there"
        if displaced:
            message += f" ({displaced} other order(s) re-planned)"
        return _accept(
            uow,
            batch,
            actor,
            "pick.short",
            message,
            Scan("", "action", ""),
            False,
            task=task.id,
            reason=reason,
            missing=missing,
            counted=counted,
        )


def _displace(uow: UnitOfWork, layout: Layout, stock: Stock, counted: int, actor: Actor, *, keep: int | None) -> int:
    """A count left fewer units on a shelf than other orders had reserved there: take the reservations of the
    lowest-priority orders that have not picked them yet, and re-plan each (another shelf, or back to allocation,
    or a short for the supervisor when picking already started). Returns how many orders were re-planned."""
    session = uow.session
    overflow = stock.quantity_reserved - counted
    if overflow <= 0:
        return 0
    rows = session.execute(
        select(Allocation, OrderLine, Order)
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .join(Order, OrderLine.order_id == Order.id)
        .where(Allocation.stock_id == stock.id, Allocation.qty > Allocation.qty_picked)
        .order_by(Order.status == PICKING, Order.priority, Order.id.desc())
    ).all()
    replanned = 0
    for allocation, line, order in rows:
        if overflow <= 0:
            break
        if allocation.id == keep:
            continue
        # the order is re-read under a lock: a concurrent release or claim must not be overwritten by this re-plan
        locked = session.execute(
            select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
        ).scalar_one()
        order = locked
        task_query = select(PickTask).where(PickTask.allocation_id == allocation.id, PickTask.status == "open")
        if session.get_bind().dialect.name == "postgresql":
            task_query = task_query.with_for_update(of=PickTask)
        tasks = list(session.scalars(task_query.execution_options(populate_existing=True)))
        held = sum(t.qty_in_hand + t.qty_awaiting_lot for t in tasks)
        take = min(overflow, allocation.qty - allocation.qty_picked - held)
        if take <= 0:
            continue
        overflow -= take
        replanned += 1
        allocation.qty -= take
        stock.quantity_reserved -= take
        line.qty_allocated -= take
        for task in tasks:
            shrink = min(take, task.qty - task.qty_picked - task.qty_in_hand - task.qty_awaiting_lot)
            task.qty -= shrink
            if task.qty <= task.qty_picked and task.qty_picked == 0:
                task.qty = max(task.qty, 1)
                set_task(uow, task, "cancelled", actor, f"{stock.location.code} counted short by another picker")
            elif task.qty <= task.qty_picked:
                set_task(uow, task, "done", actor, "the rest was counted short by another picker")
        if allocation.qty <= 0:
            session.delete(allocation)
        session.flush()
        anchor = tasks[0] if tasks else None
        found = 0
        if anchor is not None:
            replacement = _reallocate(session, anchor, line, stock.id, take)
            for new_task in replacement:
                session.add(new_task)
            session.flush()
            found = sum(t.qty for t in replacement)
            if replacement:
                target = session.get(Batch, anchor.batch_id)
                if target is not None:
                    _reroute(session, layout, target, from_code=anchor.location_code)
        else:
            found = _reallocate_unplanned(session, line, stock.id, take)
        if found >= take:
            continue
        if order.status == PICKING:
            order.short_pending = True
            uow.record(
                actor,
                "order.short",
                subject=f"order:{order.id}",
                message=f"{take - found} x {line.sku} lost to a count at {stock.location.code}: supervisor",
                sku=line.sku,
                missing=take - found,
            )
        elif order.status in (ALLOCATED, RELEASED):
            order_leaves_floor(uow, order, actor, "lost stock to a count", put_back=False)
            release_reservations(session, order)
            set_status(uow, order, NEW, actor, f"stock of {line.sku} counted short at {stock.location.code}")
    return replanned


def _reallocate_unplanned(session: Session, line: OrderLine, exclude_stock: int, missing: int) -> int:
    """Reserve ``missing`` units of a line that is not on a batch yet elsewhere; returns the units found."""
    probe = PickTask(product_id=line.product_id, order_id=line.order_id, batch_id=0, slot=None, location_code="", qty=1)
    tasks = _reallocate(session, probe, line, exclude_stock, missing)
    return sum(t.qty for t in tasks)


def _reallocate(session: Session, task: PickTask, line: OrderLine, exclude_stock: int, missing: int) -> list[PickTask]:
    product = session.get(Product, task.product_id)
    assert product is not None
    query = (
        select(Stock, Location.code)
        .join(Location, Stock.location_id == Location.id)
        .where(
            Stock.product_id == task.product_id,
            Stock.id != exclude_stock,
            Location.kind == "pick",
            Location.active.is_(True),
            Stock.quantity_on_hand > Stock.quantity_reserved,
        )
        .order_by(Stock.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Stock)
    rows = session.execute(query).all()
    today = date.today()
    candidates = [
        StockCandidate(s.id, code, s.lot, s.expiry, s.quantity_on_hand - s.quantity_reserved, s.received_at)
        for s, code in rows
        if s.expiry is None or s.expiry >= today
    ]
    reservations, _short = allocate_line(missing, candidates, fefo=product.track_expiry)
    stock_by_id = {s.id: s for s, _ in rows}
    tasks = []
    for r in reservations:
        stock_by_id[r.stock_id].quantity_reserved += r.qty
        allocation = Allocation(order_line_id=line.id, stock_id=r.stock_id, qty=r.qty)
        session.add(allocation)
        session.flush()
        line.qty_allocated += r.qty
        tasks.append(
            PickTask(
                batch_id=task.batch_id,
                seq=0,
                kind="pick",
                slot=task.slot,
                order_id=task.order_id,
                order_line_id=line.id,
                allocation_id=allocation.id,
                stock_id=r.stock_id,
                location_code=r.location,
                product_id=task.product_id,
                lot=r.lot,
                qty=r.qty,
            )
        )
    return tasks


def _reroute(session: Session, layout: Layout, batch: Batch, *, from_code: str) -> None:
    """Re-sequence the open stops as the shortest walk from where the picker stands to the drop point."""
    open_tasks = list(session.scalars(select(PickTask).where(PickTask.batch_id == batch.id, PickTask.status == "open")))
    if not open_tasks:
        return
    codes = sorted({t.location_code for t in open_tasks})
    route = shortest_route(layout, codes, start=layout.position(from_code))
    order = {code: i for i, code in enumerate(route.sequence)}
    base = (session.scalar(select(func.max(PickTask.seq)).where(PickTask.batch_id == batch.id)) or 0) + 1
    open_tasks.sort(key=lambda t: (order[t.location_code], t.slot or 0, t.id))
    for i, t in enumerate(open_tasks):
        t.seq = base + i


# --- finishing --------------------------------------------------------------------------------------


def complete_batch(uow: UnitOfWork, batch: Batch, actor: Actor) -> None:
    """The batch is done: its orders become picked (shorts named on their timeline), its totes wait for packing.

    Shared by the picker's finish and by a batch whose last stops left with their orders."""
    session = uow.session
    order_ids = set(session.scalars(select(BatchSlot.order_id).where(BatchSlot.batch_id == batch.id)))
    for order in lock_orders(session, {i for i in order_ids if i}):
        if order.status == RELEASED:
            set_status(uow, order, PICKING, actor, f"batch {batch.id} completed")
        if order.status == PICKING and not _other_loads_open(session, order.id, batch.id):
            short = [f"{x.sku} {x.qty_picked}/{x.qty_ordered}" for x in order.lines if x.qty_picked < x.qty_ordered]
            reason = f"picked on batch {batch.id}" + (f"; short: {', '.join(short)}" if short else "")
            set_status(uow, order, PICKED, actor, reason)
    filled = set(
        session.scalars(
            select(BatchSlot.tote_code)
            .join(PickTask, (PickTask.batch_id == BatchSlot.batch_id) & (PickTask.slot == BatchSlot.slot))
            .where(BatchSlot.batch_id == batch.id, PickTask.kind == "pick", PickTask.qty_picked > 0)
        )
    )
    for tote in session.scalars(select(Tote).where(Tote.batch_id == batch.id, Tote.status == "picking")):
        if tote.order_id in order_ids and tote.code in filled:
            set_tote(uow, tote, "packing", actor, f"batch {batch.id} finished: waits for packing")
        else:
            set_tote(uow, tote, "free", actor, f"batch {batch.id} finished with nothing in it")
    set_batch(uow, batch, "done", actor, "every stop done")


def _other_loads_open(session: Session, order_id: int, batch_id: int) -> bool:
    """An order split over several carts is picked only when its last cart load finishes."""
    return (
        session.scalar(
            select(func.count())
            .select_from(PickTask)
            .join(Batch, PickTask.batch_id == Batch.id)
            .where(
                PickTask.order_id == order_id,
                PickTask.kind == "pick",
                PickTask.status == "open",
                Batch.id != batch_id,
                Batch.status.in_(("ready", "picking")),
            )
        )
        or 0
    ) > 0


def finish_batch(db: Database, layout: Layout, batch_id: int, *, actor: Actor) -> FinishReport:
    """Close a batch whose stops are all done or short: orders become picked, totes wait for packing.

    Pressing it twice (or retrying after an error) returns the same report without doing anything twice.
    """
    with db.unit_of_work() as uow:
        session = uow.session
        batch = session.get(Batch, batch_id)
        already = batch is not None and batch.status == "done" and batch.picker_id == actor.user_id
        if already:
            authorize(uow, actor, "batches.pick")  # _leased authorizes the other way in
        else:
            batch = _leased(uow, batch_id, actor)
        assert batch is not None
        state = _state(session, batch)
        if state.phase not in ("finish", "done"):
            raise Refused(f"batch {batch_id} still has {state.stops_left} open stop(s)")
        visited = list(
            session.scalars(
                select(PickTask.location_code)
                .where(PickTask.batch_id == batch.id, PickTask.qty_picked > 0)
                .order_by(PickTask.seq)
            )
        )
        distance, s_shape = _walked(layout, visited)
        slots = state.slots
        numbers = tuple(s.order_number for s in slots if s.order_number)
        totes = tuple(s.tote_code for s in slots if s.tote_code)
        if batch.status == "done":
            return FinishReport(batch.id, numbers, totes, distance, s_shape, state.shorts)
        complete_batch(uow, batch, actor)
        uow.record(
            actor,
            "batch.finished",
            subject=f"batch:{batch.id}",
            message=f"{len(numbers)} orders, walked {distance:.0f} m (S-shape {s_shape:.0f} m)",
            distance_m=round(distance, 1),
            s_shape_m=round(s_shape, 1),
        )
        uow.commit()
        return FinishReport(batch.id, numbers, totes, distance, s_shape, state.shorts)


def _walked(layout: Layout, visited: list[str]) -> tuple[float, float]:
    """The walk along the stops in the order they were picked, against S-shape over the same stops."""
    if not visited:
        return 0.0, 0.0
    ordered: list[str] = []
    for code in visited:
        if not ordered or ordered[-1] != code:
            ordered.append(code)
    points = [layout.depot, *(layout.position(c) for c in ordered), layout.drop or layout.depot]
    distance = sum(layout.distance(a, b) for a, b in pairwise(points))
    return distance, s_shape_route(layout, sorted(set(ordered))).distance


# --- listings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StopLine:
    seq: int
    kind: str
    location: str
    sku: str
    lot: str
    qty: int
    qty_picked: int
    slot: int | None
    order: str
    status: str

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "location": self.location,
            "sku": self.sku,
            "lot": self.lot or None,
            "qty": self.qty,
            "qty_picked": self.qty_picked,
            "slot": self.slot,
            "order": self.order or None,
            "status": self.status,
        }


@dataclass(frozen=True)
class BatchLine:
    id: int
    status: str
    priority: float
    picker: str
    orders: tuple[str, ...]
    stops: int
    stops_done: int
    planned_distance_m: float
    last_activity_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "batch": self.id,
            "status": self.status,
            "priority": self.priority,
            "picker": self.picker or None,
            "orders": list(self.orders),
            "stops": self.stops,
            "stops_done": self.stops_done,
            "planned_distance_m": round(self.planned_distance_m, 1),
            "last_activity_at": self.last_activity_at.isoformat() if self.last_activity_at else None,
        }


def batch_stops(db: Database, batch_id: int) -> list[StopLine]:
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.execute(
            select(PickTask, Product.sku, Order.number)
            .join(Product, PickTask.product_id == Product.id)
            .outerjoin(Order, PickTask.order_id == Order.id)
            .where(PickTask.batch_id == batch_id)
            .order_by(PickTask.seq)
        ).all()
        return [
            StopLine(t.seq, t.kind, t.location_code, sku, t.lot, t.qty, t.qty_picked, t.slot, number or "", t.status)
            for t, sku, number in rows
        ]


def list_batches(db: Database, *, include_done: bool = False) -> list[BatchLine]:
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        query = select(Batch).order_by(Batch.status, Batch.priority.desc(), Batch.id)
        if not include_done:
            query = query.where(Batch.status != "done")
        result = []
        for batch in session.scalars(query):
            numbers = tuple(
                session.scalars(
                    select(Order.number)
                    .join(BatchSlot, BatchSlot.order_id == Order.id)
                    .where(BatchSlot.batch_id == batch.id)
                    .order_by(BatchSlot.slot)
                    .distinct()
                )
            )
            counts = dict(
                session.execute(
                    select(PickTask.status, func.count())
                    .where(PickTask.batch_id == batch.id, PickTask.status != "cancelled")
                    .group_by(PickTask.status)
                ).all()
            )
            picker = session.get(User, batch.picker_id) if batch.picker_id else None
            total = sum(counts.values())
            result.append(
                BatchLine(
                    batch.id,
                    batch.status,
                    batch.priority,
                    picker.name if picker else "",
                    numbers,
                    total,
                    total - counts.get("open", 0),
                    batch.planned_distance_m,
                    batch.last_activity_at,
                )
            )
        return result
