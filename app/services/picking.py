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

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

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
from app.db.unit_of_work import Actor, Database, UnitOfWork
from app.domain.allocation import StockCandidate, allocate_line
from app.domain.layout import Layout
from app.domain.orders import PICKED, PICKING, RELEASED, check_transition
from app.domain.routing import s_shape_route, shortest_route
from app.domain.scans import Scan, classify
from app.services.errors import NotFound, Refused
from app.services.products import product_for_scan
from app.services.users import UserView

SHORT_REASONS = ("empty", "damaged")


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

    @property
    def remaining(self) -> int:
        return self.qty - self.qty_picked - self.qty_in_hand


@dataclass(frozen=True)
class PickState:
    """What the picker screen shows; ``phase`` says what the next scan must be."""

    batch_id: int
    status: str
    phase: str
    """setup (scan a tote for ``setup_slot``) | location | item | tote | finish | done"""
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
            select(PickTask.status, func.count()).where(PickTask.batch_id == batch.id).group_by(PickTask.status)
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
    if batch.status == "done":
        return PickState(phase="done", stop=None, **common)
    missing = [s.slot for s in slots if s.tote_code is None]
    if missing:
        return PickState(phase="setup", stop=None, setup_slot=missing[0], **common)
    row = session.execute(
        select(PickTask, Product.sku, Product.name, Order.number)
        .join(Product, PickTask.product_id == Product.id)
        .outerjoin(Order, PickTask.order_id == Order.id)
        .where(PickTask.batch_id == batch.id, PickTask.status == "open")
        .order_by(PickTask.seq)
        .limit(1)
    ).first()
    if row is None:
        return PickState(phase="finish", stop=None, **common)
    task, sku, name, number = row
    stop = StopView(
        task.id,
        task.seq,
        task.kind,
        task.location_code,
        sku,
        name,
        task.lot,
        task.qty,
        task.qty_in_hand,
        task.qty_picked,
        task.location_confirmed,
        task.slot,
        tote_of.get(task.slot) if task.slot else None,
        number or "",
    )
    if not task.location_confirmed:
        phase = "location"
    elif task.kind == "pick" and task.qty_in_hand + task.qty_picked >= task.qty:
        phase = "tote"
    else:
        phase = "item"
    return PickState(phase=phase, stop=stop, **common)


def pick_state(db: Database, batch_id: int) -> PickState:
    with db.unit_of_work(readonly=True) as uow:
        batch = uow.session.get(Batch, batch_id)
        if batch is None:
            raise NotFound(f"no batch {batch_id}")
        return _state(uow.session, batch)


def _locked_batch(uow: UnitOfWork, batch_id: int, actor: Actor) -> Batch:
    batch = uow.session.get(Batch, batch_id, with_for_update=uow.session.get_bind().dialect.name == "postgresql")
    if batch is None:
        raise NotFound(f"no batch {batch_id}")
    if batch.status == "picking" and actor.user_id is not None and batch.picker_id not in (None, actor.user_id):
        holder = uow.session.get(User, batch.picker_id)
        raise Refused(f"batch {batch.id} is being picked by {holder.name if holder else 'someone else'}")
    return batch


# --- claiming ---------------------------------------------------------------------------------------


def claim_batch(db: Database, user: UserView, *, terminal: str) -> PickState | None:
    """The user's unfinished batch if they have one (resume), else the highest-priority free batch, or None.

    SQLite: the compare-and-set UPDATE ... WHERE status = 'ready' must touch exactly one row (writers are
    serialized by BEGIN IMMEDIATE). PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers never wait on
    or collide over the same row.
    """
    actor = Actor(user.name, terminal, user.id)
    with db.unit_of_work() as uow:
        session = uow.session
        mine = session.scalar(
            select(Batch).where(Batch.status == "picking", Batch.picker_id == user.id).order_by(Batch.id).limit(1)
        )
        if mine is not None:
            uow.record(actor, "batch.resumed", subject=f"batch:{mine.id}")
            mine.terminal = terminal
            uow.commit()
            return _state(session, mine)
        for _attempt in range(5):
            query = select(Batch.id).where(Batch.status == "ready").order_by(Batch.priority.desc(), Batch.id).limit(1)
            if db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            batch_id = session.scalar(query)
            if batch_id is None:
                return None
            now = datetime.now(UTC)
            claimed = session.execute(
                update(Batch)
                .where(Batch.id == batch_id, Batch.status == "ready")
                .values(status="picking", picker_id=user.id, terminal=terminal, claimed_at=now, last_activity_at=now)
            ).rowcount
            if claimed == 1:
                batch = session.get(Batch, batch_id)
                assert batch is not None
                session.refresh(batch)
                orders = session.scalars(
                    select(Order).where(Order.id.in_(select(BatchSlot.order_id).where(BatchSlot.batch_id == batch_id)))
                ).all()
                for order in orders:
                    if order.status == RELEASED:
                        check_transition(order.number, order.status, PICKING)
                        order.status = PICKING
                        uow.record(
                            actor,
                            "order.status",
                            subject=f"order:{order.id}",
                            message=f"picking started on batch {batch_id}",
                            **{"from": RELEASED, "to": PICKING, "reason": f"batch {batch_id} claimed"},
                        )
                uow.record(actor, "batch.claimed", subject=f"batch:{batch_id}", message=f"claimed by {user.name}")
                uow.commit()
                return _state(session, batch)
        return None


