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

Modules: ``accounts`` (the system user, adding, listing, disabling, unlocking), ``sign_in`` (badge, PIN,
sign-out). Callers import every name from here.
"""

from __future__ import annotations

from app.services.errors import SignInRefused
from app.services.lockout import LockState
from app.services.users.accounts import (
    BADGE_RE,
    DEFAULT_SECURITY,
    MAX_PIN_FAILURES,
    NAME_RE,
    PIN_RE,
    ROLE_ACTIVITIES,
    SYSTEM_BADGE,
    SYSTEM_NAME,
    UNUSABLE_PIN_HASH,
    UserView,
    add_user,
    disable_user,
    ensure_system_user,
    get_user,
    has_admin,
    list_users,
    lock_state,
    system_actor,
    system_user_id,
    unlock_user,
)
from app.services.users.sign_in import PinNeeded, authenticate, sign_in_with_badge, sign_in_with_pin, sign_out

__all__ = [
    "BADGE_RE",
    "DEFAULT_SECURITY",
    "MAX_PIN_FAILURES",
    "NAME_RE",
    "PIN_RE",
    "ROLE_ACTIVITIES",
    "SYSTEM_BADGE",
    "SYSTEM_NAME",
    "UNUSABLE_PIN_HASH",
    "LockState",
    "PinNeeded",
    "SignInRefused",
    "UserView",
    "add_user",
    "authenticate",
    "disable_user",
    "ensure_system_user",
    "get_user",
    "has_admin",
    "list_users",
    "lock_state",
    "sign_in_with_badge",
    "sign_in_with_pin",
    "sign_out",
    "system_actor",
    "system_user_id",
    "unlock_user",
]
