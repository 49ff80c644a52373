"""The packing station: scan a tote or order, take the suggested box (F2) or scan another, scan each item into
the carton, weigh and close (F9). Closing the last carton ships the order and prints label and slip."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from app.services import packing
from app.services.errors import ServiceError
from app.services.packing import PackResult, PackState
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
            yield Label(Text(f"Weight in kg (expected {self.expected})"), classes="title")
            yield Input(value=str(self.weight) if self.weight else "", placeholder="kg", id="weight")
            if self.needs_approval:
                yield Label(Text("Off tolerance: supervisor badge"), classes="error")
                yield Input(placeholder="supervisor badge", password=True, id="badge")
            yield Static("", id="weigh-error")

    def on_mount(self) -> None:
        self.query_one("#badge" if self.needs_approval else "#weight", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        try:
            weight = Decimal(self.query_one("#weight", Input).value.replace(",", "."))
        except InvalidOperation:
            self.query_one("#weigh-error", Static).update(Text("Type the weight, e.g. 1.25"))
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
        self.query_one("#prompt", Static).update(Text("Scan the TOTE (or the order number on the pick list)"))
        self.query_one("#scan", ScanCapture).focus()

    def render_state(self, state: PackState) -> None:
        self.state = state
        self.query_one("#pack-title", Static).update(Text(f"Order {state.order_number} · {state.status}"))
        table = self.query_one("#pack-lines", DataTable)
        table.clear()
        for line in state.lines:
            table.add_row(
                line.sku,
                line.name[:18],
                str(line.qty_ordered),
                str(line.qty_picked),
                str(line.qty_packed),
                str(line.short) if line.short else "",
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
        self.query_one("#cartons", Static).update(Text("\n".join(parts)))
        self.query_one("#prompt", Static).update(Text(PROMPTS[state.expect]))

    def show(self, result: PackResult) -> None:
        self.render_state(result.state)
        self.flash(result.message, result.accepted)

    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        try:
            if self.state is None or self.state.phase == "done" or event.code.upper().startswith("TOTE-"):
                if self.state is not None and self.state.phase not in ("done",) and self.state.units_to_pack:
                    self.flash(f"Order {self.state.order_number} is not finished: close its carton first", False)
                    return
                state = packing.start_packing(self.pp.db, self.pp.config, event.code, actor=self.actor)
                self.render_state(state)
                self.flash(f"Order {state.order_number}: {state.units_to_pack} unit(s) to pack", True)
                return
            self.show(
                packing.handle_scan(self.pp.db, self.pp.config, self.state.order_id, event.code, actor=self.actor)
            )
        except ServiceError as exc:
            self.flash(str(exc), False)

    def action_take_suggestion(self) -> None:
        if self.state is not None and self.state.expect == "box":
            self.show(packing.confirm_box(self.pp.db, self.pp.config, self.state.order_id, None, actor=self.actor))
            return
        if self.state is None or not self.state.suggestion or self.state.open_carton is not None:
            self.flash("No box to suggest right now", False)
            return
        self.show(
            packing.open_carton(
                self.pp.db, self.pp.config, self.state.order_id, self.state.suggestion[0], actor=self.actor
            )
        )

    def action_close_items(self) -> None:
        """Close the carton for items early (the order is split over several cartons): confirm its box next."""
        if self.state is None:
            self.flash("Scan a tote or order first", False)
            return
        self.show(packing.close_items(self.pp.db, self.pp.config, self.state.order_id, actor=self.actor))

    def action_close_carton(self, needs_approval: bool = False, weight: Decimal | None = None) -> None:
        state = self.state
        carton = state.open_carton if state else None
        if state is not None and carton is None and state.status == "packed":
            self.ship()  # everything is packed (e.g. after a void): book and print again
            return
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
            try:
                result = packing.close_carton(
                    self.pp.db, self.pp.config, self.state.order_id, measured, actor=self.actor, approver_badge=badge
                )
            except ServiceError as exc:
                self.flash(str(exc), False)
                return
            self.show(result)
            if not result.accepted and "supervisor must approve" in result.message:
                self.action_close_carton(needs_approval=True, weight=measured)
            elif result.accepted and result.state.status == "packed":
                self.ship()

        self.app.push_screen(WeighDialog(carton.expected_weight_kg, needs_approval, weight), done)

    def ship(self) -> None:
        from app.services import shipping

        if self.state is None:
            return
        try:
            outcome = shipping.ship_order(
                self.pp.db, self.pp.config, self.state.order_id, actor=self.actor, station=self.pp.station
            )
        except ServiceError as exc:
            self.flash(str(exc), False)
            return
        self.render_state(packing.pack_state(self.pp.db, self.pp.config, self.state.order_id))
        self.flash(outcome.summary, outcome.all_printed)

    def action_reprint(self) -> None:
        from app.services import shipping

        if self.state is None or self.state.shipment_id is None or self.state.status != "shipped":
            self.flash("Nothing printed yet for this order", False)
            return
        outcome = shipping.reprint(
            self.pp.db, self.pp.config, self.state.shipment_id, actor=self.actor, station=self.pp.station
        )
        self.flash(outcome.summary, outcome.all_printed)

    def action_void(self) -> None:
        from app.services import shipping

        state = self.state
        if state is None or state.shipment_id is None or state.status != "shipped":
            self.flash("Only a shipped order's labels can be voided", False)
            return

        def done(reason: str | None) -> None:
            if not reason or self.state is None or state.shipment_id is None:
                return
            try:
                shipping.void_shipment(self.pp.db, self.pp.config, state.shipment_id, actor=self.actor, reason=reason)
            except ServiceError as exc:
                self.flash(str(exc), False)
                return
            self.render_state(packing.pack_state(self.pp.db, self.pp.config, state.order_id))
            self.flash("Labels voided, tracking numbers retired: F9 ships the packed cartons again", True)

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
            yield Label(Text(self.question), classes="title")
            yield Input(placeholder="reason", id="reason")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
