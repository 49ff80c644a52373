"""Playing a scanner in Pilot tests: deliver a code's keystrokes in one burst, as a keyboard wedge does.

Pilot's ``press`` waits for the CPU to go idle after every key (tens of milliseconds each), nothing like a
scanner, which sends a whole code within a few milliseconds. ``send_scan`` queues every key of a code through
the driver, as a real terminal would deliver them, then waits once.
"""

from __future__ import annotations

import contextlib

from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from app.tui.widgets.scan_capture import scanner_keys


async def send_keys(pilot: Pilot[object], keys: list[tuple[str, str | None]]) -> None:
    """Queue the key events at once through the driver (the entry point Pilot.press uses), then wait once."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()


async def send_scan(pilot: Pilot[object], code: str, *, suffix: str = "enter") -> None:
    """Type ``code`` (GS as ctrl+]) and the scanner suffix as one burst of key events."""
    await send_keys(pilot, scanner_keys(code, suffix=suffix))


LONG_LIVED = frozenset({"live"})
"""Worker groups that run as long as their screen (the supervisor's live feed): ``settle`` does not wait for them."""


async def settle(pilot: Pilot[object]) -> None:
    """Wait, deterministically, until every step a key or scan started has finished and its result is drawn.

    Screens run their database and printer calls in thread workers (``app.tui.steps``); a step's result may start
    the next one (queued input, a finished batch's report), so this waits until no short-lived worker is left.
    A worker that failed has been reported by the app's safety net; that is the test's to check.
    """
    app = pilot.app
    await pilot.pause()
    while True:
        running = [w for w in app.workers if not w.is_finished and w.group not in LONG_LIVED]
        if not running:
            return
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await app.workers.wait_for_complete(running)
        await pilot.pause()
