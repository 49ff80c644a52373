"""The terminal's general dialogs: ask one line, confirm y/n, show a timeline, and the keys-only base that a
scanner burst cannot answer. Every text they show from outside goes through ``literal``/``row``."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from app.tui.literal import literal, row
from app.tui.widgets.scan_capture import ScanCapture

SCAN_MIN_LENGTH = 4
"""A line of this many characters or more arriving at scanner speed is a scan, not keys typed into a dialog."""


class AskDialog(ModalScreen[str | None]):
    """One line of input (a reason written to an order's timeline, a priority, a picker's name); Escape cancels,
    an empty line is not an answer. ``details`` are lines shown above the input (what it is about, its state)."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self, question: str, placeholder: str = "", *, details: Sequence[str] = (), wide: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.details = tuple(details)
        self.wide = wide

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self.wide else "dialog"):
            yield Label(literal(self.question), classes="title")
            for line in self.details:
                yield Static(literal(line), classes="detail")
            yield Input(placeholder=self.placeholder, id="answer")
            yield Static(literal("Enter: done · Esc: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y confirms, n or Escape declines; ``details`` say what it is about and what will
    happen."""

    BINDINGS = [("y", "dismiss(True)", "Yes"), ("n", "dismiss(False)", "No"), ("escape", "dismiss(False)", "No")]

    def __init__(self, question: str, *, details: Sequence[str] = (), wide: bool = False) -> None:
        super().__init__()
        self.question = question
        self.details = tuple(details)
        self.wide = wide

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self.wide else "dialog"):
            yield Label(literal(self.question), classes="title")
            for line in self.details:
                yield Static(literal(line), classes="detail")
            yield Label(literal("[y] yes   [n] no"))


class TimelineDialog(ModalScreen[None]):
    """An order's history (at, change, by, reason), read-only; Escape or Enter closes it."""

    BINDINGS = [("escape", "dismiss(None)", "Close"), ("enter", "dismiss(None)", "Close")]

    def __init__(self, title: str, rows: list[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="title")
            table: DataTable[str] = DataTable(id="timeline", cursor_type="row")
            yield table

    def on_mount(self) -> None:
        table = self.query_one("#timeline", DataTable)
        table.add_columns("At", "Change", "By", "Reason")
        for values in self.rows:
            table.add_row(*row(*values))
        table.focus()


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
