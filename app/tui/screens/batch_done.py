"""The end of a walk: what was picked, where the totes go, how far the route walked, and what was short.

Only lists that have something in them are shown: "0 orders picked:" or "Totes to packing:" with nothing after
them reads like an error to a picker who ended a batch early before its first drop.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from app.services import picking
from app.tui.literal import literal


def done_lines(report: picking.FinishReport) -> list[tuple[str, str, str]]:
    """(id, text, class) of each line of the report, without empty lists."""
    r = report
    lines: list[tuple[str, str, str]] = []
    if r.orders:
        picked = f"{len(r.orders)} order(s) picked: {', '.join(r.orders)}"
    else:
        picked = "No order was picked complete in this batch (its open stops went back to the queue)"
    lines.append(("done-orders", picked, ""))
    if r.totes:
        lines.append(("done-totes", f"Take to packing: {', '.join(r.totes)}", ""))
    else:
        lines.append(("done-totes", "No tote to take to packing", ""))
    if r.distance_m or r.s_shape_distance_m:
        walked = (
            f"Walked {r.distance_m:.0f} m · S-shape would be {r.s_shape_distance_m:.0f} m ({r.saving_pct:.0f}% less)"
        )
        lines.append(("done-distance", walked, "ok"))
    if r.short_lines:
        lines.append(("done-short", "Short: " + "; ".join(r.short_lines), "error"))
    return lines


class BatchDoneScreen(Screen[None]):
    BINDINGS = [("enter", "home", "Home"), ("escape", "home", "Home")]
    DEFAULT_CSS = """
    BatchDoneScreen Static {
        padding: 0 1;
        margin-bottom: 1;
    }
    """

    def __init__(self, report: picking.FinishReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield Static(literal(f"Batch {self.report.batch_id} finished"), classes="title")
        for ident, text, classes in done_lines(self.report):
            yield Static(literal(text), id=ident, classes=classes)
        with Horizontal():
            yield Button(Content("[Enter] Home"), id="home", variant="primary")
        yield Footer(show_command_palette=False)

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()
