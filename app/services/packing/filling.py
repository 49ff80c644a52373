"""Filling cartons: choose a box (up front or once the carton is full), scan items into it, confirm its box.

Every scan is checked against what is still to pack; a wrong, extra or already-packed item is refused with what
was expected, and only the refusal is logged.
"""

from __future__ import annotations

from decimal import Decimal

from app.config.settings import Config
from app.db.models import Carton, CartonItem, Order, OrderLine, Product, Shipment
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.cartonization import BoxTooSmall, BoxType, CartonPlan, Item, UnknownBox, box_for_scan, plan_for_box
from app.domain.scans import Scan, classify
from app.services.authz import authorize
from app.services.errors import NotFound
from app.services.order_status import order_subject
from app.services.packing.starting import pack_state
from app.services.packing.views import PackResult, PackState, box_catalog, carton_units, state_of, unit_of
from app.services.products import product_for_scan


def _order(uow: UnitOfWork, order_id: int) -> Order:
    order = uow.orders.get(order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    return order


def _refuse(
    uow: UnitOfWork, config: Config, order: Order, actor: Actor, scanned: str, expected: str, message: str = ""
) -> PackResult:
    """Log a wrong scan (and nothing else) and answer with what was expected (or with ``message``, when a
    sentence says it better)."""
    message = message or f"Wrong scan: expected {expected}, scanned {scanned}"
    uow.record(actor, "pack.refused", subject=order_subject(order.id), message=message, scanned=scanned)
    state = state_of(uow, config, order)
    uow.commit()
    return PackResult(False, message, state)


def _open_shipment(uow: UnitOfWork, order: Order, station: str) -> Shipment:
    """The order's shipment being packed, started at ``station`` with the first carton."""
    shipment = uow.shipments.packing_for_order(order.id)
    if shipment is None:
        shipment = uow.shipments.add(Shipment(order_id=order.id, status="packing", station=station))
        uow.flush()
    return shipment


def _new_carton(uow: UnitOfWork, order: Order, box: BoxType, actor: Actor, step: str) -> Carton:
    """A new open carton of ``box``: chosen up front (``open``: fill it, then weigh) or opened by the first item
    scan with the suggested box (``items``: the box is confirmed or changed once it is full)."""
    shipment = _open_shipment(uow, order, actor.terminal)
    seq = uow.cartons.next_seq(shipment.id)
    carton = Carton(
        shipment_id=shipment.id,
        seq=seq,
        box_code=box.code,
        status="open",
        pack_step=step,
        expected_weight_kg=Decimal(str(box.tare_weight_kg)),
    )
    uow.cartons.add(carton)
    uow.flush()
    uow.record(
        actor, "pack.carton_opened", subject=order_subject(order.id), message=f"carton {seq}: {box.name}", box=box.code
    )
    return carton


def open_carton(db: Database, config: Config, order_id: int, box_code: str, *, actor: Actor) -> PackResult:
    """Start a carton of the given box type (the suggestion, or a box the packer scanned instead)."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        order = _order(uow, order_id)
        state = state_of(uow, config, order)
        if state.phase != "box":
            return PackResult(False, "A carton is already open" if state.open_carton else "Nothing left to pack", state)
        try:
            box = box_for_scan(box_code, box_catalog(config))
        except UnknownBox as exc:
            return _refuse(uow, config, order, actor, box_code, f"a box from the catalog ({exc})")
        carton = _new_carton(uow, order, box, actor, "open")
        state = state_of(uow, config, order)
        uow.commit()
        return PackResult(True, f"Carton {carton.seq}: {box.name} ({box.code})", state)


def _box_that_fits(contents: list[Item], config: Config) -> tuple[BoxType, CartonPlan] | None:
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
        state = state_of(uow, config, order)
        view = state.open_carton
        if view is None or not view.items:
            return PackResult(False, "No carton with items to close: scan items first", state)
        carton = uow.cartons.get(view.id)
        assert carton is not None
        carton.pack_step = "box"
        uow.record(actor, "pack.carton_filled", subject=order_subject(order.id), message=f"carton {carton.seq} full")
        state = state_of(uow, config, order)
        uow.commit()
        return PackResult(True, f"Carton {carton.seq} closed for items: confirm the box", state)


def confirm_box(db: Database, config: Config, order_id: int, code: str | None, *, actor: Actor) -> PackResult:
    """Take the suggested box (``code`` None) or another one for the filled carton; the contents must fit it."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        order = _order(uow, order_id)
        state = state_of(uow, config, order)
        view = state.open_carton
        if view is None or state.expect != "box":
            return PackResult(False, f"No box is asked for now (next: {state.expect})", state)
        carton = uow.cartons.get(view.id)
        assert carton is not None
        try:
            box = box_for_scan(code or carton.box_code, box_catalog(config))
        except UnknownBox as exc:
            return _refuse(uow, config, order, actor, code or "", f"a box from the catalog ({exc})")
        try:
            plan = plan_for_box(carton_units(uow, carton.id), box)
        except BoxTooSmall as exc:
            return _refuse(uow, config, order, actor, box.code, f"a box the contents fit in ({exc})")
        carton.box_code = box.code
        carton.expected_weight_kg = Decimal(str(round(plan.weight_kg, 3)))
        carton.pack_step = "weight"
        uow.record(actor, "pack.box", subject=order_subject(order.id), message=f"carton {carton.seq}: {box.code}")
        state = state_of(uow, config, order)
        uow.commit()
        return PackResult(True, f"Carton {carton.seq}: {box.name}: weigh it", state)


# --- item scans -----------------------------------------------------------------------------------------


def handle_scan(db: Database, config: Config, order_id: int, raw: str, *, actor: Actor) -> PackResult:
    """A scan at the packing station: a box (``BOX-...``) opens a carton, a product barcode packs one unit."""
    scan = classify(raw, badge_prefix=config.terminal.badge_prefix)
    if scan.kind == "box":
        if pack_state(db, config, order_id).expect == "box":
            return confirm_box(db, config, order_id, scan.code, actor=actor)
        return open_carton(db, config, order_id, scan.code, actor=actor)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        order = _order(uow, order_id)
        state = state_of(uow, config, order)
        refused = _not_now(state)
        if refused:
            return _refuse(uow, config, order, actor, scan.printable, refused)
        product, units = product_for_scan(uow.products, scan)  # also the SKU label of an item without a GTIN
        line, refused = _line_for(uow, state, order, product, scan, units)
        if line is None:
            told = _short_told(uow, order, line_of_product(uow, order, product), scan)
            return _refuse(uow, config, order, actor, scan.printable, refused, told)
        assert product is not None
        return _pack_units(uow, config, order, state, line, product, units, actor, scan)


def _not_now(state: PackState) -> str:
    """Why no item can be packed at this step (what is expected instead), or "" when one can."""
    if state.phase == "done":
        return "nothing: this order is fully packed"
    carton_view = state.open_carton
    if carton_view is not None and carton_view.pack_step == "box":
        return f"the box for carton {carton_view.seq} first"
    if carton_view is not None and carton_view.pack_step == "weight":  # its box and weight are decided: closed
        return f"the weight of carton {carton_view.seq} first"
    if carton_view is None and not state.suggestion:
        return "a box first: no box in the catalog fits"
    return ""


def _line_for(
    uow: UnitOfWork, state: PackState, order: Order, product: Product | None, scan: Scan, units: int
) -> tuple[OrderLine | None, str]:
    """The order line the scanned units belong to and may still be packed, or None and what was expected."""
    if product is None and (scan.error or not scan.gtin):
        return None, "an item of this order"
    line = uow.shipping_reads.line_of_product(order.id, product.id) if product is not None else None
    if line is None:
        wanted = ", ".join(f"{x.sku}" for x in state.lines if x.to_pack) or "nothing"
        return None, f"an item of this order ({wanted})"
    left = line.qty_picked - line.qty_packed
    if units < 1:
        return None, f"a label of {line.sku} counting at least 1 unit"
    if left <= 0 and line.qty_picked == 0:
        return None, f"another item: none of {line.sku} was picked for this order"
    if left <= 0:
        return None, f"another item: all {line.qty_picked} picked {line.sku} are already packed"
    if units > left:
        return None, f"at most {left} more {line.sku} (a scan of {units})"
    return line, ""


def line_of_product(uow: UnitOfWork, order: Order, product: Product | None) -> OrderLine | None:
    return uow.shipping_reads.line_of_product(order.id, product.id) if product is not None else None


def _short_told(uow: UnitOfWork, order: Order, line: OrderLine | None, scan: Scan) -> str:
    """For a unit of a line picking came up short on: "this order is short 1 JAR-MUST-M (approved by sofia)",
    read from the order's timeline (an approved short lowers the line's quantity, so the line alone cannot say).
    "" when the scan is refused for another reason."""
    if line is None or line.qty_picked - line.qty_packed > 0:
        return ""
    missing, approver = 0, ""
    for event in uow.events.about(order_subject(order.id)):
        if event.kind == "order.short" and (event.data or {}).get("sku") == line.sku:
            missing += int((event.data or {}).get("missing") or 0)
        elif event.kind == "order.short_approved":
            approver = event.actor
    if not missing:
        return ""
    who = f"approved by {approver}" if approver else "waiting for a supervisor"
    return (
        f"Scanned {scan.printable} ({line.sku}): this order is short {missing} {line.sku} ({who}); "
        "do not pack it, put it aside"
    )


def _pack_units(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    state: PackState,
    line: OrderLine,
    product: Product,
    units: int,
    actor: Actor,
    scan: Scan,
) -> PackResult:
    """Put ``units`` of ``line`` into the open carton (opening one in the suggested box first), if they fit."""
    carton_view = state.open_carton
    if carton_view is None:
        # The first item opens a carton in the suggested box; the packer confirms or changes it when full.
        carton = _new_carton(uow, order, box_for_scan(state.suggestion[0], box_catalog(config)), actor, "items")
    else:
        found = uow.cartons.get(carton_view.id)
        assert found is not None
        carton = found
    box = box_for_scan(carton.box_code, box_catalog(config))
    contents = carton_units(uow, carton.id) + [unit_of(product)] * units
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
    item = uow.cartons.item(carton.id, line.id)
    if item is None:
        uow.cartons.add_item(CartonItem(carton_id=carton.id, order_line_id=line.id, qty=units))
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
    state = state_of(uow, config, order)
    uow.commit()
    return PackResult(True, f"{line.sku}: {line.qty_packed} of {line.qty_picked} packed", state)
