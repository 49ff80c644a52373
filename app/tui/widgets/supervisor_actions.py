"""What the supervisor screen's action keys do, as data: what each acts on, what it asks, how it names the order or
batch, its state and what will happen, what refuses it at once, and the sentence its outcome is told in.

The screen only finds the row, reads its facts (``app.services.supervision.order_facts``/``batch_facts``, in the
step worker), asks, confirms and runs. Every ``run`` is called in the step worker: it may wait on the database,
and returns the full sentence the result band shows ("Batch 8 freed: its 3 orders go back to the queue ...").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.orders import CANCELLED, ON_HOLD, SHIPPED
from app.services.errors import InvalidInput
from app.services.supervision import BatchFacts, OrderFacts
from app.services.supervision import actions as supervisor_actions

if TYPE_CHECKING:
    from app.config import Config
    from app.domain.layout import Layout
    from app.services.runtime import Database
    from app.services.users import UserView

Facts = OrderFacts | BatchFacts | None
"""What an action is about, read just before it asks: an order, a batch, or nothing (a wave)."""


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
    """One action key."""

    verb: str
    """Names the action in the footer, the help and the dialogs' titles."""
    target: str
    """``order`` or ``batch``: the kind of row it needs (``wave`` needs none)."""
    run: Callable[[Desk, Facts, str | None], str]
    """``run(desk, facts, answer)`` -> the outcome sentence; ``answer`` is what ``ask`` was answered, else None."""
    effect: Callable[[Facts, str | None], str]
    """What will happen, said in the confirmation."""
    ask: str | None = None
    """``reason`` (a line typed), ``priority``, ``picker`` or ``rest`` (a choice), or None."""
    confirm: bool = True
    refuse: Callable[[Facts], str | None] = lambda _facts: None
    """A refusal decided from the facts alone, before anything is asked (None: go on)."""


def _order(facts: Facts) -> OrderFacts:
    assert isinstance(facts, OrderFacts)
    return facts


def _batch(facts: Facts) -> BatchFacts:
    assert isinstance(facts, BatchFacts)
    return facts


def order_now(o: OrderFacts) -> str:
    """The order's current state in one line: ``#D1011 is released (standard, ship by 2026-12-01)``."""
    ship_by = f", ship by {o.ship_by}" if o.ship_by else ""
    return f"Order {o.number} is {o.status.replace('_', ' ')} ({o.service_level.replace('_', ' ')}{ship_by})."


def _closed(o: OrderFacts) -> str | None:
    if o.status in (SHIPPED, CANCELLED):
        return f"Order {o.number} is already {o.status}: nothing can change it now."
    return None


def _hold_refused(facts: Facts) -> str | None:
    o = _order(facts)
    if o.status == ON_HOLD:
        return f"Order {o.number} is already on hold ({o.hold_reason or 'no reason given'}); r releases it."
    return _closed(o)


def _release_refused(facts: Facts) -> str | None:
    o = _order(facts)
    if o.status != ON_HOLD:
        return f"Order {o.number} is {o.status.replace('_', ' ')}, not on hold: there is nothing to release."
    return None


def _short_refused(facts: Facts) -> str | None:
    o = _order(facts)
    if not o.short_pending:
        return f"Order {o.number} has no short pick waiting for approval."
    return None


def _hold(d: Desk, facts: Facts, reason: str | None) -> str:
    o = _order(facts)
    done = supervisor_actions.hold(d.db, d.config, d.user, str(o.order_id), reason or "", terminal=d.terminal)
    return f"Order {done.number} is on hold: it stays out of picking and packing until you release it (r)."


def _release(d: Desk, facts: Facts, _answer: str | None) -> str:
    o = _order(facts)
    done = supervisor_actions.release_hold(d.db, d.config, d.user, str(o.order_id), terminal=d.terminal)
    return f"Order {done.number} is released from hold: it is {done.status.replace('_', ' ')} now."


def _cancel(d: Desk, facts: Facts, reason: str | None) -> str:
    o = _order(facts)
    done = supervisor_actions.cancel(d.db, d.config, d.user, str(o.order_id), reason or "", terminal=d.terminal)
    return f"Order {done.number} is cancelled: its stock is free again and it will not be picked or shipped."


def priority_value(answer: str | None) -> float | None:
    """A typed priority: a number pins it, ``auto`` (or ``-``) computes it again."""
    text = (answer or "").strip().lower()
    if text in ("auto", "-"):
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"priority {answer!r}: a number, or 'auto'") from None


def _priority(d: Desk, facts: Facts, answer: str | None) -> str:
    o = _order(facts)
    value = priority_value(answer)
    done = supervisor_actions.set_priority(d.db, d.config, d.user, str(o.order_id), value, terminal=d.terminal)
    how = "pinned at" if value is not None else "computed again:"
    return f"Order {done.number}: priority {how} {done.priority:g} (was {o.priority:g}); picking follows it."


REST_CHOICES = {
    "backorder": "the missing units follow later as a backorder (a new order)",
    "cancel": "the missing units are cancelled: the customer gets less",
}


