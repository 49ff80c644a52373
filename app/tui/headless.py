"""Driving the app headless (tests and `pickpack bench scan`): deliver a scanner's keystrokes in one burst.

Pilot's ``press`` waits for the CPU to go idle after every key (tens of milliseconds each), nothing like a
scanner, which sends a whole code within a few milliseconds. ``send_scan`` queues every key of a code through
the driver, as a real terminal would deliver them, then waits once.
"""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

GS = "\x1d"


def key_name(character: str) -> str:
    """Textual's key name for a typed character ("-" -> "minus", "/" -> "slash", "a" -> "a").

    The same function Textual's own input driver uses, so a hostile scan (brackets, "@", "/", control or
    unnamed characters) arrives as exactly the key events a terminal would send; a name of our own would differ
    for "/" or "@" and crash on a character Unicode gives no name.
    """
    if character == GS:
        return "ctrl+right_square_bracket"
    return _character_to_key(character)


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
