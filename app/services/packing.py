"""Verified packing at the packing station: scan a tote or order, take the suggested box (or scan another), scan
every item into the carton, weigh, close. Closing the last carton ships the order (see ``app.services.shipping``).

As in picking, every action is one transaction that re-reads the order and either records the scan or refuses
it with what was expected; a wrong, extra or already-packed item is refused and only the refusal is logged.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import Config
from app.db.base import utcnow
from app.db.models import Allocation, Carton, CartonItem, Event, Order, OrderLine, Product, Shipment, Stock, Tote
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.cartonization import (
    BoxTooSmall,
    BoxType,
    Item,
    UnknownBox,
    box_for_scan,
    choose_boxes,
    load_boxes,
    plan_for_box,
)
from app.domain.errors import DomainError
from app.domain.orders import PACKED, PACKING, PICKED
from app.domain.scans import classify
from app.domain.weight_check import check_weight
from app.services import weight_approval
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused
from app.services.floor_state import set_carton
from app.services.order_support import find_order, lock_orders, order_subject, set_status
from app.services.products import product_for_scan

PACKABLE = frozenset({PICKED, PACKING, PACKED})


@dataclass(frozen=True)
class PackLine:
    line_id: int
    sku: str
    name: str
    qty_ordered: int
    qty_picked: int
    qty_packed: int
    gtin: str = ""
    lots: tuple[tuple[str, int], ...] = ()
    """Units picked per lot (lot-tracked products), in the order they were reserved."""

    @property
    def to_pack(self) -> int:
        return self.qty_picked - self.qty_packed

    @property
    def short(self) -> int:
        return self.qty_ordered - self.qty_picked


@dataclass(frozen=True)
class CartonView:
    id: int
    seq: int
    box_code: str
    status: str
    items: tuple[tuple[str, int], ...]
    expected_weight_kg: Decimal
    measured_weight_kg: Decimal | None
    tracking_number: str | None
    sscc: str | None
    pack_step: str = "weight"


@dataclass(frozen=True)
class PackState:
    order_id: int
    order_number: str
    status: str
    lines: tuple[PackLine, ...]
    cartons: tuple[CartonView, ...]
    suggestion: tuple[str, ...]
    """Box codes suggested for what is still to pack (cheapest fit; several when it must split)."""
    shipment_id: int | None
    carrier: str
    service: str

    @property
    def open_carton(self) -> CartonView | None:
        return next((c for c in self.cartons if c.status == "open"), None)

    @property
    def units_to_pack(self) -> int:
        return sum(line.to_pack for line in self.lines)

    @property
    def phase(self) -> str:
        """box (scan or accept a box) | items | weigh (carton full: close it) | done"""
        if self.status == "shipped":
            return "done"
        carton = self.open_carton
        if carton is None:
            return "box" if self.units_to_pack else "done"
        return "items" if self.units_to_pack else "weigh"

    @property
    def expect(self) -> str:
        """The packer's next step, in the order of the headless station: item... -> box -> weight -> ship."""
        if self.status == "shipped":
            return "order"
        carton = self.open_carton
        if carton is None:
            return "item" if self.units_to_pack else "ship"
        if carton.pack_step == "items":
            return "item" if self.units_to_pack else "box"
        if carton.pack_step == "open":  # a box chosen up front: fill it, then weigh
            return "item" if self.units_to_pack else "weight"
        return carton.pack_step  # box | weight


@dataclass(frozen=True)
class PackResult:
    accepted: bool
    message: str
    state: PackState
    needs_approval: bool = False
    """The carton was weighed outside the tolerance and stays open until a supervisor approves the weight."""
    approver: str = ""
    """Who approved (accepted) or whose approval was refused (the badge's holder), when a person was involved."""
    pin_needed: bool = False
    """Refused only for want of the approver's PIN: a terminal asks for it, a headless station explains the way."""


@cache
def _boxes_cached(path: str, mtime: float) -> tuple[BoxType, ...]:
    with open(path, "rb") as fh:
        return tuple(load_boxes(tomllib.load(fh), path))


