"""The repository of people who sign in, and the system user.

Names are unique as stored, and the services also keep them unique ignoring case (``by_name_ignoring_case``);
badges are unique. Sign-in and user management lock the user row (``by_name(locked=True)``) so two terminals
counting wrong PINs, or two admins disabling the last two admins, take turns.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from app.db.locking import for_update
from app.db.models import Event, User
from app.db.repositories.base import Repository


class UserRepository(Repository[User]):
    model = User

    def by_name(self, name: str, *, locked: bool = False) -> User | None:
        """The user called exactly ``name``; ``locked`` holds the row for this transaction."""
        query = select(User).where(User.name == name)
        if locked:
            query = for_update(query)
        return self.session.scalar(query)

    def by_name_ignoring_case(self, name: str) -> User | None:
        """A user whose name equals ``name`` up to upper and lower case (look-alike names are refused)."""
        return self.session.scalar(select(User).where(func.lower(User.name) == name.lower()))

    def by_badge(self, badge: str) -> User | None:
        return self.session.scalar(select(User).where(User.badge == badge))

    def id_of(self, name: str, role: str) -> int | None:
        """The id of the user ``name`` holding ``role`` (the system user's id), or None."""
        return self.session.scalar(select(User.id).where(User.name == name, User.role == role))

    def role_of(self, user_id: int) -> str | None:
        return self.session.scalar(select(User.role).where(User.id == user_id))

    def any_with_role(self, role: str) -> bool:
        """Whether any user (active or not) holds ``role``."""
        return self.session.scalar(select(User.id).where(User.role == role).limit(1)) is not None

    def count_active_with_role(self, role: str, *, except_id: int) -> int:
        """Active users holding ``role`` other than ``except_id`` (is this the last active admin?)."""
        query = select(func.count(User.id)).where(User.role == role, User.active.is_(True), User.id != except_id)
        return self.session.scalar(query) or 0

    def listed(self, *, except_role: str | None = None) -> list[User]:
        """Every user by name, leaving out those holding ``except_role``."""
        query = select(User).order_by(User.name)
        if except_role is not None:
            query = query.where(User.role != except_role)
        return list(self.session.scalars(query))

    def names(self) -> set[str]:
        return set(self.session.scalars(select(User.name)))

    def with_newest_mark(self, user_id: int, subject: str, kinds: Iterable[str]) -> tuple[User | None, str | None]:
        """The user ``user_id`` and the kind of the newest event of ``subject`` among ``kinds``, in one statement
        (authorization runs on every scan; the (subject, id) index answers the subquery)."""
        newest = (
            select(Event.kind)
            .where(Event.subject == subject, Event.kind.in_(list(kinds)))
            .order_by(Event.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        row = self.session.execute(select(User, newest).where(User.id == user_id)).first()
        return (row[0], row[1]) if row is not None else (None, None)
