"""The batching search: seed-and-greedy construction, then local search moving and swapping orders between carts."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence

from app.domain.batching.context import Context

_EPS = 1e-9
"""A move must shorten the routes by more than this to count (float noise is not an improvement)."""

# --- construction ------------------------------------------------------------------------------------

_SHORTLIST = 6
"""Orders routed exactly per greedy step; the proximity score picks them."""


def seed_greedy(context: Context, members: list[int]) -> list[list[int]]:
    """Seed each cart with the longest single-order walk, then add the order that lengthens it least."""
    unassigned = set(members)
    carts: list[list[int]] = []
    metric = context.metric
    while unassigned:
        seed = max(sorted(unassigned), key=lambda i: context.length([i]))
        cart = [seed]
        unassigned.discard(seed)
        # proximity[i]: for each stop of order i, the distance to the nearest stop already on the cart
        cart_points = set(context.stops[seed])
        nearest = {
            i: {q: min(metric.between(*q, *p) for p in cart_points) for q in context.stops[i]} for i in unassigned
        }
        while True:
            room = context.cart.totes - context.load(cart)
            fitting = [i for i in sorted(unassigned) if context.totes[i] <= room]
            if not fitting:
                break
            fitting.sort(key=lambda i: sum(nearest[i].values()))
            base = context.length(cart)
            best = min(fitting[:_SHORTLIST], key=lambda i: context.length([*cart, i]) - base)
            cart.append(best)
            unassigned.discard(best)
            new_points = context.stops[best] - cart_points
            cart_points |= new_points
            for i in unassigned:
                near = nearest[i]
                for q in near:
                    for p in new_points:
                        d = metric.between(*q, *p)
                        if d < near[q]:
                            near[q] = d
            del nearest[best]
        carts.append(cart)
    return carts


# --- improvement -------------------------------------------------------------------------------------

_CANDIDATE_CARTS = 3
"""Carts an order may move to or swap into: the ones whose stops are closest to its own."""


def improve(context: Context, carts: list[list[int]], deadline: float, rng: random.Random) -> list[list[int]]:
    """Move and swap orders between carts (first improvement) until no move helps or time is up."""
    if len(carts) < 2:
        return carts
    carts = [list(c) for c in carts]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        owners = [(k, i) for k, cart in enumerate(carts) for i in cart]
        rng.shuffle(owners)
        for a, i in owners:
            if time.perf_counter() >= deadline:
                break
            if i not in carts[a]:
                continue
            if _try_order(context, carts, a, i):
                improved = True
    return [c for c in carts if c]


def _closeness(context: Context, i: int, points: Sequence[tuple[float, float]]) -> float:
    """How far order ``i``'s stops are from a cart's stops (sum of nearest distances; cheap screening)."""
    if not points:
        return math.inf
    between = context.metric.between
    return sum(min(between(qx, qy, px, py) for px, py in points) for qx, qy in context.stops[i])


def _try_order(context: Context, carts: list[list[int]], a: int, i: int) -> bool:
    """Best relocation or swap of order ``i`` (in cart ``a``) into one of its nearest carts; apply if it helps.

    Lengths only grow when orders are added (shortcutting), so ``c(A - i)`` and ``c(B - j)`` bound the swapped
    carts from below: most swaps are rejected without routing, the rest by a DP that stops at the bound.
    """
    length = context.length
    below = context.length_below
    cart_a = carts[a]
    others = sorted(
        (k for k in range(len(carts)) if k != a and carts[k]),
        key=lambda k: _closeness(context, i, context.points_of(carts[k])),
    )[:_CANDIDATE_CARTS]
    base_a = length(cart_a)
    without_i = [j for j in cart_a if j != i]
    room_a = context.cart.totes - context.load(without_i)
    rest_a = length(without_i)
    best_delta = -_EPS
    best: tuple[int, int | None] | None = None
    for b in others:
        cart_b = carts[b]
        base = base_a + length(cart_b)
        room_b = context.cart.totes - context.load(cart_b)
        if context.totes[i] <= room_b:
            grown = below([*cart_b, i], base + best_delta - rest_a)
            if grown < math.inf:
                best_delta, best = rest_a + grown - base, (b, None)
        for j in cart_b:
            if context.totes[j] > room_a or context.totes[i] > room_b + context.totes[j]:
                continue
            rest_b = [x for x in cart_b if x != j]
            floor_b = length(rest_b)
            if rest_a + floor_b >= base + best_delta:
                continue
            new_a = below([*without_i, j], base + best_delta - floor_b)
            if new_a == math.inf:
                continue
            new_b = below([*rest_b, i], base + best_delta - new_a)
            if new_b == math.inf:
                continue
            best_delta, best = new_a + new_b - base, (b, j)
    if best is None:
        return False
    b, j = best
    cart_a.remove(i)
    carts[b].append(i)
    if j is not None:
        carts[b].remove(j)
        cart_a.append(j)
    return True
