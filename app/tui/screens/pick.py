"""The picker screen: cart set-up, then one stop at a time in route order, every step proven by a scan.

Every scan and key goes through the picking step engine in a thread worker, one at a time and in the order they
arrived (``app.tui.steps``): the screen keeps drawing and taking keys while the database is busy, and a burst of
scans is applied in order, each exactly once. Everything shown comes from the ``PickState`` the service returns
after committing, so what the picker sees is what was saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static

from app.services import picking
from app.services.errors import ServiceError
from app.services.picking import PickState
from app.stations.answer import Answer
from app.stations.pick import PickEngine
from app.tui.literal import literal, row
from app.tui.screens.base import StationScreen
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.pick_dialogs import EndEarlyDialog, QuantityDialog, ShortPickDialog
from app.tui.widgets.scan_capture import ScanCapture

PROMPTS = {
    "location": "Scan the LOCATION label",
    "item": "Scan the ITEM",
    "lot": "Scan the LOT (GS1 label or the lot printed on the item)",
    "tote": "Scan the TOTE",
    "finish": "All stops done: press F10 to finish",
}


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

    # --- actions: every input goes through the step engine (in a worker), the screen only renders its answer ---
    def _step(self, line: str, *, typed: bool = False) -> Callable[[], Answer | Unavailable]:
        """One input to the engine as work for the step's worker thread (built here, on the UI thread): a busy
        database is retried (the message line says so), one that stays busy or is down comes back as
        ``Unavailable``, never as a traceback."""
        engine, app, flash = self.engine, self.app, self.flash

        def retrying(n: int) -> None:
            app.call_from_thread(flash, f"Database busy, retrying ({n})", True)

        return lambda: guarded(lambda: engine.handle(line, typed=typed), on_retry=retrying)

    def _send(self, line: str, *, typed: bool = False, started: float | None = None) -> None:
        """Queue one input for the engine; its answer is drawn when it comes back (in input order)."""

        def then(answer: Answer | Unavailable) -> None:
            self._after(answer)
            if started is not None:
                self.call_after_refresh(self._measured, started)

        self.steps.run(self._step(line, typed=typed), then)

    def _after(self, answer: Answer | Unavailable) -> None:
        if isinstance(answer, Unavailable):
            busy = f"The database is busy or unreachable; nothing was recorded, scan again ({answer.detail})"
            self.flash(busy, False)
            return
        state = self.engine.state
        if state is None:  # the claim was lost (freed, reassigned): home, saying who has the batch now
            self.leave()
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
        """The batch is done: finish it (a transaction) in the worker, then show the walk's report."""
        db, layout, batch_id, actor = self.pp.db, self.pp.layout, self.state.batch_id, self.actor

        def finish() -> picking.FinishReport | str | Unavailable:
            try:
                return guarded(lambda: picking.finish_batch(db, layout, batch_id, actor=actor))
            except ServiceError as exc:
                return str(exc)

        def then(report: picking.FinishReport | str | Unavailable) -> None:
            if isinstance(report, Unavailable):
                self.flash(f"The database is busy or unreachable; press F10 again ({report.detail})", False)
            elif isinstance(report, str):
                self.flash(report, False)
            else:
                self.steps.close()
                self.app.switch_screen(BatchDoneScreen(report))

        self.steps.run(finish, then)

    @on(ScanCapture.Scanned, "#scan")
    def scanned(self, event: ScanCapture.Scanned) -> None:
        self._send(event.code, typed=event.typed, started=event.received or time.perf_counter())

    def _measured(self, started: float) -> None:
        self.last_latency_ms = (time.perf_counter() - started) * 1000
        self.pp.scan_latencies_ms.append(self.last_latency_ms)

    def action_type_quantity(self) -> None:
        self.steps.ui(self._type_quantity)

    def _type_quantity(self) -> None:
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
                self._send(f"!qty {qty}")

        self.ask(QuantityDialog(stop.sku, stop.remaining), done)

    def action_short(self) -> None:
        self.steps.ui(self._short)

    def _short(self) -> None:
        refusal = self.engine.short_refusal()
        stop = self.state.stop
        if refusal is not None or stop is None:
            self.flash(refusal or "No stop to report short", False)
            return

        def done(answer: object) -> None:
            if not isinstance(answer, tuple):
                return
            reason, counted = answer
            short, count = self._step(f"!short {reason}"), self._step(f"!qty {counted}")

            def report() -> Answer | Unavailable:
                asked = short()
                if isinstance(asked, Unavailable) or not asked.ok:
                    return asked
                return count()

            self.steps.run(report, self._after)

        self.ask(ShortPickDialog(stop.sku, stop.location, stop.qty - stop.qty_picked), done)

    def action_skip(self) -> None:
        self._send("!skip")

    def action_finish(self) -> None:
        """F10: the report of a finished batch, or end the walk early (the open stops go back to the queue)."""
        self.steps.ui(self._finish)

    def _finish(self) -> None:
        if self.state.phase == "done":
            self._show_report()
            return

        def done(answer: object) -> None:
            if answer is True:
                self._send("!finish")

        self.ask(EndEarlyDialog(self.state.batch_id, self.state.stops_left), done)

    def action_leave(self) -> None:
        """Back to the home screen; the batch stays claimed and resumes where it stopped."""
        self.steps.ui(self.leave)


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
