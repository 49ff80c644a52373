"""Collaborators the fakes replace: authorization (the real role policy over the fake users; ``authz`` reads the
lock-out marks with SQL) and, for the order use cases, taking an order off the floor and voiding its shipments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from app.db.models import Event, Order, User
from app.domain import roles
from app.domain.actor import Actor
from app.services import batches, order_processing, orders, weight_approval
from app.services.errors import NotAllowed
from app.services.packing import filling, starting, weighing
from app.services.picking import finishing, queue, state
from app.services.replan import LeaveReport
from app.services.shipping import booking, printing, voiding
from tests.fakes.uow import FakeUnitOfWork

FLOOR_MODULES = (state, queue, finishing, starting, filling, weighing, weight_approval, booking, printing, voiding)
"""The floor's modules that authorize an action (``authorize`` imported by name)."""


def fake_authorize(uow: FakeUnitOfWork, actor: Actor, action: str, *, now: datetime | None = None) -> User:
    """The role policy of ``app.services.authz.authorize`` over the fake users (no lock-outs in the fake)."""
    found = roles.rule(action)
    user = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if user is None or user.name != actor.name or not user.active:
        raise NotAllowed(f"{actor.name or 'nobody'} is not a signed-in user and may not {found.what}: sign in first")
    why = roles.refusal(user.name, user.role, action)
    if why is not None:
        raise NotAllowed(why)
    return user


@dataclass
class FloorCalls:
    """What the fake floor was asked: (order number, why, put_back) per order that left it."""

    left: list[tuple[str, str, bool]] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    followed: list[int] = field(default_factory=list)


@pytest.fixture
def fake_collaborators(monkeypatch: pytest.MonkeyPatch) -> Iterator[FloorCalls]:
    """Authorization, the floor and shipments as fakes in the order services (they still speak SQL)."""
    calls = FloorCalls()

    def leaves_floor(uow: Any, order: Order, actor: Actor, why: str, *, put_back: bool) -> LeaveReport:
        calls.left.append((order.number, why, put_back))
        return LeaveReport()

    for module in (orders, order_processing, batches):
        monkeypatch.setattr(module, "authorize", fake_authorize)
    monkeypatch.setattr(orders, "order_leaves_floor", leaves_floor)
    monkeypatch.setattr(orders, "void_open_shipments", lambda uow, order, *_: calls.voided.append(order.number))
    monkeypatch.setattr(orders, "follow_order_priority", lambda session, order_id: calls.followed.append(order_id))
    yield calls


def given_approvals(uow: FakeUnitOfWork, subject: str) -> list[Event]:
    """``weight_approval._given`` over the fake event log: the command-line weight approvals, newest first."""
    return [e for e in reversed(uow.events.rows) if e.subject == subject and e.kind == weight_approval.GIVEN]


@pytest.fixture
def fake_floor_authz(monkeypatch: pytest.MonkeyPatch) -> None:
    """The floor's use cases authorize through ``fake_authorize`` (the role policy, no lock-outs); standing weight
    approvals are read from the fake event log."""
    for module in FLOOR_MODULES:
        monkeypatch.setattr(module, "authorize", fake_authorize)
    monkeypatch.setattr(weight_approval, "_given", given_approvals)
