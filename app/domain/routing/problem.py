"""A routing problem in plain numbers: distinct pick points, the start and end points, and the metric.

Several location codes can share one point (other side or level of the same bay); routes visit the point once
and list its codes together. Everything downstream (exact DP, heuristics, local search) works on points and only
this module knows about codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from app.domain.errors import DomainError, InvalidLocationCode
from app.domain.layout import Layout, LocationCode, Point

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Route:
    """A visiting order (every distinct input code once) and its walking distance in metres."""

    sequence: tuple[str, ...]
    distance: float


class InvalidRouteLocations(DomainError):
    """Some requested codes are malformed or not in the layout; carries all of them so one message names each."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        self.codes = tuple(code for code, _ in self.problems)
        detail = "; ".join(f"{code!r}: {reason}" for code, reason in self.problems)
        super().__init__(f"cannot route {len(self.problems)} location(s): {detail}")


def _key(p: Point) -> tuple[float, float]:
    """Points built from the same aisle and bay are bit-identical; rounding also merges a depot placed there."""
    return (round(p.x, 9), round(p.y, 9))


@dataclass(frozen=True, slots=True)
class Problem:
    """Distinct pick points with their codes, plus where the walk starts and ends.

    ``points[i]`` is visited to pick ``codes_at[i]`` (codes in input order). ``start``/``end`` are the real
    depot and end points; the metric is the conventions' walking distance.
    """

    layout: Layout
    points: tuple[Point, ...]
    codes_at: tuple[tuple[str, ...], ...]
    start: Point
    end: Point

    @property
    def closed(self) -> bool:
        """True when the walk returns to where it started (a tour rather than a path)."""
        return _key(self.start) == _key(self.end)

    def sequence_for(self, order: Iterable[int]) -> tuple[str, ...]:
        """Codes in visiting order for a point order."""
        return tuple(code for i in order for code in self.codes_at[i])

    def distance_of(self, order: Sequence[int]) -> float:
        """Walking distance of start -> points in ``order`` -> end."""
        metric = Metric(self.layout)
        stops = [self.start, *(self.points[i] for i in order), self.end]
        return sum(metric(a, b) for a, b in pairwise(stops))

    def route_for(self, order: Sequence[int]) -> Route:
        return Route(self.sequence_for(order), self.distance_of(order))


def parse_codes(layout: Layout, codes: Iterable[str]) -> list[tuple[str, LocationCode]]:
    """Parse and validate every code, deduplicated by location; raise once naming every bad code.

    The first spelling of a location is kept (stripped of surrounding blanks) so callers can match the output
    against what they sent.
    """
    seen: dict[LocationCode, str] = {}
    problems: list[tuple[str, str]] = []
    for raw in codes:
        if not isinstance(raw, str):
            problems.append((repr(raw), "not a string"))
            continue
        try:
            code = LocationCode.parse(raw)
        except InvalidLocationCode as exc:
            problems.append((raw, exc.reason))
            continue
        if not layout.contains(code):
            problems.append((raw, f"not in layout {layout.name!r}"))
            continue
        seen.setdefault(code, raw.strip())
    if problems:
        raise InvalidRouteLocations(problems)
    return [(text, code) for code, text in seen.items()]


def build_problem(
    layout: Layout, codes: Iterable[str], *, start: Point | None = None, end: Point | None = None
) -> Problem:
    """Group codes by pick point; ``end`` defaults to the layout's drop point, else back to the start."""
    start = start or layout.depot
    end = end or layout.drop or start
    points: list[Point] = []
    codes_at: list[list[str]] = []
    index: dict[tuple[float, float], int] = {}
    for text, code in parse_codes(layout, codes):
        p = layout.position(code)
        k = _key(p)
        if k not in index:
            index[k] = len(points)
            points.append(p)
            codes_at.append([])
        codes_at[index[k]].append(text)
    return Problem(layout, tuple(points), tuple(tuple(c) for c in codes_at), start, end)


class Metric:
    """The conventions' walking distance in closed form (no loop over cross aisles); equals Layout.distance.

    Cross aisles sit at ``c * pitch`` for ``c = 0..blocks``. Between different aisles the best cross aisle is
    one lying between the two y values when there is one (cost ``|dy| + dx``), else the nearest one outside.
    """

    __slots__ = ("blocks", "pitch", "top")

    def __init__(self, layout: Layout) -> None:
        self.pitch = layout.block_length + layout.cross_aisle_width
        self.blocks = layout.blocks
        self.top = self.blocks * self.pitch

    def __call__(self, a: Point, b: Point) -> float:
        return self.between(a.x, a.y, b.x, b.y)

    def between(self, x1: float, y1: float, x2: float, y2: float) -> float:
        dx = abs(x1 - x2)
        if dx < _EPS:
            return abs(y1 - y2)
        lo, hi = (y1, y2) if y1 <= y2 else (y2, y1)
        pitch = self.pitch
        if hi <= 0.0:
            return dx + (0.0 - lo) + (0.0 - hi)
        if lo >= self.top:
            return dx + (lo - self.top) + (hi - self.top)
        # index of the highest cross aisle at or below lo (clamped to the layout)
        c = int(lo // pitch) if lo > 0.0 else 0
        c = min(c, self.blocks)
        below = c * pitch
        if below >= lo - _EPS and below <= hi + _EPS:
            return dx + hi - lo
        above = (c + 1) * pitch
        if c + 1 <= self.blocks and above <= hi + _EPS:
            return dx + hi - lo
        best = dx + (lo - below) + (hi - below) if below <= lo else float("inf")
        if c + 1 <= self.blocks:
            best = min(best, dx + (above - lo) + (above - hi))
        return best

    def matrix(self, stops: Sequence[Point]) -> list[list[float]]:
        """Full symmetric distance matrix over ``stops``."""
        n = len(stops)
        xs = [p.x for p in stops]
        ys = [p.y for p in stops]
        rows = [[0.0] * n for _ in range(n)]
        between = self.between
        for i in range(n):
            ri = rows[i]
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, n):
                d = between(xi, yi, xs[j], ys[j])
                ri[j] = d
                rows[j][i] = d
        return rows
