"""The exhaustive guillotine search for small orders.

Every way to cut the box in two with a plane and pack each side recursively, units in any orientation. It is exact
for one or two units and for every packing that can be cut apart by straight cuts, which covers the way people
actually stack goods in a carton; a work budget keeps it from stalling the terminal.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.cartonization.model import EPS, Dims, Item, PlacedItem, _orientations

GUILLOTINE_MAX_UNITS = 8
"""Largest unit count the exhaustive guillotine search is tried for (beyond it only the heuristic runs)."""

GUILLOTINE_BUDGET = 40_000
"""Most block combinations one guillotine search may evaluate before it gives up (keeps the terminal snappy)."""


class _BudgetExceeded(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Block:
    """A packed group of units: its bounding size and how it was built (a unit, or two blocks side by side)."""

    dims: Dims
    unit: int | None = None  # type index when this block is one unit
    axis: int = -1
    first: _Block | None = None
    second: _Block | None = None


def pack_guillotine(items: Sequence[Item], box: Dims) -> list[PlacedItem] | None:
    """Search every guillotine packing: the Pareto-minimal bounding sizes of each sub-multiset of units.

    Identical units are grouped so that six mugs are 7 states, not 64 subsets. Any sub-block larger than the box
    in some direction is dropped; a block dominated (no smaller in any direction) by another is dropped too, since
    the smaller one can replace it anywhere. Returns None when no guillotine packing exists or the budget ran out.
    """
    groups: dict[tuple[float, ...], list[Item]] = {}
    for item in items:
        groups.setdefault(tuple(sorted(item.dims)), []).append(item)
    type_dims = list(groups)
    search = _FrontSearch(type_dims, box)
    try:
        blocks = search.front(tuple(len(groups[t]) for t in type_dims))
    except _BudgetExceeded:
        return None
    if not blocks:
        return None
    pools = {t: list(groups[type_dims[t]]) for t in range(len(type_dims))}
    placed: list[PlacedItem] = []
    _lay(blocks[0], (0.0, 0.0, 0.0), pools, placed)
    return placed


class _FrontSearch:
    """The memoised Pareto front of block sizes for each sub-multiset of unit types, sharing one work budget."""

    def __init__(self, type_dims: list[tuple[float, ...]], box: Dims) -> None:
        self.type_dims = type_dims
        self.box = box
        self.memo: dict[tuple[int, ...], list[_Block]] = {}
        self.work = 0

    def within(self, d: Dims) -> bool:
        box = self.box
        return d[0] <= box[0] + EPS and d[1] <= box[1] + EPS and d[2] <= box[2] + EPS

    def front(self, counts: tuple[int, ...]) -> list[_Block]:
        if counts in self.memo:
            return self.memo[counts]
        candidates: list[_Block] = []
        if sum(counts) == 1:
            t = counts.index(1)
            orientations = _orientations(self.type_dims[t])  # type: ignore[arg-type]
            candidates = [_Block(o, unit=t) for o in orientations if self.within(o)]
        else:
            candidates = self._combined(counts)
        self.memo[counts] = _pareto(candidates)
        return self.memo[counts]

    def _combined(self, counts: tuple[int, ...]) -> list[_Block]:
        """Every block made of two smaller fronts side by side along each axis (each split of ``counts`` once)."""
        candidates: list[_Block] = []
        for part in itertools.product(*(range(c + 1) for c in counts)):
            rest = tuple(c - p for c, p in zip(counts, part, strict=True))
            if sum(part) == 0 or sum(rest) == 0 or part > rest:
                continue
            left, right = self.front(part), self.front(rest)
            for a in left:
                for b in right:
                    for axis in range(3):
                        self.work += 1
                        d = list(map(max, a.dims, b.dims))
                        d[axis] = a.dims[axis] + b.dims[axis]
                        dims: Dims = (d[0], d[1], d[2])
                        if self.within(dims):
                            candidates.append(_Block(dims, axis=axis, first=a, second=b))
            if self.work > GUILLOTINE_BUDGET:
                raise _BudgetExceeded
        return candidates


def _lay(block: _Block, origin: Dims, pools: dict[int, list[Item]], placed: list[PlacedItem]) -> None:
    """Turn a block tree into unit positions, taking each unit from its type's pool."""
    if block.unit is not None:
        item = pools[block.unit].pop()
        placed.append(PlacedItem(item, *origin, *block.dims))
        return
    assert block.first is not None and block.second is not None
    _lay(block.first, origin, pools, placed)
    shifted = list(origin)
    shifted[block.axis] += block.first.dims[block.axis]
    _lay(block.second, (shifted[0], shifted[1], shifted[2]), pools, placed)


def _pareto(blocks: list[_Block]) -> list[_Block]:
    """Keep only blocks that no other block beats (is no larger) in all three directions."""
    kept: list[_Block] = []
    seen: set[tuple[float, ...]] = set()
    for block in sorted(blocks, key=lambda b: (b.dims[0] * b.dims[1] * b.dims[2], b.dims)):
        key = tuple(round(v, 5) for v in block.dims)
        if key in seen:
            continue
        if any(all(k.dims[i] <= block.dims[i] + EPS for i in range(3)) for k in kept):
            continue
        seen.add(key)
        kept.append(block)
    return kept
