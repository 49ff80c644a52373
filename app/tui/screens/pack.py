"""The packing station: scan a tote or order, take the suggested box (F2) or scan another, scan each item into
the carton, weigh and close (F9). Closing the last carton ships the order and prints label and slip.

Every scan and key goes through the packing step engine in a thread worker, one at a time in input order
(``app.tui.steps``): booking and printing may wait on a printer's network timeout (5-30 s) while the screen
keeps drawing, and the scans that arrive meanwhile run next, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from app.domain.scans import classify
from app.services.packing import PackState
from app.stations.answer import Answer
from app.stations.pack import PackEngine, box_told, sku_label_hint
from app.tui.literal import cell, literal, row
from app.tui.screens.base import StationScreen
from app.tui.steps import Unavailable, guarded
from app.tui.widgets.pack_dialogs import PackHelp, VoidDialog
from app.tui.widgets.scan_capture import ScanCapture
from app.tui.widgets.weigh_dialog import WeighDialog, Weighing

PROMPTS = {
    "item": "Scan each ITEM (the first one opens the suggested box; F3 closes a carton early to split)",
    "box": "Carton filled: F2 takes the suggested box, or scan another BOX label",
    "weight": "Put the carton on the scale: F9 to weigh and close",
    "ship": "Everything is packed: F9 books the carrier and prints the labels",
    "order": "Order shipped: scan the next tote or order",
}
SHIPPED_PROMPT = "Order {number} is shipped: F7 prints its labels again, F8 voids them; or scan the next order"
VOIDED_PROMPT = "Labels voided, the cartons stay packed: F9 books and prints new labels (Esc leaves it packed)"
START_PROMPT = "Scan the TOTE (or the order number on the pick list); F1 lists the keys"
SCREEN_KEYS = {"box": "F2", "close": "F3", "ship": "F9", "reprint": "F7", "void": "F8", "weight": "F9"}
STATION_KEY = re.compile(r"!(box|close|ship|reprint|void|weight)\b( REASON| KG)?")
KEY_ACTIONS = {"close_carton": ("box", "weight"), "ship": ("ship",)}
"""Which steps a key acts in: a key that does nothing now is left out of the footer (see ``check_action``)."""


def on_screen(message: str) -> str:
    """The engine names the station's keys (``!ship``); the screen's are function keys (F9)."""
    return STATION_KEY.sub(lambda m: SCREEN_KEYS[m.group(1)], message)


def in_dialog(message: str) -> str:
    """An off-weight refusal as the weighing dialog shows it: the ways to approve from elsewhere are left out, the
    dialog itself asks for the supervisor's badge and PIN."""
    cut = message.find(" (badge and PIN at a terminal")
    return message[:cut] if cut > 0 else message


