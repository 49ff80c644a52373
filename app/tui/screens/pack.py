"""The packing station: scan a tote or order, take the suggested box (F2) or scan another, scan each item into
the carton, weigh and close (F9). Closing the last carton ships the order and prints label and slip.

Every scan and key goes through the packing step engine in a thread worker, one at a time in input order
(``app.tui.steps``): booking and printing may wait on a printer's network timeout (5-30 s) while the screen
keeps drawing, and the scans that arrive meanwhile run next, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from app.domain.scans import classify
from app.services.packing import PackState
from app.stations.answer import Answer
from app.stations.pack import PackEngine, sku_label_hint
from app.tui.literal import cell, literal, row
from app.tui.screens.base import StationScreen
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.dialogs import AskDialog
from app.tui.widgets.scan_capture import ScanCapture
from app.tui.widgets.weigh_dialog import WeighDialog, Weighing

PROMPTS = {
    "item": "Scan each ITEM (the first one opens the suggested box; F3 closes a carton early to split)",
    "box": "Carton filled: F2 takes the suggested box, or scan another BOX label",
    "weight": "Put the carton on the scale: F9 to weigh and close",
    "ship": "Everything is packed: F9 books and prints the label",
    "order": "Order shipped: scan the next tote or order",
}


class PackScreen(StationScreen):
    BINDINGS = [
        ("f2", "take_suggestion", "Box"),
        ("f3", "close_items", "Split"),
        ("f9", "close_carton", "Close"),
        ("f7", "reprint", "Reprint"),
        ("f8", "void", "Void"),
        ("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state: PackState | None = None
        self._engine: PackEngine | None = None
        self._last_message = ""

    def compose(self) -> ComposeResult:
        yield Static("Packing · scan a tote or order", id="pack-title", classes="title")
        yield DataTable(id="pack-lines", cursor_type="none", show_cursor=False)
        yield Static("", id="cartons")
        yield Static("", id="prompt", classes="prompt")
        yield Static("", id="message", classes="hidden")
        yield ScanCapture("Scan", suffix=self.pp.config.terminal.scanner_suffix, id="scan")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pack-lines", DataTable)
        table.add_columns("SKU", "Name", "Ord", "Pick", "Pack", "Short")
        table.can_focus = False
        self.query_one("#prompt", Static).update(literal("Scan the TOTE (or the order number on the pick list)"))
        self.query_one("#scan", ScanCapture).focus()

    def render_state(self, state: PackState) -> None:
        self.state = state
        self.query_one("#pack-title", Static).update(literal(f"Order {state.order_number} · {state.status}"))
        table = self.query_one("#pack-lines", DataTable)
        table.clear()
        for line in state.lines:
            table.add_row(
                *row(
                    line.sku,
                    cell(line.name, width=18),
                    line.qty_ordered,
                    line.qty_picked,
                    line.qty_packed,
                    line.short or "",
                )
            )
        parts = []
        for c in state.cartons:
            contents = ", ".join(f"{qty}x {sku}" for sku, qty in c.items) or "empty"
            label = f" {c.tracking_number}" if c.tracking_number else ""
            parts.append(f"Carton {c.seq} [{c.box_code}] {c.status}{label}: {contents}")
        if state.suggestion and state.open_carton is None and state.units_to_pack:
            parts.append("Suggested: " + " + ".join(f"BOX-{code}" for code in state.suggestion))
        elif state.expect == "box" and state.open_carton is not None:
            parts.append(f"Suggested: BOX-{state.open_carton.box_code}")
        self.query_one("#cartons", Static).update(literal("\n".join(parts)))
        prompt = PROMPTS[state.expect]
        if state.expect == "item":
            prompt += sku_label_hint(state)  # items without a barcode are proved by their printed SKU label
        self.query_one("#prompt", Static).update(literal(prompt))

    @property
    def engine(self) -> PackEngine:
        """The packing step engine (the same one `pickpack station pack` drives)."""
        if self._engine is None:
            user = self.pp.user
            assert user is not None
            self._engine = PackEngine(self.pp.db, self.pp.config, user, terminal=self.pp.station)
        return self._engine

    # --- every input goes through the engine in a worker, in order; the screen renders the answer -------------
    def _run(self, line: str) -> None:
        """Queue one input to the engine; the screen renders its state and answer when it comes back."""
        engine = self.engine
        self._call(lambda: engine.handle(line))

    def _call(self, step: Callable[[], Answer], then: Callable[[], None] | None = None) -> None:
        """Queue one step of the engine (a line, or an approval with badge and PIN); render its state and answer,
        then ``then()`` (which may queue the next step: it runs before any input that waited)."""

        def shown(answer: Answer | Unavailable) -> None:
            self._show(answer)
            if then is not None:
                then()

        self.steps.run(lambda: guarded(step), shown)

    def _show(self, answer: Answer | Unavailable) -> None:
        if isinstance(answer, Unavailable):
            self._last_message = f"The database is busy or unreachable; nothing was recorded ({answer.detail})"
            self.flash(self._last_message, False)
            return
        if self.engine.state is not None:
            self.render_state(self.engine.state)
        self._last_message = answer.message
        self.flash(answer.message, answer.ok)

    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        code = event.code
        self.steps.ui(lambda: self._scanned(code))

    def _scanned(self, code: str) -> None:
        state = self.state
        waiting = self.engine.waiting_weight() if state is not None else None
        is_badge = classify(code, badge_prefix=self.pp.config.terminal.badge_prefix).kind == "badge"
        if waiting is not None and is_badge:
            # a supervisor scanned their badge at the screen: the dialog takes it and asks for their PIN
            self._weigh(needs_approval=True, weight=waiting, error="Type the PIN to approve", badge=code.strip())
            return
        busy = state is not None and (state.units_to_pack or state.open_carton is not None)
        if busy and state is not None and state.expect != "order" and code.upper().startswith("TOTE-"):
            self.flash(f"Order {state.order_number} is not finished: close its carton first", False)
            return
        self._run(code)

    def action_take_suggestion(self) -> None:
        self._run("!box")

    def action_close_items(self) -> None:
        """Close the carton for items early (the order is split over several cartons): confirm its box next."""
        self._run("!close")

    def action_close_carton(self) -> None:
        self.steps.ui(self._weigh)

    def _weigh(
        self, needs_approval: bool = False, weight: Decimal | None = None, error: str = "", badge: str = ""
    ) -> None:
        state = self.state
        if state is not None and state.expect == "ship":
            self._run("!ship")  # everything is packed (e.g. after a void): book and print again
            return
        carton = state.open_carton if state else None
        if state is None or carton is None:
            self.flash("No open carton", False)
            return
        if state.expect == "box":
            self.flash(f"Take the box first: F2 for BOX-{carton.box_code}, or scan another BOX label", False)
            return
        dialog = WeighDialog(carton.expected_weight_kg, needs_approval, weight, error, badge)
        self.ask(dialog, self._weighed)

    def _weighed(self, answer: Weighing | None) -> None:
        """The weighing dialog's answer: close the carton (with the supervisor's approval when given)."""
        if answer is None or self.state is None:
            return
        engine = self.engine
        pending = engine.waiting_weight()
        if answer.badge and pending is not None and answer.weight == pending:
            self._call(
                lambda: engine.approve_weight(answer.badge or "", answer.pin), lambda: self._after_weighing(answer)
            )
            return

        def approve_if_asked() -> None:
            if answer.badge and engine.pending_weight is not None:
                self._call(
                    lambda: engine.approve_weight(answer.badge or "", answer.pin), lambda: self._after_weighing(answer)
                )
            else:
                self._after_weighing(answer)

        self._call(lambda: engine.handle(f"!weight {answer.weight}"), approve_if_asked)

    def _after_weighing(self, answer: Weighing) -> None:
        if self.engine.pending_weight is not None:
            # the dialog opens again saying why: off tolerance, or why the approval was refused
            self._weigh(needs_approval=True, weight=answer.weight, error=self._last_message)
        elif self.state is not None and self.state.expect == "ship":
            self._run("!ship")  # closing the last carton ships the order

    def action_reprint(self) -> None:
        self._run("!reprint")

    def action_void(self) -> None:
        self.steps.ui(self._void)

    def _void(self) -> None:
        state = self.state
        if state is None or state.shipment_id is None or state.status != "shipped":
            self.flash("Only a shipped order's labels can be voided", False)
            return

        def done(reason: str | None) -> None:
            if reason:
                self._run(f"!void {reason}")

        self.ask(AskDialog("Void the labels: why?", placeholder="reason"), done)

    def action_leave(self) -> None:
        self.steps.ui(self.leave)
