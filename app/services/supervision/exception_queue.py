"""The supervisor's exceptions queue: what has to be looked at, newest first, each kind worded for the floor.

Each kind is one ``LIMIT``ed query (``app.db.queries.supervision.exceptions``); the union is cut to the limit.
Order exceptions carry the order; the sign-in kinds carry no order and name the user (or the scanned badge).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db.queries.supervision import exceptions as queries
from app.db.unit_of_work import UnitOfWork
from app.domain.orders import BACKORDERED, ON_HOLD, PACKED, RELEASED
from app.services.intake import UNKNOWN_SKU
from app.services.supervision.times import whole_minutes

SHORT_PICK = "short_pick"
HOLD = "hold"
UNKNOWN_SKU_HOLD = "unknown_sku"
PRINT_FAILED = "print_failed"
WEIGHT_MISMATCH = "weight_mismatch"
BACKORDER = "backorder"
STUCK_RELEASED = "stuck_released"
STUCK_PACKED = "stuck_packed"
USER_LOCKED = "user_locked"
SIGN_IN_REFUSED = "sign_in_refused"
EXCEPTION_KINDS = (
    SHORT_PICK,
    HOLD,
    UNKNOWN_SKU_HOLD,
    PRINT_FAILED,
    WEIGHT_MISMATCH,
    BACKORDER,
    STUCK_RELEASED,
    STUCK_PACKED,
    USER_LOCKED,
    SIGN_IN_REFUSED,
)
"""Order exceptions carry the order; the two sign-in kinds (``user_locked``, ``sign_in_refused``) carry no order
and name the user (or the scanned badge) in ``ref``."""

REFUSAL_WINDOW_MINUTES = 60
"""Refused sign-ins count towards ``sign_in_refused`` for this long."""
REPEATED_REFUSALS = 3
"""This many refused sign-ins of one name or badge in the window make an exception: one typo is not news, three
wrong PINs in a row (or a badge nobody has, scanned again and again) are someone guessing or a worker stuck."""

_REASONS = {
    "wrong_pin": "wrong PIN",
    "unknown_user": "unknown name",
    "unknown_badge": "unknown badge",
    "locked": "while locked",
    "disabled": "disabled",
    "role": "role not allowed",
    "system": "system user",
}


@dataclass(frozen=True)
class ExceptionRow:
    """Something a supervisor has to look at; ``kind`` is one of ``EXCEPTION_KINDS``."""

    kind: str
    order_id: int | None
    ref: str
    """What to type into search or show: the order number; for the sign-in kinds the user's name (or
    ``badge CODE`` for a badge nobody has)."""
    detail: str
    at: datetime
    """When it happened (the event), or since when the order has been in its state."""


def exceptions(uow: UnitOfWork, now: datetime, stuck_minutes: int, limit: int) -> tuple[ExceptionRow, ...]:
    """Every kind, newest first, cut to the ``limit`` newest."""
    session = uow.session
    rows = [
        *(
            ExceptionRow(SHORT_PICK, e.order_id, e.number, e.message, e.at)
            for e in queries.unapproved_short_picks(session, limit)
        ),
        *(
            ExceptionRow(WEIGHT_MISMATCH, w.order_id, w.number, f"carton {w.carton}: {w.message}", w.at)
            for w in queries.open_weight_mismatches(session, limit)
        ),
        *(
            ExceptionRow(PRINT_FAILED, p.order_id, p.number, f"{p.kind} on {p.printer or '?'}: {p.detail}", p.at)
            for p in queries.failed_prints(session, limit)
        ),
        *_status_exceptions(uow, now, stuck_minutes, limit),
        *_sign_in_exceptions(uow, now, limit),
    ]
    rows.sort(key=lambda r: (r.at, r.kind, r.order_id or 0), reverse=True)
    return tuple(rows[:limit])


def _status_exceptions(uow: UnitOfWork, now: datetime, stuck_minutes: int, limit: int) -> list[ExceptionRow]:
    """Holds and backorders, and orders released or packed for ``stuck_minutes`` or more, dated by their last
    status change."""
    session = uow.session
    threshold = now - timedelta(minutes=stuck_minutes)
    rows = queries.orders_in_states(session, (ON_HOLD, BACKORDERED), (RELEASED, PACKED), threshold, limit)
    missing = queries.unreserved_lines(session, [r.order_id for r in rows if r.status == BACKORDERED])
    result = []
    for r in rows:
        if r.status == ON_HOLD:
            kind = UNKNOWN_SKU_HOLD if r.hold_reason.startswith(UNKNOWN_SKU) else HOLD
            detail = r.hold_reason or "on hold"
        elif r.status == BACKORDERED:
            kind = BACKORDER
            lines = ", ".join(f"{sku} x{qty}" for sku, qty in missing.get(r.order_id, ()))
            detail = "waiting for stock: " + (lines or "?")
        elif r.status == RELEASED:
            kind = STUCK_RELEASED
            detail = f"released {whole_minutes(now - r.since)} min ago, picking not started"
        else:
            kind = STUCK_PACKED
            detail = f"packed {whole_minutes(now - r.since)} min ago, not shipped"
        result.append(ExceptionRow(kind, r.order_id, r.number, detail, r.since))
    return result


def _who(subject: str) -> str:
    kind, _, name = subject.partition(":")
    return name if kind == "user" else f"{kind} {name}"


def _sign_in_exceptions(uow: UnitOfWork, now: datetime, limit: int) -> list[ExceptionRow]:
    """Locked users (a lock that has not ended, by time or by an unlock) and names or badges refused
    ``REPEATED_REFUSALS`` times or more in the last ``REFUSAL_WINDOW_MINUTES`` (a locked user shows once, as
    locked). Both queries use the (kind, id) and (kind, at) indexes and read at most ``limit`` locks and the
    refusals of one hour."""
    from app.services.lockout import LOCK_MARKS, lock_state

    session = uow.session
    locked: dict[str, ExceptionRow] = {}
    for subject, at in queries.unsettled_locks(session, [k for k in LOCK_MARKS if k != "user.locked"], limit):
        name = _who(subject)
        if subject in locked:
            continue
        state = lock_state(session, name, now=now, count_failures=False)  # the newest lock decides (and its end)
        if not state.locked:
            continue
        until = (
            f"until {state.until:%H:%M} UTC" if state.until else f"until an admin runs: pickpack users unlock {name}"
        )
        detail = f"locked after {state.failures} wrong PINs, {until}"
        locked[subject] = ExceptionRow(USER_LOCKED, None, name, detail, state.locked_at or at)
    counts: dict[str, dict[str, int]] = {}
    last: dict[str, datetime] = {}
    window = now - timedelta(minutes=REFUSAL_WINDOW_MINUTES)
    for refused_row in queries.sign_in_refusals(session, window, now):
        subject = refused_row.subject
        counts.setdefault(subject, {})[refused_row.reason or "?"] = refused_row.count
        last[subject] = max(refused_row.newest, last.get(subject, refused_row.newest))
    refused = []
    for subject, reasons in counts.items():
        total = sum(reasons.values())
        if total < REPEATED_REFUSALS or subject in locked:
            continue
        parts = ", ".join(f"{_REASONS.get(r, r)} {n}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
        detail = f"{total} refused sign-ins in the last {REFUSAL_WINDOW_MINUTES} min ({parts})"
        refused.append(ExceptionRow(SIGN_IN_REFUSED, None, _who(subject), detail, last[subject]))
    refused.sort(key=lambda r: r.at, reverse=True)
    return [*locked.values(), *refused[:limit]]
