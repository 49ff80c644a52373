"""Users, badges and PINs; every sign-in attempt lands in the event log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import Event, User
from app.db.unit_of_work import Database
from app.services import users
from app.services.errors import InvalidInput, Refused
from tests.conftest import ACTOR


def test_add_and_sign_in(db: Database) -> None:
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=ACTOR)
    assert users.sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1").name == "pia"
    assert users.sign_in_with_pin(db, "pia", "1111", terminal="hh-1").role == "picker"
    with pytest.raises(Refused, match="wrong user name or PIN"):
        users.sign_in_with_pin(db, "pia", "9999", terminal="hh-1")
    with pytest.raises(Refused, match="unknown badge 'BADGE-NOBODY'"):
        users.sign_in_with_badge(db, "BADGE-NOBODY", terminal="hh-2")
    with db.unit_of_work(readonly=True) as uow:
        kinds = [
            (e.kind, e.actor, e.terminal)
            for e in uow.session.scalars(select(Event).where(Event.kind.like("user.%")).order_by(Event.id))
        ]
        stored = uow.session.scalar(select(User.pin_hash))
    assert kinds == [
        ("user.added", "tester", "test-terminal"),
        ("user.signed_in", "pia", "hh-1"),
        ("user.signed_in", "pia", "hh-1"),
        ("user.sign_in_refused", "unknown", "hh-1"),
        ("user.sign_in_refused", "unknown", "hh-2"),
    ]
    assert stored and "1111" not in stored and stored.startswith("scrypt$")


def test_duplicates_and_bad_values_are_refused(db: Database) -> None:
    users.add_user(db, "pia", "picker", "BADGE-PIA", "1111", actor=ACTOR)
    with pytest.raises(Refused, match="already exists"):
        users.add_user(db, "pia", "packer", "BADGE-X", "1111", actor=ACTOR)
    with pytest.raises(Refused, match="already belongs to pia"):
        users.add_user(db, "paul", "packer", "BADGE-PIA", "1111", actor=ACTOR)
    with pytest.raises(InvalidInput, match="role 'boss'"):
        users.add_user(db, "bob", "boss", "BADGE-BOB", "1111", actor=ACTOR)
    with pytest.raises(InvalidInput, match="PIN"):
        users.add_user(db, "bob", "picker", "BADGE-BOB", "12", actor=ACTOR)
    assert [u.name for u in users.list_users(db)] == ["pia"]
