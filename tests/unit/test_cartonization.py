"""Box choice: real 3D fits (rotations, no volume-sum shortcuts), cheapest box, splits, weight limits, and the
weight check at carton close."""

from __future__ import annotations

import csv
import itertools
import random
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.cartonization import (
    BoxTooSmall,
    BoxType,
    CartonPlan,
    InvalidBoxCatalog,
    Item,
    ItemDoesNotFit,
    Placement,
    UnknownBox,
    box_for_scan,
    choose_boxes,
    fits,
    load_boxes,
    parse_box_scan,
    plan_for_box,
    plans_cost,
)
from app.domain.weight_check import check_weight

ROOT = Path(__file__).resolve().parents[2]
BOXES_PATH = ROOT / "assets" / "boxes.toml"
PRODUCTS_PATH = ROOT / "assets" / "demo" / "products.csv"
TOL = 1e-6


@pytest.fixture(scope="module")
def catalog() -> list[BoxType]:
    with BOXES_PATH.open("rb") as fh:
        return load_boxes(tomllib.load(fh), str(BOXES_PATH))


@pytest.fixture(scope="module")
def products() -> dict[str, Item]:
    with PRODUCTS_PATH.open(newline="") as fh:
        return {
            row["sku"]: Item(
                row["sku"],
                float(row["length_cm"]),
                float(row["width_cm"]),
                float(row["height_cm"]),
                float(row["weight_kg"]),
            )
            for row in csv.DictReader(fh)
        }


def box(code: str, length: float, width: float, height: float, *, max_kg: float = 30.0, cost: str = "1.00") -> BoxType:
    return BoxType(code, code, length, width, height, max_kg, Decimal(cost), 0.0)


def assert_physical(placement: Placement, items: list[Item]) -> None:
    """An independent check (not Placement.problems): every unit once, rotated not deformed, inside, no overlap."""
    assert sorted(p.item.sku for p in placement.placed) == sorted(i.sku for i in items)
    b = placement.box
    limits = (b.inner_length_cm, b.inner_width_cm, b.inner_height_cm)
    boxes = []
    for p in placement.placed:
        size = (p.length_cm, p.width_cm, p.height_cm)
        assert sorted(size) == pytest.approx(sorted(p.item.dims))
        lo = (p.x_cm, p.y_cm, p.z_cm)
        hi = tuple(a + s for a, s in zip(lo, size, strict=True))
        for axis in range(3):
            assert lo[axis] >= -TOL
            assert hi[axis] <= limits[axis] + TOL, f"{p.item.sku} sticks out along axis {axis}"
        boxes.append((lo, hi, p.item.sku))
    for (alo, ahi, a), (blo, bhi, b_) in itertools.combinations(boxes, 2):
        separated = any(ahi[k] <= blo[k] + TOL or bhi[k] <= alo[k] + TOL for k in range(3))
        assert separated, f"{a} and {b_} overlap"


# --- catalog ----------------------------------------------------------------------------------------------------


def test_catalog_is_realistic_and_scannable(catalog: list[BoxType], products: dict[str, Item]) -> None:
    assert 8 <= len(catalog) <= 12
    assert len({b.code for b in catalog}) == len(catalog)
    assert all(b.scan_code == f"BOX-{b.code}" for b in catalog)
    assert all(b.tare_weight_kg < b.max_weight_kg and b.cost > 0 for b in catalog)
    smallest = min(catalog, key=lambda b: b.volume_cm3)
    assert fits([products["INFUSER-SS"]], smallest) is not None
    for item in products.values():  # every demo product has a box
        assert choose_boxes([item], catalog)


