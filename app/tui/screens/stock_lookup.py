"""Stock lookup: scan or type a GTIN, SKU or location code and see what is where, with lots and expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from app.services.errors import ServiceError
from app.services.stock import LookupResult, lookup
from app.tui.literal import literal, row
from app.tui.widgets.scan_capture import ScanCapture

if TYPE_CHECKING:
    from app.tui.app import PickpackApp


class StockLookupScreen(Screen[None]):
    BINDINGS = [("escape", "back", "Back")]

    @property
    def pp(self) -> PickpackApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("Stock lookup", classes="title")
        yield ScanCapture("Scan / type", suffix=self.pp.config.terminal.scanner_suffix, id="code")
        yield Static("GTIN, SKU or location code, then Enter", id="result-title")
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        table.add_columns("Location", "SKU", "Qty", "Resv", "Avail", "Lot", "Expiry")
        table.can_focus = False
        self.query_one("#code", ScanCapture).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(ScanCapture.Scanned, "#code")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        self.run_lookup(event.code)

    @work(thread=True, exclusive=True, group="lookup")
    def run_lookup(self, code: str) -> None:
        try:
            result = lookup(self.pp.db, code, badge_prefix=self.pp.config.terminal.badge_prefix)
        except ServiceError as exc:
            self.app.call_from_thread(self._not_found, str(exc))
            return
        self.app.call_from_thread(self._show, result)

    def _not_found(self, text: str) -> None:
        title = self.query_one("#result-title", Static)
        title.update(literal(text))
        title.set_classes("error")
        self.query_one("#results", DataTable).clear()
        self.app.bell()

    def _show(self, result: LookupResult) -> None:
        title = self.query_one("#result-title", Static)
        summary = f"{result.title}"
        if result.note:
            summary += f" · {result.note}"
        summary += f" · on hand {result.total_qty}, available {result.total_available}"
        title.update(literal(summary))
        title.set_classes("ok" if result.lines else "error")
        table = self.query_one("#results", DataTable)
        table.clear()
        for line in result.lines:
            table.add_row(
                *row(
                    line.location,
                    line.sku,
                    line.qty,
                    line.reserved,
                    line.available,
                    line.lot or "-",
                    line.expiry.isoformat() if line.expiry else "-",
                )
            )
