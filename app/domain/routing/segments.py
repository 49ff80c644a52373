"""Ways to cover the pick points of one aisle segment (one aisle inside one block).

A segment runs from its bottom vertex (the cross aisle in front of the block) to its top vertex (the cross
aisle behind it). Its required points cut it into sub-edges; an optimal walk uses each sub-edge 0, 1 or 2 times.
For the exact DP only three facts about a choice matter: how often the walk uses the segment at the bottom
vertex, how often at the top vertex, and whether the segment joins the two vertices. ``segment_options`` gives
the cheapest choice for every such key (Ratliff & Rosenthal's aisle transitions, generalised to points where
an open walk starts or ends, which need odd degree).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Key = tuple[int, int, bool]
"""(multiplicity at the bottom vertex, multiplicity at the top vertex, bottom and top joined)."""

ALL_KEYS: tuple[Key, ...] = tuple(
    (mb, mt, conn) for mb in range(3) for mt in range(3) for conn in (False, True) if not conn or (mb and mt)
)
KEY_INDEX: dict[Key, int] = {key: i for i, key in enumerate(ALL_KEYS)}
EMPTY_KEY = KEY_INDEX[(0, 0, False)]


@dataclass(frozen=True, slots=True)
class SegmentOption:
    """One cheapest way to cover a segment for a key; ``mults[i]`` is the use count of sub-edge ``i``."""

    key: int
    cost: float
    mults: tuple[int, ...]


def segment_options(length: float, offsets: Sequence[float], odd: Sequence[bool] = ()) -> list[SegmentOption]:
    """Cheapest covering per key; ``offsets`` sorted distinct positions from the bottom, ``odd`` marks endpoints.

    Plain pick segments (no odd points) use the closed forms: one pass, two passes, in and out from the
    bottom, from the top, or from both sides leaving out the largest gap. Segments holding the start or end of
    an open walk go through the small exhaustive DP below.
    """
    if any(odd):
        return _options_by_dp(length, offsets, odd)
    k = len(offsets)
    if k == 0:
        return [
            SegmentOption(EMPTY_KEY, 0.0, (0,)),
            SegmentOption(KEY_INDEX[(1, 1, True)], length, (1,)),
            SegmentOption(KEY_INDEX[(2, 2, True)], 2 * length, (2,)),
        ]
    subs = _sub_lengths(length, offsets)
    options = [
        SegmentOption(KEY_INDEX[(1, 1, True)], length, (1,) * (k + 1)),
        SegmentOption(KEY_INDEX[(2, 2, True)], 2 * length, (2,) * (k + 1)),
        SegmentOption(KEY_INDEX[(2, 0, False)], 2 * offsets[-1], (2,) * k + (0,)),
        SegmentOption(KEY_INDEX[(0, 2, False)], 2 * (length - offsets[0]), (0,) + (2,) * k),
    ]
    if k >= 2:
        gap = max(range(1, k), key=lambda i: subs[i])
        mults = [2] * (k + 1)
        mults[gap] = 0
        options.append(SegmentOption(KEY_INDEX[(2, 2, False)], 2 * (length - subs[gap]), tuple(mults)))
    return options


def _sub_lengths(length: float, offsets: Sequence[float]) -> list[float]:
    cuts = [0.0, *offsets, length]
    return [cuts[i + 1] - cuts[i] for i in range(len(cuts) - 1)]


def _options_by_dp(length: float, offsets: Sequence[float], odd: Sequence[bool]) -> list[SegmentOption]:
    """Exhaustive DP along the sub-edges: every point used, its degree parity right, no stranded piece.

    State after a sub-edge: (first multiplicity, current multiplicity, current run reaches the bottom).
    A run of used sub-edges that touches neither vertex would be a separate piece of walk: not allowed.
    """
    subs = _sub_lengths(length, offsets)
    odd = list(odd) + [False] * (len(offsets) - len(odd))
    best: dict[tuple[int, int, bool], tuple[float, tuple[int, ...]]] = {}
    for m in range(3):
        best[(m, m, m > 0)] = (m * subs[0], (m,))
    for i in range(1, len(subs)):
        nxt: dict[tuple[int, int, bool], tuple[float, tuple[int, ...]]] = {}
        parity = 1 if odd[i - 1] else 0
        for (first, cur, reach), (cost, mults) in best.items():
            for m in range(3):
                if cur + m == 0 or (cur + m) % 2 != parity:
                    continue
                if m == 0 and cur > 0 and not reach:
                    continue  # a run ends here without touching the bottom: stranded
                state = (first, m, reach and m > 0 and cur > 0)
                value = cost + m * subs[i]
                if state not in nxt or value < nxt[state][0] - 1e-12:
                    nxt[state] = (value, (*mults, m))
        best = nxt
    result: dict[int, SegmentOption] = {}
    for (first, cur, reach), (cost, mults) in best.items():
        key = KEY_INDEX[(first, cur, reach and cur > 0)]
        if key not in result or cost < result[key].cost - 1e-12:
            result[key] = SegmentOption(key, cost, mults)
    return list(result.values())