def test_load_boxes_errors_name_the_key() -> None:
    good = {
        "code": "A1",
        "name": "A",
        "inner_length_cm": 10,
        "inner_width_cm": 10,
        "inner_height_cm": 10,
        "max_weight_kg": 5,
        "cost": 0.5,
        "tare_weight_kg": 0.1,
    }
    assert load_boxes({"box": [good]}, "b.toml")[0].cost == Decimal("0.5")
    cases = [
        ({k: v for k, v in good.items() if k != "inner_height_cm"}, "box[0] (A1).inner_height_cm"),
        ({**good, "cost": -1}, "box[0] (A1).cost"),
        ({**good, "max_weight_kg": "heavy"}, "box[0] (A1).max_weight_kg"),
        ({**good, "inner_lenght_cm": 3}, "box[0].inner_lenght_cm"),
        ({**good, "code": "bad code"}, "box[0].code"),
    ]
    for entry, key in cases:
        with pytest.raises(InvalidBoxCatalog) as err:
            load_boxes({"box": [entry]}, "b.toml")
        assert err.value.key == key
        assert str(err.value).startswith(f"b.toml: {key}: expected")
    with pytest.raises(InvalidBoxCatalog, match="used twice"):
        load_boxes({"box": [good, good]}, "b.toml")
    with pytest.raises(InvalidBoxCatalog, match="box"):
        load_boxes({}, "b.toml")


def test_box_scans() -> None:
    boxes = [box("M1", 30, 20, 15), box("XL2", 60, 45, 45)]
    assert parse_box_scan("BOX-M1") == "M1"
    assert parse_box_scan("box-xl2") == "XL2"
    assert parse_box_scan("TOTE-0001") is None
    assert box_for_scan("BOX-XL2", boxes).code == "XL2"
    assert box_for_scan("m1", boxes).code == "M1"
    with pytest.raises(UnknownBox, match="known: M1, XL2"):
        box_for_scan("BOX-Q9", boxes)


# --- geometry ---------------------------------------------------------------------------------------------------


def test_rotation_needed_to_fit() -> None:
    # The item arrives as 5 x 30 x 10; only lying on its side along the box's length does it go in.
    flat_box = box("F", 30, 10, 5)
    item = Item("ROD", 5, 30, 10, 1.0)
    placement = fits([item], flat_box)
    assert placement is not None
    (p,) = placement.placed
    assert (p.length_cm, p.width_cm, p.height_cm) == (30, 10, 5)
    assert_physical(placement, [item])


def test_long_thin_item_only_one_way() -> None:
    # A 2 x 2 x 28 stick fits a 30 x 10 x 5 box only along its length (no diagonal placements are claimed).
    stick = Item("STICK", 2, 2, 28, 0.1)
    placement = fits([stick] * 3, box("F", 30, 10, 5))
    assert placement is not None
    assert all(p.length_cm == 28 for p in placement.placed)
    assert fits([Item("LONG", 2, 2, 31, 0.1)], box("F", 30, 10, 5)) is None


def test_volume_fits_but_geometry_does_not() -> None:
    cube = Item("CUBE", 10, 10, 10, 0.5)
    # 2000 cm³ of goods, 3375 cm³ of box, yet two 10 cm cubes cannot sit in a 15 cm cube.
    assert fits([cube, cube], box("C15", 15, 15, 15)) is None
    # 3 x 1331 = 3993 <= 4000 cm³, but 11 + 11 > 20: only one 11 cm cube fits on a 20 x 20 x 10 floor.
    big = Item("C11", 11, 11, 11, 0.5)
    assert fits([big] * 3, box("T", 20, 20, 11)) is None
    assert fits([big], box("T", 20, 20, 11)) is not None


def test_exact_fill_with_mixed_orientations() -> None:
    # Four 20 x 10 x 5 slabs, handed over in different orientations, fill a 20 x 20 x 10 box exactly.
    slabs = [
        Item("S1", 20, 10, 5, 0.2),
        Item("S2", 5, 20, 10, 0.2),
        Item("S3", 10, 5, 20, 0.2),
        Item("S4", 5, 10, 20, 0.2),
    ]
    placement = fits(slabs, box("B", 20, 20, 10))
    assert placement is not None
    assert_physical(placement, slabs)


def test_decimal_dimensions_add_up() -> None:
    # 3 x 9.6 = 28.799999999999997 in floating point: a 28.8 cm box still takes three.
    mug = Item("MUG-WHIT-S", 9.6, 7.2, 8.0, 0.28)
    placement = fits([mug] * 3, box("B", 28.8, 7.2, 8.0))
    assert placement is not None
    assert_physical(placement, [mug] * 3)


