"""Users, badges and PINs; every sign-in attempt lands in the event log; PIN lockout; the built-in system user."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Event, User
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import setup, users
from app.services.errors import InvalidInput, NotAllowed, NotFound, Refused
from app.services.users import SignInRefused


def _user_events(db: Database, name: str) -> list[tuple[str, str, str | None]]:
    """(kind, actor, reason) of the events about one user, oldest first."""
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(Event).where(Event.subject == f"user:{name}").order_by(Event.id))
        return [(e.kind, e.actor, (e.data or {}).get("reason")) for e in rows]


def test_add_and_sign_in(db: Database, system: Actor) -> None:
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=system)
    assert users.sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1").name == "pia"
    assert users.sign_in_with_pin(db, "pia", "1111", terminal="hh-1").role == "picker"
    with pytest.raises(Refused, match="wrong user name or PIN"):
        users.sign_in_with_pin(db, "pia", "9999", terminal="hh-1")
    with pytest.raises(Refused, match="unknown badge 'BADGE-NOBODY'"):
        users.sign_in_with_badge(db, "BADGE-NOBODY", terminal="hh-2")
    with db.unit_of_work(readonly=True) as uow:
        kinds = [
            (e.kind, e.actor, e.terminal)
            for e in uow.session.scalars(
                select(Event).where(Event.kind.like("user.%"), Event.subject != "user:system").order_by(Event.id)
            )
        ]
        stored = uow.session.scalar(select(User.pin_hash).where(User.name == "pia"))
    assert kinds == [
        ("user.added", "system", "test-terminal"),
        ("user.signed_in", "pia", "hh-1"),
        ("user.signed_in", "pia", "hh-1"),
        ("user.sign_in_refused", "unknown", "hh-1"),
        ("user.sign_in_refused", "unknown", "hh-2"),
    ]
    assert stored and "1111" not in stored and stored.startswith("scrypt$")


def test_duplicates_and_bad_values_are_refused(db: Database, system: Actor) -> None:
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=system)
    with pytest.raises(InvalidInput, match="already exists"):
        users.add_user(db, "pia", "packer", "BADGE-X", "1111", actor=system)
    with pytest.raises(InvalidInput, match="'pia' already exists: names must differ by more than upper and lower"):
        users.add_user(db, "Pia", "packer", "BADGE-X", "1111", actor=system)
    with pytest.raises(InvalidInput, match="already belongs to pia"):
        users.add_user(db, "paul", "packer", "BADGE-PIA", "1111", actor=system)
    with pytest.raises(InvalidInput, match="role 'boss'"):
        users.add_user(db, "bob", "boss", "BADGE-BOB", "1111", actor=system)
    with pytest.raises(InvalidInput, match="role 'system'"):
        users.add_user(db, "bob", "system", "BADGE-BOB", "1111", actor=system)
    with pytest.raises(InvalidInput, match="reserved"):
        users.add_user(db, "System", "picker", "BADGE-SYS", "1111", actor=system)
    with pytest.raises(InvalidInput, match="PIN"):
        users.add_user(db, "bob", "picker", "BADGE-BOB", "12", actor=system)
    assert [u.name for u in users.list_users(db)] == ["pia"]


def test_init_creates_the_system_user_once_and_it_cannot_sign_in(db: Database, layout: Layout, system: Actor) -> None:
    again = setup.initialise(db, layout, actor=Actor.system())
    assert again.system_user == "present"
    with db.unit_of_work(readonly=True) as uow:
        rows = uow.session.scalars(select(User).where(User.role == "system")).all()
        assert [(u.name, u.badge, u.active) for u in rows] == [("system", users.SYSTEM_BADGE, True)]
        assert not users.BADGE_RE.match(rows[0].badge)  # no person can be given it, no badge label shows it
        system_id = rows[0].id
    assert users.system_actor(db, "process") == Actor("system", "process", system_id)
    assert users.list_users(db) == []
    assert [u.name for u in users.list_users(db, include_system=True)] == ["system"]
    for pin in ("", "0000", "!", users.UNUSABLE_PIN_HASH):
        with pytest.raises(SignInRefused, match="the system user cannot sign in"):
            users.sign_in_with_pin(db, "system", pin, terminal="hh-1")
    with pytest.raises(SignInRefused, match="the system user cannot sign in"):
        users.sign_in_with_badge(db, users.SYSTEM_BADGE, terminal="hh-1")
    adam = users.add_user(db, "adam", "admin", "BADGE-ADAM", "4444", actor=system, first_admin=True)
    with pytest.raises(InvalidInput, match="built-in system user"):
        users.disable_user(db, "system", actor=Actor(adam.name, "cli", adam.id))
    refusals = [e for e in _user_events(db, "system") if e[0] == "user.sign_in_refused"]
    assert refusals == [("user.sign_in_refused", "unknown", "system")] * 5
    assert not users.lock_state(db, "system").locked


def test_initialise_as_system_records_the_system_users_id(tmp_path: Path, layout: Layout) -> None:
    from app.db.engine import make_engine

    db = Database(make_engine(f"sqlite:///{tmp_path}/fresh.db"))
    try:
        report = setup.initialise(db, layout, actor=Actor.system())
        assert report.system_user == "created"
        with db.unit_of_work(readonly=True) as uow:
            system_id = users.system_user_id(uow.session)
            events = [(e.kind, e.actor, e.user_id) for e in uow.session.scalars(select(Event).order_by(Event.id))]
        assert system_id is not None
        assert {kind for kind, _, _ in events} >= {"user.added", "locations.synced", "database.migrated"}
        assert {(actor, user_id) for _, actor, user_id in events} == {("system", system_id)}
    finally:
        db.dispose()


def test_wrong_pins_lock_until_an_admin_unlocks(db: Database, system: Actor) -> None:
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=system)
    for _ in range(users.MAX_PIN_FAILURES - 1):
        with pytest.raises(SignInRefused, match="wrong user name or PIN"):
            users.sign_in_with_pin(db, "pia", "9999", terminal="hh-1")
    assert users.lock_state(db, "pia") == users.LockState(False, users.MAX_PIN_FAILURES - 1)
    users.sign_in_with_pin(db, "pia", "1111", terminal="hh-1")  # a good PIN starts the count again
    assert users.lock_state(db, "pia") == users.LockState(False, 0)
    for _ in range(users.MAX_PIN_FAILURES):
        with pytest.raises(SignInRefused, match="wrong user name or PIN") as refused:
            users.sign_in_with_pin(db, "pia", "9999", terminal="hh-1")
    assert "locked" in str(refused.value)
    assert users.lock_state(db, "pia").locked
    with pytest.raises(SignInRefused, match="pia is locked"):
        users.sign_in_with_pin(db, "pia", "1111", terminal="hh-1")  # even the right PIN
    with pytest.raises(SignInRefused, match="pia is locked"):
        users.sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1")
    with db.unit_of_work(readonly=True) as uow:
        locked = uow.session.scalars(select(Event).where(Event.kind == "user.locked")).one()
        assert locked.subject == "user:pia" and locked.actor == "system"
        assert locked.user_id == users.system_user_id(uow.session)

    adam = users.add_user(db, "adam", "admin", "BADGE-ADAM", "4444", actor=system, first_admin=True)
    admin = Actor(adam.name, "cli", adam.id)
    assert users.unlock_user(db, "pia", actor=admin) is True
    assert users.sign_in_with_pin(db, "pia", "1111", terminal="hh-1").name == "pia"
    assert users.unlock_user(db, "pia", actor=admin) is False  # nothing to clear
    with pytest.raises(NotFound):
        users.unlock_user(db, "nobody", actor=admin)
    kinds = [k for k, _, _ in _user_events(db, "pia")]
    assert kinds.count("user.locked") == 1 and kinds.count("user.unlocked") == 1
    reasons = [r for k, _, r in _user_events(db, "pia") if k == "user.sign_in_refused"]
    assert reasons == ["wrong_pin"] * (2 * users.MAX_PIN_FAILURES - 1) + ["locked", "locked"]


def test_unknown_user_is_refused_like_a_wrong_pin(db: Database, system: Actor) -> None:
    with pytest.raises(SignInRefused, match="wrong user name or PIN"):
        users.sign_in_with_pin(db, "ghost", "1111", terminal="cli")
    assert _user_events(db, "ghost") == [("user.sign_in_refused", "unknown", "unknown_user")]
    for _ in range(users.MAX_PIN_FAILURES):
        with pytest.raises(SignInRefused):
            users.sign_in_with_pin(db, "anna", "1111", terminal="cli")
    users.add_user(db, "anna", "picker", "BADGE-ANNA", "2468", actor=system)
    assert users.lock_state(db, "anna") == users.LockState(False, 0)  # guesses at a name nobody had yet
    with pytest.raises(SignInRefused, match="wrong user name or PIN"):
        users.sign_in_with_pin(db, "anna", "1111", terminal="cli")
    assert users.lock_state(db, "anna") == users.LockState(False, 1)


def test_disabled_users_cannot_sign_in(db: Database, system: Actor) -> None:
    users.add_user(db, "adam", "admin", "BADGE-ADAM", "4444", actor=system, first_admin=True)
    adam = users.sign_in_with_pin(db, "adam", "4444", terminal="cli")
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=system)
    me = Actor(adam.name, "cli", adam.id)
    assert users.disable_user(db, "pia", actor=me).active is False
    with pytest.raises(SignInRefused, match="pia is disabled"):
        users.sign_in_with_pin(db, "pia", "1111", terminal="cli")
    with pytest.raises(SignInRefused, match="unknown badge"):
        users.sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1")
    with pytest.raises(InvalidInput, match="yourself"):
        users.disable_user(db, "adam", actor=me)
    with pytest.raises(NotAllowed, match=r"system \(system\) may not disable users: admin only"):
        users.disable_user(db, "adam", actor=system)  # automation adds users, it never disables them
    assert ("user.disabled", "adam", None) in _user_events(db, "pia")


def test_authenticate_checks_the_role_policy_after_the_pin(db: Database, system: Actor) -> None:
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=system)
    users.add_user(db, "sofia", "supervisor", "BADGE-SOFIA", "3333", actor=system)
    with pytest.raises(SignInRefused, match=r"pia \(picker\) may not hold orders: supervisor, admin only"):
        users.authenticate(db, "pia", "1111", action="orders.hold", terminal="cli")
    with pytest.raises(SignInRefused, match="wrong user name or PIN"):  # a wrong PIN says nothing about roles
        users.authenticate(db, "pia", "0000", action="orders.hold", terminal="cli")
    assert users.authenticate(db, "pia", "1111", action="batches.claim", terminal="cli").name == "pia"
    assert users.authenticate(db, "sofia", "3333", action="orders.hold", terminal="cli").role == "supervisor"
    with db.unit_of_work(readonly=True) as uow:
        refused = [
            (e.data["reason"], e.data["action"], e.user_id)
            for e in uow.session.scalars(
                select(Event)
                .where(Event.kind == "user.sign_in_refused", Event.subject == "user:pia")
                .order_by(Event.id)
            )
        ]
        pia_id = uow.session.scalar(select(User.id).where(User.name == "pia"))
    assert refused == [
        ("role", "orders.hold", pia_id),
        ("wrong_pin", "orders.hold", None),
    ]
    with pytest.raises(KeyError):
        users.authenticate(db, "sofia", "3333", action="orders.nothing", terminal="cli")


def test_first_admin_only_while_there_is_no_admin(db: Database, system: Actor) -> None:
    assert not users.has_admin(db)
    with pytest.raises(SignInRefused, match="no admin yet"):
        users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=system, first_admin=True)
    users.add_user(db, "adam", "admin", "BADGE-ADAM", "4444", actor=system, first_admin=True)
    assert users.has_admin(db)
    with pytest.raises(SignInRefused, match="an admin exists"):
        users.add_user(db, "eve", "admin", "BADGE-EVE", "6666", actor=system, first_admin=True)
    with db.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(func.count(User.id)).where(User.role == "admin")) == 1