def box_catalog(config: Config) -> tuple[BoxType, ...]:
    path = config.resolve(config.shipping.boxes)
    try:
        return _boxes_cached(str(path), path.stat().st_mtime)
    except FileNotFoundError:
        raise InvalidInput(f"shipping.boxes: box catalog not found: {path}") from None


def unit_of(product: Product) -> Item:
    """One unit of a product as the cartonization sees it."""
    return Item(
        product.sku,
        float(product.length_cm),
        float(product.width_cm),
        float(product.height_cm),
        float(product.weight_kg),
    )


def _units(session: Session, order_id: int, *, remaining_only: bool) -> list[Item]:
    rows = session.execute(
        select(OrderLine, Product)
        .join(Product, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order_id)
    ).all()
    units = []
    for line, product in rows:
        count = line.qty_picked - line.qty_packed if remaining_only else line.qty_picked
        units.extend(unit_of(product) for _ in range(max(0, count)))
    return units


def _state(session: Session, config: Config, order: Order) -> PackState:
    lots: dict[int, list[tuple[str, int]]] = {}
    for line_id, lot, qty in session.execute(
        select(Allocation.order_line_id, Stock.lot, func.sum(Allocation.qty_picked))
        .join(Stock, Allocation.stock_id == Stock.id)
        .join(OrderLine, Allocation.order_line_id == OrderLine.id)
        .where(OrderLine.order_id == order.id, Allocation.qty_picked > 0, Stock.lot != "")
        .group_by(Allocation.order_line_id, Stock.lot)
        .order_by(Allocation.order_line_id, Stock.lot)
    ):
        lots.setdefault(line_id, []).append((lot, int(qty)))
    lines = tuple(
        PackLine(
            x.id, x.sku, x.name, x.qty_ordered, x.qty_picked, x.qty_packed, gtin or x.gtin, tuple(lots.get(x.id, ()))
        )
        for x, gtin in session.execute(
            select(OrderLine, Product.gtin)
            .outerjoin(Product, OrderLine.product_id == Product.id)
            .where(OrderLine.order_id == order.id)
            .order_by(OrderLine.line_no)
        )
    )
    shipment = session.scalar(
        select(Shipment).where(Shipment.order_id == order.id, Shipment.status != "voided").order_by(Shipment.id.desc())
    )
    cartons: list[CartonView] = []
    if shipment is not None:
        for carton in session.scalars(
            select(Carton).where(Carton.shipment_id == shipment.id, Carton.status != "voided").order_by(Carton.seq)
        ):
            items = tuple(
                (sku, qty)
                for sku, qty in session.execute(
                    select(OrderLine.sku, CartonItem.qty)
                    .join(OrderLine, CartonItem.order_line_id == OrderLine.id)
                    .where(CartonItem.carton_id == carton.id)
                    .order_by(OrderLine.line_no)
                )
            )
            cartons.append(
                CartonView(
                    carton.id,
                    carton.seq,
                    carton.box_code,
                    carton.status,
                    items,
                    carton.expected_weight_kg,
                    carton.measured_weight_kg,
                    carton.tracking_number,
                    carton.sscc,
                    carton.pack_step,
                )
            )
    suggestion: tuple[str, ...] = ()
    remaining = _units(session, order.id, remaining_only=True)
    if remaining and not any(c.status == "open" for c in cartons):
        try:
            suggestion = tuple(plan.box.code for plan in choose_boxes(remaining, box_catalog(config)))
        except DomainError:
            suggestion = ()
    return PackState(
        order.id,
        order.number,
        order.status,
        lines,
        tuple(cartons),
        suggestion,
        shipment.id if shipment else None,
        shipment.carrier if shipment else "",
        shipment.service if shipment else "",
    )


def pack_state(db: Database, config: Config, order_id: int) -> PackState:
    with db.unit_of_work(readonly=True) as uow:
        order = uow.session.get(Order, order_id)
        if order is None:
            raise NotFound(f"no order {order_id}")
        return _state(uow.session, config, order)


