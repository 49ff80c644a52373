"""The picker screen: cart set-up, then one stop at a time in route order, every step proven by a scan.

Scans are applied synchronously on the UI thread: each is one short transaction (a few milliseconds), and doing
it in place keeps two fast scans strictly in order, which a pool of worker threads would not. Everything shown
comes from the ``PickState`` the service returns after committing, so what the picker sees is what was saved.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from app.services import picking
from app.services.errors import ServiceError
from app.services.picking import PickState, ScanResult
from app.tui.screens.base import StationScreen
from app.tui.widgets.scan_capture import ScanCapture

if TYPE_CHECKING:
    pass

PROMPTS = {
    "location": "Scan the LOCATION label",
    "item": "Scan the ITEM",
    "tote": "Scan the TOTE",
    "finish": "All stops done: press F10 to finish",
}


class ShortPickDialog(ModalScreen[str | None]):
    """Why is the stop short? Empty shelf or damaged goods; Escape cancels."""

    BINDINGS = [
        ("escape", "dismiss(None)", "Cancel"),
        ("1", "dismiss('empty')", "Empty"),
        ("2", "dismiss('damaged')", "Damaged"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Short pick: why?", classes="title")
            yield Button(Content("[1] Location empty"), id="empty", variant="warning")
            yield Button(Content("[2] Item damaged"), id="damaged", variant="warning")
            yield Button(Content("[Esc] Cancel"), id="cancel")

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)


class QuantityDialog(ModalScreen[int | None]):
    """Type a quantity instead of scanning every unit; it must be confirmed with a second Enter."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, sku: str, remaining: int) -> None:
        super().__init__()
        self.sku = sku
        self.remaining = remaining
        self.pending: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Quantity of {self.sku} (1-{self.remaining})", classes="title")
            yield Input(placeholder="quantity", type="integer", id="qty")
            yield Static("", id="confirm")

    def on_mount(self) -> None:
        self.query_one("#qty", Input).focus()

    @on(Input.Submitted, "#qty")
    def submitted(self, event: Input.Submitted) -> None:
        try:
            qty = int(event.value)
        except ValueError:
            qty = 0
        confirm = self.query_one("#confirm", Static)
        if not 1 <= qty <= self.remaining:
            confirm.update(Text(f"Enter a number from 1 to {self.remaining}"))
            confirm.set_classes("error")
            self.pending = None
            return
        if self.pending == qty:
            self.dismiss(qty)
            return
        self.pending = qty
        confirm.update(Text(f"{qty} x {self.sku}: press Enter again to confirm"))
        confirm.set_classes("ok")