def test_random_placements_are_physical() -> None:
    rng = random.Random(20261123)
    found = 0
    for _ in range(150):
        b = box("R", rng.randint(10, 40), rng.randint(10, 40), rng.randint(5, 30))
        items = [
            Item(f"U{i}", rng.choice([2, 3, 5, 7.5, 9.6, 12]), rng.randint(2, 15), rng.uniform(1, 12), 0.1)
            for i in range(rng.randint(1, 14))
        ]
        placement = fits(items, b)
        if placement is not None:
            found += 1
            assert_physical(placement, items)
            assert placement.problems() == []
    assert found > 30  # the check above must have had something to check


def _guillotine_cut(size: tuple[int, int, int], pieces: int, rng: random.Random) -> list[tuple[int, ...]]:
    parts = [size]
    while len(parts) < pieces:
        i = rng.randrange(len(parts))
        dims = list(parts[i])
        axis = rng.randrange(3)
        if dims[axis] < 2:
            continue
        cut = rng.randint(1, dims[axis] - 1)
        a, b = dims.copy(), dims.copy()
        a[axis], b[axis] = cut, dims[axis] - cut
        parts[i : i + 1] = [tuple(a), tuple(b)]
    return parts


def test_finds_every_guillotine_packing_of_a_few_units() -> None:
    # Cut a box into up to 6 pieces with straight cuts, rotate and shuffle them: a 100% fill exists and is found.
    rng = random.Random(7)
    for trial in range(80):
        parts = _guillotine_cut((30, 20, 10), rng.randint(2, 6), rng)
        items = [Item(f"P{trial}-{i}", *rng.sample(p, 3), 0.1) for i, p in enumerate(parts)]
        rng.shuffle(items)
        placement = fits(items, box("G", 30, 20, 10))
        assert placement is not None, parts
        assert_physical(placement, items)


# --- choosing boxes ---------------------------------------------------------------------------------------------


def test_cheapest_box_that_fits(catalog: list[BoxType], products: dict[str, Item]) -> None:
    (plan,) = choose_boxes([products["INFUSER-SS"]], catalog)
    assert plan.box.code == "XS1"
    (plan,) = choose_boxes([products["TRAY-BAMBOO-L"]], catalog)
    assert plan.box.code == "FL2"  # the flat tray box, not an expensive XL carton
    (plan,) = choose_boxes([products["KETTLE-STEEL-1L"]], catalog)
    assert plan.box.code == "M2"  # 22 x 18 x 20 needs the 26 cm cube, not the cheaper but flatter M1
    assert plan.box.cost == min(b.cost for b in catalog if fits([products["KETTLE-STEEL-1L"]], b))


def test_plan_weight_includes_the_box(catalog: list[BoxType], products: dict[str, Item]) -> None:
    mugs = [products["MUG-BLU-350"]] * 4
    (plan,) = choose_boxes(mugs, catalog)
    assert isinstance(plan, CartonPlan)
    assert plan.weight_kg == pytest.approx(4 * 0.38 + plan.box.tare_weight_kg)
    assert_physical(plan.placement, mugs)


def test_cheaper_box_refused_when_too_weak() -> None:
    weak = box("WEAK", 40, 40, 40, max_kg=10.0, cost="0.50")
    strong = box("STRONG", 40, 40, 40, max_kg=20.0, cost="0.90")
    units = [Item("IRON", 10, 10, 10, 6.0)] * 2
    (plan,) = choose_boxes(units, [weak, strong])
    assert plan.box.code == "STRONG"
    assert fits(units, weak) is None


def test_split_when_nothing_holds_everything(catalog: list[BoxType], products: dict[str, Item]) -> None:
    pots = [products["KETTLE-STEEL-1L"]] * 20 + [products["TRAY-BAMBOO-L"]] * 12  # 32 kg: over any box
    plans = choose_boxes(pots, catalog)
    assert len(plans) >= 2
    assert sorted(i.sku for p in plans for i in p.items) == sorted(i.sku for i in pots)
    for plan in plans:
        assert plan.weight_kg <= plan.box.max_weight_kg + TOL
        assert_physical(plan.placement, list(plan.items))
    one_box_each = sum(min(b.cost for b in catalog if fits([u], b)) for u in pots)
    assert plans_cost(plans) < one_box_each


