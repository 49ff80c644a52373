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
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Static

from app.services import picking
from app.services.errors import ServiceError
from app.services.picking import PickState
from app.stations.answer import Answer
from app.stations.pick import PickEngine
from app.tui.literal import literal, row
from app.tui.screens.base import StationScreen
from app.tui.screens.batch_done import BatchDoneScreen
from app.tui.screens.pick_view import PICK_CSS, StopPeek, header, render_stop
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.big_text import BigText
from app.tui.widgets.pick_dialogs import EndEarlyDialog, PauseWithUnitsDialog, QuantityDialog, ShortPickDialog
from app.tui.widgets.pick_info import PickHelpDialog, RemainingLinesDialog
from app.tui.widgets.scan_capture import ScanCapture

__all__ = ["BatchDoneScreen", "PickScreen"]


class PickScreen(StationScreen):
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False, priority=True),
        Binding("f2", "lines", "Lines", show=False),
        Binding("f3", "undo", "Undo"),
        Binding("f4", "type_quantity", "Qty"),
        Binding("f5", "short", "Short"),
        Binding("f6", "skip", "Skip"),
        Binding("f7", "peek(-1)", "Prev", show=False),
        Binding("f8", "peek(1)", "Next", show=False),
        Binding("f10", "finish", "Finish"),
        Binding("escape", "leave", "Pause"),
    ]
    DEFAULT_CSS = PICK_CSS

    def __init__(self, state: PickState) -> None:
        super().__init__()
        self.state = state
        self.last_latency_ms: float | None = None
        self._engine: PickEngine | None = None
        self.peek = StopPeek()

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
        yield Static("", id="where")
        yield BigText("", id="location")
        with Vertical(id="stop-info"):
            yield Static("", id="product")
            with Horizontal(id="qty-row"):
                yield BigText("", id="qty-big")
                yield Static("", id="quantity")
            yield Static("", id="tote")
        yield DataTable(id="slots", cursor_type="none", show_cursor=False)
        yield Static("", id="prompt", classes="prompt")
        yield Static("", id="message")
        yield ScanCapture("Scan", suffix=self.pp.config.terminal.scanner_suffix, id="scan")
        yield Footer(compact=True, show_command_palette=False)

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
        """Draw the state the engine answered with (what was saved); a peek at another stop ends here."""
        self.state = state
        self.peek.reset()
        self.query_one("#pick-title", Static).update(literal(header(state)))
        setup = state.phase == "setup"
        table = self.query_one("#slots", DataTable)
        table.display = setup
        self.query_one("#stop-info").display = not setup and state.stop is not None
        if setup:
            table.clear()
            for slot in state.slots:
                table.add_row(*row(slot.slot, slot.order_number or "-", slot.tote_code or "?"))
        render_stop(self, state)

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
        """Back to the home screen; the batch stays claimed and resumes where it stopped. With units in hand
        (not yet in a tote) it asks first."""
        self.steps.ui(self._pause)

    def _pause(self) -> None:
        stop = self.state.stop
        held = (stop.qty_in_hand + stop.qty_awaiting_lot) if stop is not None else 0
        if stop is None or not held:
            self.leave()
            return

        def done(answer: object) -> None:
            if answer is True:
                self.leave()

        self.ask(PauseWithUnitsDialog(held, stop.sku, stop.tote_code or "its tote"), done)

    # --- looking things up: help, the lines left, the stops around this one ---------------------------
    def action_help(self) -> None:
        """F1 or ?: the keys. A ? inside a scan (the scan field holds characters) is part of the code."""
        capture = self.query_one("#scan", ScanCapture)
        if capture.buffer:
            capture.feed("?")
            return
        self.steps.ui(lambda: self.ask(PickHelpDialog(), self._scanned_in_dialog))

    def _scanned_in_dialog(self, code: object) -> None:
        """A scan that closed a dialog counts as if the dialog had not been open."""
        if isinstance(code, str) and code:
            self._send(code)

    def action_lines(self) -> None:
        """F2: the batch's open stops, read in the step queue (after the scans before the key)."""
        db, batch_id = self.pp.db, self.state.batch_id

        def then(lines: list[picking.StopLine] | Unavailable) -> None:
            if isinstance(lines, Unavailable):
                self.flash(f"The database is busy or unreachable; press F2 again ({lines.detail})", False)
                return
            seq = self.state.stop.seq if self.state.stop else None
            self.ask(RemainingLinesDialog(self.state.batch_id, lines, seq), self._scanned_in_dialog)

        self.steps.run(lambda: guarded(lambda: picking.batch_stops(db, batch_id)), then)

    def action_peek(self, step: int) -> None:
        """F7/F8: the previous or next stop in the message line; the stop in hand stays what is scanned."""
        db, batch_id = self.pp.db, self.state.batch_id

        def then(lines: list[picking.StopLine] | Unavailable) -> None:
            if isinstance(lines, Unavailable):
                self.flash(f"The database is busy or unreachable ({lines.detail})", False)
                return
            self.note(self.peek.move(step, lines, self.state.stop.seq if self.state.stop else None))

        self.steps.run(lambda: guarded(lambda: picking.batch_stops(db, batch_id)), then)

    def note(self, text: str) -> None:
        """Information, not an outcome: shown in the message line without colour or bell."""
        message = self.query_one("#message", Static)
        message.update(literal(text))
        message.set_classes("note")

    def action_undo(self) -> None:
        """F3: take back the last count or tote drop at this stop (recorded as an event)."""
        self._send("!undo")
