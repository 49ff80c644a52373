"""Users and sign-in: badges for scanning in, name + PIN for typing in; every attempt goes to the event log.

PIN lockout lives in the event log, not in a column (``app.services.lockout``): ``[security] max_pin_failures``
wrong PINs in a row (since the last successful sign-in or unlock) write ``user.locked`` with its end
(``[security] lockout_minutes`` later, or none when that is 0), and the user stays locked (PIN and badge, and
every service call: ``app.services.authz``) until then or until an admin's ``user.unlocked``. The log is the one
place that already records every attempt, so the lock can never disagree with the history that explains it.

A badge alone does not sign in a role of ``[security] badge_requires_pin_roles``: the badge service raises
``PinNeeded`` (naming the user) and the screen asks for that user's PIN (``sign_in_with_pin``). A found badge
must not make anyone a supervisor.

The built-in ``system`` user (created by ``init``) acts for automation: its PIN hash and badge can never match,
and both sign-in paths refuse it by role before looking at either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from app.config import SecurityConfig
from app.db.models import User
from app.db.repositories import UserRepository
from app.db.unit_of_work import Database, Session, UnitOfWork
from app.domain import roles
from app.domain.actor import Actor
from app.domain.pins import hash_pin, verify_pin
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused, SignInRefused
from app.services.lockout import LockState, lock_until, now_utc
from app.services.lockout import lock_state as _read_lock

__all__ = ["LockState", "SignInRefused"]  # re-exported: callers import both from here

PIN_RE = re.compile(r"^\d{4,8}$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
BADGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")

SYSTEM_NAME = "system"
SYSTEM_BADGE = "!system"
"""Not a valid badge (``BADGE_RE`` refuses it, so no person can be given it) and a headless station reads a line
starting with ``!`` as a key, never as a scan; sign-in refuses the system role anyway."""
UNUSABLE_PIN_HASH = "!"
"""Not a scrypt hash: ``verify_pin`` is False for every PIN."""

DEFAULT_SECURITY = SecurityConfig()
MAX_PIN_FAILURES = DEFAULT_SECURITY.max_pin_failures
"""The default of ``[security] max_pin_failures``: callers pass the configured ``SecurityConfig``."""

ROLE_ACTIVITIES: dict[str, tuple[str, ...]] = {
    "picker": ("pick", "stock"),
    "packer": ("pack", "stock"),
    "supervisor": ("supervise", "pick", "pack", "stock"),
    "admin": ("supervise", "pick", "pack", "stock", "admin"),
}
"""What each role may do; screens offer only these and services check them again."""


class PinNeeded(SignInRefused):
    """The badge is known, but its user's role must also type a PIN (``[security] badge_requires_pin_roles``).

    Nothing is logged (it is a question, not a refusal); the screen asks for the PIN of ``name`` and calls
    ``sign_in_with_pin(db, exc.name, pin, ...)``, which counts towards the lockout like any typed PIN.
    """

    def __init__(self, name: str, role: str) -> None:
        super().__init__(f"PIN needed: {name} ({role}) signs in with badge and PIN")
        self.name = name
        self.role = role


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    role: str
    badge: str
    active: bool

    @property
    def activities(self) -> tuple[str, ...]:
        return ROLE_ACTIVITIES.get(self.role, ())

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "role": self.role, "badge": self.badge, "active": self.active}


def _view(user: User) -> UserView:
    return UserView(user.id, user.name, user.role, user.badge, user.active)


def _subject(name: str) -> str:
    return f"user:{name}"


# --- the system user ----------------------------------------------------------------------------------


def ensure_system_user(uow: UnitOfWork, actor: Actor) -> str:
    """Create the built-in ``system`` user inside the caller's transaction unless it exists (``init`` calls this).

    Returns ``"created"``, ``"present"``, or ``"conflict"`` when a person already holds the name: that account
    is left alone (it is someone's) and automation keeps acting without a user id.
    """
    existing = uow.users.by_name(SYSTEM_NAME)
    if existing is not None:
        return "present" if existing.role == roles.SYSTEM else "conflict"
    user = User(name=SYSTEM_NAME, role=roles.SYSTEM, badge=SYSTEM_BADGE, pin_hash=UNUSABLE_PIN_HASH, active=True)
    uow.users.add(user)
    uow.flush()
    uow.record(
        Actor(SYSTEM_NAME, actor.terminal, user.id) if actor.name == SYSTEM_NAME else actor,
        "user.added",
        subject=_subject(SYSTEM_NAME),
        message="built-in system user added (no PIN, no badge: it cannot sign in)",
        role=roles.SYSTEM,
    )
    return "created"


def system_user_id(session: Session) -> int | None:
    """The id of the built-in system user, or None on a database ``init`` has not seen since it was added."""
    return UserRepository(session).id_of(SYSTEM_NAME, roles.SYSTEM)


def system_actor(db: Database, terminal: str = "cli") -> Actor:
    """The actor for automation (imports, processing, demo, audit): named ``system`` and, once ``init`` has
    created the system user, carrying its id so every event points at a real user row."""
    with db.unit_of_work(readonly=True) as uow:
        return Actor(SYSTEM_NAME, terminal, system_user_id(uow.session))


# --- managing users -----------------------------------------------------------------------------------


def add_user(
    db: Database, name: str, role: str, badge: str, pin: str, *, actor: Actor, first_admin: bool = False
) -> UserView:
    """Add a person who signs in by badge or name + PIN.

    ``first_admin`` is the one way in without an admin signing in: it is allowed only for an admin while the
    database has no admin at all, checked in the same transaction so two first admins cannot both pass.
    """
    if not NAME_RE.match(name):
        raise InvalidInput(f"name {name!r}: use letters, digits, '.', '_' or '-' (up to 64)")
    if name.lower() == SYSTEM_NAME:
        raise InvalidInput(f"name {name!r} is reserved for the built-in system user")
    if role not in roles.ROLES:
        raise InvalidInput(f"role {role!r}: expected one of {', '.join(roles.ROLES)}")
    if not BADGE_RE.match(badge):
        raise InvalidInput(f"badge {badge!r}: use 3-64 letters, digits, '.', '_' or '-'")
    if not PIN_RE.match(pin):
        raise InvalidInput("PIN: expected 4 to 8 digits")
    with db.unit_of_work() as uow:
        authorize(uow, actor, "users.add")
        if first_admin:
            if role != roles.ADMIN:
                raise SignInRefused("this database has no admin yet: add an admin first (no --user needed)")
            if uow.users.any_with_role(roles.ADMIN):
                raise SignInRefused("an admin exists: adding users needs --user ADMIN and the admin's PIN")
        # names differ by more than case: "Pia" beside "pia" would be two look-alike people in the event log
        same = uow.users.by_name_ignoring_case(name)
        if same is not None:
            raise InvalidInput(
                f"user {name!r} already exists"
                if same.name == name
                else f"user {same.name!r} already exists: names must differ by more than upper and lower case"
            )
        holder = uow.users.by_badge(badge)
        if holder:
            raise InvalidInput(f"badge {badge!r} already belongs to {holder.name}")
        user = uow.users.add(User(name=name, role=role, badge=badge, pin_hash=hash_pin(pin), active=True))
        uow.flush()
        uow.record(
            actor,
            "user.added",
            subject=_subject(name),
            message=f"user {name} added as {role}" + (" (first admin)" if first_admin else ""),
            role=role,
            first_admin=first_admin,
        )
        uow.commit()
        return _view(user)


def has_admin(db: Database) -> bool:
    """Whether any admin exists (active or not): until one does, the first admin is added without signing in."""
    with db.unit_of_work(readonly=True) as uow:
        return uow.users.any_with_role(roles.ADMIN)


def list_users(db: Database, *, include_system: bool = False) -> list[UserView]:
    """People who sign in; the built-in system user only on request (it has no badge to print or PIN to set)."""
    with db.unit_of_work(readonly=True) as uow:
        return [_view(u) for u in uow.users.listed(except_role=None if include_system else roles.SYSTEM)]


def _managed_user(uow: UnitOfWork, name: str) -> User:
    user = uow.users.by_name(name, locked=True)
    if user is None:
        raise NotFound(f"no user {name!r}")
    if user.role == roles.SYSTEM:
        raise InvalidInput(f"{name!r} is the built-in system user: it cannot sign in, so there is nothing to change")
    return user


def disable_user(db: Database, name: str, *, actor: Actor) -> UserView:
    """Stop a user from signing in (history keeps pointing at them, so users are never deleted).

    An admin cannot disable themselves or the last active admin: nobody could add or unlock users afterwards.
    """
    with db.unit_of_work() as uow:
        authorize(uow, actor, "users.disable")
        user = _managed_user(uow, name)
        if not user.active:
            return _view(user)
        if actor.user_id == user.id:
            raise InvalidInput("you cannot disable yourself: ask another admin")
        if user.role == roles.ADMIN and not uow.users.count_active_with_role(roles.ADMIN, except_id=user.id):
            raise InvalidInput(f"{name} is the last active admin")
        user.active = False
        uow.record(actor, "user.disabled", subject=_subject(name), message=f"user {name} disabled")
        uow.commit()
        return _view(user)


def _lock_state(session: Session, name: str, now: datetime | None = None) -> LockState:
    return _read_lock(session, name, now=now)


def lock_state(db: Database, name: str, *, now: datetime | None = None) -> LockState:
    with db.unit_of_work(readonly=True) as uow:
        return _lock_state(uow.session, name, now)


def unlock_user(db: Database, name: str, *, actor: Actor) -> bool:
    """Clear a PIN lockout (and the wrong PINs counted so far); False when there was nothing to clear."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "users.unlock")
        user = _managed_user(uow, name)
        state = _lock_state(uow.session, user.name)
        if not state.locked and not state.failures:
            return False
        uow.record(
            actor,
            "user.unlocked",
            subject=_subject(user.name),
            message=f"user {user.name} unlocked" if state.locked else f"{state.failures} wrong PIN(s) forgiven",
            was_locked=state.locked,
            failures=state.failures,
        )
        uow.commit()
        return True


# --- signing in ---------------------------------------------------------------------------------------


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
            _refuse(uow, nobody, _subject(user.name), "the system user cannot sign in", reason="system", method="badge")
        if user is None or not user.active:
            _refuse(uow, nobody, f"badge:{badge}", f"unknown badge {badge!r}", reason="unknown_badge", method="badge")
        state = _lock_state(uow.session, user.name, now)
        if state.locked:
            message = _locked_message(user.name, state)
            _refuse(uow, nobody, _subject(user.name), message, reason="locked", method="badge")
        if user.role in rules.badge_requires_pin_roles:
            raise PinNeeded(user.name, user.role)
        uow.record(Actor(user.name, terminal, user.id), "user.signed_in", subject=_subject(user.name), method="badge")
        uow.commit()
        return _view(user)


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
    subject = _subject(name)
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
    subject = _subject(name)
    nobody = Actor("unknown", terminal)
    with db.unit_of_work() as uow:
        user = uow.users.by_name(name, locked=True)
        extra: dict[str, object] = {"action": action} if action else {}
        if user is None:
            _refuse(uow, nobody, subject, "wrong user name or PIN", reason="unknown_user", method="pin", **extra)
        if user.role == roles.SYSTEM:
            _refuse(uow, nobody, subject, "the system user cannot sign in", reason="system", method="pin", **extra)
        state = _lock_state(uow.session, name, when)
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
        return _view(user)


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
            subject=_subject(user.name),
            message=reason,
            reason=reason,
        )
        uow.commit()


def get_user(db: Database, name: str) -> UserView:
    with db.unit_of_work(readonly=True) as uow:
        user = uow.users.by_name(name)
        if user is None:
            raise NotFound(f"no user {name!r}")
        if not user.active:
            raise Refused(f"user {name!r} is not active")
        return _view(user)
