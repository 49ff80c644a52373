"""The dialogs an action opens once its order or batch has been read: the question it asks (a reason, a
priority with the score's parts, backorder or cancel, which picker) and the confirmation that names the order, its
state and what will happen. Kept apart from the screen so the screen only sequences them."""

from __future__ import annotations

from collections.abc import Sequence

from textual.screen import ModalScreen

from app.services.supervision import HOLD, SHORT_PICK, UNKNOWN_SKU_HOLD, OrderFacts, PickerWork
from app.tui.widgets.dialogs import AskDialog, ConfirmDialog
from app.tui.widgets.floor_tables import Row
from app.tui.widgets.supervisor_actions import REST_CHOICES, Action, Facts, confirmation, order_now, subject
from app.tui.widgets.supervisor_dialogs import Choice, ChoiceDialog

HELD = frozenset({"on_hold", HOLD, UNKNOWN_SKU_HOLD})


def fits(action_name: str, candidate: Row) -> bool:
    """Whether a row belongs in the list of candidates of ``action_name`` (only short picks can be approved,
    only held orders released; every other order or batch may be chosen and is refused with a reason)."""
    if action_name == "approve_short":
        return candidate.state == SHORT_PICK
    if action_name == "release_hold":
        return candidate.state in HELD
    return True


def priority_lines(o: OrderFacts) -> list[str]:
    """The order's priority now and the parts of its score, one line each."""
    how = "pinned by a supervisor" if o.pinned else "computed from its facts"
    lines = [order_now(o), f"Priority now {o.priority:g} ({how}); the score today is {o.score.total:.1f}:"]
    lines += [f"  {p.points:+7.1f}  {p.name}: {p.why}" for p in o.score.parts] or ["  (no parts)"]
    lines.append("Type a number to pin it (higher is picked sooner), or 'auto' to compute it again.")
    return lines


def ask_dialog(action: Action, facts: Facts, pickers: Sequence[PickerWork]) -> ModalScreen[str | None] | str:
    """The dialog that asks ``action``'s question about ``facts``; a sentence instead when nothing can be asked."""
    about = subject(action, facts)
    if action.ask == "reason":
        details = [order_now(facts)] if isinstance(facts, OrderFacts) else []
        return AskDialog(
            f"{action.verb} {about}: why?",
            placeholder="the reason (it goes on the order's timeline)",
            details=details,
            wide=True,
        )
    if action.ask == "priority" and isinstance(facts, OrderFacts):
        return AskDialog(
            f"Priority of order {facts.number}",
            placeholder="a number, or auto",
            details=priority_lines(facts),
            wide=True,
        )
    if action.ask == "rest" and isinstance(facts, OrderFacts):
        return ChoiceDialog(
            f"Approve the short shipment of order {facts.number}: and the missing units?",
            ("Choice", "What happens"),
            [Choice(key, (key, what)) for key, what in REST_CHOICES.items()],
            details=[order_now(facts), "It ships with what was picked."],
        )
    if action.ask == "picker":
        if not pickers:
            return "Nobody who can pick is signed in: a picker signs in on a handheld first, then press n again."
        return ChoiceDialog(
            f"Give {about} to which picker?",
            ("Picker", "Role", "Now"),
            [Choice(p.name, (p.name, p.role, p.work)) for p in pickers],
            details=["Signed in now, with the work in their hands:"],
        )
    raise AssertionError(f"no dialog for {action.ask!r}")


def confirm_dialog(action: Action, facts: Facts, answer: str | None) -> ConfirmDialog:
    title, lines = confirmation(action, facts, answer)
    return ConfirmDialog(title, details=lines, wide=True)
