"""Signing in: badges for scanning in, name + PIN for typing in; every attempt goes to the event log.

A badge alone does not sign in a role of ``[security] badge_requires_pin_roles``: the badge service raises
``PinNeeded`` (naming the user) and the screen asks for that user's PIN (``sign_in_with_pin``). A found badge
must not make anyone a supervisor. Wrong PINs count towards a lock written to the log (``app.services.lockout``).
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from app.config.settings import SecurityConfig
from app.db.unit_of_work import Database, UnitOfWork
from app.domain import roles
from app.domain.actor import Actor
from app.domain.pins import verify_pin
from app.services.errors import SignInRefused
from app.services.lockout import LockState, lock_until, now_utc
from app.services.users.accounts import (
    DEFAULT_SECURITY,
    SYSTEM_NAME,
    UserView,
    read_lock_state,
    subject_of,
    system_user_id,
    user_view,
)


class PinNeeded(SignInRefused):
    """The badge is known, but its user's role must also type a PIN (``[security] badge_requires_pin_roles``).

    Nothing is logged (it is a question, not a refusal); the screen asks for the PIN of ``name`` and calls
    ``sign_in_with_pin(db, exc.name, pin, ...)``, which counts towards the lockout like any typed PIN.
    """

    def __init__(self, name: str, role: str) -> None:
        super().__init__(f"PIN needed: {name} ({role}) signs in with badge and PIN")
        self.name = name
        self.role = role


def _refuse(
    uow: UnitOfWork, actor: Actor, subject: str, message: str, *, reason: str, method: str, **data: object
) -> NoReturn:
    """Log the refusal, keep it (the caller's work is not done, but the attempt is history) and raise."""
    uow.record(actor, "user.sign_in_refused", subject=subject, message=message, method=method, reason=reason, **data)
    uow.commit()
    raise SignInRefused(message)


def _locked_message(name: str, state: LockState) -> str:
    if state.until is None:
        return f"user {name} is locked after wrong PINs: an admin must unlock it"
    return f"user {name} is locked after wrong PINs until {state.until:%H:%M} UTC (or until an admin unlocks it)"


def sign_in_with_badge(
    db: Database,
    badge: str,
    *,
    terminal: str,
    security: SecurityConfig | None = None,
    now: datetime | None = None,
) -> UserView:
    """Sign in by scanning a badge; an unknown badge is refused and logged with the scanned code.

    A user whose role is in ``security.badge_requires_pin_roles`` is not signed in: ``PinNeeded`` names them and
    nothing is written (the PIN that follows is logged by ``sign_in_with_pin``). A locked user is refused before
    that question, so the screen does not ask for a PIN it would refuse anyway.
    """
    rules = security or DEFAULT_SECURITY
    code = badge.strip()
    with db.unit_of_work() as uow:
        user = uow.users.by_badge(code)
        nobody = Actor("unknown", terminal)
        if user is not None and user.role == roles.SYSTEM:
            message = "the system user cannot sign in"
            _refuse(uow, nobody, subject_of(user.name), message, reason="system", method="badge")
        if user is None or not user.active:
            _refuse(uow, nobody, f"badge:{badge}", f"unknown badge {badge!r}", reason="unknown_badge", method="badge")
        state = read_lock_state(uow.session, user.name, now)
        if state.locked:
            message = _locked_message(user.name, state)
            _refuse(uow, nobody, subject_of(user.name), message, reason="locked", method="badge")
        if user.role in rules.badge_requires_pin_roles:
            raise PinNeeded(user.name, user.role)
        uow.record(Actor(user.name, terminal, user.id), "user.signed_in", subject=subject_of(user.name), method="badge")
        uow.commit()
        return user_view(user)


def _refuse_wrong_pin(
    uow: UnitOfWork,
    nobody: Actor,
    name: str,
    failures: int,
    rules: SecurityConfig,
    when: datetime,
    extra: dict[str, object],
) -> NoReturn:
    """Refuse a wrong PIN, the ``failures``-th in a row; the one reaching ``rules.max_pin_failures`` also locks."""
    subject = subject_of(name)
    if failures < rules.max_pin_failures:
        message = "wrong user name or PIN"
        _refuse(uow, nobody, subject, message, reason="wrong_pin", method="pin", failures=failures, **extra)
    # the refusal first, then the lock: wrong PINs after a lock that ran out count from the lock on
    until = lock_until(when, rules.lockout_minutes)
    ends = datetime.fromisoformat(until) if until else None
    message = f"wrong user name or PIN ({_locked_message(name, LockState(True, failures, ends))})"
    data = {"method": "pin", "reason": "wrong_pin", "failures": failures, **extra}
    uow.record(nobody, "user.sign_in_refused", subject=subject, message=message, **data)
    uow.record(
        Actor(SYSTEM_NAME, nobody.terminal, system_user_id(uow.session)),
        "user.locked",
        subject=subject,
        message=f"{failures} wrong PINs in a row"
        + (f"; locked until {until}" if until else "; locked until an admin unlocks it"),
        failures=failures,
        until=until,
    )
    uow.commit()
    raise SignInRefused(message)


def sign_in_with_pin(
    db: Database,
    name: str,
    pin: str,
    *,
    terminal: str,
    action: str | None = None,
    security: SecurityConfig | None = None,
    now: datetime | None = None,
) -> UserView:
    """Sign in by typing name and PIN; a wrong name or PIN is refused without telling which of the two it was.

    Checked in this order, each refusal logged: unknown name, the system user, a lock (before the PIN, so a
    locked account cannot be guessed at), the PIN (a wrong one counts towards the lock and the one that reaches
    ``security.max_pin_failures`` writes ``user.locked`` ending ``security.lockout_minutes`` later), a disabled
    user, then with ``action`` the role policy (after the PIN, so roles are not told to strangers).
    """
    rules = security or DEFAULT_SECURITY
    when = now_utc(now)
    name = name.strip()
    subject = subject_of(name)
    nobody = Actor("unknown", terminal)
    with db.unit_of_work() as uow:
        user = uow.users.by_name(name, locked=True)
        extra: dict[str, object] = {"action": action} if action else {}
        if user is None:
            _refuse(uow, nobody, subject, "wrong user name or PIN", reason="unknown_user", method="pin", **extra)
        if user.role == roles.SYSTEM:
            _refuse(uow, nobody, subject, "the system user cannot sign in", reason="system", method="pin", **extra)
        state = read_lock_state(uow.session, name, when)
        if state.locked:
            _refuse(uow, nobody, subject, _locked_message(name, state), reason="locked", method="pin", **extra)
        if not verify_pin(pin, user.pin_hash):
            _refuse_wrong_pin(uow, nobody, name, state.failures + 1, rules, when, extra)
        if not user.active:
            _refuse(uow, nobody, subject, f"user {name} is disabled", reason="disabled", method="pin", **extra)
        me = Actor(user.name, terminal, user.id)
        if action is not None:
            why = roles.refusal(user.name, user.role, action)
            if why is not None:
                _refuse(uow, me, subject, why, reason="role", method="pin", **extra)
        uow.record(me, "user.signed_in", subject=subject, method="pin", **extra)
        uow.commit()
        return user_view(user)


def authenticate(
    db: Database, name: str, pin: str, *, action: str, terminal: str, security: SecurityConfig | None = None
) -> UserView:
    """Sign ``name`` in with ``pin`` for one ``action`` of the role policy (``app.domain.roles``).

    The command line calls this before changing anything: any refusal raises ``SignInRefused`` (exit 2) with only
    the refusal event written.
    """
    roles.rule(action)  # an unknown action is a programming error: fail before touching the log
    return sign_in_with_pin(db, name, pin, terminal=terminal, action=action, security=security)


def sign_out(db: Database, user: UserView, *, terminal: str, reason: str = "") -> None:
    with db.unit_of_work() as uow:
        uow.record(
            Actor(user.name, terminal, user.id),
            "user.signed_out",
            subject=subject_of(user.name),
            message=reason,
            reason=reason,
        )
        uow.commit()
