"""The layout geometry follows the conventions' formulas exactly."""

from __future__ import annotations

import math

import pytest

from app.domain.errors import InvalidLayout, InvalidLocationCode
from app.domain.layout import Layout, LocationCode, Point


def test_demo_layout_size(layout: Layout) -> None:
    assert (layout.aisles, layout.blocks, layout.levels) == (10, 2, 4)
    assert len(list(layout.pick_face_codes())) == 10 * 30 * 2 * 4
    assert len(list(layout.reserve_codes())) == 80


def test_bay_positions_match_conventions(layout: Layout) -> None:
    # cross aisle c at y = c * (15 * 1.0 + 2.0); bay k in block ceil(k/15)
    assert layout.cross_aisle_y(1) == 17.0
    for bay in (1, 15, 16, 30):
        block = math.ceil(bay / 15)
        expected = (block - 1) * 17.0 + 1.0 + (((bay - 1) % 15) + 0.5) * 1.0
        assert layout.bay_y(bay) == pytest.approx(expected)
    assert layout.position("A03-12-L-2") == Point(6.0, 12.5)


def test_distance_same_aisle_and_across(layout: Layout) -> None:
    a, b = layout.position("A01-01-L-1"), layout.position("A01-20-R-3")
    assert layout.distance(a, b) == pytest.approx(abs(a.y - b.y))
    c, d = layout.position("A01-14-L-1"), layout.position("A04-16-L-1")  # around the middle cross aisle
    via = [abs(c.y - y) + 9.0 + abs(d.y - y) for y in (0.0, 17.0, 34.0)]
    assert layout.distance(c, d) == pytest.approx(min(via))


def test_location_code_round_trip_and_errors(layout: Layout) -> None:
    assert str(LocationCode.parse("A03-12-L-2")) == "A03-12-L-2"
    with pytest.raises(InvalidLocationCode):
        LocationCode.parse("B03-12-L-2")
    with pytest.raises(InvalidLocationCode, match="not in layout"):
        layout.position("A11-01-L-1")


def test_layout_errors_name_the_key() -> None:
    with pytest.raises(InvalidLayout, match=r"demo.toml: layout.aisles: expected a int, got 'ten'|layout.aisles"):
        Layout.from_mapping({"layout": {"name": "x", "aisles": "ten"}}, "demo.toml")


BASE = {
    "name": "T", "aisles": 4, "blocks": 2, "bays_per_block": 10, "bay_width": 1.0, "aisle_spacing": 3.0,
    "cross_aisle_width": 2.0, "levels": 3,
}  # fmt: skip


def build(**changes: object) -> Layout:
    table = {**BASE, **changes}
    return Layout.from_mapping({"layout": {k: v for k, v in table.items() if v is not None}}, "wh.toml")


@pytest.mark.parametrize(
    ("changes", "key", "expected"),
    [
        ({"sides": ["L", "L"]}, "layout.sides", "each side once"),
        ({"sides": []}, "layout.sides", "single capital letters"),
        ({"reserve": {"racks": True}}, "layout.reserve.racks", "a whole number 0 to 99, got True"),
        ({"reserve": {"racks": 2, "positons": 5}}, "layout.reserve", "racks = .., positions = .."),
        ({"reserve": {"racks": 100, "positions": 5}}, "layout.reserve.racks", "0 to 99, got 100"),
        ({"depot": {"x": math.nan, "y": 0.0}}, "layout.depot.x", "a finite number of metres, got nan"),
        ({"depot": {"x": 0.0, "y": math.inf}}, "layout.depot.y", "a finite number"),
        ({"depot": {"x": "0", "y": 0}}, "layout.depot.x", "a finite number"),
        ({"depot": {"x": 5000.0, "y": 0.0}}, "layout.depot", "at most 100 m outside the pick area"),
        ({"drop": {"x": 0.0, "y": -1e9}}, "layout.drop", "at most 100 m outside the pick area"),
        ({"depot": {"x": 0.0, "y": 0.0, "z": 1.0}}, "layout.depot", "a table {x = .., y = ..}"),
        ({"aisle_spacing": 0.5}, "layout.aisle_spacing", "1 to 50, got 0.5"),
        ({"aisle_spacing": math.nan}, "layout.aisle_spacing", "got nan"),
        ({"bay_width": math.inf}, "layout.bay_width", "got inf"),
        ({"levels": True}, "layout.levels", "a whole number, got True"),
        ({"levels": 0}, "layout.levels", "1 to 20, got 0"),
        ({"bays_per_block": 10**8}, "layout.bays_per_block", "1 to 999, got 100000000"),
        ({"blocks": 5, "bays_per_block": 500}, "layout.bays_per_block", "at most 999 bays along an aisle"),
        ({"aisles": 100}, "layout.aisles", "1 to 99"),
        ({"aisles": 99, "bays_per_block": 999, "blocks": 1, "levels": 20}, "layout", "at most 200,000 pick faces"),
        ({"zones": {"a": 1}}, "layout.zones", "(unknown key)"),
        ({"name": ""}, "layout.name", "a non-empty name"),
        ({"name": None}, "layout.name", "a non-empty name"),
        ({"levels": None}, "layout.levels", "a whole number (required)"),
    ],
)
def test_hostile_layouts_are_refused_naming_the_key(changes: dict[str, object], key: str, expected: str) -> None:
    with pytest.raises(InvalidLayout) as err:
        build(**changes)
    assert str(err.value).startswith(f"wh.toml: {key}: expected"), str(err.value)
    assert expected in str(err.value), str(err.value)


def test_unknown_table_beside_layout_is_refused() -> None:
    with pytest.raises(InvalidLayout, match=r"wh.toml: zones: expected only a \[layout\] table"):
        Layout.from_mapping({"layout": dict(BASE), "zones": {}}, "wh.toml")


def test_sane_layouts_still_load() -> None:
    layout = build(sides=["L"], reserve={"racks": 99, "positions": 99}, depot={"x": -5, "y": -3}, drop={"x": 9, "y": 0})
    assert layout.sides == ("L",) and layout.depot == Point(-5.0, -3.0) and layout.drop == Point(9.0, 0.0)
    assert len(list(layout.reserve_codes())) == 99 * 99
    assert build(aisles=99, blocks=1, bays_per_block=999, levels=1).bays == 999  # 197,802 faces: at the limit
