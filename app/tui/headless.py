"""Driving the app headless (tests and `pickpack bench scan`): deliver a scanner's keystrokes in one burst.

Pilot's ``press`` waits for the CPU to go idle after every key (tens of milliseconds each), nothing like a
scanner, which sends a whole code within a few milliseconds. ``send_scan`` queues every key of a code through
the driver, as a real terminal would deliver them, then waits once.
"""

from __future__ import annotations

import unicodedata

from textual import events
from textual.pilot import Pilot

GS = "\x1d"


def key_name(character: str) -> str:
    """Textual's key name for a typed character ("-" -> "minus", "a" -> "a")."""
    if character == GS:
        return "ctrl+right_square_bracket"
    if character.isalnum():
        return character
    return unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")


async def send_keys(pilot: Pilot[object], keys: list[tuple[str, str | None]]) -> None:
    app = pilot.app
    driver = app._driver  # the same entry point Pilot.press uses
    assert driver is not None
    for key, character in keys:
        event = events.Key(key, character)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()


async def send_scan(pilot: Pilot[object], code: str, *, suffix: str = "enter") -> None:
    """Type ``code`` (GS as ctrl+]) and the scanner suffix as one burst of key events."""
    keys: list[tuple[str, str | None]] = [(key_name(ch), None if ch == GS else ch) for ch in code]
    keys.append((suffix, "\r" if suffix == "enter" else "\t"))
    await send_keys(pilot, keys)
