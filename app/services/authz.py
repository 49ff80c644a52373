"""Authorization inside the services: every use case that changes state asks ``authorize`` first, in its own
transaction, whoever called it (a screen, the command line, a headless station, the simulator, a script).

Why here and not only in the front ends: a front end checks what it offers, but the services are the one door
every change goes through, so a caller that passes ``Actor("ghost")`` or a picker's actor to ``orders.hold``
is refused here, before anything is written. The rules are the role policy (``app.domain.roles.POLICY``); the
built-in system user may run only the actions a rule marks ``automation``.

A refusal writes nothing. The sign-in in front of it (``--user`` + PIN, a badge, a station's start-up) already
logged who tried what; a refusal here means a caller skipped that step, which is a bug to fix, not an event for
the floor. The check is one statement on the common path (the user by primary key, with the kind of the newest
lock mark of that name through the (subject, id) index); only a user whose newest mark is a lock costs a second
read, to see whether the lock has ended. It runs on every scan, so it is kept that small.
"""

from __future__ import annotations

from datetime import datetime

from app.db.models import User
from app.db.unit_of_work import UnitOfWork
from app.domain import roles
from app.domain.actor import Actor
from app.services.errors import NotAllowed
from app.services.lockout import LOCK_MARKS, lock_state, subject


def authorize(uow: UnitOfWork, actor: Actor, action: str, *, now: datetime | None = None) -> User:
    """The acting user, if they may run ``action`` now; else ``NotAllowed`` (exit 2) and nothing is written.

    Refused: no user id (an actor nobody signed in), an unknown id, a name that is not that user's, a disabled
    or locked user, a role the policy does not allow, the system user for anything but automation.
    """
    found = roles.rule(action)  # an unknown action is a programming error: it raises, never allows
    who = actor.name or "nobody"
    if actor.user_id is None:
        raise NotAllowed(f"{who} is not a signed-in user and may not {found.what}: sign in first")
    user, mark = uow.users.with_newest_mark(actor.user_id, subject(actor.name), LOCK_MARKS)
    if user is None:
        raise NotAllowed(f"{who} (user id {actor.user_id}) is not a known user and may not {found.what}")
    if user.name != actor.name:
        raise NotAllowed(f"{who} is not the name of user {actor.user_id} ({user.name}): may not {found.what}")
    if not user.active:
        raise NotAllowed(f"{user.name} is disabled and may not {found.what}")
    why = roles.refusal(user.name, user.role, action)
    if why is not None:
        raise NotAllowed(why)
    if mark == "user.locked" and user.role != roles.SYSTEM:  # the system user cannot sign in: never locked
        lock = lock_state(uow.session, user.name, now=now, count_failures=False)
        if lock.locked:
            until = f" until {lock.until:%H:%M} UTC" if lock.until else ": an admin must unlock it"
            raise NotAllowed(f"{user.name} is locked after wrong PINs{until}; may not {found.what}")
    return user
