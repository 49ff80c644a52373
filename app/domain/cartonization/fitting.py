"""Does a set of units fit one box? Tries the extreme-point heuristic, then the exhaustive guillotine search.

A box only fits when a placement proves it, and every placement is verified with ``Placement.problems()``.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.cartonization.extreme_points import pack_extreme_points, strategies
from app.domain.cartonization.guillotine import GUILLOTINE_MAX_UNITS, pack_guillotine
from app.domain.cartonization.model import (
    EPS,
    BoxTooSmall,
    BoxType,
    CartonPlan,
    Item,
    Placement,
    _fits_alone_dims,
    _fmt_dims,
)


def fits(items: Sequence[Item], box: BoxType) -> Placement | None:
    """A verified placement of all ``items`` in ``box``, or None when none was found (or the box is too weak)."""
    return find_placement(list(items), box, thorough=True)


def plan_for_box(items: Sequence[Item], box: BoxType) -> CartonPlan:
    """Check a box the packer chose instead of the suggestion; raise ``BoxTooSmall`` saying why it won't do."""
    weight = sum(i.weight_kg for i in items) + box.tare_weight_kg
    if weight > box.max_weight_kg + EPS:
        raise BoxTooSmall(box, f"{weight:.2f} kg gross is over its {box.max_weight_kg:g} kg limit")
    for item in items:
        if not _fits_alone_dims(item, box):
            inner = _fmt_dims(box.inner_dims)
            raise BoxTooSmall(box, f"{item.sku} ({_fmt_dims(item.dims)} cm) does not fit in {inner} cm")
    placement = fits(items, box)
    if placement is None:
        raise BoxTooSmall(box, f"the {len(items)} units cannot be arranged inside {_fmt_dims(box.inner_dims)} cm")
    return CartonPlan.from_placement(placement)


def find_placement(items: list[Item], box: BoxType, *, thorough: bool) -> Placement | None:
    if not items:
        return Placement(box, ())
    if sum(i.weight_kg for i in items) + box.tare_weight_kg > box.max_weight_kg + EPS:
        return None
    if sum(i.volume_cm3 for i in items) > box.volume_cm3 * (1 + EPS):
        return None
    if not all(_fits_alone_dims(i, box) for i in items):
        return None
    for order, merit in strategies(len(items), thorough):
        placed = pack_extreme_points(sorted(items, key=order), box.inner_dims, merit)
        if placed is not None:
            placement = Placement(box, tuple(placed))
            if not placement.problems():
                return placement
    if thorough and len(items) <= GUILLOTINE_MAX_UNITS:
        placed = pack_guillotine(items, box.inner_dims)
        if placed is not None:
            placement = Placement(box, tuple(placed))
            if not placement.problems():
                return placement
    return None
