"""The packer's weighing dialog: the scale reading and, when it is off, a supervisor's approval (badge, then PIN)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from app.tui.literal import literal


@dataclass(frozen=True)
class Weighing:
    """What the weighing dialog returns: the scale reading and, when approving, the supervisor's badge and PIN."""

    weight: Decimal
    badge: str | None = None
    pin: str | None = field(default=None, repr=False)


class WeighDialog(ModalScreen[Weighing | None]):
    """Enter the scale reading; when it is off, a supervisor approves with their badge, then their PIN.

    The expected weight is never shown: a packer who sees it may type it back instead of reading the scale. When
    the reading is off, the error says by how much and what it may mean ("0.2 kg over: an extra or wrong unit?").

    The PIN field is masked and always offered: the roles of ``[security] badge_requires_pin_roles`` must fill it
    (the service refuses a badge alone), a role not listed may leave it empty. A refusal (wrong PIN, no PIN, a
    badge that may not approve) comes back as ``error`` when the dialog opens again.
    """

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    DEFAULT_CSS = """
    WeighDialog #weigh-box {
        width: 90%;
        max-width: 64;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    WeighDialog #weigh-error {
        height: auto;
        min-height: 1;
    }
    """

    def __init__(
        self,
        title: str,
        needs_approval: bool = False,
        weight: Decimal | None = None,
        error: str = "",
        badge: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        """Which carton to weigh: never its expected weight, which would invite typing it back."""
        self.needs_approval = needs_approval
        self.weight = weight
        self.error = error
        self.badge = badge

    def compose(self) -> ComposeResult:
        with Vertical(id="weigh-box"):
            yield Label(literal(self.title_text), classes="title")
            yield Static(literal("Type what the scale shows in kg, then Enter"), classes="hint")
            yield Input(value=str(self.weight) if self.weight else "", placeholder="kg", id="weight")
            if self.needs_approval:
                yield Label(literal("Off tolerance: supervisor's badge, then PIN"), classes="error")
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
