"""`pickpack bench live`, the screen side: the supervisor's live queue follows a picker in another process.

The supervisor signs in (name and PIN) and opens the live queue on ``BenchApp``; a picker process
(``app.bench.live_picker``) commits a scan every ``pause`` seconds and prints the newest event id and the wall
clock after each commit. A scan is shown at the first repaint written out after the screen applied a snapshot
that contains it (``SuperviseScreen.applied``: change marker and time of each snapshot). A scan the screen never
showed by the end is not dropped: it counts as late by the time from its commit to the end of the wait.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from app.config import Config
from app.services.runtime import Database
from app.tui.bench.pilot import settle
from app.tui.bench.terminal import BenchApp, build_bench_app

SIZE = (120, 45)
ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Followed:
    staleness_ms: list[float]
    """Commit -> repaint showing it, for every scan; a scan never shown counts from commit to the end."""
    never_shown: int
    snapshots: int
    repaints: int


def shown_at(marker: int, applied: list[tuple[int, float]], repaints: list[float]) -> float | None:
    """Wall time of the first repaint after the first snapshot applied that contains change ``marker``."""
    applied_at = next((at for seen, at in applied if seen >= marker), None)
    if applied_at is None:
        return None
    i = bisect.bisect_left(repaints, applied_at)
    return repaints[i] if i < len(repaints) else None


def staleness_ms(
    commits: list[dict[str, float]], applied: list[tuple[int, float]], repaints: list[float], end: float
) -> tuple[list[float], int]:
    """Commit -> repaint showing it for every commit (``{"marker", "at"}``), and how many were never shown: those
    count as late until ``end`` (the end of the wait), never as dropped."""
    staleness, never = [], 0
    for commit in commits:
        shown = shown_at(int(commit["marker"]), applied, repaints)
        if shown is None:
            never += 1
            shown = max(end, commit["at"])
        staleness.append(max(0.0, shown - commit["at"]) * 1000)
    return staleness, never


async def follow(
    db: Database,
    config: Config,
    url: str,
    *,
    picker: str,
    scans: int,
    pause: float,
    grace: float = 3.0,
    first_wait: float = 60.0,
) -> Followed:
    """Run the live queue while a picker process scans; ``grace`` seconds to show the last scans after it ends.

    The picker starts once the screen showed the floor, or after ``first_wait`` seconds (then its scans are
    late by however long the first snapshot took): a slow snapshot makes the benchmark report late scans, not
    hang."""
    from app.tui.screens.supervise import SuperviseScreen

    app: BenchApp = build_bench_app(config, db, station="bench-supervisor")
    repaints: list[float] = []
    async with app.run_test(headless=False, size=SIZE) as pilot:
        # name + PIN: a supervisor's badge alone does not sign in ([security] badge_requires_pin_roles)
        await pilot.press("f3", *"sofia", "enter", *"3333", "enter")
        await settle(pilot)
        await pilot.press("v")
        for _ in range(int(first_wait / 0.05)):
            if isinstance(app.screen, SuperviseScreen) and app.screen.applied:
                break
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, SuperviseScreen)
        app.on_repaint = lambda: repaints.append(app.last_repaint_wall)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app.bench.live_picker", url, picker, str(scans), str(pause),
            stdout=asyncio.subprocess.PIPE, cwd=str(ROOT),
        )  # fmt: skip
        assert process.stdout is not None
        commits = [json.loads(line) async for line in process.stdout]
        if await process.wait() != 0:
            raise RuntimeError("the picker process failed (its error is above)")
        last = max((c["marker"] for c in commits), default=0)
        for _ in range(int(grace / 0.05)):
            if shown_at(last, screen.applied, repaints) is not None:
                break
            await pilot.pause(0.05)
        end = time.time()
        app.on_repaint = None
        staleness, never = staleness_ms(commits, screen.applied, repaints, end)
        snapshots = len(screen.applied)
        await pilot.press("escape")
    return Followed(staleness, never, snapshots, len(repaints))
