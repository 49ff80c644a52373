"""Users and sign-in: badges for scanning in, name + PIN for typing in; every attempt goes to the event log."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import ROLES, User
from app.db.unit_of_work import Actor, Database
from app.domain.pins import hash_pin, verify_pin
from app.services.errors import InvalidInput, Refused

PIN_RE = re.compile(r"^\d{4,8}$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
BADGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")

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


def _view(user: User) -> UserView:
    return UserView(user.id, user.name, user.role, user.badge, user.active)


def add_user(db: Database, name: str, role: str, badge: str, pin: str, *, actor: Actor) -> UserView:
    if not NAME_RE.match(name):
        raise InvalidInput(f"name {name!r}: use letters, digits, '.', '_' or '-' (up to 64)")
    if role not in ROLES:
        raise InvalidInput(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if not BADGE_RE.match(badge):
        raise InvalidInput(f"badge {badge!r}: use 3-64 letters, digits, '.', '_' or '-'")
    if not PIN_RE.match(pin):
        raise InvalidInput("PIN: expected 4 to 8 digits")
    with db.unit_of_work() as uow:
        if uow.session.scalar(select(User).where(User.name == name)):
            raise Refused(f"user {name!r} already exists")
        holder = uow.session.scalar(select(User).where(User.badge == badge))
        if holder:
            raise Refused(f"badge {badge!r} already belongs to {holder.name}")
        user = User(name=name, role=role, badge=badge, pin_hash=hash_pin(pin), active=True)
        uow.session.add(user)
        uow.session.flush()
        uow.record(actor, "user.added", subject=f"user:{name}", message=f"user {name} added as {role}", role=role)
        uow.commit()
        return _view(user)


def list_users(db: Database) -> list[UserView]:
    with db.unit_of_work(readonly=True) as uow:
        return [_view(u) for u in uow.session.scalars(select(User).order_by(User.name))]


def sign_in_with_badge(db: Database, badge: str, *, terminal: str) -> UserView:
    """Sign in by scanning a badge; an unknown badge is refused and logged with the scanned code."""
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.badge == badge.strip()))
        if user is None or not user.active:
            uow.record(
                Actor("unknown", terminal),
                "user.sign_in_refused",
                subject=f"badge:{badge}",
                message=f"unknown or inactive badge {badge!r}",
                method="badge",
            )
            uow.commit()
            raise Refused(f"unknown badge {badge!r}")
        uow.record(Actor(user.name, terminal, user.id), "user.signed_in", subject=f"user:{user.name}", method="badge")
        uow.commit()
        return _view(user)


def sign_in_with_pin(db: Database, name: str, pin: str, *, terminal: str) -> UserView:
    """Sign in by typing name and PIN; the refusal does not tell which of the two was wrong."""
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.name == name.strip()))
        if user is None or not user.active or not verify_pin(pin, user.pin_hash):
            uow.record(
                Actor("unknown", terminal),
                "user.sign_in_refused",
                subject=f"user:{name}",
                message="wrong user name or PIN",
                method="pin",
            )
            uow.commit()
            raise Refused("wrong user name or PIN")
        uow.record(Actor(user.name, terminal, user.id), "user.signed_in", subject=f"user:{user.name}", method="pin")
        uow.commit()
        return _view(user)


def sign_out(db: Database, user: UserView, *, terminal: str, reason: str = "") -> None:
    with db.unit_of_work() as uow:
        uow.record(
            Actor(user.name, terminal, user.id),
            "user.signed_out",
            subject=f"user:{user.name}",
            message=reason,
            reason=reason,
        )
        uow.commit()


def get_user(db: Database, name: str) -> UserView:
    from app.services.errors import NotFound

    with db.unit_of_work(readonly=True) as uow:
        user = uow.session.scalar(select(User).where(User.name == name))
        if user is None:
            raise NotFound(f"no user {name!r}")
        if not user.active:
            raise Refused(f"user {name!r} is not active")
        return _view(user)
