"""Who may approve a carton weighed outside the tolerance, and how they prove it (issue 12).

A wrong weight is where a mis-pick is caught; waving it through is a supervisor's decision, so the approval must
come from a supervisor who proved who they are, exactly as at sign-in: a role of
``[security] badge_requires_pin_roles`` gives badge AND PIN (a found badge must not approve anything), and the
PIN goes through ``users.sign_in_with_pin`` so a wrong one counts towards that user's lockout like any sign-in.
A role not listed there approves with the badge alone, but only if the policy (``cartons.approve_weight``) lets
that role approve at all.

Two ways to approve, both ending in a ``pack.weight_approved`` event written as the approver:
- at the packing terminal: badge (and PIN) into the weighing dialog (``packing.close_carton``);
- away from the packer's keyboard: ``pickpack orders approve-weight REF --kg KG --user NAME`` records
  ``pack.weight_approval_given`` for the open carton and that weight; the packer's next weighing within the
  tolerance of that weight closes the carton (a headless station never reads a PIN, so this is its way).

Every refusal is a ``pack.weight_approval_refused`` event naming the approver (or the scanned badge, when it is
nobody's), written as the packer whose terminal it happened at: a refused PIN proves nobody, so the event must not
carry the approver's user id.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from decimal import Decimal

from app.config.settings import Config
from app.db.models import Event
from app.db.queries import approvals
from app.db.unit_of_work import Database, UnitOfWork
from app.domain import roles
from app.domain.actor import Actor
from app.domain.weight_check import check_weight
from app.services import users
from app.services.authz import authorize
from app.services.errors import NotAllowed, SignInRefused

ACTION = "cartons.approve_weight"
GIVEN = "pack.weight_approval_given"
"""A supervisor approved a weight for an open carton from the command line; the packer's weighing uses it."""
APPROVED = "pack.weight_approved"
REFUSED = "pack.weight_approval_refused"


@dataclass(frozen=True)
class Approver:
    """A person whose approval counts: proved by ``method`` (``badge+pin``, ``badge`` or ``approve-weight``)."""

    name: str
    user_id: int
    role: str
    method: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a badge (and PIN) before the packing transaction: an approver, or why not."""

    approver: Approver | None
    refusal: str = ""
    reason: str = ""
    """``unknown_badge`` | ``disabled`` | ``role`` | ``pin_needed`` | ``pin`` (a refused PIN, lock included)"""
    name: str = ""
    """The badge's holder when the badge is someone's (so a refusal names them), else empty."""
    badge: str = ""

    @property
    def pin_needed(self) -> bool:
        return self.reason == "pin_needed"


def needs_pin(config: Config, role: str) -> bool:
    return role in config.security.badge_requires_pin_roles


def identify(db: Database, config: Config, badge: str, pin: str | None, *, terminal: str) -> Verdict:
    """Who the scanned badge (and typed PIN) proves to be, for approving a weight.

    Runs in its own transactions, never inside the packing one: ``sign_in_with_pin`` commits its refusal (and a
    lock) even though the approval fails, and on SQLite a second writer inside an open write transaction would
    wait on itself. A successful PIN writes ``user.signed_in`` with ``action: cartons.approve_weight``.
    """
    code = badge.strip()
    with db.unit_of_work(readonly=True) as uow:
        user = uow.users.by_badge(code) if code else None
        found = (user.name, user.role, user.active, user.id) if user is not None else None
    if found is None or found[1] == roles.SYSTEM:
        message = f"badge {code!r} is not a supervisor's: the weight needs a supervisor's approval"
        return Verdict(None, message, "unknown_badge", badge=code)
    name, role, active, user_id = found
    if not active:
        return Verdict(None, f"badge of {name}: user {name} is disabled", "disabled", name=name)
    why = roles.refusal(name, role, ACTION)
    if why is not None:
        return Verdict(None, why, "role", name=name)
    if pin:
        try:
            users.sign_in_with_pin(db, name, pin, terminal=terminal, action=ACTION, security=config.security)
        except SignInRefused as exc:
            text = str(exc).replace("wrong user name or PIN", "wrong PIN", 1)
            return Verdict(None, f"{name}'s approval refused: {text}", "pin", name=name)
        return Verdict(Approver(name, user_id, role, "badge+pin"), name=name)
    if needs_pin(config, role):
        message = f"PIN needed: {name} ({role}) approves weights with badge and PIN"
        return Verdict(None, message, "pin_needed", name=name)
    return Verdict(Approver(name, user_id, role, "badge"), name=name)


def still_allowed(uow: UnitOfWork, approver: Approver, terminal: str) -> str | None:
    """Check the approver again inside the packing transaction (disabled or locked meanwhile, role changed):
    None when their approval still counts, else why not."""
    try:
        authorize(uow, Actor(approver.name, terminal, approver.user_id), ACTION)
    except NotAllowed as exc:
        return str(exc)
    return None


def standing_approval(
    uow: UnitOfWork,
    config: Config,
    *,
    subject: str,
    carton_id: int,
    expected_kg: Decimal,
    measured_kg: Decimal,
    terminal: str,
) -> tuple[Approver, Decimal] | None:
    """The newest approval given from the command line for this carton, its contents unchanged (same expected
    weight) and ``measured_kg`` within the tolerance of the approved weight, by someone still allowed to give it.
    Returns the approver and the approved weight."""
    for event in _given(uow, subject):
        data = event.data or {}
        if data.get("carton_id") != carton_id or event.user_id is None:
            continue
        try:
            approved = Decimal(str(data["approved_kg"]))
            if Decimal(str(data["expected_kg"])) != expected_kg:
                continue
        except (KeyError, ArithmeticError, ValueError):
            continue
        if not within(config, approved, measured_kg):
            continue
        role = uow.users.role_of(event.user_id) or ""
        approver = Approver(event.actor, event.user_id, role, "approve-weight")
        if still_allowed(uow, approver, terminal) is None:
            return approver, approved
    return None


def latest_given(uow: UnitOfWork, *, subject: str, carton_id: int) -> Event | None:
    """The newest command-line approval of this carton (to tell the packer what was approved when the scale
    shows something else)."""
    return next((e for e in _given(uow, subject) if (e.data or {}).get("carton_id") == carton_id), None)


def _given(uow: UnitOfWork, subject: str) -> list[Event]:
    return approvals.events_of(uow.session, subject, GIVEN)


def within(config: Config, reference_kg: Decimal, measured_kg: Decimal) -> bool:
    """``measured_kg`` passes against ``reference_kg`` with the shipping tolerance."""
    return check_weight(
        float(reference_kg),
        float(measured_kg),
        config.shipping.weight_tolerance_pct,
        config.shipping.weight_tolerance_min_kg,
    ).ok


def allowed_kg(config: Config, reference_kg: Decimal) -> float:
    return check_weight(
        float(reference_kg),
        float(reference_kg),
        config.shipping.weight_tolerance_pct,
        config.shipping.weight_tolerance_min_kg,
    ).allowed_kg


def command_hint(order_number: str, kg: Decimal, name: str = "NAME") -> str:
    """The command a supervisor runs to approve this weight away from the packer's keyboard (shell-quoted: an
    order number such as ``#D1033`` would otherwise start a shell comment)."""
    return f"pickpack orders approve-weight {shlex.quote(order_number)} --kg {kg} --user {shlex.quote(name)}"