def order_in_hand(db: Database, config: Config, user_id: int) -> PackState | None:
    """The order this packer was last packing, if it is still being packed (a restarted station shows it)."""
    with db.unit_of_work(readonly=True) as uow:
        subjects = uow.session.scalars(
            select(Event.subject)
            .where(Event.user_id == user_id, Event.kind.like("pack.%"), Event.subject.like("order:%"))
            .order_by(Event.id.desc())
            .limit(1)
        ).all()
        for subject in subjects:
            order = uow.session.get(Order, int(subject.split(":", 1)[1]))
            if order is not None and order.status == PACKING:
                return _state(uow.session, config, order)
        return None


def start_packing(db: Database, config: Config, code: str, *, actor: Actor) -> PackState:
    """Open an order at the packing station by scanning its tote or typing/scanning its order number."""
    scan = classify(code)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        session = uow.session
        if scan.kind == "tote":
            tote = session.scalar(select(Tote).where(Tote.code == scan.code))
            if tote is not None and tote.status == "putback":
                gone = session.get(Order, tote.order_id) if tote.order_id else None
                raise Refused(
                    f"tote {scan.code} holds goods of {gone.number if gone else 'a'} cancelled order to put back "
                    f"on the shelves (batch {tote.batch_id}): hand it to picking, do not pack it"
                )
            if tote is None or tote.status != "packing" or tote.order_id is None:
                what = "not in use" if tote is None or tote.status == "free" else "still on a picking cart"
                raise Refused(f"tote {scan.code} is {what}; scan a tote from the packing shelf or the order number")
            order = lock_orders(session, {tote.order_id})[0]
        else:
            order = find_order(session, code, for_update=True)
        if order.status not in PACKABLE and order.status != "shipped":
            raise Refused(f"order {order.number} is {order.status}: only picked orders can be packed")
        refuse_if_short_pending(order)
        if order.status == PICKED:
            set_status(uow, order, PACKING, actor, f"packing started at {actor.terminal}")
        state = _state(session, config, order)
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


def _refuse(uow: UnitOfWork, config: Config, order: Order, actor: Actor, scanned: str, expected: str) -> PackResult:
    message = f"Wrong scan: expected {expected}, scanned {scanned}"
    uow.record(actor, "pack.refused", subject=order_subject(order.id), message=message, scanned=scanned)
    state = _state(uow.session, config, order)
    uow.commit()
    return PackResult(False, message, state)


def _open_shipment(session: Session, order: Order, station: str) -> Shipment:
    shipment = session.scalar(
        select(Shipment).where(Shipment.order_id == order.id, Shipment.status == "packing").order_by(Shipment.id)
    )
    if shipment is None:
        shipment = Shipment(order_id=order.id, status="packing", station=station)
        session.add(shipment)
        session.flush()
    return shipment


