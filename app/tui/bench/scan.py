"""`pickpack bench scan`, the screen side: a picker works through batches on the real picker screen.

Signs in with a badge, claims batches with P, sets up totes, scans location, item and tote at every stop and
finishes each batch with F10, as a picker would; every scan is timed by ``ScanClock`` (key arrival at the app to
the repaint written out). Set-up scans count too: they are scans a picker waits for.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.config import Config
from app.services.runtime import Database
from app.tui.bench.pilot import ScanClock, settle
from app.tui.bench.terminal import BenchApp, build_bench_app

SIZE = (40, 20)
"""A handheld's screen."""


@dataclass(frozen=True)
class ScanRun:
    latencies_ms: list[float]
    unpainted: int
    batches: int
    repaints: int
    bytes_written: int


async def pick_scans(db: Database, config: Config, *, badge: str, scans: int, first_tote: int = 1) -> ScanRun:
    """Time ``scans`` scans on the picker screen (fewer when no batch is left to claim)."""
    from app.tui.screens.pick import BatchDoneScreen, PickScreen

    app: BenchApp = build_bench_app(config, db, station="bench")
    tote = iter(range(first_tote, 10_000))
    batches = 0
    async with app.run_test(headless=False, size=SIZE) as pilot:
        clock = ScanClock(pilot, app)

        def left() -> int:
            return scans - len(clock.latencies_ms) - clock.unpainted

        await clock.scan(badge)  # the sign-in screen is on the step queue too
        while left() > 0:
            await pilot.press("p")
            await settle(pilot)
            screen = app.screen
            if not isinstance(screen, PickScreen):
                break  # no batch waiting
            batches += 1
            while screen.state.phase == "setup" and left() > 0:
                await clock.scan(f"TOTE-{next(tote):04d}")
            while screen.state.stop is not None and left() > 0 and app.screen is screen:
                stop = screen.state.stop
                if not stop.location_confirmed:
                    await clock.scan(stop.location)
                elif screen.state.phase == "item":
                    await clock.scan(stop.scan_code)
                else:
                    await clock.scan(stop.tote_code or "")
            if left() <= 0:
                break
            await pilot.press("f10")
            await settle(pilot)
            if isinstance(app.screen, BatchDoneScreen):
                await pilot.press("enter")
                await settle(pilot)
        await pilot.pause()
    return ScanRun(clock.latencies_ms[:scans], clock.unpainted, batches, app.repaints, app.bytes_written)
