"""What the supervisor screen's action keys do: each action as data (what it acts on, what it asks, whether it
is confirmed, which service it calls), so the screen only selects, asks, confirms and runs.

Every ``run`` is called in the screen's step worker (``app.tui.steps``): it may wait on the database. It returns
what the message line says after the verb (``"Hold: on_hold"``), or None for "done".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.services.errors import InvalidInput
from app.services.supervision import actions as supervisor_actions

if TYPE_CHECKING:
    from app.config import Config
    from app.domain.layout import Layout
    from app.services.runtime import Database
    from app.services.users import UserView


@dataclass(frozen=True)
class Desk:
    """Who acts, where, with what: passed to every action's ``run``."""

    db: Database
    config: Config
    layout: Layout
    user: UserView
    terminal: str


@dataclass(frozen=True)
class Action:
    """One key of the action bar."""

    verb: str
    """Names the action in the dialogs and on the message line."""
    target: str
    """``order`` or ``batch``: the kind of row it needs selected (``wave`` needs none)."""
    run: Callable[[Desk, str, str | None], object]
    """``run(desk, target_id, answer)``; ``answer`` is what ``ask`` was answered, else None."""
    ask: str | None = None
    """A question to answer first (a reason, a priority, a picker), or None."""
    confirm: bool = True
    """Ask y/n before running."""


def _priority(desk: Desk, order_id: str, answer: str | None) -> str:
    try:
        value = None if answer in ("auto", "-") else float(answer or "")
    except ValueError:
        raise InvalidInput(f"priority {answer!r}: a number, or 'auto'") from None
    changed = supervisor_actions.set_priority(desk.db, desk.config, desk.user, order_id, value, terminal=desk.terminal)
    return f"priority {changed.priority:g}"


def _wave(desk: Desk, _target: str, _answer: str | None) -> str:
    report = supervisor_actions.release_wave(desk.db, desk.config, desk.layout, desk.user, terminal=desk.terminal)
    return f"{report.released} released, {report.batches} batches"


ACTIONS: dict[str, Action] = {
    "hold": Action(
        "Hold",
        "order",
        lambda d, o, reason: (
            supervisor_actions.hold(d.db, d.config, d.user, o, reason or "", terminal=d.terminal).status
        ),
        ask="Hold: why?",
    ),
    "release_hold": Action(
        "Release",
        "order",
        lambda d, o, _a: supervisor_actions.release_hold(d.db, d.config, d.user, o, terminal=d.terminal).status,
    ),
    "cancel": Action(
        "Cancel",
        "order",
        lambda d, o, reason: (
            supervisor_actions.cancel(d.db, d.config, d.user, o, reason or "", terminal=d.terminal).status
        ),
        ask="Cancel: why?",
    ),
    "priority": Action("Priority", "order", _priority, ask="New priority (a number, or 'auto')", confirm=False),
    "approve_short": Action(
        "Approve short shipment",
        "order",
        lambda d, o, rest: (
            supervisor_actions.approve_short(
                d.db, d.user, o, rest=(rest or "").strip().lower(), terminal=d.terminal
            ).status
        ),
        ask="The missing units: 'backorder' (they follow later) or 'cancel' (the order ships without them)?",
    ),
    "release_batch": Action(
        "Free",
        "batch",
        lambda d, b, _a: supervisor_actions.release_batch(d.db, d.config, d.user, int(b), terminal=d.terminal),
    ),
    "reassign": Action(
        "Reassign",
        "batch",
        lambda d, b, name: supervisor_actions.reassign_batch(d.db, d.user, int(b), name or "", terminal=d.terminal),
        ask="Give the batch to which picker?",
    ),
    "wave": Action("Wave", "wave", _wave),
}
"""The actions by the name their key binding gives (``("h", "act('hold')", "Hold")``)."""

SELECT_FIRST = {
    "order": "Select an order first (at-risk, exceptions or search)",
    "batch": "Select a batch first (Floor tab)",
}


def question(action: Action, target_id: str, answer: str | None) -> str:
    """The confirmation asked before ``action`` runs, quoting what was answered (as before the split)."""
    if action.target == "wave":
        return "Release a wave now (allocate, release, plan batches)?"
    if answer is None:
        return f"{action.verb} {action.target} {target_id}?"
    if action.target == "batch":
        return f"{action.verb} batch {target_id} ({answer})?"
    return f"{action.verb} order {target_id}: {answer}?"
