"""Weighing and closing cartons, and the supervisor's approval of a carton weighed outside the tolerance.

A wrong weight is where a mis-pick is caught: outside the tolerance a carton stays open until a supervisor
approves (see ``app.services.weight_approval`` for who may, and how they prove it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from app.config.settings import Config
from app.db.models import Carton, Order
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import PACKED, PACKING
from app.domain.weight_check import WeightCheck, check_weight
from app.services import weight_approval
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused
from app.services.floor_state import set_carton
from app.services.order_lookup import order_by_ref
from app.services.order_status import order_subject, set_status
from app.services.packing.views import PackResult, state_of


def close_carton(
    db: Database,
    config: Config,
    order_id: int,
    measured_kg: Decimal,
    *,
    actor: Actor,
    approver_badge: str | None = None,
    approver_pin: str | None = None,
) -> PackResult:
    """Weigh and close the open carton. Outside the tolerance it stays open unless a supervisor approves: with
    ``approver_badge`` (and ``approver_pin`` when their role is in ``[security] badge_requires_pin_roles``), or
    beforehand from the command line (``approve_weight``) for this weight. See ``app.services.weight_approval``.

    Closing again (a double press, a retry) finds no open carton and changes nothing.
    """
    if measured_kg <= 0:
        raise InvalidInput(f"weight {measured_kg} kg: must be more than zero")
    verdict = None
    if approver_badge is not None:
        with db.unit_of_work(readonly=True) as first:
            authorize(first, actor, "orders.pack")  # only a packing terminal's signed-in user gets a PIN checked
        # before the packing transaction: a PIN check commits its own refusal or lock (see weight_approval)
        verdict = weight_approval.identify(db, config, approver_badge, approver_pin or None, terminal=actor.terminal)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "orders.pack")
        order = uow.orders.lock(order_id)
        if order is None:
            raise NotFound(f"no order {order_id}")
        state = state_of(uow, config, order)
        view = state.open_carton
        if view is None:
            return PackResult(False, "No open carton to close", state)
        if not view.items:
            return PackResult(False, "The carton is empty: scan items into it first", state)
        carton = uow.cartons.get(view.id)
        assert carton is not None
        check = check_weight(
            float(carton.expected_weight_kg),
            float(measured_kg),
            config.shipping.weight_tolerance_pct,
            config.shipping.weight_tolerance_min_kg,
        )
        carton.measured_weight_kg = measured_kg
        approved_by = ""
        if not check.ok:
            approval = _approve(uow, config, order, carton, actor, measured_kg, check, verdict)
            if isinstance(approval, PackResult):
                return approval
            approved_by = approval
        return _close(uow, config, order, carton, actor, measured_kg, approved_by)


def _approve(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    carton: Carton,
    actor: Actor,
    measured_kg: Decimal,
    check: WeightCheck,
    verdict: weight_approval.Verdict | None,
) -> PackResult | str:
    """The approver's name, logged as approving the off weight (badge at the scale, or a standing approval from
    the command line); or the refusal to answer with, the carton staying open."""
    subject = order_subject(order.id)
    approver: weight_approval.Approver | None = None
    approved_kg: Decimal | None = None
    if verdict is not None:
        why = verdict.refusal
        if verdict.approver is not None:
            why = weight_approval.still_allowed(uow, verdict.approver, actor.terminal) or ""
            approver = None if why else verdict.approver
        if approver is None:
            return _approval_refused(uow, config, order, carton, actor, measured_kg, verdict, why)
    else:
        found = weight_approval.standing_approval(
            uow,
            config,
            subject=subject,
            carton_id=carton.id,
            expected_kg=carton.expected_weight_kg,
            measured_kg=measured_kg,
            terminal=actor.terminal,
        )
        if found is None:
            return _weight_mismatch(uow, config, order, carton, actor, measured_kg, check)
        approver, approved_kg = found
    carton.weight_approved_by = approver.name
    uow.record(
        Actor(approver.name, actor.terminal, approver.user_id),
        weight_approval.APPROVED,
        subject=subject,
        message=f"carton {carton.seq}: {check.message}; approved by {approver.name} ({approver.method})",
        carton=carton.seq,
        carton_id=carton.id,
        expected=float(carton.expected_weight_kg),
        measured=float(measured_kg),
        approver=approver.name,
        method=approver.method,
        packer=actor.name,
        **({"approved_kg": str(approved_kg)} if approved_kg is not None else {}),
    )
    return approver.name


def _close(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    carton: Carton,
    actor: Actor,
    measured_kg: Decimal,
    approved_by: str,
) -> PackResult:
    """Close the weighed carton; the order is packed once every picked unit is in a closed carton."""
    set_carton(uow, carton, "packed", actor, f"closed at {measured_kg} kg")
    carton.closed_at = datetime.now(UTC)
    uow.record(
        actor,
        "pack.carton_closed",
        subject=order_subject(order.id),
        message=f"carton {carton.seq} closed at {measured_kg} kg",
        carton=carton.seq,
    )
    remaining = sum(line.qty_picked - line.qty_packed for line in order.lines)
    if remaining == 0 and order.status == PACKING:
        set_status(uow, order, PACKED, actor, "all picked items packed")
    state = state_of(uow, config, order)
    uow.commit()
    note = f", weight approved by {approved_by}" if approved_by else ""
    return PackResult(True, f"Carton {carton.seq} closed ({measured_kg} kg{note})", state, approver=approved_by)


def kg_text(kg: float) -> str:
    """``0.2`` for 0.200 kg, ``1.25`` for 1.250: as short as the scale's grams allow."""
    return f"{kg:.3f}".rstrip("0").rstrip(".") or "0"


