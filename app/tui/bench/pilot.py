"""Driving the app in a benchmark: a scanner's key burst, a clock from key arrival to repaint, and waiting.

The clock starts when the scan's last key (the scanner's Enter) is handed to the app, exactly where a terminal
driver hands over the keys it read: the time the keys wait in the app's queue is in it. It stops when the first
repaint after the screen drew the step's answer has been written out (``BenchApp.post_display_hook``). The
screen's serial step queue (``app.tui.steps.Steps.answered``) says when that answer was drawn.
"""

from __future__ import annotations

import contextlib
import time

from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from app.tui.bench.terminal import BenchApp
from app.tui.steps import Steps
from app.tui.widgets.scan_capture import scanner_keys

LONG_LIVED = frozenset({"live", "kpis"})
"""Worker groups that run as long as their screen: ``settle`` does not wait for them."""


def send_keys(app: BenchApp, keys: list[tuple[str, str | None]]) -> float:
    """Post the key events to the app at once, as a terminal driver does; returns when the last one arrived."""
    driver = app._driver
    assert driver is not None
    arrived = 0.0
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        arrived = time.perf_counter()
        driver.send_message(event)
    return arrived


async def settle(pilot: Pilot[object]) -> None:
    """Wait until every short-lived worker has finished, the screen's step queue is empty and no message waits."""
    app = pilot.app
    await pilot.pause()
    for _ in range(100_000):
        running = [w for w in app.workers if not w.is_finished and w.group not in LONG_LIVED]
        if running:
            with contextlib.suppress(WorkerFailed, WorkerCancelled):
                await app.workers.wait_for_complete(running)
        else:
            steps = getattr(app.screen, "steps", None)
            busy = isinstance(steps, Steps) and steps.working
            nodes = [app, *app.screen.walk_children(with_self=True)]
            if not busy and all(node._message_queue.empty() for node in nodes):
                return
        await pilot.pause()
    raise RuntimeError("the terminal never settled")


class ScanClock:
    """Scan-to-repaint times on one app: ``scan(code)`` types a code as a scanner does and waits for its repaint."""

    def __init__(self, pilot: Pilot[object], app: BenchApp) -> None:
        self.pilot = pilot
        self.app = app
        self.latencies_ms: list[float] = []
        self.unpainted = 0
        """Scans whose answer was drawn but never repainted (counted, not timed)."""

    async def scan(self, code: str) -> None:
        steps = getattr(self.app.screen, "steps", None)
        assert isinstance(steps, Steps), "the scan clock needs a screen on the step queue"
        answered = steps.answered
        stopped: list[float] = []

        def after_repaint() -> None:
            if not stopped and steps.answered > answered:
                stopped.append(time.perf_counter())

        self.app.on_repaint = after_repaint
        arrived = send_keys(self.app, scanner_keys(code))
        await settle(self.pilot)
        for _ in range(50):  # the answer's repaint comes with the next refresh after the queue went quiet
            if stopped or steps.answered == answered:
                break
            await self.pilot.pause()
        self.app.on_repaint = None
        if stopped:
            self.latencies_ms.append((stopped[0] - arrived) * 1000)
        elif steps.answered > answered:
            self.unpainted += 1