def test_split_picks_the_cheapest_combination() -> None:
    cube = Item("CUBE", 10, 10, 10, 1.0)
    big = box("BIG", 30, 10, 10, cost="5.00")  # three cubes
    medium = box("MED", 20, 10, 10, cost="1.50")  # two cubes
    small = box("SMALL", 10, 10, 10, cost="1.00")  # one cube
    plans = choose_boxes([cube] * 4, [big, medium, small])
    assert sorted(p.box.code for p in plans) == ["MED", "MED"]  # 3.00, not BIG+SMALL (6.00) or 4 x SMALL (4.00)
    assert plans_cost(plans) == Decimal("3.00")
    plans = choose_boxes([cube] * 4, [big, small])
    assert sorted(p.box.code for p in plans) == ["SMALL"] * 4  # 4.00 beats BIG + SMALL


def test_unit_larger_than_every_box_names_the_sku(catalog: list[BoxType]) -> None:
    board = Item("SURFBOARD-7FT", 213, 55, 7, 6.0)
    with pytest.raises(ItemDoesNotFit) as err:
        choose_boxes([Item("MUG", 12, 9, 10, 0.4), board], catalog)
    assert err.value.sku == "SURFBOARD-7FT"
    assert "SURFBOARD-7FT" in str(err.value) and "larger than every box" in str(err.value)
    anvil = Item("ANVIL-40KG", 30, 15, 20, 40.0)
    with pytest.raises(ItemDoesNotFit, match="ANVIL-40KG: 40 kg is heavier"):
        choose_boxes([anvil], catalog)


def test_packer_scans_another_box(catalog: list[BoxType], products: dict[str, Item]) -> None:
    kettle = products["KETTLE-STEEL-1L"]
    plan = plan_for_box([kettle], box_for_scan("BOX-XL1", catalog))
    assert plan.box.code == "XL1"
    with pytest.raises(BoxTooSmall, match="KETTLE-STEEL-1L"):
        plan_for_box([kettle], box_for_scan("BOX-XS1", catalog))
    with pytest.raises(BoxTooSmall, match="limit"):
        plan_for_box([kettle] * 3, box("WEAK", 60, 60, 60, max_kg=2))  # roomy but rated for 2 kg
    with pytest.raises(BoxTooSmall, match="cannot be arranged"):
        plan_for_box([Item("CUBE", 10, 10, 10, 0.1)] * 2, box("C15", 15, 15, 15))


def test_empty_order_needs_no_box(catalog: list[BoxType]) -> None:
    assert choose_boxes([], catalog) == []


# --- weight check -----------------------------------------------------------------------------------------------


def test_weight_within_tolerance() -> None:
    result = check_weight(2.00, 2.08, tolerance_pct=5.0, tolerance_min_kg=0.05)
    assert result.ok and result.allowed_kg == pytest.approx(0.10)
    assert result.difference_kg == pytest.approx(0.08)
    assert "OK" in result.message


def test_weight_minimum_tolerance_for_light_cartons() -> None:
    # 5% of 0.3 kg is 15 g, less than a scale's noise: the minimum of 50 g applies.
    assert check_weight(0.30, 0.34, 5.0, 0.05).ok
    assert check_weight(0.30, 0.35, 5.0, 0.05).ok  # exactly at the limit passes
    assert not check_weight(0.30, 0.36, 5.0, 0.05).ok


def test_weight_outside_tolerance_needs_supervisor() -> None:
    under = check_weight(1.50, 1.15, 5.0, 0.05)  # a 0.35 kg mug missing
    assert not under.ok and under.difference_kg == pytest.approx(-0.35)
    assert "under" in under.message and "supervisor" in under.message
    over = check_weight(1.50, 1.90, 5.0, 0.05)
    assert not over.ok and "over" in over.message
    with pytest.raises(ValueError, match="measured weight"):
        check_weight(1.0, -0.1, 5.0, 0.05)
