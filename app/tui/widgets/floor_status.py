"""The supervisor screen's header (title and order counts by status) and status lines (the outcome of the last
action, and when the floor was last read), each drawn from a ``FloorSnapshot``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from app.services.supervision import FloorSnapshot
from app.tui.literal import literal


class FloorHeader(Widget):
    """Title and the count of orders in each status."""

    DEFAULT_CSS = """
    FloorHeader {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("Supervisor · live queue", classes="title")
        yield Static("", id="counts")

    def show(self, snapshot: FloorSnapshot) -> None:
        counts = "  ".join(f"{status} {n}" for status, n in snapshot.counts.items() if n)
        self.query_one("#counts", Static).update(literal(counts or "no orders"))


class FloorStatus(Widget):
    """The message line (``#message``, which ``StationScreen.flash`` writes) and the live line below it."""

    DEFAULT_CSS = """
    FloorStatus {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="message", classes="hidden")
        yield Static("", id="live", classes="hint")

    def show(self, snapshot: FloorSnapshot) -> None:
        self.query_one("#live", Static).update(
            literal(f"live · change {snapshot.change_marker} · read {snapshot.generated_at:%H:%M:%S} UTC")
        )
