"""The picker's dialogs: report a short at the shelf, type a quantity, end a walk early. All take typed keys only
(``KeysOnlyDialog``): the digits of a scan never choose an option or become a quantity."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Label, Static

from app.domain.gtin import ascii_digits
from app.tui.literal import literal
from app.tui.widgets.dialogs import KeysOnlyDialog


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


class PauseWithUnitsDialog(KeysOnlyDialog):
    """Esc with units in hand: they are not booked to any tote yet, so pausing now leaves them on the cart
    unaccounted for; ask first (typed ``y`` and Enter, never a scan)."""

    def __init__(self, held: int, sku: str, tote: str) -> None:
        super().__init__()
        self.held = held
        self.sku = sku
        self.tote = tote

    def compose_body(self) -> ComposeResult:
        yield Label(
            literal(
                f"You hold {self.held} x {self.sku} not yet in {self.tote}. Esc: stay and drop them (scan the tote). "
                "y and Enter: pause anyway (they stay counted as in hand)"
            ),
            classes="title",
        )

    def answer(self, text: str) -> None:
        if text.lower() == "y":
            self.dismiss(True)
        elif text:
            self.say("Type y and Enter to pause, or Esc to stay", False)
