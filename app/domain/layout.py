"""Warehouse layout geometry: aisles, blocks, cross aisles, bays, location codes and walking distance.

The geometry follows the conventions exactly (metres): aisle ``i`` runs along ``x = (i-1) * aisle_spacing``,
cross aisle ``c`` (0 = front .. blocks = back) has centre line ``y_c = c * (bays_per_block * bay_width +
cross_aisle_width)``, and bay ``k`` (1-based from the front) sits inside block ``ceil(k / bays_per_block)``.
Pickers walk along aisle centre lines and cross aisles only, so the walking distance between two points in
different aisles is the cheapest detour through one cross aisle.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.domain.errors import InvalidLayout, InvalidLocationCode

LOCATION_RE = re.compile(r"^A(\d{2})-(\d{2,})-([A-Z])-(\d+)$")
"""A pick-face location code: ``A<aisle, 2 digits>-<bay, 2+ digits>-<side>-<level>``."""

RESERVE_RE = re.compile(r"^RES-(\d{2})-(\d{2})$")
"""A reserve (bulk) location code: ``RES-<rack, 2 digits>-<position, 2 digits>``; not on pick paths."""

LAYOUT_KEYS = frozenset(
    {"name", "aisles", "blocks", "bays_per_block", "bay_width", "aisle_spacing", "cross_aisle_width", "levels",
     "sides", "depot", "drop", "reserve"}
)  # fmt: skip
"""The keys of ``[layout]``; any other key is a typo and refused (it used to be kept and silently ignored)."""

MAX_AISLES = 99
"""Aisle numbers have two digits in location codes."""
MAX_BLOCKS = 50
MAX_BAYS = 999
"""Bays along one aisle (all blocks): three-digit bay numbers on the labels."""
MAX_LEVELS = 20
MAX_RESERVE = 99
"""Reserve racks and positions have two digits in ``RES-rr-pp``."""
MAX_PICK_FACES = 200_000
"""More pick faces than any single pick area this app is meant for. `pickpack init` creates 197,802 of them in
about 6 s on SQLite and 15 s on PostgreSQL (280-320 MB peak); a typo such as 10^8 bays would run for hours."""
MIN_AISLE_SPACING = 1.0
"""Metres between neighbouring aisle centre lines: closer than this, aisles (a walking lane with shelves on its
sides) would overlap, and walking distances between them would be meaningless."""
MAX_DISTANCE_FROM_RACKS = 100.0
"""The depot and drop point lie within this many metres of the pick area: further away is a typo (or a NaN that
became a number) that would add a constant walk to every route and mislead the batch planner."""

_KIND_NAMES = {int: "a whole number", float: "a number", str: "a text"}


@dataclass(frozen=True, slots=True)
class Point:
    """A position on the warehouse floor in metres."""

    x: float
    y: float


@dataclass(frozen=True, slots=True, order=True)
class LocationCode:
    """A parsed pick-face location; ``str()`` gives back the canonical code printed on its label."""

    aisle: int
    bay: int
    side: str
    level: int

    def __str__(self) -> str:
        return f"A{self.aisle:02d}-{self.bay:02d}-{self.side}-{self.level}"

    @classmethod
    def parse(cls, text: str) -> LocationCode:
        match = LOCATION_RE.match(text.strip())
        if not match:
            raise InvalidLocationCode(text, "expected A<aisle>-<bay>-<side>-<level>, e.g. A03-12-L-2")
        aisle, bay, side, level = match.groups()
        return cls(int(aisle), int(bay), side, int(level))


def is_reserve_code(text: str) -> bool:
    """True for reserve/bulk location codes (``RES-rr-pp``)."""
    return RESERVE_RE.match(text.strip()) is not None


@dataclass(frozen=True, slots=True)
class Layout:
    """One warehouse's pick area as described by a layout file (see ``assets/layouts/demo.toml``)."""

    name: str
    aisles: int
    blocks: int
    bays_per_block: int
    bay_width: float
    aisle_spacing: float
    cross_aisle_width: float
    levels: int
    sides: tuple[str, ...]
    depot: Point
    drop: Point | None = None
    """Where finished carts are dropped (e.g. the packing area); routes end here when given."""
    reserve_racks: int = 0
    reserve_positions: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Kept for callers that build layouts in code; a layout file's unknown keys are refused, never kept here."""

    # --- construction -------------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "<layout>") -> Layout:
        """Build and validate a layout from the parsed TOML document; errors name the file and key.

        Everything is checked before anything is generated from it: sizes have sane maxima (a typo such as
        ``bays_per_block = 100000000`` used to make ``pickpack init`` run for minutes), numbers must be finite,
        sides unique, the depot near the racks, and unknown keys are refused instead of silently ignored.
        """
        table = _layout_table(data, source)
        name = table.pop("name", None)
        if not isinstance(name, str) or not name.strip() or any(ord(c) < 32 for c in name):
            raise InvalidLayout(source, "layout.name", f"a non-empty name without control characters, got {name!r}")
        sizes = _sizes(table, source)
        racks, positions = _reserve(table.pop("reserve", {}), source)
        layout = cls(
            name=name,
            **sizes,
            depot=Point(0.0, 0.0),  # replaced below once the size is known to check the depot against
            reserve_racks=racks,
            reserve_positions=positions,
        )
        depot = layout._near_point(table.pop("depot", None), "depot", source)
        drop = layout._near_point(table.pop("drop", None), "drop", source)
        return replace(layout, depot=depot or Point(0.0, 0.0), drop=drop)

    def _near_point(self, raw: Any, key: str, source: str) -> Point | None:
        """A ``{x, y}`` table of finite numbers within ``MAX_DISTANCE_FROM_RACKS`` of the pick area, or None."""
        if raw is None:
            return None
        expected = "a table {x = .., y = ..} of numbers in metres"
        if not isinstance(raw, Mapping) or set(raw) != {"x", "y"}:
            raise InvalidLayout(source, f"layout.{key}", f"{expected}, got {raw!r}")
        for axis in ("x", "y"):
            value = raw[axis]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InvalidLayout(source, f"layout.{key}.{axis}", f"a finite number of metres, got {value!r}")
        point = Point(float(raw["x"]), float(raw["y"]))
        margin = MAX_DISTANCE_FROM_RACKS
        last_x, depth = self.aisle_x(self.aisles), self.cross_aisle_y(self.blocks)
        if not (-margin <= point.x <= last_x + margin and -margin <= point.y <= depth + margin):
            raise InvalidLayout(
                source,
                f"layout.{key}",
                f"a point at most {margin:g} m outside the pick area (x {-margin:g} .. "
                f"{last_x + margin:g}, y {-margin:g} .. {depth + margin:g}), "
                f"got {{x = {point.x:g}, y = {point.y:g}}}",
            )
        return point

    # --- geometry -----------------------------------------------------------------------------------
    @property
    def bays(self) -> int:
        """Bays along one aisle, numbered 1..bays from the front."""
        return self.blocks * self.bays_per_block

    @property
    def block_length(self) -> float:
        return self.bays_per_block * self.bay_width

    def aisle_x(self, aisle: int) -> float:
        return (aisle - 1) * self.aisle_spacing

    def cross_aisle_y(self, c: int) -> float:
        """Centre line of cross aisle ``c`` (0 = front, ``blocks`` = back)."""
        return c * (self.block_length + self.cross_aisle_width)

    def block_of(self, bay: int) -> int:
        """1-based block that holds ``bay``."""
        return math.ceil(bay / self.bays_per_block)

    def bay_y(self, bay: int) -> float:
        block = self.block_of(bay)
        offset = ((bay - 1) % self.bays_per_block) + 0.5
        return self.cross_aisle_y(block - 1) + self.cross_aisle_width / 2 + offset * self.bay_width

    def contains(self, code: LocationCode) -> bool:
        return (
            1 <= code.aisle <= self.aisles
            and 1 <= code.bay <= self.bays
            and code.side in self.sides
            and 1 <= code.level <= self.levels
        )

    def position(self, code: LocationCode | str) -> Point:
        """Where a picker stands to pick ``code``: on the aisle centre line at the bay's middle."""
        if isinstance(code, str):
            code = LocationCode.parse(code)
        if not self.contains(code):
            raise InvalidLocationCode(str(code), f"not in layout {self.name!r}")
        return Point(self.aisle_x(code.aisle), self.bay_y(code.bay))

    def aisle_of_x(self, x: float) -> int | None:
        """The aisle whose centre line is at ``x``, or None when ``x`` lies between aisles."""
        index = x / self.aisle_spacing
        nearest = round(index)
        if abs(index - nearest) < 1e-9 and 0 <= nearest < self.aisles:
            return nearest + 1
        return None

    def distance(self, a: Point, b: Point) -> float:
        """Walking distance along aisle centre lines and cross aisles (the conventions' formula)."""
        if abs(a.x - b.x) < 1e-9:
            return abs(a.y - b.y)
        dx = abs(a.x - b.x)
        return min(abs(a.y - yc) + dx + abs(b.y - yc) for yc in self._cross_ys)

    @property
    def _cross_ys(self) -> tuple[float, ...]:
        return tuple(self.cross_aisle_y(c) for c in range(self.blocks + 1))

    # --- enumeration --------------------------------------------------------------------------------
    def pick_face_codes(self) -> Iterator[LocationCode]:
        """Every pick face in aisle, bay, side, level order."""
        for aisle in range(1, self.aisles + 1):
            for bay in range(1, self.bays + 1):
                for side in self.sides:
                    for level in range(1, self.levels + 1):
                        yield LocationCode(aisle, bay, side, level)

    def reserve_codes(self) -> Iterator[str]:
        """Reserve/bulk locations: ``RES-rr-pp``; they hold replenishment stock and are never picked from."""
        for rack in range(1, self.reserve_racks + 1):
            for pos in range(1, self.reserve_positions + 1):
                yield f"RES-{rack:02d}-{pos:02d}"


