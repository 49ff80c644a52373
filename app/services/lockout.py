"""PIN lockout read from the event log: ``user.locked`` starts a lock, ``user.unlocked``/``user.signed_in`` end
the count, and a lock carries its own end (``until``) so whoever reads it needs no configuration.

Why the end is written into the lock event: ``[security] lockout_minutes`` can change between the lock and the
check, and the services that check a lock on every scan (``app.services.authz``) are not given the config. The
lock a user got is the lock the log shows. ``until`` is absent (or null) for a lock that lasts until an admin's
``pickpack users unlock NAME`` (``lockout_minutes = 0``, and locks written before locks could expire).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.db.queries import sign_in
from app.db.unit_of_work import Session

LOCK_MARKS = ("user.added", "user.locked", "user.unlocked", "user.signed_in")
"""Events that settle the lock: ``user.added`` too, so wrong PINs typed for a name before that user existed
never count against them."""


def subject(name: str) -> str:
    return f"user:{name}"


def now_utc(now: datetime | None = None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC)")
    return now.astimezone(UTC)


def lock_until(now: datetime, lockout_minutes: int) -> str | None:
    """The ``until`` of a lock starting ``now`` (ISO text for the event's JSON), None = until unlocked."""
    if lockout_minutes <= 0:
        return None
    return (now + timedelta(minutes=lockout_minutes)).isoformat()


@dataclass(frozen=True)
class LockState:
    """Whether PIN sign-in is locked, how many wrong PINs count towards the next lock, and when a lock ends."""

    locked: bool
    failures: int
    until: datetime | None = None
    """When the lock ends by itself; None while unlocked, or for a lock that waits for an admin."""
    locked_at: datetime | None = None


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def lock_state(session: Session, name: str, *, now: datetime | None = None, count_failures: bool = True) -> LockState:
    """Read the lock from the log: the newest lock, unlock, sign-in or creation decides; wrong PINs after the
    newest of these count (a lock that ran out counts from zero again). Both queries use the (subject, id) index.
    ``count_failures=False`` skips the second query for callers that only ask "locked?" (every service call)."""
    when = now_utc(now)
    key = subject(name)
    last = sign_in.newest_mark(session, key, LOCK_MARKS)
    if last is not None and last.kind == "user.locked":
        until = _parse(last.data.get("until"))
        if until is None or when < until:
            return LockState(True, int(last.data.get("failures") or 0), until, last.at)
    if not count_failures:
        return LockState(False, 0)
    since = last.id if last is not None else 0
    refused = sign_in.event_data_since(session, key, "user.sign_in_refused", since)
    return LockState(False, sum(1 for data in refused if data.get("reason") == "wrong_pin"))