def off_weight_told(check: WeightCheck) -> str:
    """What an off weight may mean, without the expected weight (shown, it invites typing it back): "0.2 kg
    over: an extra or wrong unit?"."""
    if check.difference_kg > 0:
        return f"{kg_text(check.difference_kg)} kg over: an extra or wrong unit?"
    return f"{kg_text(-check.difference_kg)} kg under: a unit missing?"


def _weight_mismatch(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    carton: Carton,
    actor: Actor,
    measured_kg: Decimal,
    check: WeightCheck,
) -> PackResult:
    """Outside the tolerance and nobody approved: the carton stays open, the weighing is logged (the supervisor's
    exceptions show it until the carton closes or is weighed again)."""
    subject = order_subject(order.id)
    uow.record(
        actor,
        "pack.weight_mismatch",
        subject=subject,
        message=check.message,
        carton=carton.seq,
        expected=float(carton.expected_weight_kg),
        measured=float(measured_kg),
    )
    given = weight_approval.latest_given(uow, subject=subject, carton_id=carton.id)
    extra = ""
    if given is not None and (given.data or {}).get("expected_kg") is not None:
        extra = f" ({given.actor} approved {given.data.get('approved_kg')} kg, not this weight)"
    state = state_of(uow, config, order)
    uow.commit()
    return PackResult(
        False,
        f"{off_weight_told(check)} Re-check the carton{extra}; to close it at {measured_kg} kg a supervisor must "
        f"approve (badge and PIN at a terminal, or `{weight_approval.command_hint(order.number, measured_kg)}`)",
        state,
        needs_approval=True,
    )


def _approval_refused(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    carton: Carton,
    actor: Actor,
    measured_kg: Decimal,
    verdict: weight_approval.Verdict,
    why: str,
) -> PackResult:
    """The badge (and PIN) offered does not approve: logged as the packer, naming the would-be approver."""
    uow.record(
        actor,
        weight_approval.REFUSED,
        subject=order_subject(order.id),
        message=f"carton {carton.seq} at {measured_kg} kg: {why}",
        carton=carton.seq,
        measured=float(measured_kg),
        approver=verdict.name or None,
        reason=verdict.reason or "not_allowed",
        **({"badge": verdict.badge} if not verdict.name else {}),
    )
    state = state_of(uow, config, order)
    uow.commit()
    return PackResult(False, why, state, needs_approval=True, approver=verdict.name, pin_needed=verdict.pin_needed)


# --- approval away from the scale -----------------------------------------------------------------------


@dataclass(frozen=True)
class WeightApproval:
    order_number: str
    carton_seq: int
    approved_kg: Decimal
    allowed_kg: float
    expected_kg: Decimal
    approver: str


def approve_weight(db: Database, config: Config, ref: str, kg: Decimal, *, actor: Actor) -> WeightApproval:
    """A supervisor approves ``kg`` (± the tolerance) for the open carton of order ``ref`` away from the packer's
    keyboard (``pickpack orders approve-weight``); the packer's next weighing of that weight closes it.

    Refused, with a ``pack.weight_approval_refused`` event naming the supervisor: no carton waiting to be
    weighed, or ``kg`` within the tolerance already (nothing to approve).
    """
    if kg <= 0:
        raise InvalidInput(f"--kg {kg}: must be more than zero")
    with db.unit_of_work() as uow:
        authorize(uow, actor, weight_approval.ACTION)
        order = order_by_ref(uow, ref, locked=True)
        state = state_of(uow, config, order)
        view = state.open_carton
        subject = order_subject(order.id)
        why = ""
        if view is None or state.status != PACKING:
            why = f"order {order.number} has no open carton to approve a weight for (it is {order.status})"
        elif state.expect != "weight":
            why = f"carton {view.seq} of {order.number} is not ready to weigh yet (next: {state.expect})"
        elif weight_approval.within(config, view.expected_weight_kg, kg):
            why = (
                f"{kg} kg is within the tolerance of carton {view.seq} (expected {view.expected_weight_kg} kg): "
                "no approval needed"
            )
        if why:
            uow.record(
                actor, weight_approval.REFUSED, subject=subject, message=why, approver=actor.name, reason="state"
            )
            uow.commit()
            raise Refused(why)
        assert view is not None
        allowed = weight_approval.allowed_kg(config, kg)
        uow.record(
            actor,
            weight_approval.GIVEN,
            subject=subject,
            message=f"carton {view.seq}: {kg} kg (± {allowed:.3f}) approved by {actor.name}, "
            f"expected {view.expected_weight_kg} kg",
            carton=view.seq,
            carton_id=view.id,
            approved_kg=str(kg),
            expected_kg=str(view.expected_weight_kg),
            approver=actor.name,
        )
        uow.commit()
        return WeightApproval(order.number, view.seq, kg, allowed, view.expected_weight_kg, actor.name)
