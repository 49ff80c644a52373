"""Choosing boxes for an order: the cheapest single box, else a split over several boxes of least total cost."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from app.domain.cartonization.extreme_points import ExtremePoints, key_volume, merit_floor
from app.domain.cartonization.fitting import find_placement, fits
from app.domain.cartonization.guillotine import GUILLOTINE_MAX_UNITS
from app.domain.cartonization.model import (
    EPS,
    BoxType,
    CartonPlan,
    InvalidBoxCatalog,
    Item,
    ItemDoesNotFit,
    Placement,
    _fits_alone_dims,
    _fmt_dims,
)


def choose_boxes(items: Sequence[Item], boxes: Sequence[BoxType]) -> list[CartonPlan]:
    """The cheapest box that holds all units; when none does, a split over several boxes of least total cost.

    A split is built by first-fit-decreasing (largest units first) with each box size in turn as the carton to
    open, then every carton is shrunk to the cheapest box that still holds its units, and cartons are merged while
    one box for both costs less than the two. The cheapest of these plans wins (fewer cartons on a tie).
    Raises ``ItemDoesNotFit`` naming the SKU when a unit fits in no box at all.
    """
    units = list(items)
    if not units:
        return []
    if not boxes:
        raise InvalidBoxCatalog("<boxes>", "box", "at least one box type")
    by_cost = sorted(boxes, key=lambda b: (b.cost, b.volume_cm3, b.code))
    for unit in units:
        _check_unit_has_a_box(unit, by_cost)
    for box in by_cost:
        placement = fits(units, box)
        if placement is not None:
            return [CartonPlan.from_placement(placement)]

    best: list[Placement] | None = None
    tried: set[frozenset[tuple[str, tuple[str, ...]]]] = set()
    for opener in sorted(by_cost, key=lambda b: (-b.volume_cm3, b.cost)):
        plan = _first_fit_decreasing(units, opener, by_cost)
        if plan is None:
            continue
        signature = frozenset((p.box.code, tuple(sorted(i.sku for i in p.items))) for p in plan)
        if signature in tried:
            continue
        tried.add(signature)
        plan = _merge_cartons(_shrink(plan, by_cost), by_cost)
        if best is None or _plan_key(plan) < _plan_key(best):
            best = plan
    if best is None:  # pragma: no cover - every unit has a box, so one carton per unit always works
        raise ItemDoesNotFit(units[0], "no packing plan found")
    return [CartonPlan.from_placement(p) for p in best]


def _check_unit_has_a_box(unit: Item, boxes: Sequence[BoxType]) -> None:
    by_size = [b for b in boxes if _fits_alone_dims(unit, b)]
    if not by_size:
        largest = max(boxes, key=lambda b: b.volume_cm3)
        raise ItemDoesNotFit(
            unit,
            f"{_fmt_dims(unit.dims)} cm is larger than every box (largest {largest.code}: "
            f"{_fmt_dims(largest.inner_dims)} cm); pack it separately",
        )
    if not any(unit.weight_kg + b.tare_weight_kg <= b.max_weight_kg + EPS for b in by_size):
        raise ItemDoesNotFit(unit, f"{unit.weight_kg:g} kg is heavier than any box that fits it can carry")


def _plan_key(plan: Sequence[Placement]) -> tuple[Decimal, int, float]:
    return (sum((p.box.cost for p in plan), Decimal(0)), len(plan), sum(p.box.volume_cm3 for p in plan))


def _cheapest_box(
    units: list[Item], boxes: Sequence[BoxType], *, below: Decimal | None = None, thorough: bool = True
) -> Placement | None:
    for box in boxes:
        if below is not None and box.cost >= below:
            break
        placement = find_placement(units, box, thorough=thorough)
        if placement is not None:
            return placement
    return None


def _first_fit_decreasing(units: list[Item], opener: BoxType, by_cost: Sequence[BoxType]) -> list[Placement] | None:
    cartons: list[ExtremePoints] = []
    for unit in sorted(units, key=key_volume):
        for carton in cartons:
            if grow_carton(carton, unit):
                break
        else:
            alone = find_placement([unit], opener, thorough=False) or _cheapest_box([unit], by_cost)
            if alone is None:
                return None
            cartons.append(ExtremePoints(alone.box.inner_dims, alone.placed, box_type=alone.box))
    return [Placement(c.box_type, tuple(c.placed)) for c in cartons if c.box_type is not None]


def grow_carton(carton: ExtremePoints, unit: Item) -> bool:
    """Add ``unit`` to this open carton (free corners first, else a quick re-pack); False when it won't go."""
    box = carton.box_type
    assert box is not None
    units = [p.item for p in carton.placed]
    if sum(i.weight_kg for i in units) + unit.weight_kg + box.tare_weight_kg > box.max_weight_kg + EPS:
        return False
    if sum(i.volume_cm3 for i in units) + unit.volume_cm3 > box.volume_cm3 * (1 + EPS):
        return False
    spot = carton.best_spot(unit, merit_floor)
    if spot is not None:
        carton.place(spot)
        return True
    repacked = find_placement([*units, unit], box, thorough=False)
    if repacked is None:
        return False
    carton.reset(repacked.placed)
    return True


def _shrink(plan: list[Placement], by_cost: Sequence[BoxType]) -> list[Placement]:
    return [_cheapest_box(list(p.items), by_cost, below=p.box.cost) or p for p in plan]


def _merge_cartons(plan: list[Placement], by_cost: Sequence[BoxType]) -> list[Placement]:
    """Merge two cartons into one box whenever that box costs less than the two together."""
    plan = list(plan)
    improved = True
    while improved and len(plan) > 1:
        improved = False
        for i, j in itertools.combinations(range(len(plan)), 2):
            units = [*plan[i].items, *plan[j].items]
            below = plan[i].box.cost + plan[j].box.cost
            merged = _cheapest_box(units, by_cost, below=below, thorough=len(units) <= GUILLOTINE_MAX_UNITS)
            if merged is not None:
                plan = [p for k, p in enumerate(plan) if k not in (i, j)] + [merged]
                improved = True
                break
    return plan
