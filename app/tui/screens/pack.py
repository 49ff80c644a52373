"""The packing station: scan a tote or order, take the suggested box (F2) or scan another, scan each item into
the carton, weigh and close (F9). Closing the last carton ships the order and prints label and slip."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from app.db.retry import retry_busy
from app.services.packing import PackState
from app.stations.pack import PackEngine
from app.tui.literal import cell, literal, row
from app.tui.screens.base import StationScreen
from app.tui.widgets.scan_capture import ScanCapture

if TYPE_CHECKING:
    pass

PROMPTS = {
    "item": "Scan each ITEM (the first one opens the suggested box; F3 closes a carton early to split)",
    "box": "Carton filled: F2 takes the suggested box, or scan another BOX label",
    "weight": "Put the carton on the scale: F9 to weigh and close",
    "ship": "Everything is packed: F9 books and prints the label",
    "order": "Order shipped: scan the next tote or order",
}


class WeighDialog(ModalScreen[tuple[Decimal, str | None] | None]):
    """Enter the scale reading; when it is off, a supervisor's badge approves it."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, expected: Decimal, needs_approval: bool = False, weight: Decimal | None = None) -> None:
        super().__init__()
        self.expected = expected
        self.needs_approval = needs_approval
        self.weight = weight

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"Weight in kg (expected {self.expected})"), classes="title")
            yield Input(value=str(self.weight) if self.weight else "", placeholder="kg", id="weight")
            if self.needs_approval:
                yield Label(literal("Off tolerance: supervisor badge"), classes="error")
                yield Input(placeholder="supervisor badge", password=True, id="badge")
            yield Static("", id="weigh-error")

    def on_mount(self) -> None:
        self.query_one("#badge" if self.needs_approval else "#weight", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        try:
            weight = Decimal(self.query_one("#weight", Input).value.replace(",", "."))
        except InvalidOperation:
            self.query_one("#weigh-error", Static).update(literal("Type the weight, e.g. 1.25"))
            return
        badge = self.query_one("#badge", Input).value.strip() if self.needs_approval else None
        self.dismiss((weight, badge or None))


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
        self.query_one("#prompt", Static).update(literal(PROMPTS[state.expect]))

    @property
    def engine(self) -> PackEngine:
        """The packing step engine (the same one `pickpack station pack` drives)."""
        if self._engine is None:
            user = self.pp.user
            assert user is not None
            self._engine = PackEngine(self.pp.db, self.pp.config, user, terminal=self.pp.station)
        return self._engine

    def _run(self, line: str) -> None:
        """One input to the engine; the screen renders its state and answer."""
        try:
            answer = retry_busy(lambda: self.engine.handle(line))
        except OperationalError as exc:
            self.flash(f"The database is busy or unreachable; nothing was recorded ({exc.orig})", False)
            return
        if self.engine.state is not None:
            self.render_state(self.engine.state)
        self.flash(answer.message, answer.ok)

    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        state = self.state
        busy = state is not None and (state.units_to_pack or state.open_carton is not None)
        if busy and state is not None and state.expect != "order" and event.code.upper().startswith("TOTE-"):
            self.flash(f"Order {state.order_number} is not finished: close its carton first", False)
            return
        self._run(event.code)

    def action_take_suggestion(self) -> None:
        self._run("!box")

    def action_close_items(self) -> None:
        """Close the carton for items early (the order is split over several cartons): confirm its box next."""
        self._run("!close")

    def action_close_carton(self, needs_approval: bool = False, weight: Decimal | None = None) -> None:
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

        def done(answer: tuple[Decimal, str | None] | None) -> None:
            if answer is None or self.state is None:
                return
            measured, badge = answer
            self._run(f"!weight {measured}")
            if badge and self.engine.pending_weight is not None:
                self._run(badge)
            if self.engine.pending_weight is not None:
                self.action_close_carton(needs_approval=True, weight=measured)
            elif self.state is not None and self.state.expect == "ship":
                self._run("!ship")  # closing the last carton ships the order

        self.app.push_screen(WeighDialog(carton.expected_weight_kg, needs_approval, weight), done)

    def action_reprint(self) -> None:
        self._run("!reprint")

    def action_void(self) -> None:
        state = self.state
        if state is None or state.shipment_id is None or state.status != "shipped":
            self.flash("Only a shipped order's labels can be voided", False)
            return

        def done(reason: str | None) -> None:
            if reason:
                self._run(f"!void {reason}")

        self.app.push_screen(ReasonDialog("Void the labels: why?"), done)

    def action_leave(self) -> None:
        self.app.pop_screen()


class ReasonDialog(ModalScreen[str | None]):
    """Ask for the reason of an action that is written to the order's timeline."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), classes="title")
            yield Input(placeholder="reason", id="reason")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
