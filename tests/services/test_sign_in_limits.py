"""Sign-in limits from ``[security]``: PIN lockout that ends after ``lockout_minutes`` (or waits for an admin),
locks and repeated refusals in the supervisor's exceptions, and badges that need a PIN for some roles.

Times are a fixed clock passed as ``now``; the lock carries its end in the event, so reading it needs no config.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.config import Config, SecurityConfig
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import supervision, users
from app.services.authz import authorize
from app.services.errors import NotAllowed
from app.services.users import PinNeeded, SignInRefused

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
THREE_FOR_15 = SecurityConfig(max_pin_failures=3, lockout_minutes=15)


@pytest.fixture
def crew(db: Database, system: Actor) -> dict[str, users.UserView]:
    made = {}
    for name, role, pin in (("pia", "picker", "1111"), ("sofia", "supervisor", "3333"), ("adam", "admin", "4444")):
        made[name] = users.add_user(db, name, role, f"BADGE-{name.upper()}", pin, actor=system)
    return made


def _wrong(db: Database, name: str, times: int, *, at: datetime, security: SecurityConfig = THREE_FOR_15) -> str:
    message = ""
    for _ in range(times):
        with pytest.raises(SignInRefused) as refused:
            users.sign_in_with_pin(db, name, "0000", terminal="hh-1", security=security, now=at)
        message = str(refused.value)
    return message


def _events(db: Database) -> int:
    with db.unit_of_work(readonly=True) as uow:
        return int(uow.session.scalar(select(func.count(Event.id))) or 0)


def test_a_lock_ends_after_lockout_minutes(db: Database, crew) -> None:  # type: ignore[no-untyped-def]
    assert _wrong(db, "pia", 2, at=T0) == "wrong user name or PIN"
    assert not users.lock_state(db, "pia", now=T0).locked  # 2 of 3
    last = _wrong(db, "pia", 1, at=T0)
    assert "pia is locked after wrong PINs until 08:15 UTC" in last
    state = users.lock_state(db, "pia", now=T0 + timedelta(minutes=14, seconds=59))
    assert state.locked and state.until == T0 + timedelta(minutes=15) and state.failures == 3
    with pytest.raises(SignInRefused, match="until 08:15 UTC"):  # the right PIN, still locked
        users.sign_in_with_pin(
            db, "pia", "1111", terminal="hh-1", security=THREE_FOR_15, now=T0 + timedelta(minutes=14)
        )
    pia = Actor("pia", "hh-1", crew["pia"].id)
    with db.unit_of_work(readonly=True) as uow:  # every service refuses a locked user, not only sign-in
        with pytest.raises(NotAllowed, match="pia is locked after wrong PINs until 08:15 UTC; may not pick"):
            authorize(uow, pia, "batches.pick", now=T0 + timedelta(minutes=10))
        assert authorize(uow, pia, "batches.pick", now=T0 + timedelta(minutes=15)).name == "pia"

    after = T0 + timedelta(minutes=16)
    assert users.lock_state(db, "pia", now=after) == users.LockState(False, 0)  # the count starts again
    assert _wrong(db, "pia", 2, at=after) == "wrong user name or PIN"
    assert "locked" in _wrong(db, "pia", 1, at=after)  # a third one locks again, for another 15 minutes
    assert users.lock_state(db, "pia", now=after + timedelta(minutes=14)).locked
    users.sign_in_with_pin(db, "pia", "1111", terminal="hh-1", security=THREE_FOR_15, now=after + timedelta(minutes=15))


def test_lockout_minutes_zero_waits_for_an_admin(db: Database, crew) -> None:  # type: ignore[no-untyped-def]
    until_unlocked = SecurityConfig(max_pin_failures=2, lockout_minutes=0)
    message = _wrong(db, "sofia", 2, at=T0, security=until_unlocked)
    assert "sofia is locked after wrong PINs: an admin must unlock it" in message
    assert users.lock_state(db, "sofia", now=T0 + timedelta(days=400)).locked
    with pytest.raises(SignInRefused, match="an admin must unlock it"):
        users.sign_in_with_pin(db, "sofia", "3333", terminal="cli", security=until_unlocked, now=T0 + timedelta(days=1))
    adam = Actor("adam", "cli", crew["adam"].id)
    assert users.unlock_user(db, "sofia", actor=adam) is True
    assert users.sign_in_with_pin(db, "sofia", "3333", terminal="cli", security=until_unlocked).name == "sofia"


def test_the_default_is_the_config_default(db: Database, crew, config: Config) -> None:  # type: ignore[no-untyped-def]
    assert config.security == SecurityConfig() and config.security.max_pin_failures == users.MAX_PIN_FAILURES
    _wrong(db, "pia", config.security.max_pin_failures - 1, at=T0, security=config.security)
    assert not users.lock_state(db, "pia", now=T0).locked
    _wrong(db, "pia", 1, at=T0, security=config.security)
    state = users.lock_state(db, "pia", now=T0)
    assert state.locked and state.until == T0 + timedelta(minutes=config.security.lockout_minutes)


def test_locks_and_repeated_refusals_are_supervisor_exceptions(db: Database, crew, config: Config) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    _wrong(db, "pia", 3, at=now)  # locked for 15 minutes
    _wrong(db, "sofia", 2, at=now, security=SecurityConfig())  # two typos: not news
    for _ in range(3):
        with pytest.raises(SignInRefused):
            users.sign_in_with_badge(db, "BADGE-FOUND-IN-CAR-PARK", terminal="hh-3")

    def sign_in_rows(later: timedelta = timedelta(0)) -> dict[tuple[str, str], str]:
        """The sign-in exceptions ``later`` from now (the clock runs on while PINs are hashed and checked)."""
        snap = supervision.floor_snapshot(db, config, now=datetime.now(UTC) + later)
        return {(e.kind, e.ref): e.detail for e in snap.exceptions if e.order_id is None}

    rows = sign_in_rows()
    assert set(rows) == {("user_locked", "pia"), ("sign_in_refused", "badge BADGE-FOUND-IN-CAR-PARK")}
    assert rows[("user_locked", "pia")].startswith("locked after 3 wrong PINs, until ")
    assert rows[("sign_in_refused", "badge BADGE-FOUND-IN-CAR-PARK")] == (
        "3 refused sign-ins in the last 60 min (unknown badge 3)"
    )
    _wrong(db, "sofia", 1, at=now, security=SecurityConfig())  # the third (of 5 allowed): someone is guessing
    assert "3 refused sign-ins" in sign_in_rows()[("sign_in_refused", "sofia")]
    # the lock ends by itself after 15 minutes; the refusals leave the window after an hour
    later = sign_in_rows(timedelta(minutes=16))
    assert ("user_locked", "pia") not in later and ("sign_in_refused", "pia") in later
    assert sign_in_rows(timedelta(minutes=61)) == {}
    # an admin's unlock ends it at once
    users.unlock_user(db, "pia", actor=Actor("adam", "cli", crew["adam"].id))
    assert ("user_locked", "pia") not in sign_in_rows()


def test_a_badge_alone_does_not_sign_in_a_supervisor(db: Database, crew) -> None:  # type: ignore[no-untyped-def]
    before = _events(db)
    with pytest.raises(PinNeeded) as needed:
        users.sign_in_with_badge(db, "BADGE-SOFIA", terminal="sup-1")
    assert (needed.value.name, needed.value.role) == ("sofia", "supervisor")
    assert "PIN needed" in str(needed.value) and needed.value.exit_code == 2
    with pytest.raises(PinNeeded):
        users.sign_in_with_badge(db, "BADGE-ADAM", terminal="sup-1")
    assert _events(db) == before  # a question, not a sign-in and not a refusal
    # the screen asks for the PIN of the user the badge named
    assert users.sign_in_with_pin(db, needed.value.name, "3333", terminal="sup-1").role == "supervisor"
    # a picker's badge signs in alone; the roles that need a PIN come from [security]
    assert users.sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1").name == "pia"
    relaxed = SecurityConfig(badge_requires_pin_roles=("admin",))
    assert users.sign_in_with_badge(db, "BADGE-SOFIA", terminal="sup-1", security=relaxed).name == "sofia"
    strict = SecurityConfig(badge_requires_pin_roles=("picker", "supervisor", "admin"))
    with pytest.raises(PinNeeded):
        users.sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1", security=strict)


def test_a_locked_supervisor_badge_is_refused_before_any_pin_question(db: Database, crew) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    _wrong(db, "sofia", 3, at=now)
    with pytest.raises(SignInRefused, match="sofia is locked") as refused:
        users.sign_in_with_badge(db, "BADGE-SOFIA", terminal="sup-1", now=now)
    assert not isinstance(refused.value, PinNeeded)