def open_carton(db: Database, config: Config, order_id: int, box_code: str, *, actor: Actor) -> PackResult:
    """Start a carton of the given box type (the suggestion, or a box the packer scanned instead)."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        session = uow.session
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(f"no order {order_id}")
        state = _state(session, config, order)
        if state.phase != "box":
            return PackResult(False, "A carton is already open" if state.open_carton else "Nothing left to pack", state)
        try:
            box = box_for_scan(box_code, box_catalog(config))
        except UnknownBox as exc:
            return _refuse(uow, config, order, actor, box_code, f"a box from the catalog ({exc})")
        carton = _new_carton(uow, order, box, actor, "open")
        state = _state(session, config, order)
        uow.commit()
        return PackResult(True, f"Carton {carton.seq}: {box.name} ({box.code})", state)


def _new_carton(uow: UnitOfWork, order: Order, box: BoxType, actor: Actor, step: str) -> Carton:
    """A new open carton of ``box``: chosen up front (``open``: fill it, then weigh) or opened by the first item
    scan with the suggested box (``items``: the box is confirmed or changed once it is full)."""
    session = uow.session
    shipment = _open_shipment(session, order, actor.terminal)
    seq = (session.scalar(select(func.max(Carton.seq)).where(Carton.shipment_id == shipment.id)) or 0) + 1
    carton = Carton(
        shipment_id=shipment.id,
        seq=seq,
        box_code=box.code,
        status="open",
        pack_step=step,
        expected_weight_kg=Decimal(str(box.tare_weight_kg)),
    )
    session.add(carton)
    session.flush()
    uow.record(
        actor, "pack.carton_opened", subject=order_subject(order.id), message=f"carton {seq}: {box.name}", box=box.code
    )
    return carton


def _box_that_fits(contents: list[Item], config: Config):  # type: ignore[no-untyped-def]
    """The cheapest catalog box that holds ``contents`` in one carton, with its packing plan, or None."""
    for box in sorted(box_catalog(config), key=lambda b: (b.cost, b.volume_cm3)):
        try:
            return box, plan_for_box(contents, box)
        except BoxTooSmall:
            continue
    return None


def close_items(db: Database, config: Config, order_id: int, *, actor: Actor) -> PackResult:
    """The open carton is full (or the order is split on purpose): its box is confirmed next, then weighed."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        order = _order(uow, order_id)
        state = _state(uow.session, config, order)
        view = state.open_carton
        if view is None or not view.items:
            return PackResult(False, "No carton with items to close: scan items first", state)
        carton = uow.session.get(Carton, view.id)
        assert carton is not None
        carton.pack_step = "box"
        uow.record(actor, "pack.carton_filled", subject=order_subject(order.id), message=f"carton {carton.seq} full")
        state = _state(uow.session, config, order)
        uow.commit()
        return PackResult(True, f"Carton {carton.seq} closed for items: confirm the box", state)


