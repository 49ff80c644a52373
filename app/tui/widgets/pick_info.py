"""What a picker looks up without leaving the walk: the keys (F1 or ?) and the batch's lines still to pick (F2).

Both only show: a scan that arrives while one is open closes it and is handed back to the picker screen, which
takes it as if the dialog had not been open (a scanner does not wait for a person to close a window).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from app.services.picking import StopLine
from app.tui.literal import literal, row
from app.tui.widgets.scan_capture import ScanCapture

KEYS = (
    ("F1 or ?", "this help"),
    ("F2", "lines left in this batch"),
    ("F3", "undo the last count or drop here"),
    ("F4", "type how many more you hold"),
    ("F5", "short: fewer on the shelf"),
    ("F6", "skip: this stop comes at the end"),
    ("F7 / F8", "look at the previous / next stop"),
    ("F10", "finish (or end the batch early)"),
    ("Esc", "pause: home, the batch stays yours"),
)
"""The picker screen's keys, in the order of the function keys (the README lists the same)."""


def info_css(name: str) -> str:
    """The CSS of one info dialog, written out under its own name (each class carries its own DEFAULT_CSS)."""
    return f"""
    {name} {{
        align: center middle;
    }}
    {name} > Vertical {{
        width: 90%;
        max-width: 96;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }}
    {name} DataTable {{
        height: auto;
        max-height: 20;
    }}
    {name} ScanCapture, {name} ScanCapture:focus {{
        height: 1;
        border: none;
        padding: 0;
    }}
    """


class InfoDialog(ModalScreen[str | None]):
    """A dialog that only shows: Esc, Enter or its own key closes it (None); a scan closes it with the code."""

    BINDINGS = [("escape", "dismiss(None)", "Close")]

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.compose_body()
            yield Static(literal("Esc or Enter closes; a scan closes it and counts"), classes="hint")
            yield ScanCapture("Scan", submit_empty=True, id="info-scan")

    def on_mount(self) -> None:
        self.query_one("#info-scan", ScanCapture).focus()

    @on(ScanCapture.Scanned, "#info-scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        event.stop()
        self.dismiss(event.code if event.code.strip() else None)


class PickHelpDialog(InfoDialog):
    """Every key of the picker screen and what it does (the footer has room for only some at 60 columns)."""

    BINDINGS = [("escape", "dismiss(None)", "Close"), ("f1", "dismiss(None)", "Close")]
    DEFAULT_CSS = info_css("PickHelpDialog")

    def compose_body(self) -> ComposeResult:
        yield Label(literal("Picker keys"), classes="title")
        yield Static(literal("Scan what the screen asks for (location, item, lot, tote); keys for the rest:"))
        table: DataTable[str] = DataTable(id="help-keys", cursor_type="none", show_cursor=False)
        table.can_focus = False
        yield table

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", DataTable)
        table.add_columns("Key", "Does")
        for key, does in KEYS:
            table.add_row(key, does)
        super().on_mount()


class RemainingLinesDialog(InfoDialog):
    """The batch's open stops in walking order, the one in hand marked, with how many units each still needs."""

    BINDINGS = [("escape", "dismiss(None)", "Close"), ("f2", "dismiss(None)", "Close")]
    DEFAULT_CSS = info_css("RemainingLinesDialog")

    def __init__(self, batch_id: int, lines: list[StopLine], current_seq: int | None) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.lines = [line for line in lines if line.status == "open"]
        self.current_seq = current_seq

    def compose_body(self) -> ComposeResult:
        units = sum(line.qty - line.qty_picked for line in self.lines)
        title = f"Batch {self.batch_id}: {len(self.lines)} stop(s), {units} unit(s) left"
        yield Label(literal(title), classes="title")
        if not self.lines:
            yield Static(literal("Nothing left to pick: press F10 to finish"), id="lines-empty")
            return
        table: DataTable[str] = DataTable(id="lines", cursor_type="none", show_cursor=False, zebra_stripes=True)
        table.can_focus = False
        yield table

    def on_mount(self) -> None:
        for table in self.query("#lines").results(DataTable):
            table.add_columns(" ", "Location", "SKU", "Left", "Tote", "Order")
            for line in self.lines:
                here = "▶" if line.seq == self.current_seq else ""
                what = "put back" if line.kind == "putback" else str(line.qty - line.qty_picked)
                slot = f"slot {line.slot}" if line.slot else "-"
                table.add_row(*row(here, line.location, line.sku, what, slot, line.order or "-"))
        super().on_mount()
