"""The packer's small dialogs: the help listing every key, and the reason asked before labels are voided."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from app.tui.literal import literal

PACK_KEYS: tuple[tuple[str, str], ...] = (
    ("Scan", "a TOTE, an order number, each ITEM, a BOX label, a supervisor's badge"),
    ("F2", "take the suggested box"),
    ("F3", "close the carton early (the order is split over cartons)"),
    ("F9", "weigh and close the carton; once all is packed: book and print"),
    ("F7", "print a shipped order's labels again"),
    ("F8", "void a shipped order's labels (asks why)"),
    ("F1 ?", "this help"),
    ("Esc", "back to the menu (the order waits where it is)"),
)
"""Every key of the packing screen, in the order a carton goes through them (the README lists the same)."""


class PackHelp(ModalScreen[None]):
    """What every key of the packing screen does; any of Esc, Enter, F1 or ? closes it."""

    DEFAULT_CSS = """
    PackHelp {
        align: center middle;
    }
    PackHelp > Vertical {
        width: 90%;
        max-width: 80;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    PackHelp .key-row {
        height: auto;
    }
    PackHelp .key {
        width: 6;
        text-style: bold;
    }
    PackHelp .what {
        width: 1fr;
    }
    """

    BINDINGS = [
        ("escape", "dismiss(None)", "Close"),
        ("enter", "dismiss(None)", "Close"),
        ("f1", "dismiss(None)", "Close"),
        ("question_mark", "dismiss(None)", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal("Packing keys"), classes="title")
            for key, what in PACK_KEYS:
                with Horizontal(classes="key-row"):
                    yield Static(literal(key), classes="key")
                    yield Static(literal(what), classes="what")
            yield Static(literal("Esc or Enter closes this help"), classes="hint")


class VoidDialog(ModalScreen[str | None]):
    """Why the labels are voided: a reason is required (it goes on the order's timeline); Esc keeps them."""

    DEFAULT_CSS = """
    VoidDialog {
        align: center middle;
    }
    VoidDialog > Vertical {
        width: 90%;
        max-width: 60;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    VoidDialog #void-error {
        height: 2;
    }
    """

    BINDINGS = [("escape", "dismiss(None)", "Keep the labels")]

    def __init__(self, order_number: str) -> None:
        super().__init__()
        self.order_number = order_number

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Void the labels of {self.order_number}: why?"), classes="title")
            yield Input(placeholder="reason, e.g. wrong address", id="reason")
            yield Static(literal("Enter voids them, Esc keeps them"), id="void-error", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            error = self.query_one("#void-error", Static)
            error.update(literal("Type why the labels are voided (it goes on the order's history), or Esc"))
            error.set_classes("error")
            self.app.bell()
            return
        self.dismiss(reason)