def release_batch(db: Database, batch_id: int, *, actor: Actor, idle_minutes: int, force: bool = False) -> PickState:
    """A supervisor gives a stalled batch back to the queue (idle longer than ``idle_minutes`` unless forced).

    What was picked stays picked; the next picker resumes at the first open stop with the same totes.
    """
    with db.unit_of_work() as uow:
        batch = uow.session.get(Batch, batch_id)
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
        batch.status = "ready"
        batch.picker_id = None
        uow.record(
            actor,
            "batch.released",
            subject=f"batch:{batch_id}",
            message=f"taken from {holder.name if holder else '?'} after {idle.total_seconds() / 60:.0f} min idle",
        )
        uow.commit()
        return _state(uow.session, batch)


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
    uow.commit()
    return ScanResult(False, message, _state(uow.session, batch), scan.printable)


def _accept(
    uow: UnitOfWork, batch: Batch, actor: Actor, kind: str, message: str, scan: Scan, typed: bool, **data: object
) -> ScanResult:
    batch.last_activity_at = datetime.now(UTC)
    uow.record(actor, kind, subject=f"batch:{batch.id}", message=message, scanned=scan.printable, typed=typed, **data)
    uow.commit()
    return ScanResult(True, message, _state(uow.session, batch), scan.printable)


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
    """Apply one scan to the batch; what it must be depends on the phase (tote, location, item, tote)."""
    scan = classify(raw, badge_prefix=badge_prefix)
    with db.unit_of_work() as uow:
        session = uow.session
        batch = _locked_batch(uow, batch_id, actor)
        state = _state(session, batch)
        if state.phase == "done":
            return ScanResult(False, f"Batch {batch_id} is finished", state, scan.printable)
        if task_id is not None and state.stop is not None and state.stop.task_id != task_id:
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
            return _accept(uow, batch, actor, "pick.location", f"At {task.location_code}", scan, typed, task=task.id)
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
        if tote.batch_id == batch.id:
            where = "already on this cart"
        elif tote.status == "picking":
            other = session.get(Batch, tote.batch_id) if tote.batch_id else None
            holder = session.get(User, other.picker_id) if other and other.picker_id else None
            where = f"on batch {tote.batch_id}" + (f" picked by {holder.name}" if holder else "")
        else:
            order = session.get(Order, tote.order_id) if tote.order_id else None
            where = f"holding order {order.number if order else '?'} for packing"
        return _refuse(uow, batch, actor, scan, f"a free tote for slot {slot} ({scan.code} is {where})", typed)
    if tote is None:
        tote = Tote(code=scan.code)
        session.add(tote)
    tote.status = "picking"
    tote.batch_id = batch.id
    row = session.scalar(select(BatchSlot).where(BatchSlot.batch_id == batch.id, BatchSlot.slot == slot))
    assert row is not None
    row.tote_code = scan.code
    tote.order_id = row.order_id
    return _accept(uow, batch, actor, "pick.tote_set", f"Slot {slot}: {scan.code}", scan, typed, slot=slot)


