"""Playing a scanner in Pilot tests: deliver a code's keystrokes in one burst, as a keyboard wedge does.

Pilot's ``press`` waits for the CPU to go idle after every key (tens of milliseconds each), nothing like a
scanner, which sends a whole code within a few milliseconds. ``send_scan`` queues every key of a code through
the driver, as a real terminal would deliver them, then waits once.
"""

from __future__ import annotations

import contextlib

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from app.tui.steps import Steps
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


def _quiet(app: App[object]) -> bool:
    """Nothing left to do: no short-lived worker runs, the screen's step queue is empty, and no message (a key
    still on its way from the app to the scan field, a worker's result) waits in the app's or the screen's queues."""
    if any(not w.is_finished and w.group not in LONG_LIVED for w in app.workers):
        return False
    steps = getattr(app.screen, "steps", None)
    if isinstance(steps, Steps) and steps.working:
        return False
    return all(node._message_queue.empty() for node in [app, *app.screen.walk_children(with_self=True)])


async def settle(pilot: Pilot[object]) -> None:
    """Wait, deterministically, until every step a key or scan started has finished and its result is drawn.

    Screens run their database and printer calls in thread workers (``app.tui.steps``); a key reaches its widget
    in several hops and a step's result may start the next step (queued input, a finished batch's report), so
    this waits for the workers and pauses until nothing is left in flight. A worker that failed has been
    reported by the app's safety net; that is the test's to check. (Input held by an open dialog waits for the
    test to answer the dialog, so it does not count.)
    """
    app = pilot.app
    await pilot.pause()
    for _ in range(2_000):
        running = [w for w in app.workers if not w.is_finished and w.group not in LONG_LIVED]
        if running:
            with contextlib.suppress(WorkerFailed, WorkerCancelled):
                await app.workers.wait_for_complete(running)
        elif _quiet(app):
            return
        await pilot.pause()
    raise AssertionError("the terminal never settled")