def _approve(d: Desk, facts: Facts, rest: str | None) -> str:
    o = _order(facts)
    supervisor_actions.approve_short(d.db, d.user, str(o.order_id), rest=rest or "", terminal=d.terminal)
    return f"Order {o.number} ships short: {REST_CHOICES.get(rest or '', rest or '')}."


def _free(d: Desk, facts: Facts, _answer: str | None) -> str:
    b = _batch(facts)
    supervisor_actions.release_batch(d.db, d.config, d.user, b.batch_id, terminal=d.terminal)
    orders = f"its {b.orders} orders go" if b.orders != 1 else "its order goes"
    return f"Batch {b.batch_id} freed: {orders} back to the queue for any picker; what was put in totes stays picked."


def _reassign(d: Desk, facts: Facts, name: str | None) -> str:
    b = _batch(facts)
    supervisor_actions.reassign_batch(d.db, d.user, b.batch_id, name or "", terminal=d.terminal)
    return f"Batch {b.batch_id} is {name}'s now: they go on at the next open stop with the same counts."


def _wave(d: Desk, _facts: Facts, _answer: str | None) -> str:
    report = supervisor_actions.release_wave(d.db, d.config, d.layout, d.user, terminal=d.terminal)
    if not report.released:
        return "Wave run: no order was waiting to be released."
    return f"Wave run: {report.released} orders released in {report.batches} new batches."


def _free_refused(facts: Facts) -> str | None:
    b = _batch(facts)
    if b.status != "picking":
        return f"Batch {b.batch_id} is {b.status}: nobody is picking it, so there is nothing to free."
    return None


def _free_effect(facts: Facts, _a: str | None) -> str:
    b = _batch(facts)
    who = f"{b.picker}'s handheld is refused on its next scan; " if b.picker else ""
    return f"{who}the batch goes back to the queue for any picker. What was put in totes stays picked."


def _reassign_effect(facts: Facts, name: str | None) -> str:
    b = _batch(facts)
    old = f" {b.picker}'s handheld is refused on its next scan and told who has it." if b.picker else ""
    return f"{name} goes on at the next open stop with the same counts.{old}"


ACTIONS: dict[str, Action] = {
    "hold": Action(
        "Hold",
        "order",
        _hold,
        lambda _f, _reason: "It stays out of picking and packing until released (r).",
        ask="reason",
        refuse=_hold_refused,
    ),
    "release_hold": Action(
        "Release hold",
        "order",
        _release,
        lambda _f, _a: "It goes back to the queue and is allocated again.",
        refuse=_release_refused,
    ),
    "cancel": Action(
        "Cancel",
        "order",
        _cancel,
        lambda _f, _reason: "It is never picked or shipped; its reserved stock is freed.",
        ask="reason",
        refuse=lambda f: _closed(_order(f)),
    ),
    "priority": Action(
        "Priority",
        "order",
        _priority,
        lambda _f, _a: "",
        ask="priority",
        confirm=False,
        refuse=lambda f: _closed(_order(f)),
    ),
    "approve_short": Action(
        "Approve short",
        "order",
        _approve,
        lambda _f, rest: f"It ships with what was picked; {REST_CHOICES.get(rest or '', '')}.",
        ask="rest",
        refuse=_short_refused,
    ),
    "release_batch": Action("Free batch", "batch", _free, _free_effect, refuse=_free_refused),
    "reassign": Action("Reassign batch", "batch", _reassign, _reassign_effect, ask="picker"),
    "wave": Action(
        "Wave now",
        "wave",
        _wave,
        lambda _f, _a: "Waiting orders are allocated, released and planned into batches now, not at the next timer.",
    ),
}
"""The actions by the name their key binding gives (``act('hold')``)."""


def subject(action: Action, facts: Facts) -> str:
    """What the action is about, for titles: ``order #D1011``, ``batch 8 (picking by pia, ...)``."""
    if isinstance(facts, OrderFacts):
        return f"order {facts.number}"
    if isinstance(facts, BatchFacts):
        return facts.words
    return "the floor"


def confirmation(action: Action, facts: Facts, answer: str | None) -> tuple[str, list[str]]:
    """The confirmation's question and lines: what it is about, its state now, what will happen."""
    if isinstance(facts, OrderFacts):
        title = f"{action.verb} order {facts.number}?"
        now = order_now(facts)
    elif isinstance(facts, BatchFacts):
        title = f"{action.verb} {facts.words}?"
        if action.target == "batch" and action.ask == "picker":
            title = f"Give batch {facts.batch_id} to {answer}?"
        now = f"Now: {facts.words[0].upper()}{facts.words[1:]}."
    else:
        title, now = "Run a wave now?", ""
    reason = f"Reason: {answer}" if action.ask == "reason" else ""
    return title, [line for line in (now, action.effect(facts, answer), reason) if line]


def refusal(text: str) -> str:
    """A service's refusal as a sentence on the result band: ``Not done: pete is already picking batch 8.``"""
    text = text.strip().rstrip(".")
    return f"Not done: {text}."