def _scan_item(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    session = uow.session
    stop = state.stop
    assert stop is not None
    expected = f"item {stop.sku} ({stop.name})" + (f" lot {task.lot}" if task.lot else "")
    if state.phase == "tote":
        return _refuse(uow, batch, actor, scan, f"tote {stop.tote_code} for the {task.qty_in_hand} in hand", typed)
    if scan.error:
        return _refuse(uow, batch, actor, scan, f"{expected} ({scan.error})", typed)
    product, units = product_for_scan(session, scan)
    if product is None or product.id != task.product_id:
        return _refuse(uow, batch, actor, scan, expected, typed)
    if product.track_lot and scan.lot is not None and scan.lot != task.lot:
        return _refuse(uow, batch, actor, scan, f"lot {task.lot} of {stop.sku} (scanned lot {scan.lot})", typed)
    stock = session.get(Stock, task.stock_id) if task.stock_id else None
    if product.track_expiry and scan.expiry is not None and stock is not None and stock.expiry != scan.expiry:
        return _refuse(
            uow, batch, actor, scan, f"expiry {stock.expiry} of lot {task.lot} (scanned {scan.expiry})", typed
        )
    remaining = task.qty - task.qty_picked - task.qty_in_hand
    if units > remaining:
        return _refuse(uow, batch, actor, scan, f"at most {remaining} more of {stop.sku} (a scan of {units})", typed)
    if task.kind == "putback":
        return _put_back_units(uow, batch, task, units, scan, actor, typed)
    task.qty_in_hand += units
    return _accept(
        uow,
        batch,
        actor,
        "pick.item",
        f"{stop.sku}: {task.qty_in_hand + task.qty_picked} of {task.qty}",
        scan,
        typed,
        task=task.id,
        units=units,
        lot=scan.lot,
        serial=scan.serial,
    )


def add_typed_quantity(db: Database, batch_id: int, task_id: int, qty: int, *, actor: Actor) -> ScanResult:
    """Quantity typed by the picker (after confirming it on screen) instead of scanning each unit."""
    with db.unit_of_work() as uow:
        batch = _locked_batch(uow, batch_id, actor)
        state = _state(uow.session, batch)
        empty = Scan(str(qty), "typed", str(qty))
        if state.stop is None or state.stop.task_id != task_id or state.phase != "item":
            return ScanResult(False, "The stop has moved on; nothing was added", state)
        task = uow.session.get(PickTask, task_id)
        assert task is not None
        remaining = task.qty - task.qty_picked - task.qty_in_hand
        if qty < 1 or qty > remaining:
            return _refuse(uow, batch, actor, empty, f"a quantity from 1 to {remaining}", True)
        if task.kind == "putback":
            return _put_back_units(uow, batch, task, qty, empty, actor, True)
        task.qty_in_hand += qty
        return _accept(
            uow,
            batch,
            actor,
            "pick.item",
            f"{state.stop.sku}: {task.qty_in_hand + task.qty_picked} of {task.qty} (typed)",
            empty,
            True,
            task=task.id,
            units=qty,
        )


def _scan_tote_drop(
    uow: UnitOfWork, batch: Batch, state: PickState, task: PickTask, scan: Scan, actor: Actor, typed: bool
) -> ScanResult:
    session = uow.session
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
    _record_pick(session, task, units)
    task.qty_picked += units
    task.qty_in_hand = 0
    if task.qty_picked >= task.qty:
        task.status = "done"
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


def _record_pick(session: Session, task: PickTask, units: int) -> None:
    """Units leave the shelf: stock on hand and reserved go down together; the order line counts them."""
    if task.stock_id is not None:
        stock = session.get(Stock, task.stock_id)
        assert stock is not None
        stock.quantity_on_hand -= units
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
    stock = session.scalar(
        select(Stock).where(
            Stock.location_id == location.id, Stock.product_id == task.product_id, Stock.lot == task.lot
        )
    )
    if stock is None:
        stock = Stock(
            location_id=location.id, product_id=task.product_id, lot=task.lot, quantity_on_hand=0, quantity_reserved=0
        )
        session.add(stock)
    stock.quantity_on_hand += units
    task.qty_picked += units
    if task.qty_picked >= task.qty:
        task.status = "done"
        putback = session.get(PutbackTask, task.putback_id) if task.putback_id else None
        if putback is not None:
            putback.status = "done"
            putback.done_at = datetime.now(UTC)
    return _accept(
        uow,
        batch,
        actor,
        "pick.put_back",
        f"{units} put back at {task.location_code}",
        scan,
        typed,
        task=task.id,
        units=units,
    )


# --- exceptions -------------------------------------------------------------------------------------


def skip_stop(db: Database, batch_id: int, task_id: int, *, actor: Actor) -> ScanResult:
    """Come back to this stop later: it moves to the end of the walk (nothing in hand may be left behind)."""
    with db.unit_of_work() as uow:
        batch = _locked_batch(uow, batch_id, actor)
        state = _state(uow.session, batch)
        if state.stop is None or state.stop.task_id != task_id:
            return ScanResult(False, "The stop has moved on; nothing was skipped", state)
        task = uow.session.get(PickTask, task_id)
        assert task is not None
        if task.qty_in_hand:
            return ScanResult(
                False, f"Put the {task.qty_in_hand} in hand into tote {state.stop.tote_code} first", state
            )
        last = uow.session.scalar(select(func.max(PickTask.seq)).where(PickTask.batch_id == batch.id)) or 0
        task.seq = last + 1
        task.location_confirmed = False
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


def short_pick(db: Database, layout: Layout, batch_id: int, task_id: int, reason: str, *, actor: Actor) -> ScanResult:
    """Record a shortage (empty or damaged) and look for the missing units elsewhere.

    The missing units' reservation is given back and the shelf count corrected; if another pick face has the
    item it becomes a new stop and the remaining stops are re-routed from here, else the order is flagged for
    the supervisor (``order.short`` event).
    """
    if reason not in SHORT_REASONS:
        raise Refused(f"short pick reason {reason!r}: expected {' or '.join(SHORT_REASONS)}")
    with db.unit_of_work() as uow:
        session = uow.session
        batch = _locked_batch(uow, batch_id, actor)
        state = _state(session, batch)
        if state.stop is None or state.stop.task_id != task_id:
            return ScanResult(False, "That stop is no longer open; nothing recorded again", state)
        task = session.get(PickTask, task_id)
        assert task is not None
        if task.kind != "pick":
            return ScanResult(False, "A put-back cannot be short; skip it instead", state)
        if task.qty_in_hand:
            return ScanResult(
                False, f"Put the {task.qty_in_hand} in hand into tote {state.stop.tote_code} first", state
            )
        missing = task.qty - task.qty_picked
        stock = session.get(Stock, task.stock_id) if task.stock_id else None
        allocation = session.get(Allocation, task.allocation_id) if task.allocation_id else None
        line = session.get(OrderLine, task.order_line_id) if task.order_line_id else None
        assert stock is not None and line is not None
        stock.quantity_reserved -= missing
        counted_before = stock.quantity_on_hand
        if reason == "empty":  # the shelf is bare: only other orders' reservations stay on the books (to short too)
            stock.quantity_on_hand = stock.quantity_reserved
        else:  # damaged units are written off
            stock.quantity_on_hand = max(stock.quantity_reserved, stock.quantity_on_hand - missing)
        if allocation is not None:
            allocation.qty -= missing
            if allocation.qty == 0:
                session.delete(allocation)
                task.allocation_id = None
        line.qty_allocated -= missing
        task.status = "short"
        task.short_reason = reason
        task.qty = max(task.qty_picked, 1) if task.qty_picked else task.qty
        uow.record(
            actor,
            "stock.short",
            subject=f"location:{task.location_code}",
            message=f"{state.stop.sku} {reason}: {missing} missing at {task.location_code}",
            sku=state.stop.sku,
            missing=missing,
            on_hand_before=counted_before,
            on_hand_after=stock.quantity_on_hand,
        )
        session.flush()
        replacement = _reallocate(session, task, line, stock.id, missing)
        if replacement:
            for new_task in replacement:
                session.add(new_task)
            session.flush()
            _reroute(session, layout, batch, from_code=task.location_code)
            where = ", ".join(f"{t.qty} at {t.location_code}" for t in replacement)
            message = f"Short {missing} {state.stop.sku} ({reason}); found {where}: added to the route"
        else:
            order = session.get(Order, task.order_id)
            uow.record(
                actor,
                "order.short",
                subject=f"order:{task.order_id}",
                message=f"{missing} x {state.stop.sku} short ({reason}) and none elsewhere: supervisor",
                sku=state.stop.sku,
                missing=missing,
            )
            number = order.number if order else ""
            message = f"Short {missing} {state.stop.sku} ({reason}); none elsewhere: {number} flagged for supervisor"
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
        )


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