def confirm_box(db: Database, config: Config, order_id: int, code: str | None, *, actor: Actor) -> PackResult:
    """Take the suggested box (``code`` None) or another one for the filled carton; the contents must fit it."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        session = uow.session
        order = _order(uow, order_id)
        state = _state(session, config, order)
        view = state.open_carton
        if view is None or state.expect != "box":
            return PackResult(False, f"No box is asked for now (next: {state.expect})", state)
        carton = session.get(Carton, view.id)
        assert carton is not None
        try:
            box = box_for_scan(code or carton.box_code, box_catalog(config))
        except UnknownBox as exc:
            return _refuse(uow, config, order, actor, code or "", f"a box from the catalog ({exc})")
        try:
            plan = plan_for_box(_carton_units(session, carton.id), box)
        except BoxTooSmall as exc:
            return _refuse(uow, config, order, actor, box.code, f"a box the contents fit in ({exc})")
        carton.box_code = box.code
        carton.expected_weight_kg = Decimal(str(round(plan.weight_kg, 3)))
        carton.pack_step = "weight"
        uow.record(actor, "pack.box", subject=order_subject(order.id), message=f"carton {carton.seq}: {box.code}")
        state = _state(session, config, order)
        uow.commit()
        return PackResult(True, f"Carton {carton.seq}: {box.name}: weigh it", state)


def _order(uow: UnitOfWork, order_id: int) -> Order:
    order = uow.session.get(Order, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    return order


def handle_scan(db: Database, config: Config, order_id: int, raw: str, *, actor: Actor) -> PackResult:
    """A scan at the packing station: a box (``BOX-...``) opens a carton, a product barcode packs one unit."""
    scan = classify(raw, badge_prefix=config.terminal.badge_prefix)
    if scan.kind == "box":
        if pack_state(db, config, order_id).expect == "box":
            return confirm_box(db, config, order_id, scan.code, actor=actor)
        return open_carton(db, config, order_id, scan.code, actor=actor)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        session = uow.session
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(f"no order {order_id}")
        state = _state(session, config, order)
        if state.phase == "done":
            return _refuse(uow, config, order, actor, scan.printable, "nothing: this order is fully packed")
        carton_view = state.open_carton
        if carton_view is not None and carton_view.pack_step == "box":
            return _refuse(uow, config, order, actor, scan.printable, f"the box for carton {carton_view.seq} first")
        if carton_view is None and not state.suggestion:
            return _refuse(uow, config, order, actor, scan.printable, "a box first: no box in the catalog fits")
        product, units = product_for_scan(session, scan)  # also the SKU label of an item without a GTIN
        if product is None and (scan.error or not scan.gtin):
            return _refuse(uow, config, order, actor, scan.printable, "an item of this order")
        line = None
        if product is not None:
            line = session.scalar(
                select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.product_id == product.id)
            )
        if line is None:
            wanted = ", ".join(f"{x.sku}" for x in state.lines if x.to_pack) or "nothing"
            return _refuse(uow, config, order, actor, scan.printable, f"an item of this order ({wanted})")
        left = line.qty_picked - line.qty_packed
        if units < 1:
            return _refuse(uow, config, order, actor, scan.printable, f"a label of {line.sku} counting at least 1 unit")
        if left <= 0:
            return _refuse(
                uow,
                config,
                order,
                actor,
                scan.printable,
                f"another item: all {line.qty_picked} picked {line.sku} are already packed",
            )
        if units > left:
            return _refuse(
                uow, config, order, actor, scan.printable, f"at most {left} more {line.sku} (a scan of {units})"
            )
        if carton_view is None:
            # The first item opens a carton in the suggested box; the packer confirms or changes it when full.
            carton = _new_carton(uow, order, box_for_scan(state.suggestion[0], box_catalog(config)), actor, "items")
        else:
            carton = session.get(Carton, carton_view.id)
        assert carton is not None
        box = box_for_scan(carton.box_code, box_catalog(config))
        contents = _carton_units(session, carton.id) + [unit_of(product)] * units
        try:
            plan = plan_for_box(contents, box)
        except BoxTooSmall as exc:
            bigger = _box_that_fits(contents, config) if carton.pack_step == "items" else None
            if bigger is None:
                return _refuse(
                    uow, config, order, actor, scan.printable, f"a carton with room: {exc}; close this one first"
                )
            box, plan = bigger
            carton.box_code = box.code
        item = session.scalar(
            select(CartonItem).where(CartonItem.carton_id == carton.id, CartonItem.order_line_id == line.id)
        )
        if item is None:
            session.add(CartonItem(carton_id=carton.id, order_line_id=line.id, qty=units))
        else:
            item.qty += units
        line.qty_packed += units
        carton.expected_weight_kg = Decimal(str(round(plan.weight_kg, 3)))
        uow.record(
            actor,
            "pack.item",
            subject=order_subject(order.id),
            message=f"{line.sku} into carton {carton.seq}",
            sku=line.sku,
            units=units,
            carton=carton.seq,
        )
        state = _state(session, config, order)
        uow.commit()
        return PackResult(True, f"{line.sku}: {line.qty_packed} of {line.qty_picked} packed", state)


def _carton_units(session: Session, carton_id: int) -> list[Item]:
    rows = session.execute(
        select(CartonItem.qty, Product)
        .join(OrderLine, CartonItem.order_line_id == OrderLine.id)
        .join(Product, OrderLine.product_id == Product.id)
        .where(CartonItem.carton_id == carton_id)
    ).all()
    units: list[Item] = []
    for qty, product in rows:
        units.extend([unit_of(product)] * qty)
    return units


def close_carton(
    db: Database,
    config: Config,
    order_id: int,
    measured_kg: Decimal,
    *,
    actor: Actor,
    approver_badge: str | None = None,
    approver_pin: str | None = None,
) -> PackResult:
    """Weigh and close the open carton. Outside the tolerance it stays open unless a supervisor approves: with
    ``approver_badge`` (and ``approver_pin`` when their role is in ``[security] badge_requires_pin_roles``), or
    beforehand from the command line (``approve_weight``) for this weight. See ``app.services.weight_approval``.

    Closing again (a double press, a retry) finds no open carton and changes nothing.
    """
    if measured_kg <= 0:
        raise InvalidInput(f"weight {measured_kg} kg: must be more than zero")
    verdict = None
    if approver_badge is not None:
        with db.unit_of_work(readonly=True) as first:
            authorize(first, actor, "orders.pack")  # only a packing terminal's signed-in user gets a PIN checked
        # before the packing transaction: a PIN check commits its own refusal or lock (see weight_approval)
        verdict = weight_approval.identify(db, config, approver_badge, approver_pin or None, terminal=actor.terminal)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        session = uow.session
        order = next(iter(lock_orders(session, {order_id})), None)
        if order is None:
            raise NotFound(f"no order {order_id}")
        state = _state(session, config, order)
        view = state.open_carton
        if view is None:
            return PackResult(False, "No open carton to close", state)
        if not view.items:
            return PackResult(False, "The carton is empty: scan items into it first", state)
        carton = session.get(Carton, view.id)
        assert carton is not None
        check = check_weight(
            float(carton.expected_weight_kg),
            float(measured_kg),
            config.shipping.weight_tolerance_pct,
            config.shipping.weight_tolerance_min_kg,
        )
        carton.measured_weight_kg = measured_kg
        subject = order_subject(order.id)
        approved_by = ""
        if not check.ok:
            approver: weight_approval.Approver | None = None
            approved_kg: Decimal | None = None
            if verdict is not None:
                why = verdict.refusal
                if verdict.approver is not None:
                    why = weight_approval.still_allowed(uow, verdict.approver, actor.terminal) or ""
                    approver = None if why else verdict.approver
                if approver is None:
                    return _approval_refused(uow, config, order, carton, actor, measured_kg, verdict, why)
            else:
                found = weight_approval.standing_approval(
                    uow,
                    config,
                    subject=subject,
                    carton_id=carton.id,
                    expected_kg=carton.expected_weight_kg,
                    measured_kg=measured_kg,
                    terminal=actor.terminal,
                )
                if found is None:
                    return _weight_mismatch(uow, config, order, carton, actor, measured_kg, check.message)
                approver, approved_kg = found
            carton.weight_approved_by = approver.name
            approved_by = approver.name
            uow.record(
                Actor(approver.name, actor.terminal, approver.user_id),
                weight_approval.APPROVED,
                subject=subject,
                message=f"carton {carton.seq}: {check.message}; approved by {approver.name} ({approver.method})",
                carton=carton.seq,
                carton_id=carton.id,
                expected=float(carton.expected_weight_kg),
                measured=float(measured_kg),
                approver=approver.name,
                method=approver.method,
                packer=actor.name,
                **({"approved_kg": str(approved_kg)} if approved_kg is not None else {}),
            )
        set_carton(uow, carton, "packed", actor, f"closed at {measured_kg} kg")
        carton.closed_at = utcnow()
        uow.record(
            actor,
            "pack.carton_closed",
            subject=subject,
            message=f"carton {carton.seq} closed at {measured_kg} kg",
            carton=carton.seq,
        )
        remaining = sum(line.qty_picked - line.qty_packed for line in order.lines)
        if remaining == 0 and order.status == PACKING:
            set_status(uow, order, PACKED, actor, "all picked items packed")
        state = _state(session, config, order)
        uow.commit()
        note = f", weight approved by {approved_by}" if approved_by else ""
        return PackResult(True, f"Carton {carton.seq} closed ({measured_kg} kg{note})", state, approver=approved_by)


def _weight_mismatch(
    uow: UnitOfWork, config: Config, order: Order, carton: Carton, actor: Actor, measured_kg: Decimal, message: str
) -> PackResult:
    """Outside the tolerance and nobody approved: the carton stays open, the weighing is logged (the supervisor's
    exceptions show it until the carton closes or is weighed again)."""
    subject = order_subject(order.id)
    uow.record(
        actor,
        "pack.weight_mismatch",
        subject=subject,
        message=message,
        carton=carton.seq,
        expected=float(carton.expected_weight_kg),
        measured=float(measured_kg),
    )
    given = weight_approval.latest_given(uow, subject=subject, carton_id=carton.id)
    extra = ""
    if given is not None and (given.data or {}).get("expected_kg") is not None:
        extra = f" ({given.actor} approved {given.data.get('approved_kg')} kg, not this weight)"
    state = _state(uow.session, config, order)
    uow.commit()
    return PackResult(
        False,
        f"{message}{extra}: a supervisor must approve (badge and PIN at a terminal, or "
        f"`{weight_approval.command_hint(order.number, measured_kg)}`)",
        state,
        needs_approval=True,
    )


def _approval_refused(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    carton: Carton,
    actor: Actor,
    measured_kg: Decimal,
    verdict: weight_approval.Verdict,
    why: str,
) -> PackResult:
    """The badge (and PIN) offered does not approve: logged as the packer, naming the would-be approver."""
    uow.record(
        actor,
        weight_approval.REFUSED,
        subject=order_subject(order.id),
        message=f"carton {carton.seq} at {measured_kg} kg: {why}",
        carton=carton.seq,
        measured=float(measured_kg),
        approver=verdict.name or None,
        reason=verdict.reason or "not_allowed",
        **({"badge": verdict.badge} if not verdict.name else {}),
    )
    state = _state(uow.session, config, order)
    uow.commit()
    return PackResult(False, why, state, needs_approval=True, approver=verdict.name, pin_needed=verdict.pin_needed)


@dataclass(frozen=True)
class WeightApproval:
    order_number: str
    carton_seq: int
    approved_kg: Decimal
    allowed_kg: float
    expected_kg: Decimal
    approver: str


def approve_weight(db: Database, config: Config, ref: str, kg: Decimal, *, actor: Actor) -> WeightApproval:
    """A supervisor approves ``kg`` (± the tolerance) for the open carton of order ``ref`` away from the packer's
    keyboard (``pickpack orders approve-weight``); the packer's next weighing of that weight closes it.

    Refused, with a ``pack.weight_approval_refused`` event naming the supervisor: no carton waiting to be
    weighed, or ``kg`` within the tolerance already (nothing to approve).
    """
    if kg <= 0:
        raise InvalidInput(f"--kg {kg}: must be more than zero")
    with db.unit_of_work() as uow:
        authorize(uow, actor, weight_approval.ACTION)
        order = find_order(uow.session, ref, for_update=True)
        state = _state(uow.session, config, order)
        view = state.open_carton
        subject = order_subject(order.id)
        why = ""
        if view is None or state.status != PACKING:
            why = f"order {order.number} has no open carton to approve a weight for (it is {order.status})"
        elif state.expect != "weight":
            why = f"carton {view.seq} of {order.number} is not ready to weigh yet (next: {state.expect})"
        elif weight_approval.within(config, view.expected_weight_kg, kg):
            why = (
                f"{kg} kg is within the tolerance of carton {view.seq} (expected {view.expected_weight_kg} kg): "
                "no approval needed"
            )
        if why:
            uow.record(
                actor, weight_approval.REFUSED, subject=subject, message=why, approver=actor.name, reason="state"
            )
            uow.commit()
            raise Refused(why)
        assert view is not None
        allowed = weight_approval.allowed_kg(config, kg)
        uow.record(
            actor,
            weight_approval.GIVEN,
            subject=subject,
            message=f"carton {view.seq}: {kg} kg (± {allowed:.3f}) approved by {actor.name}, "
            f"expected {view.expected_weight_kg} kg",
            carton=view.seq,
            carton_id=view.id,
            approved_kg=str(kg),
            expected_kg=str(view.expected_weight_kg),
            approver=actor.name,
        )
        uow.commit()
        return WeightApproval(order.number, view.seq, kg, allowed, view.expected_weight_kg, actor.name)
