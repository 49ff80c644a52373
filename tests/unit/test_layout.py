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
