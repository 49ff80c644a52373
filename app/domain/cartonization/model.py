"""The cartonization vocabulary: units, box types, placements, carton plans and the errors the packing rules raise.

Every other module of the package builds on these; they hold no search logic beyond ``Placement.problems()``, the
independent check every search result must pass.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.errors import DomainError

EPS = 1e-6
"""Tolerance (cm / kg) for comparing sums of decimal dimensions such as 3 x 9.6 against 28.8."""

BOX_SCAN_PREFIX = "BOX-"
"""A packer scans ``BOX-<code>`` (see the conventions) to use another box than the suggested one."""

BOX_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")

Dims = tuple[float, float, float]


# --- errors -----------------------------------------------------------------------------------------------------


class InvalidBoxCatalog(DomainError):
    """``assets/boxes.toml`` (or another catalog) cannot be used; names the file, the key and what was expected."""

    def __init__(self, source: str, key: str, expected: str) -> None:
        super().__init__(f"{source}: {key}: expected {expected}")
        self.source = source
        self.key = key
        self.expected = expected


class ItemDoesNotFit(DomainError):
    """A unit fits in no box of the catalog at all (too long or too heavy): it needs special handling."""

    def __init__(self, item: Item, reason: str) -> None:
        super().__init__(f"{item.sku}: {reason}")
        self.sku = item.sku
        self.reason = reason


class BoxTooSmall(DomainError):
    """The box the packer chose cannot hold the units (the message says why)."""

    def __init__(self, box: BoxType, reason: str) -> None:
        super().__init__(f"box {box.code} ({box.name}): {reason}")
        self.box_code = box.code
        self.reason = reason


class UnknownBox(DomainError):
    def __init__(self, text: str, known: Iterable[str]) -> None:
        super().__init__(f"{text!r} is not a box of the catalog (known: {', '.join(sorted(known)) or 'none'})")
        self.text = text


# --- model ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One physical unit to pack (an order line of quantity 3 is three items)."""

    sku: str
    length_cm: float
    width_cm: float
    height_cm: float
    weight_kg: float

    @property
    def dims(self) -> Dims:
        return (self.length_cm, self.width_cm, self.height_cm)

    @property
    def volume_cm3(self) -> float:
        return self.length_cm * self.width_cm * self.height_cm

    def orientations(self) -> tuple[Dims, ...]:
        """The distinct axis-aligned orientations (6 for three different sides, 1 for a cube)."""
        return _orientations(self.dims)


@dataclass(frozen=True, slots=True)
class BoxType:
    """A carton size the packing station stocks. Dimensions are inside measures; ``max_weight_kg`` is gross."""

    code: str
    name: str
    inner_length_cm: float
    inner_width_cm: float
    inner_height_cm: float
    max_weight_kg: float
    cost: Decimal
    tare_weight_kg: float
    wall_cm: float = 0.5
    """Board thickness: outer size = inner + 2 x wall, which is what carriers measure for dimensional weight."""

    @property
    def inner_dims(self) -> Dims:
        return (self.inner_length_cm, self.inner_width_cm, self.inner_height_cm)

    @property
    def outer_dims(self) -> Dims:
        w = 2 * self.wall_cm
        return (self.inner_length_cm + w, self.inner_width_cm + w, self.inner_height_cm + w)

    @property
    def volume_cm3(self) -> float:
        return self.inner_length_cm * self.inner_width_cm * self.inner_height_cm

    @property
    def scan_code(self) -> str:
        """The barcode text on the shelf label of this box size."""
        return f"{BOX_SCAN_PREFIX}{self.code}"


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """Where one unit sits: corner nearest the box origin, and its extent along the box's length/width/height."""

    item: Item
    x_cm: float
    y_cm: float
    z_cm: float
    length_cm: float
    width_cm: float
    height_cm: float

    @property
    def end(self) -> Dims:
        return (self.x_cm + self.length_cm, self.y_cm + self.width_cm, self.z_cm + self.height_cm)


@dataclass(frozen=True, slots=True)
class Placement:
    """A proof that the units fit: every unit's position and orientation in ``box``."""

    box: BoxType
    placed: tuple[PlacedItem, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(p.item for p in self.placed)

    @property
    def weight_kg(self) -> float:
        """Gross weight: the units plus the empty box."""
        return sum(p.item.weight_kg for p in self.placed) + self.box.tare_weight_kg

    def problems(self) -> list[str]:
        """Everything physically wrong with this placement (empty when it is real): used to verify every search
        result, and by tests as an independent check."""
        found: list[str] = []
        box_dims = self.box.inner_dims
        for i, p in enumerate(self.placed):
            if sorted((p.length_cm, p.width_cm, p.height_cm)) != sorted(p.item.dims):
                found.append(f"unit {i} ({p.item.sku}): {p.length_cm}x{p.width_cm}x{p.height_cm} is not a rotation")
            start = (p.x_cm, p.y_cm, p.z_cm)
            for axis in range(3):
                if start[axis] < -EPS or p.end[axis] > box_dims[axis] + EPS:
                    found.append(f"unit {i} ({p.item.sku}): sticks out of the box along axis {axis}")
        for (i, a), (j, b) in itertools.combinations(enumerate(self.placed), 2):
            if _overlap((a.x_cm, a.y_cm, a.z_cm), a.end, (b.x_cm, b.y_cm, b.z_cm), b.end):
                found.append(f"units {i} ({a.item.sku}) and {j} ({b.item.sku}) overlap")
        if self.weight_kg > self.box.max_weight_kg + EPS:
            found.append(f"gross weight {self.weight_kg:.3f} kg is over the box limit {self.box.max_weight_kg} kg")
        return found


@dataclass(frozen=True, slots=True)
class CartonPlan:
    """One carton to pack: the box, the units in it, and the gross weight the scale should show."""

    box: BoxType
    items: tuple[Item, ...]
    weight_kg: float
    """Units plus the empty box: the expected weight for the weight check."""
    placement: Placement = field(repr=False, compare=False)

    @classmethod
    def from_placement(cls, placement: Placement) -> CartonPlan:
        return cls(placement.box, placement.items, round(placement.weight_kg, 6), placement)


def plans_cost(plans: Sequence[CartonPlan]) -> Decimal:
    """What the boxes of a packing plan cost together."""
    return sum((p.box.cost for p in plans), Decimal(0))


# --- geometry helpers ------------------------------------------------------------------------------------------


def _fits_alone_dims(item: Item, box: BoxType) -> bool:
    """An axis-aligned box fits in another in some orientation iff its sorted sides fit the sorted sides."""
    return all(a <= b + EPS for a, b in zip(sorted(item.dims), sorted(box.inner_dims), strict=True))


def _fmt_dims(dims: Iterable[float]) -> str:
    return "x".join(f"{d:g}" for d in dims)


def _orientations(dims: Dims) -> tuple[Dims, ...]:
    return tuple(dict.fromkeys(itertools.permutations(dims)))


def _overlap(a0: Sequence[float], a1: Sequence[float], b0: Sequence[float], b1: Sequence[float]) -> bool:
    """Two boxes overlap when their intervals overlap on all three axes (touching faces do not count)."""
    return all(a0[k] < b1[k] - EPS and b0[k] < a1[k] - EPS for k in range(3))