def finish_batch(db: Database, layout: Layout, batch_id: int, *, actor: Actor) -> FinishReport:
    """Close a batch whose stops are all done or short: orders become picked, totes wait for packing.

    Pressing it twice (or retrying after an error) returns the same report without doing anything twice.
    """
    with db.unit_of_work() as uow:
        session = uow.session
        batch = _locked_batch(uow, batch_id, actor)
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
        order_ids = {s.order_id for s in slots if s.order_id}
        for order in session.scalars(select(Order).where(Order.id.in_(order_ids))):
            if order.status == PICKING:
                check_transition(order.number, order.status, PICKED)
                order.status = PICKED
                short = [f"{x.sku} {x.qty_picked}/{x.qty_ordered}" for x in order.lines if x.qty_picked < x.qty_ordered]
                reason = f"picked on batch {batch.id}" + (f"; short: {', '.join(short)}" if short else "")
                uow.record(
                    actor,
                    "order.status",
                    subject=f"order:{order.id}",
                    message=reason,
                    **{"from": PICKING, "to": PICKED, "reason": reason},
                )
        for tote in session.scalars(select(Tote).where(Tote.batch_id == batch.id)):
            tote.status = "packing"
        batch.status = "done"
        batch.finished_at = datetime.now(UTC)
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
                    select(PickTask.status, func.count()).where(PickTask.batch_id == batch.id).group_by(PickTask.status)
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