class PackScreen(StationScreen):
    DEFAULT_CSS = """
    PackScreen #message {
        height: 3;  /* always there, empty or not: a message never moves the lines above it */
    }
    PackScreen #prompt {
        height: 2;
    }
    PackScreen #cartons {
        max-height: 4;
    }
    """

    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "question", "Help", show=False, priority=True),
        Binding("f2", "take_suggestion", "Box"),
        Binding("f3", "close_items", "Split"),
        Binding("f9", "close_carton", "Weigh"),
        Binding("f9", "ship", "Ship"),
        Binding("f7", "reprint", "Reprint"),
        Binding("f8", "void", "Void"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state: PackState | None = None
        self._engine: PackEngine | None = None
        self._last_message = ""
        self._voided = False

    def compose(self) -> ComposeResult:
        yield Static("Packing · scan a tote or order", id="pack-title", classes="title")
        yield DataTable(id="pack-lines", cursor_type="none", show_cursor=False)
        yield Static("", id="cartons")
        yield Static("", id="prompt", classes="prompt")
        yield Static("", id="message")
        yield ScanCapture("Scan", suffix=self.pp.config.terminal.scanner_suffix, id="scan")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pack-lines", DataTable).can_focus = False
        self._columns()
        self.query_one("#prompt", Static).update(literal(START_PROMPT))
        self.query_one("#scan", ScanCapture).focus()

    def on_resize(self) -> None:
        if self.state is not None:
            self.render_state(self.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that act now are in the footer (and taken): at 60 columns all of them would not fit."""
        state = self.state
        if action == "question":
            return not self._typing()  # "?" inside a code being typed is part of the code
        if action in KEY_ACTIONS:
            return state is not None and state.expect in KEY_ACTIONS[action]
        carton = state.open_carton if state is not None else None
        if action == "take_suggestion":  # the filled carton's box, or a box chosen before the first item
            return state is not None and (state.expect == "box" or (carton is None and bool(state.suggestion)))
        if action == "close_items":  # split: close the carton being filled early
            return state is not None and state.expect == "item" and carton is not None and bool(carton.items)
        if action in ("reprint", "void"):
            return state is not None and state.status == "shipped"
        return True

    def _typing(self) -> bool:
        capture = self.query_one("#scan", ScanCapture)
        return bool(capture.buffer)

    def _columns(self) -> None:
        """The lines' columns, the name as wide as the screen allows: Ord, Pick, Pack and Short always show."""
        table = self.query_one("#pack-lines", DataTable)
        lines = self.state.lines if self.state is not None else ()
        sku_width = max([3, *(len(line.sku) for line in lines)])
        sku_width = min(sku_width, 24)
        numbers = 4 + 4 + 4 + 5
        free = self.size.width - sku_width - numbers - 2 * 6 - 2
        self._name_width = max(8, free)
        table.clear(columns=True)
        table.add_column("SKU", width=sku_width)
        table.add_column("Name", width=self._name_width)
        for label, width in (("Ord", 4), ("Pick", 4), ("Pack", 4), ("Short", 5)):
            table.add_column(label, width=width)

    def render_state(self, state: PackState) -> None:
        self.state = state
        self.query_one("#pack-title", Static).update(literal(f"Order {state.order_number} · {state.status}"))
        self._columns()
        table = self.query_one("#pack-lines", DataTable)
        for line in state.lines:
            table.add_row(
                *row(
                    cell(line.sku, width=24),
                    cell(line.name, width=self._name_width),
                    line.qty_ordered,
                    line.qty_picked,
                    line.qty_packed,
                    line.short or "",
                )
            )
        self.query_one("#cartons", Static).update(literal("\n".join(self._carton_lines(state))))
        self.query_one("#prompt", Static).update(literal(self._prompt(state)))
        self.refresh_bindings()

    def _carton_lines(self, state: PackState) -> list[str]:
        parts = []
        for c in state.cartons:
            contents = ", ".join(f"{qty}x {sku}" for sku, qty in c.items) or "empty"
            label = f" {c.tracking_number}" if c.tracking_number else ""
            parts.append(f"Carton {c.seq} [{c.box_code}] {c.status}{label}: {contents}")
        box = box_told(state)
        if box:
            parts.append(f"Suggested: {box}")
        return parts

    def _prompt(self, state: PackState) -> str:
        if state.expect != "ship":
            self._voided = False
        if state.status == "shipped":
            return SHIPPED_PROMPT.format(number=state.order_number)
        if self._voided:
            return VOIDED_PROMPT
        prompt = PROMPTS[state.expect]
        if state.expect == "item":
            prompt += sku_label_hint(state)  # items without a barcode are proved by their printed SKU label
        return prompt

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
        self._last_message = on_screen(answer.message)
        self.flash(self._last_message, answer.ok)

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
            box = state.box_label(carton.box_code)
            self.flash(f"Take the box first: F2 takes {box}, or scan another BOX label", False)
            return
        title = f"Weigh carton {carton.seq} of {state.order_number}"
        dialog = WeighDialog(title, needs_approval, weight, error, badge)
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
            self._weigh(needs_approval=True, weight=answer.weight, error=in_dialog(self._last_message))
        elif self.state is not None and self.state.expect == "ship":
            self._run("!ship")  # closing the last carton ships the order

    def action_ship(self) -> None:
        self._run("!ship")

    def action_help(self) -> None:
        self.app.push_screen(PackHelp())

    def action_question(self) -> None:
        self.action_help()

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
                self._voided = True
                self._call(lambda: self.engine.handle(f"!void {reason}"), self._void_done)

        self.ask(VoidDialog(state.order_number), done)

    def _void_done(self) -> None:
        if self.state is None or self.state.status == "shipped":
            self._voided = False  # refused: the labels stand
            return
        self.render_state(self.state)

    def action_leave(self) -> None:
        self.steps.ui(self.leave)
