"""A floor a supervisor would recognise, for the supervisor screen's tests and pictures: channel numbers
(``#D1011``), two pickers signed in (pia holding a batch with a short pick waiting, pete free), an order on hold,
orders released and waiting. Built through the services; ``freeze`` dates it for pictures that never change."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from app.db.models import Batch, BatchSlot, Order
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services import picking, users
from app.services.users import sign_in_with_badge
from tests.picking_support import release_orders, short_here

PETE = ("pete", "picker", "BADGE-PETE", "5555")


def seed_floor(db: Database, layout: Layout, tmp: Path) -> int:
    """Returns the id of pia's batch (with #D1011's mug short)."""
    release_orders(db, layout, tmp, [("#D1011", "MUG-BLU-350", 2), ("#D1012", "TEA-EARL-100", 1)])
    release_orders(db, layout, tmp, [("#D1013", "KETTLE-STEEL-1L", 1), ("#D1013", "INFUSER-SS", 1)])
    release_orders(db, layout, tmp, [("#D1014", "NO-SUCH-SKU", 1)])
    system = users.system_actor(db)
    users.add_user(db, *PETE, actor=system)
    pia = sign_in_with_badge(db, "BADGE-PIA", terminal="hh-1")
    sign_in_with_badge(db, "BADGE-PETE", terminal="hh-2")
    first_for(db, "#D1011")
    state = picking.claim_batch(db, pia, terminal="hh-1")
    assert state is not None
    for n in range(len(state.slots)):
        state = picking.handle_scan(db, state.batch_id, f"TOTE-{n + 1:04d}", actor=users_actor(pia)).state
    held = state.batch_id
    for _ in range(state.stops_total + 1):  # bounded: a skip moves a stop to the end
        if state.stop is None or state.stop.sku == "MUG-BLU-350":
            break
        state = picking.skip_stop(db, state.batch_id, state.stop.task_id, actor=users_actor(pia)).state
    assert state.stop is not None and state.stop.sku == "MUG-BLU-350", "pia's batch has no MUG-BLU-350 stop"
    short_here(db, layout, state, pia, "empty", counted=0)
    return held


def first_for(db: Database, number: str) -> None:
    """The batch holding order ``number`` is claimed first: the batches of the three passes can tie on priority,
    and the claim then took any of them (a batch without the mug made the skip loop below run forever)."""
    with db.unit_of_work() as uow:
        s = uow.session
        top = s.scalar(select(func.max(Batch.priority))) or 0.0
        batch_id = s.scalar(
            select(BatchSlot.batch_id).join(Order, Order.id == BatchSlot.order_id).where(Order.number == number)
        )
        assert batch_id is not None, f"no batch holds {number}"
        s.execute(update(Batch).where(Batch.id == batch_id).values(priority=top + 1))
        uow.commit()


def users_actor(user: users.UserView):  # type: ignore[no-untyped-def]
    from tests.picking_support import actor_of

    return actor_of(user)


def freeze(db: Database, at: datetime) -> None:
    """Orders and batches dated ``at``, shipping by ten days before it, with one priority: ages, idle times,
    lateness and scores read from a fixed "now" never change between runs (the event log is append-only and
    stays out of it: its times are replaced where a picture shows them)."""
    with db.unit_of_work() as uow:
        s = uow.session
        ship_by = (at - timedelta(days=10)).date()
        s.execute(update(Order).values(received_at=at, updated_at=at, ship_by=ship_by, priority=50))
        s.execute(update(Batch).values(created_at=at))
        s.execute(update(Batch).where(Batch.claimed_at.is_not(None)).values(claimed_at=at, last_activity_at=at))
        uow.commit()
