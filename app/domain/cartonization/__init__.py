"""Cartonization: which box (or boxes) an order's units go in, proven by an explicit 3D placement.

A volume sum says two 10 cm cubes fit in a 15 cm cube (2000 of 3375 cm³); they do not. So a box only "fits" here
when we can show where every unit goes: a position and one of its six axis-aligned orientations, inside the box
and overlapping nothing. Every placement is checked by ``Placement.problems()`` before it is returned, so a
heuristic may miss a fit (and suggest a bigger box) but can never claim one that is physically impossible.

Two searches produce placements:

* an extreme-point heuristic (Crainic, Perboli & Tadei 2008), run with several item orders and scoring rules,
  fast for any number of units;
* for small orders, an exhaustive search over guillotine packings (every way to cut the box in two with a plane
  and pack each side recursively, items in any orientation). It is exact for one or two units and for every
  packing that can be cut apart by straight cuts, which covers the way people actually stack goods in a carton.

Box weight limits are gross (contents plus the empty box), as printed on a box maker's certificate.

The package: ``model`` (units, boxes, placements, errors), ``catalog`` (loading the box catalog, box scans),
``fitting`` (does this fit one box), ``extreme_points`` and ``guillotine`` (the two searches), ``choosing`` (which
boxes for an order).
"""

from app.domain.cartonization.catalog import box_for_scan, load_boxes, parse_box_scan
from app.domain.cartonization.choosing import choose_boxes
from app.domain.cartonization.fitting import fits, plan_for_box
from app.domain.cartonization.guillotine import GUILLOTINE_BUDGET, GUILLOTINE_MAX_UNITS
from app.domain.cartonization.model import (
    BOX_CODE_RE,
    BOX_SCAN_PREFIX,
    EPS,
    BoxTooSmall,
    BoxType,
    CartonPlan,
    Dims,
    InvalidBoxCatalog,
    Item,
    ItemDoesNotFit,
    PlacedItem,
    Placement,
    UnknownBox,
    plans_cost,
)

__all__ = [
    "BOX_CODE_RE",
    "BOX_SCAN_PREFIX",
    "EPS",
    "GUILLOTINE_BUDGET",
    "GUILLOTINE_MAX_UNITS",
    "BoxTooSmall",
    "BoxType",
    "CartonPlan",
    "Dims",
    "InvalidBoxCatalog",
    "Item",
    "ItemDoesNotFit",
    "PlacedItem",
    "Placement",
    "UnknownBox",
    "box_for_scan",
    "choose_boxes",
    "fits",
    "load_boxes",
    "parse_box_scan",
    "plan_for_box",
    "plans_cost",
]
