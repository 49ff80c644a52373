"""The supervisor's choosing dialogs: pick one of a list (which order, which batch, which picker, backorder or
cancel) and the key help. A list is chosen with the arrows and Enter (or a click), never by a first row taken for
granted; Escape chooses nothing. Every text from outside goes through ``literal``/``row``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from app.tui.literal import literal, row


@dataclass(frozen=True)
class Choice:
    """One row of a ``ChoiceDialog``: what it answers (``key``) and what it shows."""

    key: str
    cells: tuple[str, ...]


class ChoiceDialog(ModalScreen[str | None]):
    """A list to choose one from: Enter (or a click) answers the row's key, Escape answers None."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self, question: str, columns: Sequence[str], choices: Sequence[Choice], *, details: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.question = question
        self.columns = tuple(columns)
        self.choices = tuple(choices)
        self.details = tuple(details)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.question), classes="title")
            for line in self.details:
                yield Static(literal(line), classes="detail")
            table: DataTable[str] = DataTable(id="choices", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(literal("↑↓ choose · Enter: take it · Esc: cancel"), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#choices", DataTable)
        table.add_columns(*self.columns)
        for choice in self.choices:
            table.add_row(*row(*choice.cells), key=choice.key)
        table.focus()

    @on(DataTable.RowSelected, "#choices")
    def chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.row_key.value)


class HelpDialog(ModalScreen[None]):
    """Every key of a screen, by section, whatever the footer has room for; Escape, Enter, F1 or ? closes it."""

    BINDINGS = [
        ("escape", "dismiss(None)", "Close"),
        ("enter", "dismiss(None)", "Close"),
        ("f1", "dismiss(None)", "Close"),
        ("question_mark", "dismiss(None)", "Close"),
    ]

    def __init__(self, title: str, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.title_text = title
        self.sections = tuple(sections)

    def compose(self) -> ComposeResult:
        text = Text()
        for section, keys in self.sections:
            text.append(f"{section}\n", style="bold")
            for key, what in keys:
                text.append(f"  {key:<9}", style="bold")
                text.append(f"{what}\n")
        with Vertical(classes="dialog wide"):
            yield Label(literal(self.title_text), classes="title")
            with VerticalScroll(id="keys"):
                yield Static(text)
            yield Static(literal("Esc, Enter, F1 or ?: close"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#keys", VerticalScroll).focus()  # the arrows scroll a long list on a small terminal
