"""People who sign in: the built-in system user, adding, listing, disabling and unlocking users.

Users are never deleted (history points at them); an admin adds, disables and unlocks them, and the very first
admin is added without signing in while the database has none. Names differ by more than case, badges are
unique. A user's PIN lock is read from the event log (``app.services.lockout``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.config.settings import SecurityConfig
from app.db.models import User
from app.db.repositories import UserRepository
from app.db.unit_of_work import Database, Session, UnitOfWork
from app.domain import roles
from app.domain.actor import Actor
from app.domain.pins import hash_pin
from app.services.authz import authorize
from app.services.errors import InvalidInput, NotFound, Refused, SignInRefused
from app.services.lockout import LockState
from app.services.lockout import lock_state as _read_lock

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


def user_view(user: User) -> UserView:
    return UserView(user.id, user.name, user.role, user.badge, user.active)


def subject_of(name: str) -> str:
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
        subject=subject_of(SYSTEM_NAME),
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
            subject=subject_of(name),
            message=f"user {name} added as {role}" + (" (first admin)" if first_admin else ""),
            role=role,
            first_admin=first_admin,
        )
        uow.commit()
        return user_view(user)


def has_admin(db: Database) -> bool:
    """Whether any admin exists (active or not): until one does, the first admin is added without signing in."""
    with db.unit_of_work(readonly=True) as uow:
        return uow.users.any_with_role(roles.ADMIN)


def list_users(db: Database, *, include_system: bool = False) -> list[UserView]:
    """People who sign in; the built-in system user only on request (it has no badge to print or PIN to set)."""
    with db.unit_of_work(readonly=True) as uow:
        return [user_view(u) for u in uow.users.listed(except_role=None if include_system else roles.SYSTEM)]


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
            return user_view(user)
        if actor.user_id == user.id:
            raise InvalidInput("you cannot disable yourself: ask another admin")
        if user.role == roles.ADMIN and not uow.users.count_active_with_role(roles.ADMIN, except_id=user.id):
            raise InvalidInput(f"{name} is the last active admin")
        user.active = False
        freed = _free_batches_of(uow, user, actor)
        message = f"user {name} disabled" + (f"; batch {', '.join(map(str, freed))} back in the queue" if freed else "")
        uow.record(actor, "user.disabled", subject=subject_of(name), message=message, batches_freed=freed)
        uow.commit()
        return user_view(user)


def _free_batches_of(uow: UnitOfWork, user: User, actor: Actor) -> list[int]:
    """A disabled picker can never finish their batch: it goes back to the queue in the same transaction, as a
    supervisor's release would (dropped units stay picked, units in hand start again at the shelf)."""
    from app.services.picking.queue import free_held_batch  # picking imports users: import it only when needed

    freed: list[int] = []
    while (held := uow.batches.held_by(user.id)) is not None:
        batch = uow.batches.lock(held.id)
        if batch is None or batch.status != "picking" or batch.picker_id != user.id:
            break
        free_held_batch(uow, batch, actor, f"{user.name} was disabled")
        freed.append(batch.id)
    return freed


def read_lock_state(session: Session, name: str, now: datetime | None = None) -> LockState:
    return _read_lock(session, name, now=now)


def lock_state(db: Database, name: str, *, now: datetime | None = None) -> LockState:
    with db.unit_of_work(readonly=True) as uow:
        return read_lock_state(uow.session, name, now)


def unlock_user(db: Database, name: str, *, actor: Actor) -> bool:
    """Clear a PIN lockout (and the wrong PINs counted so far); False when there was nothing to clear."""
    with db.unit_of_work() as uow:
        authorize(uow, actor, "users.unlock")
        user = _managed_user(uow, name)
        state = read_lock_state(uow.session, user.name)
        if not state.locked and not state.failures:
            return False
        uow.record(
            actor,
            "user.unlocked",
            subject=subject_of(user.name),
            message=f"user {user.name} unlocked" if state.locked else f"{state.failures} wrong PIN(s) forgiven",
            was_locked=state.locked,
            failures=state.failures,
        )
        uow.commit()
        return True


def get_user(db: Database, name: str) -> UserView:
    with db.unit_of_work(readonly=True) as uow:
        user = uow.users.by_name(name)
        if user is None:
            raise NotFound(f"no user {name!r}")
        if not user.active:
            raise Refused(f"user {name!r} is not active")
        return user_view(user)
