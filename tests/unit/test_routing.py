"""Routing: the exact DP against exhaustive search on small random cases, baselines, and the route contract."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from app.domain.layout import Layout, LocationCode, Point
from app.domain.routing import (
    InvalidRouteLocations,
    build_problem,
    code_order_route,
    dp,
    exhaustive,
    exhaustive_route,
    largest_gap_route,
    local_search_route,
    s_shape_route,
    shortest_route,
)
from app.domain.routing.problem import Metric
from app.domain.routing.segments import KEY_INDEX, _options_by_dp, segment_options

ROOT = Path(__file__).resolve().parents[2]


def demo_layout() -> Layout:
    with (ROOT / "assets/layouts/demo.toml").open("rb") as fh:
        return Layout.from_mapping(tomllib.load(fh), source="demo.toml")


def random_layout(rng: random.Random, blocks: int) -> Layout:
    return Layout(
        name=f"rand-{blocks}",
        aisles=rng.randint(2, 9),
        blocks=blocks,
        bays_per_block=rng.randint(2, 12),
        bay_width=rng.choice([0.8, 1.0, 1.3]),
        aisle_spacing=rng.choice([2.5, 3.0, 4.2]),
        cross_aisle_width=rng.choice([0.0, 1.5, 2.0, 3.0]),
        levels=3,
        sides=("L", "R"),
        depot=Point(0.0, 0.0),
    )


def random_codes(rng: random.Random, layout: Layout, n: int) -> list[str]:
    return [
        str(LocationCode(rng.randint(1, layout.aisles), rng.randint(1, layout.bays), rng.choice(layout.sides), 1))
        for _ in range(n)
    ]


def random_end_points(rng: random.Random, layout: Layout) -> tuple[Point, Point | None]:
    """Depots on the front cross aisle, between aisles, in front of / behind the layout, and drop points."""
    width = (layout.aisles - 1) * layout.aisle_spacing
    top = layout.cross_aisle_y(layout.blocks)
    kind = rng.randrange(4)
    if kind == 0:
        start = Point(0.0, 0.0)
    elif kind == 1:
        start = Point(round(rng.uniform(0, width), 2), 0.0)
    elif kind == 2:
        start = Point(round(rng.uniform(-2, width + 2), 2), rng.choice([-3.0, top + 2.0, top]))
    else:
        start = Point(rng.choice([0.0, width]), layout.bay_y(rng.randint(1, layout.bays)))
    end = None
    if rng.random() < 0.5:
        end = Point(round(rng.uniform(0, width), 2), layout.cross_aisle_y(rng.randint(0, layout.blocks)))
    return start, end


def assert_each_code_once(codes: list[str], sequence: tuple[str, ...]) -> None:
    assert len(sequence) == len(set(sequence))
    assert set(sequence) == set(codes)


@pytest.mark.parametrize("blocks", [1, 2, 3])
def test_dp_equals_exhaustive_search_on_random_small_cases(blocks: int) -> None:
    rng = random.Random(1000 + blocks)
    for _ in range(60):
        layout = random_layout(rng, blocks)
        start, end = random_end_points(rng, layout)
        codes = random_codes(rng, layout, rng.randint(1, 8))
        problem = build_problem(layout, codes, start=start, end=end)
        if len(problem.points) > 7:
            continue
        exact = problem.distance_of(exhaustive.solve(problem))
        order = dp.solve(problem)
        assert sorted(order) == list(range(len(problem.points)))
        assert problem.distance_of(order) == pytest.approx(exact, abs=1e-6)
        if len({round(p.x, 9) for p in (problem.start, problem.end, *problem.points)}) > 1:
            assert dp.length(problem) == pytest.approx(exact, abs=1e-6)


def test_shortest_route_matches_exhaustive_route_and_lists_every_code_once() -> None:
    rng = random.Random(7)
    for blocks in (1, 2, 3):
        for _ in range(15):
            layout = random_layout(rng, blocks)
            codes = random_codes(rng, layout, rng.randint(1, 7))
            best = shortest_route(layout, codes)
            reference = exhaustive_route(layout, codes)
            assert best.distance == pytest.approx(reference.distance, abs=1e-6)
            assert_each_code_once(codes, best.sequence)


def test_baselines_are_never_shorter_than_optimal() -> None:
    rng = random.Random(11)
    for blocks in (1, 2, 3):
        for _ in range(20):
            layout = random_layout(rng, blocks)
            codes = random_codes(rng, layout, rng.randint(1, 25))
            best = shortest_route(layout, codes).distance
            for heuristic in (s_shape_route, largest_gap_route, code_order_route):
                route = heuristic(layout, codes)
                assert_each_code_once(codes, route.sequence)
                assert route.distance >= best - 1e-6


def test_local_search_on_more_blocks_than_the_dp_takes() -> None:
    rng = random.Random(5)
    for _ in range(10):
        layout = random_layout(rng, 4)
        codes = random_codes(rng, layout, rng.randint(2, 8))
        route = shortest_route(layout, codes)
        assert_each_code_once(codes, route.sequence)
        exact = exhaustive_route(layout, codes).distance
        assert route.distance >= exact - 1e-6
        assert route.distance <= exact * 1.05 + 1e-6


def test_local_search_agrees_with_the_dp_on_small_cases() -> None:
    rng = random.Random(6)
    for _ in range(15):
        layout = random_layout(rng, rng.randint(1, 3))
        codes = random_codes(rng, layout, rng.randint(2, 7))
        exact = shortest_route(layout, codes).distance
        route = local_search_route(layout, codes, budget_s=5.0)
        assert route.distance >= exact - 1e-6
        assert route.distance <= exact * 1.03 + 1e-6


def test_codes_at_one_bay_share_a_stop_and_duplicates_are_listed_once() -> None:
    layout = demo_layout()
    codes = ["A03-12-L-2", "A01-20-R-1", "A03-12-R-3", "A10-30-L-1", "A03-12-L-2", " A01-20-R-1 "]
    route = shortest_route(layout, codes)
    assert sorted(route.sequence) == ["A01-20-R-1", "A03-12-L-2", "A03-12-R-3", "A10-30-L-1"]
    i, j = route.sequence.index("A03-12-L-2"), route.sequence.index("A03-12-R-3")
    assert abs(i - j) == 1
    same = shortest_route(layout, ["A03-12-L-2", "A01-20-R-1", "A10-30-L-1"])
    assert route.distance == pytest.approx(same.distance)


def test_demo_route_distance_by_hand() -> None:
    layout = demo_layout()
    # A02-05 at y = 1 + 4.5 = 5.5 in aisle 2 (x = 3): depot (0, 0) -> 3 + 5.5, and back.
    route = shortest_route(layout, ["A02-05-L-1"])
    assert route.distance == pytest.approx(2 * (3.0 + 5.5))
    # A01-30 is the last bay (y = 17 + 1 + 14.5 = 32.5) and A10-30 the same bay of the last aisle (x = 27):
    # up aisle 1, along the back cross aisle (y = 34), down aisle 10, back along the front: a 27 x 34 rectangle.
    route = shortest_route(layout, ["A01-30-L-1", "A10-30-R-1"])
    assert route.distance == pytest.approx(2 * 27 + 2 * 34)
    assert route.sequence in (("A01-30-L-1", "A10-30-R-1"), ("A10-30-R-1", "A01-30-L-1"))


def test_empty_request_walks_from_depot_to_end() -> None:
    layout = demo_layout()
    assert shortest_route(layout, []).distance == 0.0
    far = Point(27.0, 0.0)
    assert shortest_route(layout, [], end=far).distance == pytest.approx(27.0)


def test_route_ends_at_the_drop_point_when_the_layout_has_one() -> None:
    base = demo_layout()
    layout = Layout(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, "drop": Point(27.0, 0.0)})
    codes = ["A05-03-L-1", "A05-28-L-1", "A09-10-R-2"]
    route = shortest_route(layout, codes)
    assert route.distance == pytest.approx(exhaustive_route(layout, codes).distance)
    problem = build_problem(layout, codes)
    assert problem.end == Point(27.0, 0.0)


def test_invalid_codes_are_all_named() -> None:
    layout = demo_layout()
    with pytest.raises(InvalidRouteLocations) as caught:
        shortest_route(layout, ["A01-01-L-1", "nonsense", "A11-01-L-1", "A01-31-R-1", "A01-01-X-1"])
    assert caught.value.codes == ("nonsense", "A11-01-L-1", "A01-31-R-1", "A01-01-X-1")
    for code in caught.value.codes:
        assert code in str(caught.value)


def test_metric_equals_layout_distance() -> None:
    rng = random.Random(3)
    for blocks in (1, 2, 3, 5):
        layout = random_layout(rng, blocks)
        metric = Metric(layout)
        width = (layout.aisles - 1) * layout.aisle_spacing
        top = layout.cross_aisle_y(blocks)
        for _ in range(300):
            a = Point(rng.uniform(-2, width + 2), rng.uniform(-3, top + 3))
            b = Point(rng.choice([a.x, rng.uniform(-2, width + 2)]), rng.uniform(-3, top + 3))
            assert metric(a, b) == pytest.approx(layout.distance(a, b), abs=1e-9)


def test_segment_closed_forms_equal_the_generic_segment_dp() -> None:
    rng = random.Random(9)
    for _ in range(200):
        length = rng.uniform(1, 20)
        offsets = sorted({round(rng.uniform(0, length), 3) for _ in range(rng.randint(0, 6))})
        closed = {o.key: o.cost for o in segment_options(length, offsets)}
        generic = {o.key: o.cost for o in _options_by_dp(length, offsets, [False] * len(offsets))}
        assert closed.keys() == generic.keys()
        for key, cost in closed.items():
            assert cost == pytest.approx(generic[key])
    # a walk that starts inside the segment: one pass below the start, double above is one option
    options = {o.key: o for o in segment_options(10.0, [4.0, 7.0], [True, False])}
    assert options[KEY_INDEX[(1, 0, False)]].cost == pytest.approx(4.0 + 2 * 3.0)
