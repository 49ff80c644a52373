"""The packing station: scan a tote or order, take the suggested box (F2) or scan another, scan each item into
the carton, weigh and close (F9). Closing the last carton ships the order and prints label and slip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy.exc import OperationalError
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from app.db.retry import retry_busy
from app.domain.scans import classify
from app.services.packing import PackState
from app.stations.answer import Answer
from app.stations.pack import PackEngine, sku_label_hint
from app.tui.literal import cell, literal, row
from app.tui.screens.base import StationScreen
from app.tui.widgets.scan_capture import ScanCapture

PROMPTS = {
    "item": "Scan each ITEM (the first one opens the suggested box; F3 closes a carton early to split)",
    "box": "Carton filled: F2 takes the suggested box, or scan another BOX label",
    "weight": "Put the carton on the scale: F9 to weigh and close",
    "ship": "Everything is packed: F9 books and prints the label",
    "order": "Order shipped: scan the next tote or order",
}


@dataclass(frozen=True)
class Weighing:
    """What the weighing dialog returns: the scale reading and, when approving, the supervisor's badge and PIN."""

    weight: Decimal
    badge: str | None = None
    pin: str | None = field(default=None, repr=False)


class WeighDialog(ModalScreen[Weighing | None]):
    """Enter the scale reading; when it is off, a supervisor approves with their badge, then their PIN.

    The PIN field is masked and always offered: the roles of ``[security] badge_requires_pin_roles`` must fill it
    (the service refuses a badge alone), a role not listed may leave it empty. A refusal (wrong PIN, no PIN, a
    badge that may not approve) comes back as ``error`` when the dialog opens again.
    """

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        expected: Decimal,
        needs_approval: bool = False,
        weight: Decimal | None = None,
        error: str = "",
        badge: str = "",
    ) -> None:
        super().__init__()
        self.expected = expected
        self.needs_approval = needs_approval
        self.weight = weight
        self.error = error
        self.badge = badge

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(f"Weight in kg (expected {self.expected})"), classes="title")
            yield Input(value=str(self.weight) if self.weight else "", placeholder="kg", id="weight")
            if self.needs_approval:
                yield Label(literal("Off tolerance: a supervisor approves with badge, then PIN"), classes="error")
                yield Input(value=self.badge, placeholder="supervisor badge (scan)", password=True, id="badge")
                yield Input(placeholder="supervisor PIN", password=True, id="pin")
            yield Static(literal(self.error), id="weigh-error", classes="error" if self.error else "")

    def on_mount(self) -> None:
        if not self.needs_approval:
            self.query_one("#weight", Input).focus()
        else:
            self.query_one("#pin" if self.badge else "#badge", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        error = self.query_one("#weigh-error", Static)
        try:
            weight = Decimal(self.query_one("#weight", Input).value.strip().replace(",", "."))
        except InvalidOperation:
            error.update(literal("Type the weight, e.g. 1.25"))
            return
        if not self.needs_approval:
            self.dismiss(Weighing(weight))
            return
        badge = self.query_one("#badge", Input).value.strip()
        pin_input = self.query_one("#pin", Input)
        if event.input.id != "pin":  # the badge (or the weight) first: the PIN comes next
            if not badge:
                self.query_one("#badge", Input).focus()
                error.update(literal("Scan the supervisor's badge"))
                return
            pin_input.focus()
            return
        if not badge:
            self.query_one("#badge", Input).focus()
            error.update(literal("Scan the supervisor's badge first"))
            return
        self.dismiss(Weighing(weight, badge, pin_input.value.strip() or None))


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

    def _run(self, line: str) -> None:
        """One input to the engine; the screen renders its state and answer."""
        self._call(lambda: self.engine.handle(line))

    def _call(self, step: Callable[[], Answer]) -> None:
        """One step of the engine (a line, or an approval with badge and PIN); render its state and answer."""
        try:
            answer = retry_busy(step)
        except OperationalError as exc:
            self._last_message = f"The database is busy or unreachable; nothing was recorded ({exc.orig})"
            self.flash(self._last_message, False)
            return
        if self.engine.state is not None:
            self.render_state(self.engine.state)
        self._last_message = answer.message
        self.flash(answer.message, answer.ok)

    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        state = self.state
        waiting = self.engine.waiting_weight() if state is not None else None
        is_badge = classify(event.code, badge_prefix=self.pp.config.terminal.badge_prefix).kind == "badge"
        if waiting is not None and is_badge:
            # a supervisor scanned their badge at the screen: the dialog takes it and asks for their PIN
            self.action_close_carton(
                needs_approval=True, weight=waiting, error="Type the PIN to approve", badge=event.code.strip()
            )
            return
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

    def action_close_carton(
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

        def done(answer: Weighing | None) -> None:
            if answer is None or self.state is None:
                return
            pending = self.engine.waiting_weight()
            if answer.badge and pending is not None and answer.weight == pending:
                self._call(lambda: self.engine.approve_weight(answer.badge or "", answer.pin))
            else:
                self._run(f"!weight {answer.weight}")
                if answer.badge and self.engine.pending_weight is not None:
                    self._call(lambda: self.engine.approve_weight(answer.badge or "", answer.pin))
            if self.engine.pending_weight is not None:
                # the dialog opens again saying why: off tolerance, or why the approval was refused
                self.action_close_carton(needs_approval=True, weight=answer.weight, error=self._last_message)
            elif self.state is not None and self.state.expect == "ship":
                self._run("!ship")  # closing the last carton ships the order

        self.app.push_screen(WeighDialog(carton.expected_weight_kg, needs_approval, weight, error, badge), done)

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