class PickScreen(StationScreen):
    BINDINGS = [
        ("f4", "type_quantity", "Qty"),
        ("f5", "short", "Short"),
        ("f6", "skip", "Skip"),
        ("f10", "finish", "Finish"),
        ("escape", "leave", "Pause"),
    ]

    def __init__(self, state: PickState) -> None:
        super().__init__()
        self.state = state
        self.last_latency_ms: float | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="pick-title", classes="title")
        yield Static("", id="location", classes="big")
        with Vertical(id="stop-info"):
            yield Static("", id="product")
            yield Static("", id="quantity")
            yield Static("", id="tote")
        yield DataTable(id="slots", cursor_type="none", show_cursor=False)
        yield Static("", id="prompt", classes="prompt")
        yield Static("", id="message", classes="hidden")
        yield ScanCapture("Scan", suffix=self.pp.config.terminal.scanner_suffix, id="scan")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#slots", DataTable)
        table.add_columns("Slot", "Order", "Tote")
        table.can_focus = False
        self.query_one("#scan", ScanCapture).focus()
        self.render_state(self.state)

    def on_key(self, event: events.Key) -> None:
        """Scans are taken whatever has focus: stray printable keys go to the scan field."""
        capture = self.query_one("#scan", ScanCapture)
        if not capture.has_focus and event.is_printable and event.character:
            capture.focus()
            capture.on_key(event)

    # --- rendering --------------------------------------------------------------------------------
    def render_state(self, state: PickState) -> None:
        self.state = state
        title = self.query_one("#pick-title", Static)
        location = self.query_one("#location", Static)
        product = self.query_one("#product", Static)
        quantity = self.query_one("#quantity", Static)
        tote = self.query_one("#tote", Static)
        prompt = self.query_one("#prompt", Static)
        table = self.query_one("#slots", DataTable)
        title.update(
            Text(
                f"Batch {state.batch_id} · stop {min(state.stops_done + 1, state.stops_total)}/"
                f"{state.stops_total} · {state.stops_left} left"
            )
        )
        setup = state.phase == "setup"
        table.display = setup
        self.query_one("#stop-info").display = not setup and state.stop is not None
        if setup:
            table.clear()
            for slot in state.slots:
                table.add_row(str(slot.slot), slot.order_number or "-", slot.tote_code or "?")
            location.update(Text(f"CART SET-UP · SLOT {state.setup_slot}"))
            prompt.update(Text(f"Scan a free TOTE for slot {state.setup_slot}"))
            return
        stop = state.stop
        if stop is None:
            location.update(Text("BATCH DONE" if state.phase == "done" else "ALL STOPS DONE"))
            prompt.update(Text(PROMPTS.get(state.phase, "")))
            return
        verb = "PUT BACK AT" if stop.kind == "putback" else ""
        location.update(Text(f"{verb} {stop.location}".strip()))
        lot = f" · lot {stop.lot}" if stop.lot else ""
        product.update(Text(f"{stop.name}\n{stop.sku}{lot}"))
        done = stop.qty_picked + stop.qty_in_hand
        quantity.update(
            Text(f"QTY {done} / {stop.qty}" + (f"  ({stop.qty_in_hand} in hand)" if stop.qty_in_hand else ""))
        )
        if stop.kind == "putback":
            tote.update(Text(f"cancelled order {stop.order_number}"))
        else:
            tote.update(Text(f"→ slot {stop.slot}: {stop.tote_code} ({stop.order_number})"))
        text = PROMPTS[state.phase]
        if state.phase == "tote" or (state.phase == "item" and stop.qty_in_hand):
            text = f"{text if state.phase == 'tote' else 'Scan ITEM, or TOTE to drop'} {stop.tote_code}"
        prompt.update(Text(text))

    def show(self, result: ScanResult) -> None:
        self.render_state(result.state)
        self.flash(result.message, result.accepted)
        if result.state.phase == "finish":
            self.flash(f"{result.message} · all stops done: F10 to finish", result.accepted)

    # --- actions ----------------------------------------------------------------------------------
    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        started = event.received or time.perf_counter()
        stop = self.state.stop
        try:
            result = picking.handle_scan(
                self.pp.db,
                self.state.batch_id,
                event.code,
                actor=self.actor,
                typed=event.typed,
                task_id=stop.task_id if stop else None,
                badge_prefix=self.pp.config.terminal.badge_prefix,
            )
        except ServiceError as exc:
            self.flash(str(exc), False)
            return
        self.show(result)
        self.call_after_refresh(self._measured, started)

    def _measured(self, started: float) -> None:
        self.last_latency_ms = (time.perf_counter() - started) * 1000
        self.pp.scan_latencies_ms.append(self.last_latency_ms)

    def action_type_quantity(self) -> None:
        stop = self.state.stop
        if stop is None or self.state.phase != "item":
            self.flash("Typing a quantity works while scanning items", False)
            return

        def done(qty: int | None) -> None:
            if qty is None or self.state.stop is None:
                return
            self.show(picking.add_typed_quantity(self.pp.db, self.state.batch_id, stop.task_id, qty, actor=self.actor))

        self.app.push_screen(QuantityDialog(stop.sku, stop.remaining), done)

    def action_short(self) -> None:
        stop = self.state.stop
        if stop is None or self.state.phase in ("setup", "finish", "done"):
            self.flash("No stop to report short", False)
            return

        def done(reason: str | None) -> None:
            if reason is None:
                return
            try:
                result = picking.short_pick(
                    self.pp.db, self.pp.layout, self.state.batch_id, stop.task_id, reason, actor=self.actor
                )
            except ServiceError as exc:
                self.flash(str(exc), False)
                return
            self.show(result)

        self.app.push_screen(ShortPickDialog(), done)

    def action_skip(self) -> None:
        stop = self.state.stop
        if stop is None:
            self.flash("No stop to skip", False)
            return
        self.show(picking.skip_stop(self.pp.db, self.state.batch_id, stop.task_id, actor=self.actor))

    def action_finish(self) -> None:
        try:
            report = picking.finish_batch(self.pp.db, self.pp.layout, self.state.batch_id, actor=self.actor)
        except ServiceError as exc:
            self.flash(str(exc), False)
            return
        self.app.switch_screen(BatchDoneScreen(report))

    def action_leave(self) -> None:
        """Back to the home screen; the batch stays claimed and resumes where it stopped."""
        self.app.pop_screen()


class BatchDoneScreen(Screen[None]):
    BINDINGS = [("enter", "home", "Home"), ("escape", "home", "Home")]

    def __init__(self, report: picking.FinishReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        yield Static(f"Batch {r.batch_id} finished", classes="title")
        yield Static(f"{len(r.orders)} orders picked: {', '.join(r.orders)}", id="done-orders")
        yield Static(f"Totes to packing: {', '.join(r.totes)}", id="done-totes")
        yield Static(
            f"Walked {r.distance_m:.0f} m · S-shape would be {r.s_shape_distance_m:.0f} m ({r.saving_pct:.0f}% less)",
            id="done-distance",
            classes="ok",
        )
        if r.short_lines:
            yield Static("Short: " + "; ".join(r.short_lines), id="done-short", classes="error")
        with Horizontal():
            yield Button(Content("[Enter] Home"), id="home", variant="primary")
        yield Footer()

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()
