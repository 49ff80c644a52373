"""Roles live in the services: every state-changing use case checks the acting user itself, whoever calls it.

A refusal names the user and what they may not do, and writes nothing at all: the tests compare the whole event
log, the orders and the batches before and after. Both databases, through the shared fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import Config
from app.db.models import Batch, Event, Order
from app.db.unit_of_work import Database
from app.domain import roles
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import order_processing, orders, packing, picking, shipping, users
from app.services.batches import plan_batches
from app.services.errors import NotAllowed
from app.services.supervision import actions as supervisor_actions
from app.services.users import UserView
from tests.conftest import cached_step
from tests.picking_support import actor_of, add_users, pick_all, release_orders


@pytest.fixture
def floor(
    request: pytest.FixtureRequest, sample_catalog: Database, layout: Layout, tmp_path: Path
) -> tuple[Database, dict[str, UserView]]:
    """The demo crew and two released orders on one ready batch."""

    def build() -> dict[str, UserView]:
        people = add_users(sample_catalog)
        release_orders(sample_catalog, layout, tmp_path, [("Z-1", "MUG-RED-350", 1), ("Z-2", "INFUSER-SS", 2)])
        return people

    return sample_catalog, cached_step(request, sample_catalog, "authorization-floor", build)


def _written(db: Database) -> tuple[Any, ...]:
    """Everything a refusal could have touched: the event log, the orders and the batches."""
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        return (
            session.scalar(select(func.count(Event.id))),
            session.scalar(select(func.max(Event.id))),
            tuple(
                session.execute(select(Order.id, Order.status, Order.priority, Order.hold_reason).order_by(Order.id))
            ),
            tuple(session.execute(select(Batch.id, Batch.status, Batch.picker_id).order_by(Batch.id))),
        )


def _refused(db: Database, call: Callable[[], object], message: str) -> None:
    """``call`` is refused with ``message`` (a regex) and nothing at all is written."""
    before = _written(db)
    with pytest.raises(NotAllowed, match=message) as refused:
        call()
    assert refused.value.exit_code == 2  # the command line's "bad input": identity refusals exit 2
    assert _written(db) == before


def _order_id(db: Database, number: str) -> int:
    with db.unit_of_work(readonly=True) as uow:
        found = uow.session.scalar(select(Order.id).where(Order.number == number))
        assert found is not None
        return found


def test_a_picker_cannot_hold_cancel_release_or_reassign(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia = people["pia"]
    me = actor_of(pia)
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    may_not = r"pia \(picker\) may not {}: supervisor, admin only"
    _refused(db, lambda: orders.hold(db, config, "Z-1", "mine now", actor=me), may_not.format("hold orders"))
    _refused(db, lambda: orders.unhold(db, config, "Z-1", actor=me), may_not.format("release holds"))
    _refused(db, lambda: orders.cancel(db, config, "Z-1", "mine", actor=me), may_not.format("cancel orders"))
    _refused(
        db, lambda: orders.edit_lines(db, config, "Z-1", {"MUG-RED-350": 9}, actor=me), may_not.format("edit orders")
    )
    _refused(
        db, lambda: orders.edit_address(db, config, "Z-1", {"city": "Linz"}, actor=me), may_not.format("edit orders")
    )
    _refused(
        db, lambda: orders.set_service_level(db, config, "Z-1", "express", actor=me), may_not.format("edit orders")
    )
    release = lambda: picking.release_batch(db, state.batch_id, actor=me, idle_minutes=0, force=True)  # noqa: E731
    _refused(db, release, may_not.format("release batches"))
    # the supervisor screen's wrappers go through the same check, with the user read again from the database
    _refused(
        db, lambda: supervisor_actions.hold(db, config, pia, "Z-1", "x", terminal="t"), may_not.format("hold orders")
    )
    _refused(
        db,
        lambda: supervisor_actions.cancel(db, config, pia, "Z-2", "x", terminal="t"),
        may_not.format("cancel orders"),
    )
    reassign = lambda: supervisor_actions.reassign_batch(db, pia, state.batch_id, "adam", terminal="t")  # noqa: E731
    _refused(db, reassign, may_not.format("reassign batches"))
    free = lambda: supervisor_actions.release_batch(db, config, pia, state.batch_id, terminal="t")  # noqa: E731
    _refused(db, free, may_not.format("release batches"))
    priority = lambda: supervisor_actions.set_priority(db, config, pia, "Z-1", 900.0, terminal="t")  # noqa: E731
    _refused(db, priority, may_not.format("change priorities"))
    wave = lambda: supervisor_actions.release_wave(db, config, layout, pia, terminal="t")  # noqa: E731
    _refused(db, wave, may_not.format("release waves"))
    _refused(db, lambda: order_processing.process_once(db, config, actor=me), may_not.format("run a processing pass"))
    # and a packer may not pick, a picker may not pack
    paul = people["paul"]
    _refused(db, lambda: picking.claim_batch(db, paul, terminal="pk-1"), r"paul \(packer\) may not pick")
    _refused(db, lambda: packing.start_packing(db, config, "Z-1", actor=me), r"pia \(picker\) may not pack")


def test_an_actor_nobody_signed_in_is_refused(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    ghost = Actor("ghost_user_xyz", "cli")
    not_signed_in = r"ghost_user_xyz is not a signed-in user and may not {}"
    _refused(db, lambda: orders.cancel(db, config, "Z-1", "x", actor=ghost), not_signed_in.format("cancel orders"))
    _refused(db, lambda: orders.hold(db, config, "Z-1", "x", actor=ghost), not_signed_in.format("hold orders"))
    _refused(
        db, lambda: order_processing.process_once(db, config, actor=ghost), not_signed_in.format("run a processing")
    )
    _refused(db, lambda: plan_batches(db, config, layout, actor=ghost), not_signed_in.format("release waves"))
    add = lambda: users.add_user(db, "eve", "admin", "BADGE-EVE", "6666", actor=ghost)  # noqa: E731
    _refused(db, add, not_signed_in.format("add users"))
    # a real user's name with another id, or an id nobody has, is no better
    sofia, pia = people["sofia"], people["pia"]
    borrowed = Actor("sofia", "cli", pia.id)
    _refused(db, lambda: orders.hold(db, config, "Z-1", "x", actor=borrowed), r"sofia is not the name of user")
    _refused(db, lambda: orders.hold(db, config, "Z-1", "x", actor=Actor("sofia", "cli", 99_999)), "not a known user")
    # the same call as the real supervisor works
    assert orders.hold(db, config, "Z-1", "customer called", actor=actor_of(sofia)).status == "on_hold"


def test_a_disabled_user_is_refused_at_once(floor, config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    sofia, adam = people["sofia"], people["adam"]
    signed_in_earlier = actor_of(sofia)  # a screen that signed sofia in before she was disabled
    users.disable_user(db, "sofia", actor=actor_of(adam))
    _refused(
        db, lambda: orders.hold(db, config, "Z-1", "x", actor=signed_in_earlier), "sofia is disabled and may not hold"
    )
    hold = lambda: supervisor_actions.hold(db, config, sofia, "Z-1", "x", terminal="sup")  # noqa: E731
    _refused(db, hold, "sofia is disabled")


def test_a_locked_user_is_refused_until_unlocked(floor, config: Config) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pia, adam = people["pia"], people["adam"]
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    for _ in range(config.security.max_pin_failures):  # someone guesses pia's PIN at another terminal
        with pytest.raises(users.SignInRefused):
            users.sign_in_with_pin(db, "pia", "0000", terminal="hh-9", security=config.security)
    scan = lambda: picking.handle_scan(db, state.batch_id, "TOTE-0901", actor=actor_of(pia))  # noqa: E731
    _refused(db, scan, "pia is locked after wrong PINs until .* UTC; may not pick")
    users.unlock_user(db, "pia", actor=actor_of(adam))
    assert scan().accepted


def test_the_system_user_does_automation_but_cannot_pick_or_pack(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    system = users.system_actor(db, "cli")
    system_view = next(u for u in users.list_users(db, include_system=True) if u.name == "system")
    state = picking.claim_batch(db, people["pia"], terminal="hh-1")
    assert state is not None
    no = r"system \(system\) may not {}"
    _refused(db, lambda: picking.claim_batch(db, system_view, terminal="cli"), no.format("pick"))
    _refused(db, lambda: picking.handle_scan(db, state.batch_id, "TOTE-0001", actor=system), no.format("pick"))
    _refused(db, lambda: orders.cancel(db, config, "Z-1", "x", actor=system), no.format("cancel orders"))
    _refused(db, lambda: packing.start_packing(db, config, "Z-1", actor=system), no.format("pack"))
    _refused(db, lambda: users.disable_user(db, "pia", actor=system), no.format("disable users"))
    # what it is for: a processing pass, a wave, adding the demo crew
    assert order_processing.process_once(db, config, actor=system, layout=layout).released == 0
    assert users.add_user(db, "nina", "picker", "BADGE-NINA", "7777", actor=system).name == "nina"
    # and no person may run automation-only actions
    assert not roles.may("admin", "orders.import") and roles.may("system", "orders.import")


def test_a_supervisor_can_and_every_event_carries_the_users_id(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    sofia, pia = people["sofia"], people["pia"]
    me = Actor(sofia.name, "sup", sofia.id)
    orders.hold(db, config, "Z-1", "customer called", actor=me)
    orders.unhold(db, config, "Z-1", actor=me)
    supervisor_actions.set_priority(db, config, sofia, "Z-2", 400.0, terminal="sup")
    order_processing.process_once(db, config, actor=me, layout=layout)  # Z-1 goes back onto a cart
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    picking.release_batch(db, state.batch_id, actor=me, idle_minutes=0, force=True)
    orders.cancel(db, config, "Z-1", "customer cancelled", actor=me)
    with db.unit_of_work(readonly=True) as uow:
        by = {(e.kind, e.actor, e.user_id) for e in uow.session.scalars(select(Event).where(Event.terminal == "sup"))}
    assert by and {(actor, user_id) for _, actor, user_id in by} == {("sofia", sofia.id)}
    assert {"order.status", "batch.status", "order.priority_set"} <= {kind for kind, _, _ in by}


def test_packing_and_shipping_need_a_packer(floor, config: Config, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    db, people = floor
    pick_all(db, layout, people["pia"])
    order_id = _order_id(db, "Z-1")
    pia, paul = actor_of(people["pia"]), actor_of(people["paul"])
    state = packing.start_packing(db, config, "Z-1", actor=paul)
    state = packing.open_carton(db, config, order_id, state.suggestion[0], actor=paul).state
    _refused(db, lambda: packing.handle_scan(db, config, order_id, "9520000010010", actor=pia), "may not pack")
    state = packing.handle_scan(db, config, order_id, "9520000010010", actor=paul).state
    carton = state.open_carton
    assert carton is not None
    weight = Decimal(str(carton.expected_weight_kg))
    _refused(db, lambda: packing.close_carton(db, config, order_id, weight, actor=pia), "may not pack")
    packing.close_carton(db, config, order_id, weight, actor=paul)
    ship = lambda who: shipping.ship_order(db, config, order_id, actor=who, station="station-1")  # noqa: E731
    _refused(db, lambda: ship(pia), r"pia \(picker\) may not ship orders")
    outcome = ship(paul)
    shipment_id = shipping.find_shipment_for_order(db, "Z-1")
    void = lambda who: shipping.void_shipment(db, config, shipment_id, actor=who, reason="wrong")  # noqa: E731
    _refused(db, lambda: void(pia), r"pia \(picker\) may not void shipments")
    reprint = lambda who: shipping.reprint(db, config, shipment_id, actor=who, station="station-1")  # noqa: E731
    _refused(db, lambda: reprint(pia), r"pia \(picker\) may not print shipping documents")
    assert outcome.tracking_numbers and void(paul).order_number == "Z-1"
