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
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import InvalidLayout, InvalidLocationCode

LOCATION_RE = re.compile(r"^A(\d{2})-(\d{2,})-([A-Z])-(\d+)$")
"""A pick-face location code: ``A<aisle, 2 digits>-<bay, 2+ digits>-<side>-<level>``."""

RESERVE_RE = re.compile(r"^RES-(\d{2})-(\d{2})$")
"""A reserve (bulk) location code: ``RES-<rack, 2 digits>-<position, 2 digits>``; not on pick paths."""


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

    # --- construction -------------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "<layout>") -> Layout:
        """Build and validate a layout from the parsed TOML document; errors name the file and key."""
        if "layout" not in data or not isinstance(data["layout"], Mapping):
            raise InvalidLayout(source, "layout", "a [layout] table")
        table = dict(data["layout"])

        def take(key: str, kind: type, *, default: Any = ..., minimum: float | None = None) -> Any:
            if key not in table:
                if default is ...:
                    raise InvalidLayout(source, f"layout.{key}", f"a required {kind.__name__}")
                return default
            value = table.pop(key)
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                raise InvalidLayout(source, f"layout.{key}", f"a {kind.__name__}, got {value!r}")
            if minimum is not None and value < minimum:
                raise InvalidLayout(source, f"layout.{key}", f"at least {minimum}, got {value!r}")
            return value

        def point(key: str, default: Any = ...) -> Point | None:
            if key not in table:
                if default is ...:
                    raise InvalidLayout(source, f"layout.{key}", "a table {x = .., y = ..}")
                return default
            raw = table.pop(key)
            try:
                return Point(float(raw["x"]), float(raw["y"]))
            except (TypeError, KeyError, ValueError):
                raise InvalidLayout(source, f"layout.{key}", f"a table {{x = .., y = ..}}, got {raw!r}") from None

        name = take("name", str)
        aisles = take("aisles", int, minimum=1)
        if aisles > 99:
            raise InvalidLayout(source, "layout.aisles", "at most 99 (two-digit aisle numbers)")
        blocks = take("blocks", int, minimum=1)
        bays_per_block = take("bays_per_block", int, minimum=1)
        bay_width = take("bay_width", float, minimum=0.01)
        aisle_spacing = take("aisle_spacing", float, minimum=0.01)
        cross_aisle_width = take("cross_aisle_width", float, minimum=0.0)
        levels = take("levels", int, minimum=1)
        sides_raw = take("sides", list, default=["L", "R"])
        if not sides_raw or not all(isinstance(s, str) and re.fullmatch(r"[A-Z]", s) for s in sides_raw):
            raise InvalidLayout(source, "layout.sides", f"a list of single capital letters, got {sides_raw!r}")
        depot = point("depot", Point(0.0, 0.0))
        drop = point("drop", None)
        reserve = table.pop("reserve", {})
        if not isinstance(reserve, Mapping):
            raise InvalidLayout(source, "layout.reserve", "a table {racks = .., positions = ..}")
        racks = reserve.get("racks", 0)
        positions = reserve.get("positions", 0)
        if not isinstance(racks, int) or not isinstance(positions, int) or racks < 0 or positions < 0:
            raise InvalidLayout(source, "layout.reserve", "non-negative integers racks and positions")
        return cls(
            name=name,
            aisles=aisles,
            blocks=blocks,
            bays_per_block=bays_per_block,
            bay_width=bay_width,
            aisle_spacing=aisle_spacing,
            cross_aisle_width=cross_aisle_width,
            levels=levels,
            sides=tuple(sides_raw),
            depot=depot or Point(0.0, 0.0),
            drop=drop,
            reserve_racks=racks,
            reserve_positions=positions,
            extra=table,
        )

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
