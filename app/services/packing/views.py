"""What a packing station shows: the order's lines, its cartons, the suggested boxes and the packer's next step.

``state_of`` re-reads all of it inside the caller's transaction, so every action answers with the state it left.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from app.config.settings import Config
from app.db.models import Carton, Order, Product, Shipment
from app.db.unit_of_work import UnitOfWork
from app.domain.cartonization import BoxType, Item, choose_boxes, load_boxes
from app.domain.errors import DomainError
from app.domain.orders import PACKED, PACKING, PICKED
from app.services.errors import InvalidInput

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
    box_names: dict[str, str] = field(default_factory=dict)
    """Catalog name of every box code shown (suggested or in a carton): a packer knows "Flat mailer M", not FL1."""

    def box_label(self, code: str) -> str:
        """``BOX-FL1 Flat mailer M``: the code to scan and the name a person recognises on the shelf."""
        name = self.box_names.get(code)
        return f"BOX-{code} {name}" if name else f"BOX-{code}"

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


# --- boxes ----------------------------------------------------------------------------------------------


@cache
def _boxes_cached(path: str, mtime: float) -> tuple[BoxType, ...]:
    with open(path, "rb") as fh:
        return tuple(load_boxes(tomllib.load(fh), path))


def box_catalog(config: Config) -> tuple[BoxType, ...]:
    """The box catalog of ``[shipping] boxes``, read again only when the file changes."""
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


def units_to_pack(uow: UnitOfWork, order_id: int) -> list[Item]:
    """One cartonization item per unit picked and not packed yet."""
    units = []
    for line, product in uow.shipping_reads.lines_of_known_products(order_id):
        units.extend(unit_of(product) for _ in range(max(0, line.qty_picked - line.qty_packed)))
    return units


def carton_units(uow: UnitOfWork, carton_id: int) -> list[Item]:
    """One cartonization item per unit already in the carton."""
    units: list[Item] = []
    for qty, product in uow.cartons.product_quantities(carton_id):
        units.extend([unit_of(product)] * qty)
    return units


# --- the station's view ---------------------------------------------------------------------------------


def _lines(uow: UnitOfWork, order_id: int) -> tuple[PackLine, ...]:
    lots = uow.shipping_reads.picked_lots(order_id)
    return tuple(
        PackLine(
            x.id, x.sku, x.name, x.qty_ordered, x.qty_picked, x.qty_packed, gtin or x.gtin, tuple(lots.get(x.id, ()))
        )
        for x, gtin in uow.shipping_reads.lines_with_gtins(order_id)
    )


def _carton_view(uow: UnitOfWork, carton: Carton) -> CartonView:
    return CartonView(
        carton.id,
        carton.seq,
        carton.box_code,
        carton.status,
        tuple(uow.cartons.contents(carton.id)),
        carton.expected_weight_kg,
        carton.measured_weight_kg,
        carton.tracking_number,
        carton.sscc,
        carton.pack_step,
    )


def _suggestion(uow: UnitOfWork, config: Config, order_id: int, cartons: list[CartonView]) -> tuple[str, ...]:
    """The boxes for what is left to pack, when no carton is open (none when nothing in the catalog fits)."""
    remaining = units_to_pack(uow, order_id)
    if not remaining or any(c.status == "open" for c in cartons):
        return ()
    try:
        return tuple(plan.box.code for plan in choose_boxes(remaining, box_catalog(config)))
    except DomainError:
        return ()


def state_of(uow: UnitOfWork, config: Config, order: Order) -> PackState:
    """The order as the packing station shows it, read inside ``uow``'s transaction."""
    lines = _lines(uow, order.id)
    shipment: Shipment | None = uow.shipments.current_for_order(order.id)
    cartons: list[CartonView] = []
    if shipment is not None:
        cartons = [_carton_view(uow, c) for c in uow.cartons.of_shipment(shipment.id, excluding="voided")]
    suggestion = _suggestion(uow, config, order.id, cartons)
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
        _box_names(config, {*suggestion, *(c.box_code for c in cartons)}),
    )


def _box_names(config: Config, codes: set[str]) -> dict[str, str]:
    """The catalog names of ``codes`` (a code no longer in the catalog is shown without a name)."""
    if not codes:
        return {}
    return {box.code: box.name for box in box_catalog(config) if box.code in codes}
