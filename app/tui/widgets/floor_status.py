"""The supervisor screen's header (title and order counts by status), its result band (the outcome of the last
action, where the eye is: right above the tables) and its live line (when the floor was last read).

The counts and the live line are one line each and never wrap (a cut line ends in ``…``), so the tables below
never jump; the band always takes its line, a blank one until there is something to say.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from app.services.supervision import FloorSnapshot
from app.tui.literal import literal

HINT = "Tab/↓ chooses a row, then a key acts on it · F1: all keys"


class FloorHeader(Widget):
    """Title, the count of orders in each status, and the result band (``#message``, which ``flash`` writes)."""

    DEFAULT_CSS = """
    FloorHeader {
        height: auto;
    }
    FloorHeader #counts {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    FloorHeader #message {
        height: auto;
        min-height: 1;
        max-height: 3;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("Supervisor · live queue", classes="title")
        yield Static("", id="counts", classes="hint")
        yield Static(literal(HINT), id="message", classes="hint")

    def show(self, snapshot: FloorSnapshot) -> None:
        counts = "  ".join(f"{status.replace('_', ' ')} {n}" for status, n in snapshot.counts.items() if n)
        self.query_one("#counts", Static).update(literal(counts or "no orders"))


class FloorStatus(Widget):
    """The live line below the tables: when the floor was last read, and the change it was read at."""

    DEFAULT_CSS = """
    FloorStatus {
        height: 1;
    }
    FloorStatus #live {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="live", classes="hint")

    def show(self, snapshot: FloorSnapshot) -> None:
        self.query_one("#live", Static).update(
            literal(f"live · read {snapshot.generated_at:%H:%M:%S} UTC · change {snapshot.change_marker}")
        )
