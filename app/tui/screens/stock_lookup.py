"""Stock lookup: scan or type a GTIN, SKU or location code and see what is where, with lots and expiry.

Every lookup goes through the screen's serial step queue (``app.tui.steps``), like the picker's scans: it runs in
a thread worker, a busy database is retried, and codes scanned or typed meanwhile are looked up next, in the
order they arrived, so the table always ends on the last code asked for (never on a slower earlier one).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from app.services.errors import ServiceError
from app.services.stock import LookupResult, lookup
from app.tui.literal import literal, row
from app.tui.screens.base import StationScreen
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.scan_capture import ScanCapture

Found = LookupResult | ServiceError | Unavailable
"""What one lookup came back with: what the code names, why nothing was found, or a database that stayed busy."""


class StockLookupScreen(StationScreen):
    BINDINGS = [("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        yield Static("Stock lookup", classes="title")
        yield ScanCapture("Scan / type", suffix=self.pp.config.terminal.scanner_suffix, id="code")
        yield Static("GTIN, SKU or location code, then Enter", id="result-title")
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="message", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        table.add_columns("Location", "SKU", "Qty", "Resv", "Avail", "Lot", "Expiry")
        table.can_focus = False
        self.query_one("#code", ScanCapture).focus()

    def action_back(self) -> None:
        """Back after the lookups already asked for have been shown (Esc takes its turn like a scan)."""
        self.steps.ui(self.leave)

    @on(ScanCapture.Scanned, "#code")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        self.steps.run(self._work(event.code), self._answered)

    def _work(self, code: str) -> Callable[[], Found]:
        """One lookup as work for the step's worker thread (built here, on the UI thread)."""
        db, prefix, app, flash = self.pp.db, self.pp.config.terminal.badge_prefix, self.app, self.flash

        def retrying(n: int) -> None:
            app.call_from_thread(flash, f"Database busy, retrying ({n})", True)

        def step() -> Found:
            try:
                return guarded(lambda: lookup(db, code, badge_prefix=prefix), on_retry=retrying)
            except ServiceError as exc:
                return exc

        return step

    def _answered(self, found: Found) -> None:
        self.query_one("#message", Static).set_classes("hidden")
        if isinstance(found, Unavailable):
            self._not_found(f"The database is busy or unreachable; scan again ({found.detail})")
        elif isinstance(found, ServiceError):
            self._not_found(str(found))
        else:
            self._show(found)

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
