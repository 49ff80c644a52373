"""Classic routing heuristics used as baselines (and as seeds for the local search).

Both follow Roodbergen & de Koster (2001) in spirit for several blocks: walk to the farthest block that holds
picks, then clear the blocks one by one towards the front. They return a visiting order; its length is measured
with shortest walks between consecutive stops, which is never longer than walking the heuristic's path literally.
"""

from __future__ import annotations

from app.domain.routing.problem import Problem


def _by_column(problem: Problem) -> tuple[list[float], dict[float, dict[int, list[int]]], float]:
    """Pick points per aisle x and per block, sorted front to back; also the block pitch."""
    layout = problem.layout
    pitch = layout.block_length + layout.cross_aisle_width
    columns: dict[float, dict[int, list[int]]] = {}
    for i, p in enumerate(problem.points):
        block = min(int(p.y // pitch), layout.blocks - 1)
        columns.setdefault(round(p.x, 9), {}).setdefault(block, []).append(i)
    for blocks in columns.values():
        for items in blocks.values():
            items.sort(key=lambda i: problem.points[i].y)
    return sorted(columns), columns, pitch


def s_shape_order(problem: Problem) -> list[int]:
    """S-shape (traversal): every aisle part that holds picks is walked end to end, alternating direction.

    One block: aisles left to right, up, down, up... (an odd last aisle is walked up and back). Several blocks:
    up the leftmost pick aisle to the farthest block holding picks, then each block from back to front in a
    serpentine, changing left/right sweep direction per block.
    """
    xs, columns, _ = _by_column(problem)
    if not xs:
        return []
    farthest = max(b for blocks in columns.values() for b in blocks)
    order: list[int] = []
    first = columns[xs[0]]
    for b in range(farthest):
        order.extend(first.pop(b, []))
    left_to_right = True
    for b in range(farthest, -1, -1):
        aisles = [x for x in xs if columns[x].get(b)]
        if not left_to_right:
            aisles.reverse()
        upward = b == farthest  # the farthest block is entered from its front, the others from their back
        for x in aisles:
            items = columns[x][b]
            order.extend(items if upward else reversed(items))
            upward = not upward
        if aisles:
            left_to_right = not left_to_right
    return order


def largest_gap_order(problem: Problem) -> list[int]:
    """Largest gap: each aisle part is entered from the front and the back up to its largest gap.

    Per block (farthest first): the first aisle of the farthest block and the last aisle of every block are
    walked entirely; other aisles are picked from the back cross aisle going right and from the front cross
    aisle coming back, never crossing their largest gap (which may be the front or back end).
    """
    xs, columns, pitch = _by_column(problem)
    if not xs:
        return []
    points = problem.points
    farthest = max(b for blocks in columns.values() for b in blocks)
    order: list[int] = []
    for b in range(farthest, -1, -1):
        aisles = [x for x in xs if columns[x].get(b)]
        if not aisles:
            continue
        front_y, back_y = b * pitch, (b + 1) * pitch
        backs: list[list[int]] = []
        fronts: list[list[int]] = []
        full_first = b == farthest and len(aisles) > 1
        middle = aisles[1:-1] if full_first else aisles[:-1]
        if full_first:
            order.extend(columns[aisles[0]][b])
        for x in middle:
            items = columns[x][b]
            ys = [front_y] + [points[i].y for i in items] + [back_y]
            gap = max(range(len(ys) - 1), key=lambda k: ys[k + 1] - ys[k])
            fronts.append(items[:gap])
            backs.append(items[gap:])
        for items in backs:
            order.extend(reversed(items))
        order.extend(reversed(columns[aisles[-1]][b]))
        for items in reversed(fronts):
            order.extend(items)
    return order


def code_order(problem: Problem) -> list[int]:
    """Points sorted by aisle then bay: what a pick list sorted by location code walks."""
    return sorted(range(len(problem.points)), key=lambda i: (problem.points[i].x, problem.points[i].y))