def _layout_table(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """A copy of the ``[layout]`` table (keys are popped as they are read); refuses other tables and unknown keys."""
    if not isinstance(data, Mapping) or "layout" not in data or not isinstance(data["layout"], Mapping):
        raise InvalidLayout(source, "layout", "a [layout] table")
    for key in data:
        if key != "layout":
            raise InvalidLayout(source, key, "only a [layout] table (unknown table)")
    table = dict(data["layout"])
    unknown = sorted(set(table) - LAYOUT_KEYS)
    if unknown:
        raise InvalidLayout(source, f"layout.{unknown[0]}", f"one of {', '.join(sorted(LAYOUT_KEYS))} (unknown key)")
    return table


def _take(
    table: dict[str, Any], source: str, key: str, kind: type, *, default: Any = ..., minimum: float, maximum: float
) -> Any:
    """Pop ``key`` from ``table`` as a finite ``kind`` within [minimum, maximum] (ints are accepted as floats)."""
    if key not in table:
        if default is ...:
            raise InvalidLayout(source, f"layout.{key}", f"{_KIND_NAMES[kind]} (required)")
        return default
    value = table.pop(key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InvalidLayout(source, f"layout.{key}", f"{_KIND_NAMES[kind]}, got {value!r}")
    if not math.isfinite(value) or not minimum <= value <= maximum:
        raise InvalidLayout(source, f"layout.{key}", f"{minimum:g} to {maximum:g}, got {value!r}")
    return value


def _sizes(table: dict[str, Any], source: str) -> dict[str, Any]:
    """The pick area's dimensions and sides, each within its maximum, and the pick face total within its own."""
    aisles = _take(table, source, "aisles", int, minimum=1, maximum=MAX_AISLES)
    blocks = _take(table, source, "blocks", int, minimum=1, maximum=MAX_BLOCKS)
    bays_per_block = _take(table, source, "bays_per_block", int, minimum=1, maximum=MAX_BAYS)
    if blocks * bays_per_block > MAX_BAYS:
        raise InvalidLayout(
            source,
            "layout.bays_per_block",
            f"at most {MAX_BAYS} bays along an aisle (blocks x bays_per_block), got {blocks} x {bays_per_block}",
        )
    bay_width = _take(table, source, "bay_width", float, minimum=0.1, maximum=10.0)
    aisle_spacing = _take(table, source, "aisle_spacing", float, minimum=MIN_AISLE_SPACING, maximum=50.0)
    cross_aisle_width = _take(table, source, "cross_aisle_width", float, minimum=0.0, maximum=50.0)
    levels = _take(table, source, "levels", int, minimum=1, maximum=MAX_LEVELS)
    sides = _sides(table.pop("sides", ["L", "R"]), source)
    faces = aisles * blocks * bays_per_block * len(sides) * levels
    if faces > MAX_PICK_FACES:
        raise InvalidLayout(
            source,
            "layout",
            f"at most {MAX_PICK_FACES:,} pick faces (aisles x bays x sides x levels), got {faces:,}",
        )
    return {
        "aisles": aisles,
        "blocks": blocks,
        "bays_per_block": bays_per_block,
        "bay_width": bay_width,
        "aisle_spacing": aisle_spacing,
        "cross_aisle_width": cross_aisle_width,
        "levels": levels,
        "sides": sides,
    }


def _sides(raw: Any, source: str) -> tuple[str, ...]:
    """Sides picked from each aisle: single capital letters, each once (``["L", "L"]`` would double every face)."""
    if (
        not isinstance(raw, list)
        or not raw
        or not all(isinstance(side, str) and re.fullmatch(r"[A-Z]", side) for side in raw)
    ):
        raise InvalidLayout(source, "layout.sides", f"a list of single capital letters, got {raw!r}")
    if len(set(raw)) != len(raw):
        raise InvalidLayout(source, "layout.sides", f"each side once, got {raw!r}")
    return tuple(raw)


def _reserve(raw: Any, source: str) -> tuple[int, int]:
    """``reserve = { racks = R, positions = P }``: whole numbers 0..99 (two digits in ``RES-rr-pp``)."""
    expected = f"a table {{racks = .., positions = ..}} of whole numbers 0 to {MAX_RESERVE}"
    if not isinstance(raw, Mapping) or not set(raw) <= {"racks", "positions"}:
        raise InvalidLayout(source, "layout.reserve", f"{expected}, got {raw!r}")
    values = []
    for key in ("racks", "positions"):
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RESERVE:
            raise InvalidLayout(source, f"layout.reserve.{key}", f"a whole number 0 to {MAX_RESERVE}, got {value!r}")
        values.append(value)
    return values[0], values[1]
