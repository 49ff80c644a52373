"""The picker screen: cart set-up, then one stop at a time in route order, every step proven by a scan.

Scans are applied synchronously on the UI thread: each is one short transaction (a few milliseconds), and doing
it in place keeps two fast scans strictly in order, which a pool of worker threads would not. Everything shown
comes from the ``PickState`` the service returns after committing, so what the picker sees is what was saved.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Label, Static

from app.db.retry import retry_busy
from app.domain.gtin import ascii_digits
from app.services import picking
from app.services.errors import ServiceError
from app.services.picking import PickState
from app.stations.answer import Answer
from app.stations.pick import PickEngine
from app.tui.literal import literal, row
from app.tui.screens.base import StationScreen
from app.tui.widgets.scan_capture import ScanCapture

if TYPE_CHECKING:
    pass

PROMPTS = {
    "location": "Scan the LOCATION label",
    "item": "Scan the ITEM",
    "lot": "Scan the LOT (GS1 label or the lot printed on the item)",
    "tote": "Scan the TOTE",
    "finish": "All stops done: press F10 to finish",
}


SCAN_MIN_LENGTH = 4
"""A line of this many characters or more arriving at scanner speed is a scan, not keys typed into a dialog."""


class KeysOnlyDialog(ModalScreen[object]):
    """A dialog that takes typed keys, never scans: a scanner burst that lands here is refused and changes nothing.

    Digits inside a barcode must never choose an option or become a quantity, so every answer is a short line
    typed and ended with Enter; a line that came at scanner speed (or is too long to be typed) is thrown away with
    a red message and the bell."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield from self.compose_body()
            yield Static("", id="dialog-message")
            yield ScanCapture("Type", submit_empty=True, id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog-keys", ScanCapture).focus()

    def say(self, text: str, ok: bool) -> None:
        message = self.query_one("#dialog-message", Static)
        message.update(literal(text))
        message.set_classes("ok" if ok else "error")
        if not ok:
            self.app.bell()

    @on(ScanCapture.Scanned, "#dialog-keys")
    def line(self, event: ScanCapture.Scanned) -> None:
        event.stop()
        code = event.code.strip()
        if (not event.typed and len(code) >= SCAN_MIN_LENGTH) or len(code) > 6:
            self.say(f"A scan ({code}) is not an answer here: nothing recorded. Type the answer or Esc.", False)
            return
        self.answer(code)

    def answer(self, text: str) -> None:
        raise NotImplementedError


class ShortPickDialog(KeysOnlyDialog):
    """Report a short at the shelf: why, how many good units are really there, then confirm with Enter."""

    REASONS = {"1": "empty", "2": "damaged", "3": "missing"}

    def __init__(self, sku: str, location: str, remaining: int) -> None:
        super().__init__()
        self.sku = sku
        self.location = location
        self.remaining = remaining
        self.reason: str | None = None
        self.counted: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Label(literal(f"Short pick: {self.sku} at {self.location} ({self.remaining} needed)"), classes="title")
        yield Static(
            literal("Why? type 1 Location empty · 2 Item damaged · 3 Fewer than the books, then Enter"), id="ask"
        )

    def answer(self, text: str) -> None:
        ask = self.query_one("#ask", Static)
        if text == "" and self.counted is None:
            return
        if self.reason is None:
            reason = self.REASONS.get(text)
            if reason is None:
                self.say("Type 1, 2 or 3 and Enter", False)
                return
            self.reason = reason
            ask.update(literal(f"{reason}: how many GOOD {self.sku} are at {self.location} now? Type the count, Enter"))
            self.say("", True)
            return
        if self.counted is None:
            if not ascii_digits(text):
                self.say("Type the number of good units you count on the shelf (0 if none)", False)
                return
            self.counted = int(text)
            missing = max(0, self.remaining - self.counted)
            ask.update(
                literal(
                    f"{self.counted} good {self.sku} at {self.location} ({self.reason}); {missing} missing. "
                    "Enter records it, Esc cancels"
                )
            )
            self.say("", True)
            return
        if text == "":
            self.dismiss((self.reason, self.counted))
        else:
            self.say("Press Enter alone to record, Esc to cancel", False)


class QuantityDialog(KeysOnlyDialog):
    """Type how many more of the proven item are in hand; it must be confirmed with a second Enter."""

    def __init__(self, sku: str, remaining: int) -> None:
        super().__init__()
        self.sku = sku
        self.remaining = remaining
        self.pending: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Label(literal(f"Quantity of {self.sku} (1-{self.remaining}), Enter"), classes="title")

    def answer(self, text: str) -> None:
        if text == "" and self.pending is not None:
            self.dismiss(self.pending)
            return
        qty = int(text) if ascii_digits(text) else 0
        if not 1 <= qty <= self.remaining:
            self.say(f"Enter a number from 1 to {self.remaining}", False)
            self.pending = None
            return
        self.pending = qty
        self.say(f"{qty} x {self.sku}: press Enter again to confirm", True)


class EndEarlyDialog(KeysOnlyDialog):
    """End the walk with stops left: typed ``y`` and Enter, never a scan."""

    def __init__(self, batch_id: int, stops_left: int) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.stops_left = stops_left

    def compose_body(self) -> ComposeResult:
        yield Label(
            literal(
                f"End batch {self.batch_id} now? Its {self.stops_left} open stop(s) go back to the queue; "
                "the totes go to packing. Type y and Enter (Esc cancels)"
            ),
            classes="title",
        )

    def answer(self, text: str) -> None:
        if text.lower() == "y":
            self.dismiss(True)
        elif text:
            self.say("Type y and Enter to end the batch, or Esc", False)


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
        self._engine: PickEngine | None = None

    @property
    def engine(self) -> PickEngine:
        """The picking step engine for this batch (the same one `pickpack station pick` drives)."""
        if self._engine is None:
            user = self.pp.user
            assert user is not None
            self._engine = PickEngine(
                self.pp.db,
                self.pp.layout,
                user,
                terminal=self.pp.station,
                badge_prefix=self.pp.config.terminal.badge_prefix,
            )
            self._engine.state = self.state
        return self._engine

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
            literal(
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
                table.add_row(*row(slot.slot, slot.order_number or "-", slot.tote_code or "?"))
            location.update(literal(f"CART SET-UP · SLOT {state.setup_slot}"))
            prompt.update(literal(f"Scan a free TOTE for slot {state.setup_slot}"))
            return
        stop = state.stop
        if stop is None:
            location.update(literal("BATCH DONE" if state.phase == "done" else "ALL STOPS DONE"))
            prompt.update(literal(PROMPTS.get(state.phase, "")))
            return
        verb = "PUT BACK AT" if stop.kind == "putback" else ""
        location.update(literal(f"{verb} {stop.location}".strip()))
        lot = f" · lot {stop.lot}" if stop.lot else ""
        lot += f" · exp {stop.expiry:%Y-%m-%d}" if stop.expiry else ""
        product.update(literal(f"{stop.name}\n{stop.sku}{lot}"))
        done = stop.qty_picked + stop.qty_in_hand
        waiting = f"  ({stop.qty_awaiting_lot} waiting for the lot)" if stop.qty_awaiting_lot else ""
        in_hand = f"  ({stop.qty_in_hand} in hand)" if stop.qty_in_hand else ""
        quantity.update(literal(f"QTY {done} / {stop.qty}{in_hand}{waiting}"))
        if stop.kind == "putback":
            tote.update(literal(f"from {stop.tote_code or 'the packing area'} · cancelled order {stop.order_number}"))
        else:
            tote.update(literal(f"→ slot {stop.slot}: {stop.tote_code} ({stop.order_number})"))
        text = PROMPTS[state.phase]
        if state.phase == "item" and stop.sku_label:
            text = f"No barcode: scan the SKU label {stop.sku}"
        if state.phase == "tote" or (state.phase == "item" and stop.qty_in_hand):
            item = f"SKU label {stop.sku}" if stop.sku_label else "ITEM"
            text = f"{text if state.phase == 'tote' else f'Scan {item}, or TOTE to drop'} {stop.tote_code}"
        prompt.update(literal(text))

    # --- actions: every input goes through the step engine, the screen only renders its answer ----------
    def _run(self, line: str, *, typed: bool = False) -> Answer | None:
        """One input to the engine; a busy database is retried (the message line says so), never a traceback."""
        try:
            return retry_busy(
                lambda: self.engine.handle(line, typed=typed),
                on_retry=lambda n: self.flash(f"Database busy, retrying ({n})", True),
            )
        except OperationalError as exc:
            self.flash(f"The database is busy or unreachable; nothing was recorded, scan again ({exc.orig})", False)
            return None

    def _after(self, answer: Answer | None) -> None:
        if answer is None:
            return
        state = self.engine.state
        if state is None:  # the claim was lost (freed, reassigned): home, saying who has the batch now
            self.app.pop_screen()
            for message in self.app.screen.query("#home-message"):
                if isinstance(message, Static):
                    message.update(literal(answer.message))
            self.app.bell()
            self.app.notify(answer.message, severity="error", markup=False)
            return
        self.render_state(state)
        self.flash(answer.message, answer.ok)
        if state.phase == "done" and answer.ok:
            self._show_report()

    def _show_report(self) -> None:
        try:
            report = picking.finish_batch(self.pp.db, self.pp.layout, self.state.batch_id, actor=self.actor)
        except ServiceError as exc:
            self.flash(str(exc), False)
            return
        self.app.switch_screen(BatchDoneScreen(report))

    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        started = event.received or time.perf_counter()
        self._after(self._run(event.code, typed=event.typed))
        self.call_after_refresh(self._measured, started)

    def _measured(self, started: float) -> None:
        self.last_latency_ms = (time.perf_counter() - started) * 1000
        self.pp.scan_latencies_ms.append(self.last_latency_ms)

    def action_type_quantity(self) -> None:
        stop = self.state.stop
        if stop is None or self.state.phase != "item":
            self.flash("Typing a quantity works while scanning items", False)
            return
        if not stop.item_confirmed or stop.lot_required:
            what = f"one {stop.sku}" + (f" with its lot {stop.lot}" if stop.lot_required else "")
            self.flash(f"Scan {what} first: a typed quantity counts more of an item already scanned here", False)
            return

        def done(qty: object) -> None:
            if isinstance(qty, int):
                self._after(self._run(f"!qty {qty}"))

        self.app.push_screen(QuantityDialog(stop.sku, stop.remaining), done)

    def action_short(self) -> None:
        refusal = self.engine.short_refusal()
        stop = self.state.stop
        if refusal is not None or stop is None:
            self.flash(refusal or "No stop to report short", False)
            return

        def done(answer: object) -> None:
            if not isinstance(answer, tuple):
                return
            reason, counted = answer
            asked = self._run(f"!short {reason}")
            if asked is None or not asked.ok:
                self._after(asked)
                return
            self._after(self._run(f"!qty {counted}"))

        self.app.push_screen(ShortPickDialog(stop.sku, stop.location, stop.qty - stop.qty_picked), done)

    def action_skip(self) -> None:
        self._after(self._run("!skip"))

    def action_finish(self) -> None:
        """F10: the report of a finished batch, or end the walk early (the open stops go back to the queue)."""
        if self.state.phase == "done":
            self._show_report()
            return

        def done(answer: object) -> None:
            if answer is True:
                self._after(self._run("!finish"))

        self.app.push_screen(EndEarlyDialog(self.state.batch_id, self.state.stops_left), done)

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
        yield Static(literal(f"Batch {r.batch_id} finished"), classes="title")
        yield Static(literal(f"{len(r.orders)} orders picked: {', '.join(r.orders)}"), id="done-orders")
        yield Static(literal(f"Totes to packing: {', '.join(r.totes)}"), id="done-totes")
        yield Static(
            literal(
                f"Walked {r.distance_m:.0f} m · S-shape would be {r.s_shape_distance_m:.0f} m "
                f"({r.saving_pct:.0f}% less)"
            ),
            id="done-distance",
            classes="ok",
        )
        if r.short_lines:
            yield Static(literal("Short: " + "; ".join(r.short_lines)), id="done-short", classes="error")
        with Horizontal():
            yield Button(Content("[Enter] Home"), id="home", variant="primary")
        yield Footer()

    @on(Button.Pressed, "#home")
    def action_home(self) -> None:
        self.app.pop_screen()
